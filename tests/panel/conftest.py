"""The panel under test: a real app on a real SQLite database, one account per role."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from broadcaster import accounts
from broadcaster.accounts import Role
from broadcaster.runtime import FixedClock, build_runtime
from web import create_app

PASSWORD = "mat-khau-demo"
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # a Monday

ACCOUNTS = {
    "canbo": ("Trần Thị Biên", Role.STAFF, None),
    "canbo2": ("Lê Văn Duyệt", Role.STAFF, None),
    "xa-co-am": ("Phạm Văn Loa", Role.OPERATOR, "co-am"),
    "xa-tam-cuong": ("Vũ Thị Truyền", Role.OPERATOR, "tam-cuong"),
    "lanhdao": ("Nguyễn Văn Lãnh", Role.LEADER, None),
    "quantri": ("Đỗ Quản Trị", Role.ADMIN, None),
}


_HASHES: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _hash_each_password_once(monkeypatch):
    """Six accounts per test would cost a second of scrypt each time; the hashes
    stay real (salted scrypt), each is computed once per session."""
    real = accounts.generate_password_hash

    def remembered(password: str) -> str:
        if password not in _HASHES:
            _HASHES[password] = real(password)
        return _HASHES[password]

    monkeypatch.setattr(accounts, "generate_password_hash", remembered)


@pytest.fixture
def panel_runtime(repo, rendered, library_copy):
    """The runtime over real renders of a few bulletins and a private copy of the
    library, so that nothing a test edits in the panel reaches bulletins/."""
    return build_runtime(
        environ={
            "BROADCASTER_DATA_DIR": str(rendered),
            "BROADCASTER_LIBRARY_DIR": str(library_copy),
            "BROADCASTER_SPEECH__ENGINES": "espeak",
        },
        clock=FixedClock(NOW),
    )


@pytest.fixture
def app(panel_runtime):
    app = create_app(
        {
            "BROADCASTER_RUNTIME": panel_runtime,
            "TESTING": True,
            "SECRET_KEY": "test-secret",
        }
    )
    for username, (full_name, role, station_id) in ACCOUNTS.items():
        accounts.add_user(
            panel_runtime.engine,
            username=username,
            full_name=full_name,
            password=PASSWORD,
            role=role,
            station_id=station_id,
            now=NOW,
        )
    return app


class Browser:
    """A test client that logs in and sends the CSRF token like a real form would."""

    def __init__(self, client) -> None:
        self.client = client

    def csrf(self) -> str:
        page = self.client.get("/login").get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login(self, username: str, password: str = PASSWORD):
        return self.post("/login", {"username": username, "password": password})

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        data = {"csrf_token": self.csrf(), **(data or {})}
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def browser(app) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def as_role(app):
    """A logged-in Browser for one of ACCOUNTS: ``as_role("canbo")``."""

    def login(username: str) -> Browser:
        browser = Browser(app.test_client())
        response = browser.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser

    return login
