"""The daemon's rules as pure functions: which slots, what is due, missed, late."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest

from broadcaster.airplan.store import StoredItem
from broadcaster.playout import agenda
from broadcaster.playout.agenda import Cue

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2025, 3, 3)


def at(hh_mm_ss: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hh_mm_ss), tzinfo=VN)


def item(starts: str, slot: str, position: int = 1) -> StoredItem:
    return StoredItem(
        DAY, "dai", at(slot), position, at(starts), f"b{position}", "f" * 64, "b.mp3", 60.0,
        "thuong", "test",
    )  # fmt: skip


PLAN = [item("06:00:00", "06:00:00", 1), item("06:01:00", "06:00:00", 2),
        item("17:00:00", "17:00:00", 3)]  # fmt: skip


@pytest.mark.parametrize(
    ("now", "future", "started"),
    [
        ("05:59:59", ["06:00:00", "17:00:00"], []),
        ("06:00:00", ["17:00:00"], ["06:00:00", "06:01:00"]),  # the whole slot at once
        ("12:00:00", ["17:00:00"], ["06:00:00", "06:01:00"]),
        ("17:30:00", [], ["06:00:00", "06:01:00", "17:00:00"]),
    ],
)
def test_slots_ahead_are_scheduled_and_started_slots_are_cued(now, future, started):
    assert agenda.future_slots(PLAN, at(now)) == [at(t) for t in future]
    assert [i.starts_at for i in agenda.started(PLAN, at(now))] == [at(t) for t in started]


RUNNING_SINCE = at("06:03:00")


@pytest.mark.parametrize(
    ("scheduled", "now", "reason"),
    [
        ("06:05:00", "06:04:00", None),  # early (chained after a short item)
        ("06:00:00", "06:03:00", None),  # 180 s late, grace 300
        ("06:00:00", "06:05:00", None),  # exactly at the end of grace
        ("06:00:00", "06:05:01", "daemon was not running at 06:00:00"),
        ("06:04:00", "06:09:30", "playout busy: could not start within 300 s of 06:04:00"),
    ],
)
def test_nothing_starts_more_than_grace_after_its_time(scheduled, now, reason):
    cue = Cue.of_item(item(scheduled, "06:00:00"))
    found = agenda.missed_reason(cue, at(now), grace_s=300, running_since=RUNNING_SINCE, zone=VN)
    assert found == reason


@pytest.mark.parametrize(
    ("delay_s", "late"), [(-5, False), (0, False), (agenda.ON_TIME_S, False), (11, True)]
)
def test_late_means_more_than_a_few_seconds_after_its_time(delay_s, late):
    scheduled = at("06:00:00")
    assert agenda.is_late(scheduled, scheduled + dt.timedelta(seconds=delay_s)) is late


def test_aired_entries_say_why_they_were_late_or_what_they_replay():
    cue = Cue.of_item(item("06:00:00", "06:00:00"))
    on_time = agenda.aired_reason(cue, at("06:00:01"), running_since=at("05:00:00"), zone=VN)
    assert on_time == ""
    after_restart = agenda.aired_reason(cue, at("06:02:00"), running_since=at("06:01:30"), zone=VN)
    assert after_restart == "daemon was not running at 06:00:00: played late"
    replay = agenda.aired_reason(
        cue.retried(41).retried(42), at("06:00:30"), running_since=at("05:00:00"), zone=VN
    )
    assert replay == "replay of interrupted airing #42"
    queued = agenda.aired_reason(
        cue, at("06:00:40"), running_since=at("05:00:00"), zone=VN, previous_end=at("06:00:40")
    )
    assert queued == "waited for the item before it, on air until 06:00:40"
    slow = agenda.aired_reason(cue, at("06:00:40"), running_since=at("05:00:00"), zone=VN)
    assert slow == "started late (planned 06:00:00)"


def test_a_slot_keeps_its_job_id_whatever_zone_its_time_is_written_in():
    start = at("06:00:00")
    assert agenda.slot_job_id(start) == agenda.slot_job_id(start.astimezone(dt.UTC))
    assert agenda.slot_job_id(start) == "slot 2025-03-02T23:00:00+00:00"


@pytest.mark.parametrize("tz", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_the_stations_day_does_not_depend_on_the_process_zone(monkeypatch, tz):
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        # 18:30 UTC is already tomorrow in Vietnam, yesterday's evening in California.
        moment = dt.datetime(2025, 3, 2, 18, 30, tzinfo=dt.UTC)
        assert agenda.local_day(moment, VN) == dt.date(2025, 3, 3)
        assert agenda.clock_label(moment, VN) == "01:30:00"
    finally:
        monkeypatch.undo()
        time.tzset()
