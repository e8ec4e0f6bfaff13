"""Logging in: hashed passwords, throttled guessing, CSRF on every form, safe cookies."""

from __future__ import annotations

from sqlalchemy import select

from broadcaster import accounts, audit
from broadcaster.db import users


def test_anonymous_visitors_are_sent_to_the_login_page(browser):
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = browser.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Đăng nhập" in page


def test_wrong_password_is_refused_in_vietnamese(browser):
    response = browser.login("canbo", "sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_guessing_is_throttled(browser, app):
    for _ in range(app.config["LOGIN_ATTEMPTS"]):
        assert browser.login("canbo", "doan-bua-1").status_code == 401
    response = browser.login("canbo", "mat-khau-demo")  # even the right one waits now
    assert response.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in response.get_data(as_text=True)


def test_a_post_without_csrf_token_is_rejected(browser):
    response = browser.client.post("/login", data={"username": "canbo", "password": "x" * 9})
    assert response.status_code == 400
    assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)


def test_passwords_are_stored_hashed(app, panel_runtime):
    with panel_runtime.engine.connect() as connection:
        stored = connection.execute(select(users.c.password_hash)).scalars().all()
    assert stored and all(h.startswith("scrypt:") and "mat-khau-demo" not in h for h in stored)


def test_session_cookie_is_httponly_and_samesite(browser):
    response = browser.login("canbo")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_disabled_account_cannot_log_in_or_keep_its_session(as_role, panel_runtime):
    staff = as_role("canbo")
    accounts.set_active(panel_runtime.engine, "canbo", False)
    assert staff.get("/").headers["Location"].endswith("/login")
    assert staff.login("canbo").status_code == 401


def test_login_is_audited(as_role, panel_runtime):
    as_role("lanhdao")
    entries = audit.recent(panel_runtime.engine)
    assert [(e.actor, e.action) for e in entries] == [("lanhdao", "login")]


def test_logout_needs_a_post_with_token(as_role):
    staff = as_role("canbo")
    assert staff.get("/logout").status_code == 405
    assert staff.post("/logout").status_code == 302
    assert staff.get("/").headers["Location"].endswith("/login")
