"""The calendar: RFC 5545 octets (CRLF, folding, escaping), parsed back by a small reader."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest

from broadcaster.playlists.ics import calendar_ics, escape_text, fold, session_uid

from .factories import ZONE, commune, sample_day
from .readers import events, unescape, unfold, utc

STAMP = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)


def sample_ics() -> bytes:
    day = sample_day()
    return calendar_ics(
        "tam-cuong", "Xã Tam Cường", day.sessions, stamp=STAMP, zone_name="Asia/Ho_Chi_Minh"
    )


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Giả danh công ty tài chính, ngân hàng", "Giả danh công ty tài chính\\, ngân hàng"),
        ("a;b", "a\\;b"),
        ("C:\\renders", "C:\\\\renders"),
        ("dòng một\ndòng hai\r\nba", "dòng một\\ndòng hai\\nba"),
        ('"Khóa SIM" – 113', '"Khóa SIM" – 113'),  # quotes and dashes need nothing
    ],
)
def test_text_values_are_escaped(raw, escaped):
    assert escape_text(raw) == escaped
    assert unescape(escaped) == raw.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "line",
    [
        "SUMMARY:" + "a" * 67,  # exactly 75 octets: one line
        "SUMMARY:" + "a" * 68,  # 76: folded
        "DESCRIPTION:" + "ệ" * 60,  # 3-octet characters across every boundary
        "DESCRIPTION:" + "xệ" * 50,
        "DESCRIPTION:" + "xxệ" * 50,
        "DESCRIPTION:Lời mở đầu chuyên mục – Giả danh công ty tài chính\\, ngân hàng" * 4,
        "X:" + "🙂" * 40,  # 4-octet characters too
    ],
)
def test_folding_keeps_lines_to_75_octets_and_characters_whole(line):
    octets = fold(line)
    physical = octets.split(b"\r\n")
    assert physical[-1] == b""
    for part in physical[:-1]:
        assert len(part) <= 75
        part.decode("utf-8")  # a split character would not decode on its own
    assert all(p.startswith(b" ") for p in physical[1:-1])
    assert unfold(octets) == [line]
    if len(line.encode("utf-8")) <= 75:
        assert len(physical) == 2


def test_calendar_is_crlf_folded_utf8_throughout():
    octets = sample_ics()
    assert octets.startswith(b"BEGIN:VCALENDAR\r\n") and octets.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in octets.replace(b"\r\n", b"")
    for part in octets.split(b"\r\n"):
        assert len(part) <= 75
        part.decode("utf-8")
    lines = unfold(octets)
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "X-WR-TIMEZONE:Asia/Ho_Chi_Minh" in lines
    assert not any("VTIMEZONE" in line or "TZID" in line for line in lines)  # UTC times


def test_one_event_per_session_at_the_right_time_in_vietnam():
    found = events(sample_ics())
    assert len(found) == 2
    morning, evening = found
    assert utc(morning["DTSTART"]) == dt.datetime(2026, 11, 29, 6, 30, tzinfo=ZONE)
    assert utc(morning["DTSTART"]) == dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)
    assert utc(morning["DTEND"]) == dt.datetime(2026, 11, 29, 6, 45, tzinfo=ZONE)
    assert utc(evening["DTSTART"]).astimezone(ZONE).time() == dt.time(17, 30)
    assert morning["SUMMARY"] == "Phát thanh phòng chống lừa đảo – Xã Tam Cường"
    assert morning["DTSTAMP"] == "20261120T080000Z"
    assert morning["DESCRIPTION"].splitlines() == [
        "Buổi phát 06:30 – 06:45 (15 phút): 3 bản tin, 3:30",
        "01. 06:30:00 Lời mở đầu chuyên mục (0:30)",
        "02. 06:30:30 Giả danh công ty tài chính, ngân hàng – Hình thức 7 (1:32)",
        '03. 06:32:02 "Khóa SIM" vì chưa chuẩn hóa thuê bao – Hình thức 3 – Ưu tiên (1:28)',
    ]
    assert "Khẩn cấp" in evening["DESCRIPTION"]


@pytest.mark.parametrize("process_zone", ["UTC", "America/New_York"])
def test_times_do_not_depend_on_the_servers_zone(monkeypatch, process_zone):
    expected = sample_ics()
    monkeypatch.setenv("TZ", process_zone)
    time.tzset()
    try:
        octets = sample_ics()
    finally:
        monkeypatch.undo()
        time.tzset()
    assert octets == expected
    assert utc(events(octets)[0]["DTSTART"]).astimezone(ZONE).time() == dt.time(6, 30)


def test_uids_are_stable_when_the_session_is_replanned():
    day = sample_day()
    first = events(sample_ics())
    replanned = dataclasses.replace(day.sessions[0], entries=day.sessions[0].entries[:1])
    again = events(
        calendar_ics(
            "tam-cuong",
            "Xã Tam Cường",
            [replanned, day.sessions[1]],
            stamp=STAMP + dt.timedelta(days=1),
        )
    )
    assert [e["UID"] for e in again] == [e["UID"] for e in first]
    assert len({e["UID"] for e in first}) == 2
    assert first[0]["UID"] == session_uid("tam-cuong", day.sessions[0])
    assert first[0]["UID"] == "tam-cuong-20261128T233000Z@broadcaster"


def test_a_session_of_unknown_length_ends_with_its_last_item():
    station = dataclasses.replace(commune(), slots=())  # the schedule lost these slots
    day = sample_day(station)
    (morning, _) = events(calendar_ics("tam-cuong", "Xã Tam Cường", day.sessions, stamp=STAMP))
    # 30 + 92.4 + 87.5 s after 06:30:00
    assert utc(morning["DTEND"]) == dt.datetime(2026, 11, 29, 6, 33, 29, tzinfo=ZONE)


def test_every_event_reminds_the_operator_ten_minutes_before():
    lines = unfold(sample_ics())
    assert lines.count("BEGIN:VALARM") == 2
    assert lines.count("TRIGGER:-PT10M") == 2
    assert lines.count("ACTION:DISPLAY") == 2
