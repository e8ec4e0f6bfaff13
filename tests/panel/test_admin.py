"""The administrator's area: accounts and station tokens, for admins only, every action audited."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from broadcaster import accounts, audit
from broadcaster.accounts import tokens
from broadcaster.runtime import FixedClock, build_runtime

from .conftest import NOW
from .test_redirects import follow_refusal

ROUTES = [
    ("GET", "/admin/users"),
    ("POST", "/admin/users"),
    ("POST", "/admin/users/canbo/active"),
    ("POST", "/admin/users/canbo/password"),
    ("GET", "/admin/tokens"),
    ("POST", "/admin/tokens"),
    ("POST", "/admin/tokens/1/revoke"),
]
NEW_OPERATOR = {
    "username": "xa-vinh-tien",
    "full_name": "Ngô Thị Phát",
    "password": "mat-khau-moi-1",
    "role": "operator",
    "station_id": "vinh-tien",
}


@pytest.fixture
def panel_runtime(repo, data_dir):
    """Accounts and tokens need no audio: a runtime without the rendered bulletins."""
    return build_runtime(environ={"BROADCASTER_DATA_DIR": str(data_dir)}, clock=FixedClock(NOW))


@pytest.fixture
def admin(as_role):
    return as_role("quantri")


def trail(runtime) -> list[tuple[str, str, str]]:
    entries = reversed(audit.recent(runtime.engine))
    return [(e.actor, e.action, e.target) for e in entries if e.action != "login"]


def call(browser, method: str, url: str, data: dict | None = None):
    return browser.get(url) if method == "GET" else browser.post(url, data or {})


def test_admin_pages_are_for_admins_only(as_role, panel_runtime):
    for username in ("canbo", "xa-co-am", "lanhdao"):
        browser = as_role(username)
        for method, url in ROUTES:
            response = call(browser, method, url, {"station_id": "co-am"})
            assert response.status_code == 403, (username, url)
    assert tokens.list_tokens(panel_runtime.engine) == []
    assert trail(panel_runtime) == []


def test_anonymous_visitors_are_sent_to_log_in(browser):
    for method, url in ROUTES:
        response = call(browser, method, url)
        assert (
            response.status_code == 302 and urlparse(response.headers["Location"]).path == "/login"
        )


def test_every_admin_view_declares_its_permission(app):
    views = {e: f for e, f in app.view_functions.items() if e.startswith("admin.")}
    assert len(views) == len(ROUTES)
    assert {f.required_action for f in views.values()} == {"users.manage", "tokens.manage"}


def test_the_admin_lands_on_the_accounts_page(admin):
    response = admin.get("/")
    assert response.headers["Location"].endswith("/admin/users")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "Quản trị tài khoản" in page and "Phạm Văn Loa" in page and "Xã Cổ Am" in page


def test_an_operator_account_for_a_station_of_the_schedule(admin, browser, panel_runtime):
    response = admin.post("/admin/users", NEW_OPERATOR)
    assert response.status_code == 302
    assert "Đã tạo tài khoản “xa-vinh-tien”" in admin.get("/admin/users").get_data(as_text=True)
    (user,) = [u for u in accounts.list_users(panel_runtime.engine) if u.username == "xa-vinh-tien"]
    assert user.station_id == "vinh-tien" and user.role is accounts.Role.OPERATOR
    assert trail(panel_runtime) == [("quantri", "add_user", "xa-vinh-tien")]
    assert "mat-khau-moi-1" not in repr(audit.recent(panel_runtime.engine))
    assert browser.login("xa-vinh-tien", "mat-khau-moi-1").status_code == 302
    assert browser.get("/").headers["Location"].endswith("/station/vinh-tien/today")


BAD_ACCOUNTS = [
    ({"station_id": "khong-co-xa-nay"}, "Đài “khong-co-xa-nay” không có trong lịch phát."),
    ({"station_id": ""}, "cần chọn đài của xã mình"),
    ({"username": "Xã Vĩnh Tiến"}, "Tên đăng nhập gồm 2–63 ký tự"),
    ({"username": "xa-co-am"}, "Tên đăng nhập “xa-co-am” đã có người dùng."),
    ({"password": "ngan"}, "Mật khẩu cần ít nhất 8 ký tự."),
    ({"password": "12345678"}, "Mật khẩu quá phổ biến, dễ bị đoán ra"),
    ({"password": "aaaaaaaa"}, "Mật khẩu không được chỉ lặp lại một ký tự."),
    ({"password": " " * 8}, "Mật khẩu không được chỉ gồm dấu cách."),
    ({"password": "anhyeuem"}, "Mật khẩu quá phổ biến"),
    ({"full_name": "  "}, "Hãy nhập họ và tên."),
    ({"role": "superuser"}, "Hãy chọn vai trò."),
]


def test_a_bad_account_is_refused_in_vietnamese(admin, panel_runtime):
    before = accounts.list_users(panel_runtime.engine)
    for changes, message in BAD_ACCOUNTS:
        form = {**NEW_OPERATOR, **changes}
        page = follow_refusal(admin, "/admin/users", form)
        assert message in page, changes
        assert f'value="{form["full_name"].strip()}"' in page, changes  # what was typed, kept
        assert f'value="{form["password"]}"' not in page  # but never the password
    assert accounts.list_users(panel_runtime.engine) == before
    assert trail(panel_runtime) == []


def test_a_leader_has_no_station(admin, panel_runtime):
    form = {**NEW_OPERATOR, "username": "lanhdao2", "role": "leader"}
    assert admin.post("/admin/users", form).status_code == 302
    (user,) = [u for u in accounts.list_users(panel_runtime.engine) if u.username == "lanhdao2"]
    assert user.role is accounts.Role.LEADER and user.station_id is None


def test_disabling_and_enabling_an_account(admin, browser, panel_runtime):
    assert admin.post("/admin/users/xa-co-am/active", {"active": "0"}).status_code == 302
    assert browser.login("xa-co-am").status_code == 401
    assert admin.post("/admin/users/xa-co-am/active", {"active": "1"}).status_code == 302
    assert browser.login("xa-co-am").status_code == 302
    page = follow_refusal(admin, "/admin/users/quantri/active", {"active": "0"})
    assert 'id="loi-u-quantri" role="alert">Không thể tự khóa' in page  # at the top and the row
    assert trail(panel_runtime) == [
        ("quantri", "disable_user", "xa-co-am"),
        ("quantri", "enable_user", "xa-co-am"),
    ]


def test_resetting_a_password(admin, browser, panel_runtime):
    short = admin.post("/admin/users/xa-co-am/password", {"password": "1234"})
    assert short.status_code == 303 and short.headers["Location"].endswith("#u-xa-co-am")
    page = admin.get(short.headers["Location"]).get_data(as_text=True)
    assert 'id="loi-mat-khau-xa-co-am" role="alert">Mật khẩu mới của “xa-co-am” cần ít nhất' in page
    assert "<details open>" in page  # the row's password form, opened at its message
    assert (
        admin.post("/admin/users/xa-co-am/password", {"password": "doi-mat-khau-2"}).status_code
        == 302
    )
    assert browser.login("xa-co-am").status_code == 401  # the old password
    assert browser.login("xa-co-am", "doi-mat-khau-2").status_code == 302
    assert trail(panel_runtime) == [("quantri", "reset_password", "xa-co-am")]
    assert "doi-mat-khau-2" not in repr(audit.recent(panel_runtime.engine))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("matkhau123", "Mật khẩu mới của “xa-co-am” quá phổ biến"),
        ("11111111", "Mật khẩu mới của “xa-co-am” không được chỉ lặp lại một ký tự."),
    ],
)
def test_a_weak_new_password_is_refused_in_vietnamese(
    admin, browser, panel_runtime, password, message
):
    page = follow_refusal(admin, "/admin/users/xa-co-am/password", {"password": password})
    assert message in page and f'value="{password}"' not in page
    assert browser.login("xa-co-am").status_code == 302  # the old password still works
    assert trail(panel_runtime) == []


def test_a_token_is_shown_once_and_can_be_revoked(admin, panel_runtime):
    response = admin.post("/admin/tokens", {"station_id": "co-am"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = re.search(r'<p class="secret" id="token">([^<]+)</p>', page).group(1)
    assert "mã chỉ hiện một lần" in page and "Authorization: Bearer" in page
    assert tokens.verify(panel_runtime.engine, secret).station_id == "co-am"
    listing = admin.get("/admin/tokens").get_data(as_text=True)
    assert secret not in listing and "Mã số 1" in listing and "đang dùng" in listing

    assert admin.post("/admin/tokens/1/revoke").status_code == 302
    assert tokens.verify(panel_runtime.engine, secret) is None
    assert "đã thu hồi" in admin.get("/admin/tokens").get_data(as_text=True)
    assert admin.post("/admin/tokens/1/revoke").status_code == 302  # again: nothing to do
    assert admin.post("/admin/tokens/99/revoke").status_code == 302
    assert trail(panel_runtime) == [
        ("quantri", "issue_token", "co-am"),
        ("quantri", "revoke_token", "co-am"),
    ]
    assert secret not in repr(audit.recent(panel_runtime.engine))


def test_a_token_only_for_a_station_of_the_schedule(admin, panel_runtime):
    response = admin.post("/admin/tokens", {"station_id": "xa-ao"})
    assert response.status_code == 422
    assert "Đài “xa-ao” không có trong lịch phát." in response.get_data(as_text=True)
    assert tokens.list_tokens(panel_runtime.engine) == [] and trail(panel_runtime) == []
