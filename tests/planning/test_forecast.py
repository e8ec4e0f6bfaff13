"""The coverage forecast: does every station hear every form within the campaign's goal?"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from broadcaster.library.bulletins import Kind, load_library
from broadcaster.planning.campaigns import load_schedule
from broadcaster.planning.forecast import forecast
from broadcaster.planning.planner import Aired, Segment

from .factories import MONDAY, campaign, forms, segment, slot, uniform

REPO = Path(__file__).resolve().parents[2]
D = dt.timedelta(days=1)


def windows(first: dt.date, last: dt.date, length: int):
    day = first
    while day + (length - 1) * D <= last:
        yield day, day + (length - 1) * D
        day += D


@pytest.mark.parametrize("length", [14, 42])
def test_ten_stations_hear_all_24_forms_in_every_14_day_window(length):
    """15-minute slots twice a weekday, bulletins of about 90 s: the goal is met."""
    campaign_ = campaign(days=length)
    net = uniform(10, slot("6:30", 15), slot("17:30", 15))
    result = forecast(campaign_, net, forms())
    assert result.met, [str(m) for m in result.misses]

    heard = {(c.station_id, c.form): c.dates for c in result.coverage}
    assert len(heard) == 10 * 24
    for station in net.stations:
        for form in range(1, 25):
            dates = heard[(station.id, form)]
            for first, last in windows(campaign_.start, campaign_.end, 14):
                assert any(first <= d <= last for d in dates), (station.id, form, first)
    # The forecast's days are the plans themselves, fed day by day.
    assert [p.day for p in result.days] == campaign_.days


def test_a_campaign_too_tight_to_meet_its_goal_names_stations_and_forms():
    """One 5-minute session a week cannot carry 24 forms every fortnight."""
    net = uniform(3, slot("6:30", 5, frozenset({0})))
    result = forecast(campaign(days=28), net, forms())
    assert not result.met
    missing = result.missing_by_station()
    assert set(missing) == {"producer", "xa-00", "xa-01"}
    # 4 Mondays x 3 bulletins of ~90 s: at most 12 of the 24 forms reach each commune.
    for forms_missed in missing.values():
        assert len(forms_missed) >= 12
    miss = next(m for m in result.misses if m.station_id == "xa-00")
    text = str(miss)
    assert text.startswith(f"xa-00: form {miss.form} aired 0 of 1 times in 2023-08-07..")
    assert miss.windows >= 1


def test_forms_without_any_airable_segment_are_reported():
    result = forecast(campaign(), uniform(2), forms(20))
    assert result.unavailable == (21, 22, 23, 24)
    assert not result.met
    assert all(m.form not in (21, 22, 23, 24) for m in result.misses)


def test_a_form_is_owed_only_in_windows_where_a_segment_is_valid_throughout():
    late = segment("f24-moi", 24, valid_from=MONDAY + 20 * D)
    result = forecast(campaign(days=42), uniform(4), forms(23) + [late])
    assert result.met, [str(m) for m in result.misses]
    dates = {c.dates for c in result.coverage if c.form == 24 and c.station_id == "xa-00"}
    assert all(d >= MONDAY + 20 * D for ds in dates for d in ds)


def test_a_goal_of_several_airings_is_counted_per_airing():
    ids = ("f01", "f02", "f03", "f04")
    tight = campaign(days=14, times=6, every=7, bulletin_ids=ids)
    net = uniform(2, slot("6:30", 5), slot("17:30", 5))  # 3 bulletins per session
    result = forecast(tight, net, forms())
    # 10 sessions a week x 3 = 30 airings for 4 forms: 7 each, more than the 6 asked.
    assert result.met, [str(m) for m in result.misses]
    tighter = dataclasses.replace(tight, coverage=dataclasses.replace(tight.coverage, times=8))
    assert not forecast(tighter, net, forms()).met


def test_a_running_campaign_counts_what_already_aired():
    campaign_ = campaign(days=14)
    net = uniform(2, slot("6:30", 2))  # one bulletin a day: 10 of 24 forms at best
    history = [
        Aired(station.id, n, MONDAY + (n % 7) * D, dt.time(6, 30))
        for station in net.stations
        for n in range(1, 25)
    ]
    result = forecast(campaign_, net, forms(), history, start=MONDAY + 7 * D)
    assert result.days[0].day == MONDAY + 7 * D
    assert result.met, [str(m) for m in result.misses]
    assert not forecast(campaign_, net, forms()).met


@pytest.fixture(scope="module")
def shipped_segments() -> list[Segment]:
    """The shipped library, each bulletin as long as it takes to read at ~2.6 words a second."""
    return [
        Segment.of(b, round(b.word_count / 2.6 + 6, 1) if b.kind is Kind.BULLETIN else 35.0)
        for b in load_library(REPO / "bulletins")
    ]


def test_the_shipped_schedule_meets_the_2023_goal_in_its_first_six_weeks(shipped_segments):
    network_, (campaign_,) = load_schedule(
        REPO / "schedules" / "vinh-bao.yaml",
        [REPO / "schedules" / "campaigns" / "24-hinh-thuc-2023.yaml"],
    )
    six_weeks = dataclasses.replace(campaign_, end=campaign_.start + 41 * D)
    result = forecast(six_weeks, network_, shipped_segments)
    assert result.met, [str(m) for m in result.misses]
    assert not any(s.overfilled for day in result.days for s in day.slots)
