"""One alert, one airing per station: a report aired at once settles the plan item.

Monday 30/11/2026 08:00: Xã Cổ Am's next slot is 17:30, so an alert raised then is the
first item of that slot in its stored plan, and the station API also offers it at once.
"""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster import approval
from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.alerts.raising import raise_alert
from broadcaster.alerts.settling import planned_item, settled_item
from broadcaster.runtime import FixedClock, build_runtime

VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=VN)
F14 = "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"


@pytest.fixture
def runtime(repo, rendered, library_copy):
    rt = build_runtime(
        environ={
            "BROADCASTER_DATA_DIR": str(rendered),
            "BROADCASTER_LIBRARY_DIR": str(library_copy),
            "BROADCASTER_SPEECH__ENGINES": "espeak",
        },
        clock=FixedClock(NOW),
    )
    for record in rt.renders().values():
        approval.decide(rt.engine, record, verdict=approval.Verdict.APPROVED, by="canbo2", now=NOW)
    return rt


def test_an_alert_aired_at_once_settles_its_plan_item(runtime):
    airplan.plan_range(runtime, NOW.date(), 1, by="canbo")
    alert = raise_alert(runtime, F14, stations=["co-am"], by="canbo").alert
    at_once = alert_plan.aired_at_once(alert, "co-am", VN)
    item = planned_item(runtime.engine, alert, "co-am", VN)
    assert item is not None and item.starts_at.hour == 17  # the head of the evening slot

    settled = settled_item(runtime.engine, at_once, VN)
    assert (settled.position, settled.starts_at) == (item.position, item.starts_at)
    assert settled.slot_start == alert.raised_at  # claimable from the raise, not the slot
    # Reported under the plan item instead, it is the very same item.
    assert settled_item(runtime.engine, item, VN) == settled


def test_without_a_plan_item_the_alert_keeps_its_raise_time(runtime):
    alert = raise_alert(runtime, F14, stations=["tam-cuong"], by="canbo").alert
    # Today is planned by the raise itself; Cổ Am is not concerned: no plan item there.
    at_once = alert_plan.aired_at_once(alert, "co-am", VN)
    assert settled_item(runtime.engine, at_once, VN) == at_once


def test_an_ordinary_item_is_its_own(runtime):
    airplan.plan_range(runtime, NOW.date(), 1, by="canbo")
    item = load_plan(runtime.engine, NOW.date(), VN, "co-am")[0]
    assert settled_item(runtime.engine, item, VN) is item
