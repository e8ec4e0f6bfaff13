"""Logging in: hashed passwords, throttled guessing, sessions that end, safe redirects."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from broadcaster import accounts, audit
from broadcaster.db import users
from broadcaster.runtime import FixedClock, build_runtime
from web import create_app, proxies
from web.auth import safe_next

from .conftest import ACCOUNTS, NOW, PASSWORD, Browser

STRANGER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def panel_runtime(repo, data_dir):
    """Logging in needs no audio: a runtime without the rendered bulletins."""
    return build_runtime(environ={"BROADCASTER_DATA_DIR": str(data_dir)}, clock=FixedClock(NOW))


@pytest.fixture
def app_with(repo, data_dir):
    """An app whose settings differ: ``app_with(BROADCASTER_PANEL__...="...")``."""

    def build(**environ: str):
        runtime = build_runtime(
            environ={"BROADCASTER_DATA_DIR": str(data_dir), **environ}, clock=FixedClock(NOW)
        )
        app = create_app({"BROADCASTER_RUNTIME": runtime, "TESTING": True, "SECRET_KEY": "s"})
        full_name, role, _ = ACCOUNTS["canbo"]
        if not any(u.username == "canbo" for u in accounts.list_users(runtime.engine)):
            accounts.add_user(
                runtime.engine,
                username="canbo",
                full_name=full_name,
                password=PASSWORD,
                role=role,
                now=NOW,
            )
        return app

    return build


def copy_of(browser: Browser, app) -> Browser:
    """Another browser holding a copy of ``browser``'s session cookie (a stolen cookie)."""
    thief = Browser(app.test_client())
    thief.client.set_cookie("session", browser.client.get_cookie("session").value)
    return thief


def logged_in(browser: Browser) -> bool:
    return not browser.get("/").headers["Location"].endswith("/login")


def test_anonymous_visitors_are_sent_to_the_login_page(browser):
    response = browser.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = browser.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Đăng nhập" in page


def test_wrong_password_is_refused_in_vietnamese(browser):
    response = browser.login("canbo", "sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_a_post_without_csrf_token_is_rejected(browser):
    response = browser.client.post("/login", data={"username": "canbo", "password": "x" * 9})
    assert response.status_code == 400
    assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)


def test_passwords_are_stored_hashed(app, panel_runtime):
    with panel_runtime.engine.connect() as connection:
        stored = connection.execute(select(users.c.password_hash)).scalars().all()
    assert stored and all(h.startswith("scrypt:") and PASSWORD not in h for h in stored)


def test_session_cookie_is_httponly_samesite_and_ends_with_the_browser(browser):
    cookie = browser.login("canbo").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie


def test_a_disabled_account_cannot_log_in_or_keep_its_session(as_role, panel_runtime):
    staff = as_role("canbo")
    accounts.set_active(panel_runtime.engine, "canbo", False)
    assert staff.get("/").headers["Location"].endswith("/login")
    assert staff.login("canbo").status_code == 401


def test_login_is_audited(as_role, panel_runtime):
    as_role("lanhdao")
    entries = audit.recent(panel_runtime.engine)
    assert [(e.actor, e.action) for e in entries] == [("lanhdao", "login")]


def test_a_login_whose_audit_write_fails_still_gets_in(browser, monkeypatch, caplog):
    def locked(*_args, **_kwargs):
        raise OperationalError("INSERT INTO audit", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "log", locked)
    with caplog.at_level(logging.ERROR):
        response = browser.login("canbo")
    assert response.status_code == 302 and logged_in(browser)
    assert "could not write the audit entry for canbo's login" in caplog.text


def test_logout_needs_a_post_with_token(as_role):
    staff = as_role("canbo")
    assert staff.get("/logout").status_code == 405
    assert staff.post("/logout").status_code == 302
    assert staff.get("/").headers["Location"].endswith("/login")


# ---------------------------------------------------------------- sessions that end


