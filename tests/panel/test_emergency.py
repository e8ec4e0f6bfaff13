""" "Cảnh báo khẩn": a warning typed in the panel, heard, approved by a second person,
sent to two communes, fetched by an IP loudspeaker, aired once, and in the reports.

NOW is Monday 30/11/2026 08:00 (pinned). Xã Cổ Am airs at 6:30 and 17:30, Xã Tam Cường
at 6:15 and 17:15: a warning raised at 08:00 heads their evening slots, and the
loudspeakers get it at once from the station API. The four-eyes rule is on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import shutil
import time

import pytest

from broadcaster import airlog, alerts, approval, audit
from broadcaster.accounts import tokens
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.alerts import emergency
from broadcaster.alerts.withdrawing import withdraw_alert
from broadcaster.errors import Refused
from broadcaster.runtime import FixedClock, build_runtime
from web import refusals

from . import test_browser_story as story
from .conftest import NOW
from .test_browser_story import fits, log_in

# The real headless Chromium and the served panel, as the browser story has them.
chromium, console_errors, server = story.chromium, story.console_errors, story.server

VN = dt.timezone(dt.timedelta(hours=7))
TITLE = "Bão số 12 đổ bộ chiều nay"
BODY = (
    "Bão số 12 đổ bộ lúc 14h ngày 30/11. Bà con chằng chống nhà cửa, không ra biển, "
    "gọi 113 khi cần giúp đỡ."
)
SPOKEN = "mười bốn giờ ngày ba mươi tháng mười một"


@pytest.fixture
def panel_runtime(repo, rendered, library_copy):
    """The panel's runtime with the four-eyes rule on; every shipped render approved and
    today planned, as on a working morning."""
    rt = build_runtime(
        environ={
            "BROADCASTER_DATA_DIR": str(rendered),
            "BROADCASTER_LIBRARY_DIR": str(library_copy),
            "BROADCASTER_SPEECH__ENGINES": "espeak",
            "BROADCASTER_PANEL__FOUR_EYES": "true",
        },
        clock=FixedClock(NOW),
    )
    assert rt.settings.panel.four_eyes
    for record in rt.renders().values():
        approval.decide(rt.engine, record, verdict=approval.Verdict.APPROVED, by="canbo2", now=NOW)
    airplan.plan_range(rt, NOW.date(), 1, by="canbo")
    return rt


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return html.unescape(response.get_data(as_text=True))


def said(code: str, **params) -> str:
    return refusals.text(Refused(code, "", **params), VN)


def typed(app, staff, title: str = TITLE, body: str = BODY) -> str:
    """Staff type a warning; returns its id once its audio is rendered (the panel's job)."""
    response = staff.post("/schedule/emergency", {"title": title, "body": body})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    bulletin_id = re.search(r"/schedule/emergency/([a-z0-9-]+)", location).group(1)
    job_id = re.search(r"job=([^&#]+)", location).group(1)
    board = app.extensions["content.jobs"]
    deadline = time.monotonic() + 120
    with app.app_context():
        while not board.get(job_id).finished:
            assert time.monotonic() < deadline, "the render did not finish"
            time.sleep(0.1)
        assert board.get(job_id).state == "done", board.get(job_id).message
    return bulletin_id


def sha_of(rt, bulletin_id: str) -> str:
    return rt.renders()[bulletin_id].sha256


def alert_item(rt, station_id: str, alert_id: int):
    (item,) = [
        i for i in load_plan(rt.engine, NOW.date(), VN, station_id) if f"#{alert_id} " in i.reason
    ]
    return item


# ---------------------------------------------------------------- the whole story, in Chromium


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_a_typed_warning_reaches_a_loudspeaker_once_and_the_reports(
    server,
    chromium,
    app,
    panel_runtime,
    tmp_path,
    console_errors,  # noqa: F811 (fixtures)
):
    shots = tmp_path / "shots"
    shots.mkdir()
    staff = log_in(chromium, server, "canbo", console_errors)
    staff.goto(f"{server}/schedule/emergency")
    fits(staff, shots, "emergency-new", whole=True)
    staff.fill("#title", TITLE)
    staff.fill("#body", BODY)
    staff.click("form.emergency-form button[type=submit]")
    # The page reloads itself while the offline voice renders.
    staff.wait_for_selector("#am-thanh audio", timeout=120_000)
    draft_url = staff.url.split("?")[0]
    assert SPOKEN in staff.inner_text("#loi-doc")  # what the voice will say
    duration = staff.eval_on_selector(
        "#am-thanh audio",
        """audio => new Promise(done => {
            if (audio.readyState >= 1) return done(audio.duration);
            audio.addEventListener('loadedmetadata', () => done(audio.duration));
            audio.load();
        })""",
    )
    assert duration > 3
    fits(staff, shots, "emergency-draft", whole=True)

    # The author may not approve their own warning under four-eyes.
    assert "Bạn là người soạn" in staff.inner_text("#duyet")
    assert staff.is_disabled("#duyet-nut")  # the server refuses it too: see below

    # A second member of staff listens and approves, then sends it to two communes.
    second = log_in(chromium, server, "canbo2", console_errors)
    second.goto(draft_url)
    second.click("#duyet-nut")
    second.wait_for_load_state()
    assert "Đã duyệt" in second.inner_text("#duyet")
    second.check("#phat input[value=co-am]")
    second.check("#phat input[value=tam-cuong]")
    second.click("#phat button[type=submit]")
    second.wait_for_load_state()
    assert "/schedule/alert/confirm" in second.url
    fits(second, shots, "emergency-confirm", whole=True)
    second.click("form.confirm-actions button[type=submit]")
    second.wait_for_load_state()
    assert "Đã phát lệnh thông báo khẩn cấp" in second.inner_text("main")
    fits(second, shots, "alert-list", whole=True)
    (alert,) = alerts.alerts_raised(panel_runtime.engine, NOW - dt.timedelta(hours=1))
    assert alert.title == TITLE and alert.station_ids == ("co-am", "tam-cuong")
    assert alert.raised_by == "canbo2"
    bulletin = panel_runtime.library().get(alert.bulletin_id)  # a real library bulletin
    assert bulletin.form is None and bulletin.title == TITLE
    second.goto(f"{server}/schedule/alert/{alert.id}/withdraw")
    fits(second, shots, "alert-withdraw")

    # A simulated IP loudspeaker at Cổ Am polls, fetches the audio, airs it at once.
    secret = tokens.issue(panel_runtime.engine, "co-am", by="quantri", now=NOW).secret
    headers = {"Authorization": f"Bearer {secret}"}
    device = app.test_client()
    (offered,) = device.get("/api/v1/stations/co-am/alerts", headers=headers).json["alerts"]
    assert offered["id"] == alert.id and offered["title"] == TITLE
    audio = device.get(offered["url"], headers=headers)
    assert audio.status_code == 200 and hashlib.sha256(audio.data).hexdigest() == offered["sha256"]
    # Its playlist has the same alert at the head of the evening slot, by the same id.
    playlist = device.get("/api/v1/stations/co-am/playlist", headers=headers).json["items"]
    (in_playlist,) = [i for i in playlist if i["alert_id"] == alert.id]
    assert in_playlist["sha256"] == offered["sha256"]
    assert [i["alert_id"] for i in playlist].count(None) == len(playlist) - 1

    panel_runtime.clock.set(NOW + dt.timedelta(seconds=40))
    started = (NOW + dt.timedelta(seconds=9)).isoformat()
    report = {"bulletin_id": offered["bulletin_id"], "outcome": "aired", "started_at": started}
    first = device.post(
        "/api/v1/stations/co-am/airings",
        json={**report, "scheduled_at": offered["scheduled_at"]},
        headers=headers,
    )
    assert first.status_code == 201, first.json
    # The same airing reported under the playlist item is the same entry: aired once.
    again = device.post(
        "/api/v1/stations/co-am/airings",
        json={**report, "scheduled_at": in_playlist["starts_at"]},
        headers=headers,
    )
    assert again.status_code == 200 and again.json["duplicate"], again.json
    assert again.json["id"] == first.json["id"]
    item = alert_item(panel_runtime, "co-am", alert.id)
    logged = airlog.logged_for(panel_runtime.engine, "co-am", item.starts_at)
    assert [e.id for e in logged] == [first.json["id"]]  # the plan item is settled

    # Leadership sees the airing in the station's report.
    leader = log_in(chromium, server, "lanhdao", console_errors)
    leader.goto(f"{server}/reports/station/co-am")
    entries = leader.inner_text("main")
    assert TITLE in entries and "08:00" in entries
    assert console_errors == []


# ---------------------------------------------------------------- the operators' banner


def test_operators_see_the_typed_warning_and_confirm_it(app, panel_runtime, as_role):
    staff, second = as_role("canbo"), as_role("canbo2")
    bulletin_id = typed(app, staff)
    page(
        second.post(
            f"/schedule/emergency/{bulletin_id}/approve",
            {"sha256": sha_of(panel_runtime, bulletin_id)},
        ),
        302,
    )
    form = {"bulletin_id": bulletin_id, "stations": ["tam-cuong"], "confirmed": "1"}
    page(second.post("/schedule/alert", form), 302)
    (alert,) = alerts.alerts_raised(panel_runtime.engine, NOW - dt.timedelta(hours=1))

    operator = as_role("xa-tam-cuong")
    shown = page(operator.get("/station/tam-cuong/today", follow_redirects=True))
    assert f"THÔNG BÁO KHẨN CẤP: {TITLE} – phát lúc 17:15" in shown
    assert "THÔNG BÁO KHẨN CẤP" not in page(
        as_role("xa-co-am").get("/station/co-am/today", follow_redirects=True)
    )
    item = alert_item(panel_runtime, "tam-cuong", alert.id)
    panel_runtime.clock.set(item.starts_at + dt.timedelta(minutes=3))
    day = f"/station/tam-cuong/day/{NOW.date().isoformat()}"
    answer = operator.post(
        f"{day}/{item.position}/confirm",
        {"outcome": "aired", "started_date": "30/11/2026", "started_time": "17:15"},
    )
    assert answer.status_code == 302
    (entry,) = airlog.logged_for(panel_runtime.engine, "tam-cuong", item.starts_at)
    assert entry.bulletin_id == bulletin_id and entry.source is airlog.Source.OPERATOR


# ---------------------------------------------------------------- each refusal


@pytest.mark.parametrize(
    ("title", "body", "code", "params", "field"),
    [
        (TITLE, "   \n ", "emergency-text-empty", {}, "body"),
        (TITLE, "Sơ tán ngay. " * 200, "emergency-text-long", {"limit": 1200}, "body"),
        ("  ", BODY, "emergency-title-empty", {}, "title"),
    ],
)
def test_a_warning_without_text_or_too_long_is_refused_at_its_field(
    as_role, panel_runtime, title, body, code, params, field
):
    staff = as_role("canbo")
    before = sorted(panel_runtime.settings.library_dir.glob("*.yaml"))
    refused = staff.post("/schedule/emergency", {"title": title, "body": body})
    assert refused.status_code == 303 and refused.headers["Location"].endswith("#soan")
    shown = page(staff.get(refused.headers["Location"]))
    if code == "emergency-text-long":
        params = {**params, "length": len(body.strip())}
    message = said(code, **params)
    assert shown.count(message) == 2  # at the top and at the field
    assert f'id="loi-{field}"' in shown and 'aria-invalid="true"' in shown
    assert body.strip()[:40] in shown or not body.strip()  # what was typed is kept
    assert not [e for e in audit.recent(panel_runtime.engine) if e.action == "create"]
    assert sorted(panel_runtime.settings.library_dir.glob("*.yaml")) == before


def test_the_author_cannot_approve_under_four_eyes(app, panel_runtime, as_role):
    staff = as_role("canbo")
    bulletin_id = typed(app, staff)
    sha = sha_of(panel_runtime, bulletin_id)
    shown = page(staff.post(f"/schedule/emergency/{bulletin_id}/approve", {"sha256": sha}), 403)
    assert said("four-eyes") in shown
    assert approval.decisions_for(panel_runtime.engine, bulletin_id) == []


def test_an_override_needs_a_reason_and_is_audited_with_it(app, panel_runtime, as_role):
    bulletin_id = typed(app, as_role("canbo"))
    sha = sha_of(panel_runtime, bulletin_id)
    leader = as_role("lanhdao")
    listed = page(leader.get("/schedule/emergency"))  # where leadership finds it waiting
    assert f'href="/schedule/emergency/{bulletin_id}">{TITLE}</a>' in listed
    assert "chờ duyệt" in listed and 'name="body"' not in listed  # leaders do not type one
    draft = page(leader.get(f"/schedule/emergency/{bulletin_id}"))
    assert "Duyệt khẩn cấp" in draft
    made = dt.datetime.fromisoformat(panel_runtime.renders()[bulletin_id].rendered_at)
    named = f"bản dựng lúc {made.astimezone(VN):%H:%M ngày %d/%m/%Y}"
    assert f'<span title="sha256 {sha}">{named}</span>' in draft  # the hash: a tooltip
    assert f"mã {sha[:12]}" not in draft
    url = f"/schedule/emergency/{bulletin_id}/override"
    shown = page(leader.post(url, {"sha256": sha, "reason": "  "}), 422)
    assert shown.count(said("emergency-override-reason")) == 2
    assert approval.decisions_for(panel_runtime.engine, bulletin_id) == []
    # Staff have no override; leadership has no ordinary approval.
    assert as_role("canbo2").post(url, {"sha256": sha, "reason": "x"}).status_code == 403
    approve = f"/schedule/emergency/{bulletin_id}/approve"
    assert leader.post(approve, {"sha256": sha}).status_code == 403

    reason = "Ngoài giờ, không có cán bộ thứ hai"
    page(leader.post(url, {"sha256": sha, "reason": reason}), 302)
    (decision,) = approval.decisions_for(panel_runtime.engine, bulletin_id)
    assert decision.verdict is approval.Verdict.APPROVED and decision.decided_by == "lanhdao"
    (entry,) = [e for e in audit.recent(panel_runtime.engine) if e.action == "alert_override"]
    assert entry.actor == "lanhdao" and reason in entry.detail and entry.target == bulletin_id
    assert f"duyệt khẩn cấp {named} (sha256 {sha})" in entry.detail  # evidence: the full hash


def test_only_typed_warnings_may_be_approved_by_override(panel_runtime):
    with pytest.raises(Refused) as refused:
        emergency.approve(
            panel_runtime, "ket-thuc", by="lanhdao", expected_sha256="", override_reason="Gấp"
        )
    assert refused.value.code == "emergency-override-scope"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, said("alert-no-station")),
        ({"stations": ["khong-co"]}, said("alert-unknown-station", stations=["khong-co"])),
    ],
)
def test_no_station_or_an_unknown_one_is_refused_at_the_confirmation(
    app, panel_runtime, as_role, query, message
):
    bulletin_id = typed(app, as_role("canbo"))
    second = as_role("canbo2")
    sha = sha_of(panel_runtime, bulletin_id)
    page(second.post(f"/schedule/emergency/{bulletin_id}/approve", {"sha256": sha}), 302)
    shown = page(
        second.get("/schedule/alert/confirm", query_string={"bulletin_id": bulletin_id, **query}),
        422,
    )
    assert message in shown
    raised = second.post("/schedule/alert", {"bulletin_id": bulletin_id, "confirmed": "1", **query})
    assert raised.status_code == 303 and "#chon-stations" in raised.headers["Location"]
    back = page(second.get(raised.headers["Location"]))  # the choice page, as it was chosen
    assert message in back and 'id="loi-stations"' in back
    assert f'value="{bulletin_id}" required checked' in back
    assert alerts.alerts_raised(panel_runtime.engine, NOW - dt.timedelta(hours=1)) == []


