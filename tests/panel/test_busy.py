"""When things go wrong on the server: a database held by another process, an unexpected error.

The lock is real: a second process opens a write transaction (``BEGIN IMMEDIATE``)
on the panel's SQLite file and holds it. The panel's busy timeout is lowered to a
fraction of a second for these tests (it is 10 s in service) so nothing sleeps long.
"""

from __future__ import annotations

import contextlib
import logging
import re
import subprocess
import sys

import pytest

from broadcaster import airlog, approval, db
from broadcaster.accounts import tokens
from broadcaster.airlog import Outcome
from broadcaster.airplan.store import load_plan
from web.errors import BUSY

from .test_station import DAY, NOW, confirm, logged

BUSY_TIMEOUT_S = 0.3
HOLD = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()  # until the test closes our input
connection.rollback()
"""


@pytest.fixture
def panel_runtime(panel_runtime):
    """The conftest's runtime, its database opened with a short busy timeout."""
    panel_runtime.engine = db.connect(
        panel_runtime.settings.database, busy_timeout_s=BUSY_TIMEOUT_S
    )
    return panel_runtime


@pytest.fixture
def planned(app, panel_runtime):
    from .test_station import plan

    plan(panel_runtime)


@contextlib.contextmanager
def locked(runtime):
    """Another process holds the database's write lock until the block ends."""
    path = runtime.settings.database.removeprefix("sqlite:///")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


def test_a_confirmation_during_a_lock_is_kept_on_the_page_to_send_again(
    as_role, planned, panel_runtime
):
    operator = as_role("xa-co-am")
    with locked(panel_runtime):
        response = confirm(operator, 3, outcome="aired", started_at="2026-11-30T06:34")
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        page = response.get_data(as_text=True)
        item = page[page.index('id="muc-3"') : page.index('id="muc-4"')]
        assert BUSY in item  # at the item, with the operator's time still in its field
        assert 'name="started_time" value="06:34"' in item
        assert 'name="started_date" value="30/11/2026"' in item
        assert 'href="#muc-3">Bản tin 03</a> chưa được ghi nhận: ' + BUSY in page  # and at the top

        response = confirm(operator, 5, outcome="missed", reason="Mất điện cả xã từ 6 giờ")
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        item = page[page.index('id="muc-5"') : page.index('id="muc-6"')]
        assert '<details class="not-aired" open>' in item
        assert ">Mất điện cả xã từ 6 giờ</textarea>" in item
    assert logged(panel_runtime) == []

    assert confirm(operator, 3, outcome="aired", started_at="2026-11-30T06:34").status_code == 302
    (entry,) = logged(panel_runtime)
    assert entry.outcome is Outcome.AIRED and entry.started_at == NOW.replace(hour=6, minute=34)


def test_any_other_form_during_a_lock_gives_the_typed_text_back(as_role, panel_runtime):
    staff = as_role("canbo")
    record = panel_runtime.renders()["mo-dau"]
    form = {"verdict": "reject", "sha256": record.sha256, "comment": "Đọc sai số điện thoại"}
    with locked(panel_runtime):
        response = staff.post("/content/mo-dau/decision", form)
    assert response.status_code == 503 and "Retry-After" in response.headers
    page = response.get_data(as_text=True)
    assert BUSY in page and "Lỗi 503" in page
    resend = page[page.index('<form method="post" action="/content/mo-dau/decision"') :]
    assert 'value="Đọc sai số điện thoại"' in resend  # visible, to send again as it was
    assert f'type="hidden" name="sha256" value="{record.sha256}"' in resend
    assert 'type="hidden" name="verdict" value="reject"' in resend
    assert 'name="csrf_token"' in resend

    sent_again = dict(re.findall(r'<input type="\w+" name="(\w+)" value="([^"]*)"', resend))
    assert staff.client.post("/content/mo-dau/decision", data=sent_again).status_code == 302
    decision = approval.latest_decisions(panel_runtime.engine)[record.sha256]
    assert decision.comment == "Đọc sai số điện thoại" and decision.decided_by == "canbo"


def test_the_api_answers_503_json_with_retry_after(app, planned, panel_runtime):
    secret = tokens.issue(panel_runtime.engine, "co-am", by="quantri", now=NOW).secret
    item = load_plan(panel_runtime.engine, NOW.date(), NOW.tzinfo, "co-am")[2]
    at = item.starts_at.isoformat(timespec="milliseconds")
    body = {"scheduled_at": at, "started_at": at, "outcome": "aired", "position": item.position}
    platform = app.test_client()
    with locked(panel_runtime):
        response = platform.post(
            "/api/v1/stations/co-am/airings",
            json=body,
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert response.status_code == 503, response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0
    assert response.json["error"].startswith("Hệ thống đang bận")
    assert list(airlog.entries(panel_runtime.engine, station_id="co-am")) == []
    again = platform.post(
        "/api/v1/stations/co-am/airings", json=body, headers={"Authorization": f"Bearer {secret}"}
    )
    assert again.status_code == 201  # the platform's retry, once the lock is gone


def test_an_unexpected_error_is_a_vietnamese_page_and_a_logged_traceback(
    as_role, planned, monkeypatch, caplog
):
    from web.station import views

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(views.days, "load_day", broken)
    operator = as_role("xa-co-am")
    with caplog.at_level(logging.ERROR):
        response = operator.get(DAY)
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Lỗi 500" in page and "Đã xảy ra lỗi ngoài dự kiến" in page
    assert "Internal Server Error" not in page and "disk on fire" not in page
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is RuntimeError and DAY in record.getMessage()


def test_an_unexpected_error_in_the_api_is_json(app, planned, panel_runtime, monkeypatch):
    from web import api

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api.days, "load_day", broken)
    secret = tokens.issue(panel_runtime.engine, "co-am", by="quantri", now=NOW).secret
    response = app.test_client().get(
        "/api/v1/stations/co-am/playlist", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 500
    assert "lỗi ngoài dự kiến" in response.json["error"]