def test_a_copied_cookie_stops_working_at_logout(as_role, app):
    staff = as_role("canbo")
    thief = copy_of(staff, app)
    assert logged_in(thief)
    staff.post("/logout")
    assert not logged_in(thief)


def test_a_password_change_by_the_admin_ends_every_session(as_role, app):
    operator = as_role("xa-co-am")
    thief = copy_of(operator, app)
    admin = as_role("quantri")
    assert (
        admin.post("/admin/users/xa-co-am/password", {"password": "doi-mat-khau-2"}).status_code
        == 302
    )
    assert not logged_in(thief) and not logged_in(operator)
    assert logged_in(admin)  # the admin's own session is another account's


def test_an_admin_changing_their_own_password_stays_logged_in_there_only(as_role, app):
    admin = as_role("quantri")
    elsewhere = copy_of(admin, app)
    assert (
        admin.post("/admin/users/quantri/password", {"password": "doi-mat-khau-2"}).status_code
        == 302
    )
    assert logged_in(admin) and not logged_in(elsewhere)


def test_a_password_change_from_the_command_line_ends_every_session(as_role, app, run_cli):
    thief = copy_of(as_role("canbo"), app)
    changed = run_cli("user", "passwd", "canbo", "--password-stdin", input="doi-mat-khau-2\n")
    assert changed.exit_code == 0, changed.output
    assert not logged_in(thief)


def test_disabling_and_enabling_again_does_not_revive_a_copied_cookie(as_role, app):
    thief = copy_of(as_role("xa-co-am"), app)
    admin = as_role("quantri")
    admin.post("/admin/users/xa-co-am/active", {"active": "0"})
    admin.post("/admin/users/xa-co-am/active", {"active": "1"})
    assert not logged_in(thief)
    assert as_role("xa-co-am")  # the owner logs in again


def test_a_session_lasts_the_configured_hours(as_role, panel_runtime):
    staff = as_role("canbo")
    panel_runtime.clock.advance(dt.timedelta(hours=11, minutes=59))
    assert logged_in(staff)
    panel_runtime.clock.advance(dt.timedelta(minutes=2))  # 12 h by default
    assert not logged_in(staff)


def test_the_session_lifetime_is_a_setting(app_with):
    app = app_with(BROADCASTER_PANEL__SESSION_HOURS="2")
    staff = Browser(app.test_client())
    assert staff.login("canbo").status_code == 302
    app.extensions["broadcaster"].clock.advance(dt.timedelta(hours=2))
    assert not logged_in(staff)


def session_cookie(app, *, https: bool = False, headers: dict | None = None) -> str:
    """The Set-Cookie of a login; over HTTPS a browser sends its Referer (CSRF checks it)."""
    base = "https://localhost" if https else "http://localhost"
    headers = {"Referer": "https://localhost/login", **(headers or {})}
    login = {"username": "canbo", "password": PASSWORD}
    response = Browser(app.test_client()).post("/login", login, base_url=base, headers=headers)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Set-Cookie"]


def test_the_cookie_is_secure_when_the_panel_is_reached_over_https(app_with):
    app = app_with()
    assert "Secure" not in session_cookie(app)
    assert "Secure" in session_cookie(app, https=True)


def test_https_through_a_proxy_counts_only_for_a_trusted_proxy(app_with):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    assert "Secure" not in session_cookie(app_with(), headers=forwarded)  # anyone can say so
    trusting = app_with(BROADCASTER_PANEL__TRUSTED_PROXIES="127.0.0.1")
    assert "Secure" in session_cookie(trusting, headers=forwarded)


def test_the_secure_flag_can_be_forced_either_way(app_with):
    assert "Secure" in session_cookie(app_with(BROADCASTER_PANEL__SECURE_COOKIES="true"))
    never = app_with(BROADCASTER_PANEL__SECURE_COOKIES="false")
    assert "Secure" not in session_cookie(never, https=True)


