"""A station's day as sessions of numbered entries, and the Vietnamese labels: tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from broadcaster.planning.campaigns import Campaign, Coverage, Peak
from broadcaster.planning.slots import Slot
from broadcaster.playlists.sessions import (
    Session,
    clock,
    date_label,
    duration_label,
    form_label,
    hour_minute,
    priority_label,
    session_heading,
    slot_minutes,
    station_day,
    whole_seconds,
)

from .factories import (
    DAILY,
    PEAK_DAY,
    QUIET_DAY,
    SUNDAY,
    ZONE,
    commune,
    sample_day,
    sample_items,
    session_items,
)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (dt.date(2026, 11, 29), "Chủ nhật, ngày 29/11/2026"),
        (dt.date(2026, 11, 30), "Thứ hai, ngày 30/11/2026"),
        (dt.date(2026, 12, 1), "Thứ ba, ngày 01/12/2026"),
        (dt.date(2026, 12, 2), "Thứ tư, ngày 02/12/2026"),
        (dt.date(2026, 12, 3), "Thứ năm, ngày 03/12/2026"),
        (dt.date(2026, 12, 4), "Thứ sáu, ngày 04/12/2026"),
        (dt.date(2026, 12, 5), "Thứ bảy, ngày 05/12/2026"),
    ],
)
def test_dates_are_written_as_vietnamese_calendars_write_them(day, label):
    assert date_label(day) == label


@pytest.mark.parametrize(
    ("seconds", "whole", "label"),
    [
        (0, 0, "0:00"),
        (0.49, 0, "0:00"),
        (59.4, 59, "0:59"),
        (59.5, 60, "0:59"),  # the label cuts, as the player does; M3U rounds half up
        (92.4, 92, "1:32"),
        (87.5, 88, "1:27"),
        (101.6, 102, "1:41"),  # what the browser's player shows for this item
        (600, 600, "10:00"),
        (3725, 3725, "62:05"),  # a long session stays in minutes, as on a stopwatch
    ],
)
def test_durations_are_whole_seconds_shown_as_minutes_and_seconds(seconds, whole, label):
    assert whole_seconds(seconds) == whole
    assert duration_label(seconds) == label


@pytest.mark.parametrize(
    ("moment", "label"),
    [
        (dt.datetime(2026, 11, 29, 6, 30, 0, 400_000, ZONE), "06:30:00"),
        (dt.datetime(2026, 11, 29, 6, 30, 0, 500_000, ZONE), "06:30:01"),
        (dt.datetime(2026, 11, 29, 6, 59, 59, 600_000, ZONE), "07:00:00"),
    ],
)
def test_clock_times_are_rounded_to_the_nearest_second(moment, label):
    assert clock(moment) == label


def test_clock_times_are_those_of_the_moments_own_zone():
    local = dt.datetime(2026, 11, 29, 6, 30, tzinfo=ZONE)
    same_instant = local.astimezone(dt.UTC)
    assert local == same_instant and hash(local) == hash(same_instant)
    assert [clock(local), clock(same_instant)] == ["06:30:00", "23:30:00"]
    assert [hour_minute(local), hour_minute(same_instant)] == ["06:30", "23:30"]


@pytest.mark.parametrize(
    ("value", "label"),
    [("thuong", "Thông thường"), ("uu_tien", "Ưu tiên"), ("khan_cap", "Khẩn cấp")],
)
def test_priorities_carry_the_names_of_circular_39(value, label):
    assert priority_label(value) == label


@pytest.mark.parametrize(("form", "label"), [(7, "Hình thức 7"), (24, "Hình thức 24"), (None, "—")])
def test_forms(form, label):
    assert form_label(form) == label


@pytest.mark.parametrize(
    ("start", "minutes", "heading"),
    [
        (dt.time(6, 30), 15, "Buổi phát 06:30 – 06:45 (15 phút)"),
        (dt.time(17, 0), 45, "Buổi phát 17:00 – 17:45 (45 phút)"),
        (dt.time(23, 45), 15, "Buổi phát 23:45 – 00:00 (15 phút)"),
        (dt.time(11, 0), None, "Buổi phát 11:00"),  # the schedule no longer knows the slot
    ],
)
def test_session_headings(start, minutes, heading):
    session = Session(dt.datetime.combine(SUNDAY, start, ZONE), minutes, ())
    assert session_heading(session) == heading


def test_entries_are_numbered_across_the_day_and_named_by_their_slot():
    day = sample_day()
    assert [(e.label, e.file_name) for e in day.entries] == [
        ("01", "01-0630-mo-dau.mp3"),
        ("02", "02-0630-f07-gia-danh-cong-ty-tai-chinh-ngan-hang.mp3"),
        ("03", "03-0630-f03-khoa-sim-chuan-hoa-thue-bao.mp3"),
        ("04", "04-1730-canh-bao-khan.mp3"),
        ("05", "05-1730-f14-gia-danh-cong-an-vien-kiem-sat-toa-an.mp3"),
    ]
    assert [session_heading(s) for s in day.sessions] == [
        "Buổi phát 06:30 – 06:45 (15 phút)",
        "Buổi phát 17:30 – 17:45 (15 phút)",
    ]
    assert [clock(e.start) for e in day.entries] == [
        "06:30:00",
        "06:30:30",
        "06:32:02",
        "17:30:00",
        "17:31:01",
    ]


def test_input_order_does_not_matter():
    items = sample_items()
    shuffled = items[:]
    random.Random(4).shuffle(shuffled)
    station = commune()
    assert station_day(station, SUNDAY, shuffled, zone=ZONE) == station_day(
        station, SUNDAY, items, zone=ZONE
    )


def test_times_are_shown_in_the_stations_zone_whatever_zone_the_items_carry():
    utc_items = [
        dataclasses.replace(
            i, slot_start=i.slot_start.astimezone(dt.UTC), starts_at=i.starts_at.astimezone(dt.UTC)
        )
        for i in sample_items()
    ]
    day = station_day(commune(), SUNDAY, utc_items, zone=ZONE)
    assert clock(day.entries[0].start) == "06:30:00"
    assert day.entries[0].file_name.startswith("01-0630-")


def test_a_day_of_a_hundred_items_numbers_with_three_digits():
    pieces = [(f"b{n:03d}", f"Bản tin {n}", 5.0, None, "thuong") for n in range(100)]
    items = session_items("tam-cuong", SUNDAY, "6:30", pieces)
    entries = station_day(commune(), SUNDAY, items, zone=ZONE).entries
    assert entries[0].file_name == "001-0630-b000.mp3"
    assert entries[-1].label == "100"
    assert sorted(e.file_name for e in entries) == [e.file_name for e in entries]


def test_another_stations_or_days_items_are_a_bug_not_a_silent_mix():
    with pytest.raises(ValueError, match="co-am"):
        station_day(commune(), SUNDAY, sample_items("co-am"), zone=ZONE)
    with pytest.raises(ValueError, match="2026-11-30"):
        station_day(commune(), SUNDAY, sample_items(day=dt.date(2026, 11, 30)), zone=ZONE)


def test_titles_are_one_line():
    pieces = [("b", "Cảnh báo\nkhẩn   cấp\t", 5.0, None, "khan_cap")]
    (entry,) = station_day(
        commune(), SUNDAY, session_items("tam-cuong", SUNDAY, "6:30", pieces), zone=ZONE
    ).entries
    assert entry.title == "Cảnh báo khẩn cấp"


PEAK = Peak(
    dt.date(2023, 8, 1),
    dt.date(2023, 8, 31),
    extra_minutes=15,
    extra_slots=(Slot(DAILY, dt.time(11, 0), 15),),
)
CAMPAIGN = Campaign(
    "test", "Chiến dịch thử", dt.date(2023, 8, 1), dt.date(2023, 12, 31), None, Coverage(), PEAK
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # The peak month: 15 more minutes per slot, and an 11:00 slot.
        (PEAK_DAY, {dt.time(6, 30): 30, dt.time(11, 0): 15, dt.time(17, 30): 30}),
        (QUIET_DAY, {dt.time(6, 30): 15, dt.time(17, 30): 15}),
    ],
)
def test_slot_lengths_include_the_campaigns_peak(day, expected):
    assert slot_minutes(commune(), day, CAMPAIGN) == expected
