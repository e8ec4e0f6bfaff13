"""The past is fixed: re-planning never moves what aired, nor the evidence about it.

Monday 30/11/2026, 08:00: Cổ Am's morning slot (6:30) has aired, the evening one
(17:30) has not. An operator confirmed one morning item, a platform another; then
staff reject a bulletin the morning aired and plan the day again.
"""

from __future__ import annotations

import datetime as dt

from broadcaster import approval
from broadcaster.accounts import tokens
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan

from .conftest import NOW

VN = dt.timezone(dt.timedelta(hours=7))
DAY = "/station/co-am/day/2026-11-30"


def approve_all(runtime) -> None:
    for record in runtime.renders().values():
        approval.decide(
            runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo", now=NOW
        )


def test_re_planning_keeps_what_aired_and_every_entry_on_its_item(as_role, app, panel_runtime):
    approve_all(panel_runtime)
    airplan.plan_range(panel_runtime, NOW.date(), 1, by="canbo")
    before = load_plan(panel_runtime.engine, NOW.date(), VN, "co-am")
    morning = [i for i in before if i.slot_start <= NOW]
    evening = [i for i in before if i.slot_start > NOW]
    assert morning and evening

    operator = as_role("xa-co-am")
    form = {"outcome": "aired", "started_at": "2026-11-30T06:31", "reason": ""}
    assert operator.post(f"{DAY}/2/confirm", form).status_code == 302
    secret = tokens.issue(panel_runtime.engine, "co-am", by="quantri", now=NOW).secret
    body = {
        "scheduled_at": morning[2].starts_at.isoformat(),
        "position": 3,
        "outcome": "aired",
        "started_at": morning[2].starts_at.isoformat(),
    }
    api = app.test_client().post(
        "/api/v1/stations/co-am/airings",
        json=body,
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 201

    # The bulletin aired second this morning is rejected: it leaves the evening.
    staff = as_role("canbo")
    aired = morning[1]
    record = panel_runtime.renders()[aired.bulletin_id]
    decision = {"verdict": "reject", "sha256": record.sha256, "comment": "sai số điện thoại"}
    assert staff.post(f"/content/{aired.bulletin_id}/decision", decision).status_code == 302
    replanned = staff.post("/schedule/plan", {"date": "2026-11-30", "days": "1"})
    assert replanned.status_code == 302

    after = load_plan(panel_runtime.engine, NOW.date(), VN, "co-am")
    assert [i for i in after if i.slot_start <= NOW] == morning  # exactly as stored
    assert aired.bulletin_id not in {i.bulletin_id for i in after if i.slot_start > NOW}

    page = operator.get(DAY).get_data(as_text=True)
    item2 = page[page.index('id="muc-2"') : page.index('id="muc-3"')]
    assert aired.title in item2 and "lúc 06:31 30/11/2026" in item2  # still on its bulletin
    logs = _latest_entries(app, panel_runtime)
    assert logs[2] is not None and logs[2].bulletin_id == aired.bulletin_id
    assert logs[3] is not None and logs[3].bulletin_id == morning[2].bulletin_id


def _latest_entries(app, runtime) -> dict:
    """Each of Cổ Am's items today and the standing entry the operator's page shows for it."""
    from web.station import day as days

    with app.test_request_context():
        station = runtime.schedule().network.get("co-am")
        loaded = days.load_day(station, NOW.date())
        return {position: log.latest for position, log in loaded.logs().items()}


def test_a_past_day_is_refused_unless_forced_and_forcing_keeps_what_was_logged(
    as_role, app, panel_runtime
):
    approve_all(panel_runtime)
    sunday = NOW.date() - dt.timedelta(days=1)
    panel_runtime.clock.set(NOW - dt.timedelta(days=1, hours=3))  # Sunday, 05:00
    airplan.plan_range(panel_runtime, sunday, 1, by="canbo")
    panel_runtime.clock.set(NOW)
    town = load_plan(panel_runtime.engine, sunday, VN, "tam-cuong")  # airs every day
    morning = [i for i in town if i.slot_start.hour < 12]
    evening = [i for i in town if i.slot_start.hour >= 12]
    logged = morning[1]
    confirm = {"outcome": "aired", "started_at": f"{sunday}T{logged.starts_at:%H:%M}"}
    confirm["reason"] = ""
    operator = as_role("xa-tam-cuong")
    url = f"/station/tam-cuong/day/{sunday}/{logged.position}/confirm"
    assert operator.post(url, confirm).status_code == 302

    form = {"date": sunday.isoformat(), "days": "1"}
    page = as_role("canbo").post("/schedule/plan", form, follow_redirects=True)
    assert page.status_code == 200 and page.request.path == "/schedule/plan"
    assert "Không lập lại kế hoạch cho ngày đã qua" in page.get_data(as_text=True)
    assert load_plan(panel_runtime.engine, sunday, VN, "tam-cuong") == town

    # Forced, after a bulletin of the evening is rejected: the logged slot stays as it
    # was, the rest is planned again without the rejected audio.
    gone = evening[1]
    record = panel_runtime.renders()[gone.bulletin_id]
    approval.decide(
        panel_runtime.engine, record, verdict=approval.Verdict.REJECTED, by="canbo", now=NOW
    )
    airplan.plan_range(panel_runtime, sunday, 1, by="canbo", force=True)
    again = load_plan(panel_runtime.engine, sunday, VN, "tam-cuong")
    assert [i for i in again if i.slot_start == logged.slot_start] == morning
    assert gone.bulletin_id not in {i.bulletin_id for i in again if i.slot_start.hour >= 12}