def test_a_withdrawn_warning_is_no_longer_served(app, panel_runtime, as_role):
    bulletin_id = typed(app, as_role("canbo"))
    second = as_role("canbo2")
    sha = sha_of(panel_runtime, bulletin_id)
    page(second.post(f"/schedule/emergency/{bulletin_id}/approve", {"sha256": sha}), 302)
    page(
        second.post("/schedule/alert", {"bulletin_id": bulletin_id, "all": "1", "confirmed": "1"}),
        302,
    )
    (alert,) = alerts.alerts_raised(panel_runtime.engine, NOW - dt.timedelta(hours=1))
    secret = tokens.issue(panel_runtime.engine, "co-am", by="quantri", now=NOW).secret
    headers = {"Authorization": f"Bearer {secret}"}
    device = app.test_client()
    (offered,) = device.get("/api/v1/stations/co-am/alerts", headers=headers).json["alerts"]
    withdraw_alert(panel_runtime, alert.id, by="canbo", reason="Bão đã đổi hướng")
    assert device.get("/api/v1/stations/co-am/alerts", headers=headers).json["alerts"] == []
    assert device.get(offered["url"], headers=headers).status_code == 404
    playlist = device.get("/api/v1/stations/co-am/playlist", headers=headers).json["items"]
    assert [i for i in playlist if i["alert_id"] == alert.id] == []


def test_the_draft_page_is_only_for_typed_warnings(as_role):
    staff = as_role("canbo")
    assert staff.get("/schedule/emergency/ket-thuc").status_code == 404
    assert staff.get("/schedule/emergency/canh-bao-khong-co").status_code == 404
