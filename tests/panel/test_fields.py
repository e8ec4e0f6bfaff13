"""Dates and times typed the Vietnamese way, whatever the browser's language."""

from __future__ import annotations

import datetime as dt

import pytest

from web import fields


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("30/11/2026", dt.date(2026, 11, 30)),
        ("1/2/2026", dt.date(2026, 2, 1)),  # 1 February, never January 2nd
        ("01.02.2026", dt.date(2026, 2, 1)),
        (" 2026-11-30 ", dt.date(2026, 11, 30)),  # links and bookmarks
        ("31/11/2026", None),
        ("11/30/2026", None),  # month/day order is not read as a date
        ("30/11", None),
        ("hôm nay", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_read_day_first(text, day):
    assert fields.parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("06:31", dt.time(6, 31)),
        ("6:31", dt.time(6, 31)),
        ("17h45", dt.time(17, 45)),
        ("17.45", dt.time(17, 45)),
        ("24:00", None),
        ("06:60", None),
        ("6:31 PM", None),  # 24-hour only
        ("", None),
    ],
)
def test_times_are_24_hour(text, clock):
    assert fields.parse_clock(text) == clock
