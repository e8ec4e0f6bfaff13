"""Bulletins limited to some stations, and retired ones: the planner and the forecast
air a limited bulletin only where it is meant for, and a retired one nowhere."""

from __future__ import annotations

import dataclasses
import datetime as dt

from broadcaster.library.bulletins import Priority
from broadcaster.planning.forecast import forecast
from broadcaster.planning.planner import plan_day, plan_days

from .factories import MONDAY, campaign, forms, segment, uniform

D = dt.timedelta(days=1)


def limited(seg, *stations: str):
    return dataclasses.replace(seg, stations=frozenset(stations))


def retired(seg):
    return dataclasses.replace(seg, retired=True)


def aired_at(plans, bulletin_id: str) -> set[str]:
    return {
        slot_plan.station_id
        for plan in plans
        for slot_plan in plan.slots
        for item in slot_plan.items
        if item.segment.bulletin_id == bulletin_id
    }


def test_a_local_case_airs_only_at_its_communes():
    net = uniform(6)
    local = limited(segment("vu-viec-xa", None, Priority.UU_TIEN, 60), "xa-01", "xa-03")
    plan = plan_day(MONDAY, net, campaign(), [*forms(), local])
    assert aired_at([plan], "vu-viec-xa") == {"xa-01", "xa-03"}


def test_a_limited_form_bulletin_rotates_only_at_its_stations_and_others_keep_the_older_one():
    net = uniform(4)
    older = segment("f05-cu", 5, valid_from=MONDAY - 400 * D)
    coastal = limited(segment("f05-ven-bien", 5, valid_from=MONDAY - D), "xa-00")
    others = [s for s in forms() if s.form != 5]
    plans = plan_days(MONDAY, MONDAY + 13 * D, net, campaign(), [*others, older, coastal])
    assert aired_at(plans, "f05-ven-bien") == {"xa-00"}
    assert aired_at(plans, "f05-cu") == {"producer", "xa-01", "xa-02"}


def test_a_retired_bulletin_is_planned_nowhere():
    net = uniform(4)
    gone = retired(segment("f07", 7))
    emergency = retired(segment("bao-so-3", None, Priority.KHAN_CAP, 60))
    segments = [s for s in forms() if s.form != 7] + [gone, emergency]
    plans = plan_days(MONDAY, MONDAY + 13 * D, net, campaign(), segments)
    assert aired_at(plans, "f07") == set()
    assert aired_at(plans, "bao-so-3") == set()
    assert aired_at(plans, "f08") == {s.id for s in net.stations}


def test_without_limits_the_plan_is_the_same_as_before():
    """A limit on one bulletin changes nothing at stations it does not concern."""
    net = uniform(5)
    base = plan_days(MONDAY, MONDAY + 4 * D, net, campaign(), forms())
    extra = limited(segment("tin-rieng", None, Priority.UU_TIEN, 60), "xa-03")
    with_limit = plan_days(MONDAY, MONDAY + 4 * D, net, campaign(), [*forms(), extra])
    for before, after in zip(base, with_limit, strict=True):
        for station_before, station_after in zip(before.stations, after.stations, strict=True):
            if station_before.station_id != "xa-03":
                assert station_before == station_after


def test_the_forecast_owes_a_limited_form_only_where_it_may_air():
    net = uniform(4)
    only_form = [
        *(s for s in forms() if s.form != 9),
        limited(segment("f09", 9), "xa-00", "xa-01"),
    ]
    result = forecast(campaign(), net, only_form)
    assert result.met, [str(m) for m in result.misses]
    heard = {c.station_id: c.dates for c in result.coverage if c.form == 9}
    assert heard["xa-00"] and heard["xa-01"]
    assert heard["producer"] == () and heard["xa-02"] == ()


def test_the_forecast_counts_a_retired_form_as_unavailable():
    segments = [s if s.form != 9 else retired(s) for s in forms()]
    result = forecast(campaign(), uniform(3), segments)
    assert result.unavailable == (9,)
    assert all(c.dates == () for c in result.coverage if c.form == 9)
