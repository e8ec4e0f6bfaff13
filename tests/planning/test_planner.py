"""The planner: what each station airs in each slot, and why. Tables and properties."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from broadcaster.library.bulletins import Kind, Priority
from broadcaster.planning.campaigns import Peak
from broadcaster.planning.planner import Aired, DayPlan, SlotPlan, plan_day, plan_days
from broadcaster.planning.plans import ITEM_GAP_S, after

from .factories import (
    DAILY,
    MONDAY,
    campaign,
    days,
    forms,
    network,
    segment,
    slot,
    uniform,
)

OPENING = segment("mo-dau", kind=Kind.OPENING, duration_s=30)
CLOSING = segment("ket-thuc", kind=Kind.CLOSING, duration_s=35)
D = dt.timedelta(days=1)


def kind_of(reason: str) -> str:
    return reason.split(" ")[0].rstrip(":")


def pattern(slot_plan: SlotPlan) -> list[str]:
    """The kinds of the items in order, runs collapsed: emergency, opening, priority, ..."""
    return [k for k, _ in itertools.groupby(kind_of(i.reason) for i in slot_plan.items)]


def ids(slot_plan: SlotPlan) -> list[str]:
    return [item.segment.bulletin_id for item in slot_plan.items]


def one_slot(segments, *, minutes=15, day=MONDAY, campaign_=None, **kwargs) -> SlotPlan:
    net = uniform(1, slot("6:30", minutes))
    plan = plan_day(day, net, campaign_ or campaign(), segments, **kwargs)
    (only,) = plan.slots
    return only


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ([], ["rotation"]),
        ([OPENING, CLOSING], ["opening", "rotation", "closing"]),
        (
            [OPENING, CLOSING, segment("uu", 7, Priority.UU_TIEN)],
            ["opening", "priority", "rotation", "closing"],
        ),
        (
            [segment("khan", None, Priority.KHAN_CAP, 60), segment("uu", None, Priority.UU_TIEN)],
            ["emergency", "priority", "rotation"],
        ),
        (
            [OPENING, CLOSING, segment("khan", None, Priority.KHAN_CAP, 60)],
            ["emergency", "opening", "rotation", "closing"],
        ),
        # When only the emergency fits, no opening or closing frames an empty programme.
        ([OPENING, CLOSING, segment("khan", None, Priority.KHAN_CAP, 860)], ["emergency"]),
        # A priority bulletin that fits only without them wins over the opening and closing.
        ([OPENING, CLOSING, segment("uu", None, Priority.UU_TIEN, 860)], ["priority"]),
    ],
)
def test_emergency_then_opening_then_priority_then_rotation_then_closing(extra, expected):
    assert pattern(one_slot(forms() + extra)) == expected


def test_emergency_is_first_in_every_slot_of_every_station_while_valid():
    alert = segment(
        "canh-bao-gia-danh-cong-an",
        14,
        Priority.KHAN_CAP,
        75,
        valid_from=MONDAY + D,
        valid_until=MONDAY + 3 * D,
    )
    plans = plan_days(MONDAY, MONDAY + 6 * D, network(10), campaign(), forms() + [alert, OPENING])
    aired_on = set()
    for plan in plans:
        for slot_plan in plan.slots:
            if alert.is_valid_on(plan.day):
                assert ids(slot_plan)[0] == alert.bulletin_id
                assert slot_plan.items[0].reason.startswith("emergency")
                # the rotation does not add the same form again
                assert [i.segment.form for i in slot_plan.items].count(14) == 1
                aired_on.add(plan.day)
            else:
                assert alert.bulletin_id not in ids(slot_plan)
    assert aired_on == {MONDAY + D, MONDAY + 2 * D, MONDAY + 3 * D}


def test_priority_airs_first_in_the_first_slot_of_each_day_at_every_station():
    notice = segment("thong-bao-uu-tien", None, Priority.UU_TIEN, 120)
    for plan in plan_days(MONDAY, MONDAY + 4 * D, network(5), campaign(), forms() + [notice]):
        for station_plan in plan.stations:
            first, *later = station_plan.slots
            assert ids(first)[0] == "thong-bao-uu-tien"
            assert all(kind_of(i.reason) == "rotation" for i in first.items[1:])
            for slot_plan in later:
                assert "thong-bao-uu-tien" not in ids(slot_plan)


def test_a_priority_bulletin_that_did_not_fit_the_morning_airs_in_the_evening():
    notice = segment("thong-bao-dai", None, Priority.UU_TIEN, 20 * 60)
    stations = uniform(1, slot("6:30", 15), slot("17:30", 30))
    (plan,) = plan_days(MONDAY, MONDAY, stations, campaign(), forms() + [notice])
    morning, evening = plan.stations[0].slots
    assert "thong-bao-dai" not in ids(morning) and morning.overfilled
    assert ids(evening)[0] == "thong-bao-dai"


def _awkward_segments() -> list:
    """Durations from 40 s to 7 min, mandatory items that cannot all fit, framing."""
    segments = [
        segment(f"f{n:02d}", n, duration_s=40.0 + (n * 97) % 380, valid_from=MONDAY)
        for n in range(1, 25)
    ]
    segments += [
        segment("khan-1", None, Priority.KHAN_CAP, 400.5, valid_from=MONDAY + 5 * D),
        segment("khan-2", None, Priority.KHAN_CAP, 399.5, valid_until=MONDAY + 20 * D),
        segment("uu-1", 3, Priority.UU_TIEN, 333.3, valid_until=MONDAY + 30 * D),
        OPENING,
        CLOSING,
    ]
    return segments


@pytest.fixture(scope="module")
def long_plan() -> list[DayPlan]:
    net = network(12, (slot("6:30", 15), slot("17:30", 10)), (slot("6:00", 30, DAILY),))
    return plan_days(
        MONDAY, MONDAY + 41 * D, net, campaign(days=42), _awkward_segments(), underfill_below=0.5
    )


def test_no_slot_is_ever_overrun_and_items_follow_each_other(long_plan):
    checked = 0
    for plan in long_plan:
        for slot_plan in plan.slots:
            assert slot_plan.used_s <= slot_plan.capacity_s + 1e-6
            if not slot_plan.items:
                continue
            assert slot_plan.items[0].start == slot_plan.start
            for first, second in itertools.pairwise(slot_plan.items):
                assert second.start == after(first.end, ITEM_GAP_S)
            assert slot_plan.items[-1].end <= slot_plan.end
            assert slot_plan.start.tzinfo is not None
            checked += 1
    assert checked == 42 + 12 * 2 * 30  # the producer daily, 12 communes on weekdays


def test_no_bulletin_and_no_form_repeats_within_a_slot(long_plan):
    for plan in long_plan:
        for slot_plan in plan.slots:
            assert len(set(ids(slot_plan))) == len(slot_plan.items)
            form_list = [i.segment.form for i in slot_plan.items if i.segment.form]
            assert len(set(form_list)) == len(form_list)


def test_mandatory_items_that_do_not_fit_are_left_out_and_reported(long_plan):
    # From day 5 both emergencies (800 s) and the priority item (333 s) are due in
    # every slot: the 10-minute slots cannot take them all.
    day = long_plan[7]
    evening = [s for s in day.slots if f"{s.slot.start:%H:%M}" == "17:30"]
    assert evening
    for slot_plan in evening:
        assert slot_plan.overfilled
        left = {lo.segment.bulletin_id for lo in slot_plan.left_out}
        assert left and left <= {"khan-1", "khan-2", "uu-1"}
        assert any("left in the slot" in note for note in slot_plan.notes)
    assert not any(s.overfilled for s in long_plan[0].slots if s.slot.minutes == 30)


def test_the_same_input_gives_the_same_plan_whatever_its_order():
    net = network(10)
    segments = forms() + [OPENING, CLOSING, segment("uu", 9, Priority.UU_TIEN)]
    history = [Aired(f"xa-{i:02d}", (i * 5) % 24 + 1, MONDAY - (i + 1) * D) for i in range(10)]
    first = plan_days(MONDAY, MONDAY + 13 * D, net, campaign(), segments, history)
    again = plan_days(MONDAY, MONDAY + 13 * D, net, campaign(), segments, history)
    shuffled = plan_days(
        MONDAY, MONDAY + 13 * D, net, campaign(), segments[::-1], list(reversed(history))
    )
    assert first == again == shuffled


VALIDITY = [
    (MONDAY + 2 * D, None),
    (MONDAY - 30 * D, MONDAY + 3 * D),
    (MONDAY + 4 * D, MONDAY + 4 * D),
    (MONDAY + 20 * D, MONDAY + 30 * D),  # never valid in the planned fortnight
]


@pytest.mark.parametrize("priority", list(Priority))
@pytest.mark.parametrize(("valid_from", "valid_until"), VALIDITY)
def test_a_segment_outside_its_valid_dates_is_never_planned(priority, valid_from, valid_until):
    limited = segment("gioi-han", 25, priority, 80, valid_from, valid_until)
    plans = plan_days(MONDAY, MONDAY + 13 * D, network(3), campaign(), forms() + [limited])
    planned_on = {p.day for p in plans for s in p.slots if "gioi-han" in ids(s)}
    assert all(limited.is_valid_on(day) for day in planned_on)
    if priority is not Priority.THUONG:  # mandatory: aired every valid day with slots
        valid = {d for d in days(MONDAY, 14) if limited.is_valid_on(d)}
        assert planned_on == valid


def test_outside_the_campaign_only_emergency_and_priority_items_air():
    notice = segment("uu", None, Priority.UU_TIEN, 60)
    day_after = MONDAY + 14 * D  # the day after a 14-day campaign
    for campaign_ in (campaign(), None):
        slot_plan = one_slot(forms() + [notice], day=day_after, campaign_=campaign_)
        assert ids(slot_plan) == ["uu"]
        assert slot_plan.underfilled
        assert "under-filled: 60 s of 900 s used (7%, below 50%)" in slot_plan.notes


def test_a_campaign_of_named_bulletins_rotates_only_those():
    chosen = ("f03", "f07", "f11")
    slot_plan = one_slot(forms(), campaign_=campaign(bulletin_ids=chosen))
    assert sorted(ids(slot_plan)) == list(chosen)


@pytest.mark.parametrize(
    ("total_s", "threshold", "underfilled"),
    [(270, 0.5, True), (270, 0.25, False), (450, 0.5, False), (0, 0.0, False), (810, 0.9, False)],
)
def test_the_underfill_threshold_is_a_parameter(total_s, threshold, underfilled):
    segments = [segment(f"x{i}", i, duration_s=90) for i in range(1, total_s // 90 + 1)]
    slot_plan = one_slot(segments, underfill_below=threshold)
    assert slot_plan.used_s == total_s
    assert slot_plan.underfilled is underfilled


def test_the_rotation_explains_itself_from_the_history():
    history = [Aired("xa-00", n, MONDAY - D) for n in range(1, 25)]
    history += [
        Aired("xa-00", 7, MONDAY - 12 * D),  # older, but the latest airing counts
        Aired("xa-01", 9, MONDAY - 2 * D),  # another station's history does not
    ]
    history = [a for a in history if a.form not in (5, 7, 20)]
    history += [Aired("xa-00", 7, MONDAY - 12 * D), Aired("xa-00", 20, MONDAY - 15 * D)]
    net = uniform(3, slot("6:30", 15))
    plan = plan_day(MONDAY, net, campaign(), forms(), history)
    reasons = [i.reason for i in plan.station("xa-00").slots[0].items]
    assert reasons[:3] == [
        "rotation: form 5 not yet aired at this station",
        "rotation: form 20 last aired 2023-07-23 at this station (15 days ago), "
        "due: the goal is every 14 days",
        "rotation: form 7 last aired 2023-07-26 at this station (12 days ago)",
    ]
    assert reasons[3].endswith("at this station (1 day ago)")


def test_the_afternoon_explains_a_morning_airing():
    net = uniform(1, slot("6:30", 15), slot("17:30", 15))
    plan = plan_day(MONDAY, net, campaign(), forms(12))  # 12 forms: the afternoon repeats some
    morning, afternoon = plan.slots[0].items, plan.slots[1].items
    repeated = afternoon[-1]
    (first_time,) = [i.start for i in morning if i.segment == repeated.segment]
    assert f"last aired today at {first_time:%H:%M} at this station" in repeated.reason


def test_neighbouring_communes_start_the_campaign_on_different_forms():
    plan = plan_day(MONDAY, uniform(10), campaign(), forms())
    firsts = [p.slots[0].items[0].segment.form for p in plan.stations]
    assert all(a != b for a, b in itertools.pairwise(firsts))
    assert len(set(firsts)) == 10


def test_replanning_a_day_ignores_its_own_earlier_plan():
    net = network(4)
    first = plan_day(MONDAY, net, campaign(), forms())
    history = first.aired() + [Aired("xa-00", 1, MONDAY + 3 * D)]
    assert plan_day(MONDAY, net, campaign(), forms(), history) == first


def test_planning_a_range_is_planning_each_day_with_the_days_before_as_history():
    net = network(3)
    chained = plan_days(MONDAY, MONDAY + 4 * D, net, campaign(), forms())
    history: list[Aired] = []
    for day, expected in zip(days(MONDAY, 5), chained, strict=True):
        plan = plan_day(day, net, campaign(), forms(), history)
        assert plan == expected
        history += plan.aired()


def test_a_peak_adds_airtime():
    peak = Peak(
        MONDAY + 7 * D, MONDAY + 13 * D, extra_minutes=15, extra_slots=(slot("11:00", 15, DAILY),)
    )
    plans = plan_days(MONDAY, MONDAY + 13 * D, network(5), campaign(peak=peak), forms())
    normal, busy = plans[0], plans[7]  # two Mondays
    assert sum(s.capacity_s for s in busy.slots) > sum(s.capacity_s for s in normal.slots)
    assert sum(s.used_s for s in busy.slots) > 2 * sum(s.used_s for s in normal.slots)
    assert [s.slot.minutes for s in busy.station("xa-00").slots] == [30, 15, 30]
    assert plans[12].station("xa-00").slots  # a Saturday of the peak: the extra slot


def test_the_newest_version_of_a_form_replaces_the_older_one():
    old = segment("f07-2023", 7, valid_from=dt.date(2023, 1, 1))
    new = segment("f07-2024", 7, valid_from=MONDAY + 2 * D)
    plans = plan_days(MONDAY, MONDAY + 4 * D, uniform(1), campaign(), [old, new])
    aired = [(p.day, i.segment.bulletin_id) for p in plans for s in p.slots for i in s.items]
    assert {b for d, b in aired if d < MONDAY + 2 * D} == {"f07-2023"}
    assert {b for d, b in aired if d >= MONDAY + 2 * D} == {"f07-2024"}


def test_a_bulletin_passed_twice_still_airs_once_per_slot():
    twice = forms(3) + [dataclasses.replace(forms(3)[0], duration_s=91.0)]
    assert sorted(ids(one_slot(twice))) == ["f01", "f02", "f03"]


def test_a_slot_too_short_for_anything_is_empty_and_reported():
    slot_plan = one_slot(forms() + [OPENING, CLOSING], minutes=1)
    assert slot_plan.items == ()
    assert slot_plan.underfilled and not slot_plan.overfilled


def test_items_follow_each_other_in_real_time_across_a_clock_change():
    """Not a Vietnamese problem (no DST there), but the zone is configurable."""
    net = dataclasses.replace(uniform(1, slot("1:50", 30, DAILY)), timezone="Europe/Berlin")
    spring_forward = dt.date(2023, 3, 26)  # 02:00 CET -> 03:00 CEST
    (slot_plan,) = plan_day(spring_forward, net, campaign(spring_forward), forms()).slots
    starts = [item.start.isoformat() for item in slot_plan.items]
    assert starts[0] == "2023-03-26T01:50:00+01:00"
    assert "2023-03-26T02" not in " ".join(starts)  # that hour does not exist that night
    assert slot_plan.end.isoformat() == "2023-03-26T03:20:00+02:00"
    for first, second in itertools.pairwise(slot_plan.items):
        assert second.start == after(first.end, ITEM_GAP_S)