# ---------------------------------------------------------------- where a login leads


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example/x",
        "/\t/evil.example/x",
        "/\n/evil.example",
        " //evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_a_next_page_elsewhere_is_refused(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/", "/reports?day=2026-11-30", "/content/f02#audio"])
def test_a_next_page_on_this_site_is_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "query",
    ["/%09/evil.example/x", "/%5Cevil.example", "https://evil.example", "%20//evil.example"],
)
def test_logging_in_never_leads_to_another_site(browser, query):
    response = browser.post(f"/login?next={query}", {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_logging_in_leads_to_the_page_asked_for(browser):
    response = browser.post("/login?next=/audit", {"username": "canbo", "password": PASSWORD})
    assert response.headers["Location"] == "/audit"


# ---------------------------------------------------------------- guessing


def test_guessing_from_one_address_is_stopped_there(browser):
    for _ in range(5):
        assert browser.login("canbo", "doan-bua-1").status_code == 401
    response = browser.login("canbo")  # even the right one waits now, from here
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Bạn đã thử quá nhiều lần" in response.get_data(as_text=True)


def test_a_stranger_cannot_lock_out_the_owner(browser, app):
    for _ in range(30):
        browser.post("/login", {"username": "canbo", "password": "doan-bua"}, environ_base=STRANGER)
    login = {"username": "canbo", "password": PASSWORD}
    assert browser.post("/login", login, environ_base=STRANGER).status_code == 429
    owner = Browser(app.test_client())
    assert owner.post("/login", login, environ_base=OWNER).status_code == 302


def test_guessing_many_accounts_from_one_address_is_slowed(browser):
    statuses = [
        browser.post(
            "/login", {"username": f"ten-{n}", "password": "doan-bua"}, environ_base=STRANGER
        ).status_code
        for n in range(25)
    ]
    assert statuses[:20] == [401] * 20 and set(statuses[20:]) == {429}


def test_behind_a_trusted_proxy_each_client_is_throttled_alone(app_with):
    app = app_with(BROADCASTER_PANEL__TRUSTED_PROXIES="127.0.0.1")
    browser = Browser(app.test_client())

    def via_proxy(client_ip: str, password: str) -> int:
        headers = {"X-Forwarded-For": client_ip}
        login = {"username": "canbo", "password": password}
        return browser.post("/login", login, headers=headers).status_code

    assert [via_proxy("203.0.113.9", "doan-bua") for _ in range(6)][-1] == 429
    assert via_proxy("198.51.100.7", PASSWORD) == 302


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(browser):
    for n in range(6):
        headers = {"X-Forwarded-For": f"192.0.2.{n}"}  # a fresh disguise each time
        last = browser.post(
            "/login", {"username": "canbo", "password": "doan-bua"}, headers=headers
        )
    assert last.status_code == 429


def test_a_flood_of_huge_logins_is_not_kept(browser, app):
    huge = "a" * 100_000
    for login in ({"username": huge, "password": "x"}, {"username": "canbo", "password": huge}):
        for _ in range(10):
            response = browser.post("/login", login)
            assert response.status_code == 401
            assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
            assert huge not in response.get_data(as_text=True)
    assert len(app.extensions["login_throttle"]) == 0
    assert browser.login("canbo").status_code == 302  # and nobody was slowed by it


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # one trusted proxy
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the left part may be forged
        ("127.0.0.1", "198.51.100.7, 10.0.0.5", "198.51.100.7"),  # two proxies of ours
        ("127.0.0.1", "10.0.0.4, 10.0.0.5", "10.0.0.4"),  # nobody but our proxies
        ("127.0.0.1", "garbage", "127.0.0.1"),
        ("127.0.0.1", None, "127.0.0.1"),
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # not a proxy of ours
    ],
)
def test_the_client_address_behind_trusted_proxies(remote, forwarded, client):
    trusted = proxies.networks(["127.0.0.1", "10.0.0.0/24"])
    assert proxies.client_address(remote, forwarded, trusted) == client
