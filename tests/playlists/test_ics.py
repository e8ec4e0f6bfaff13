"""The calendar: RFC 5545 octets (CRLF, folding, escaping), read back with icalendar."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
import unicodedata

import pytest
from icalendar.parser import Contentlines

from broadcaster.playlists.ics import PRODID, SUMMARY, calendar_ics, session_uid

from .factories import ZONE, commune, sample_day
from .readers import events, read_calendar, utc

STAMP = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
# A physical line: a property's start, or a continuation (a space, then more of the line).
PHYSICAL_LINE = re.compile(rb"[A-Z][A-Z0-9-]*[:;]| ")


def sample_ics() -> bytes:
    day = sample_day()
    return calendar_ics(
        "tam-cuong", "Xã Tam Cường", day.sessions, stamp=STAMP, zone_name="Asia/Ho_Chi_Minh"
    )


def station_ics(station_name: str) -> bytes:
    return calendar_ics("tam-cuong", station_name, sample_day().sessions, stamp=STAMP)


def content_lines(octets: bytes) -> list[str]:
    """Unfolded, still escaped: what the file literally says, line by line."""
    return [line for line in Contentlines.from_ical(octets.decode("utf-8")) if line]


def value(lines: list[str], name: str) -> str:
    """The unescaped value of the first ``name`` line (for X- properties icalendar keeps raw)."""
    return next(line.parts()[2] for line in lines if line.startswith(f"{name}:"))


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Giả danh công ty tài chính, ngân hàng", "Giả danh công ty tài chính\\, ngân hàng"),
        ("a;b", "a\\;b"),
        ("C:\\renders", "C:\\\\renders"),
        ("C:\\new", "C:\\\\new"),  # an escaped backslash before "n" is not a newline
        ("dòng một\ndòng hai\r\nba", "dòng một\\ndòng hai\\nba"),
        ('"Khóa SIM" – 113', '"Khóa SIM" – 113'),  # quotes and dashes need nothing
    ],
)
def test_text_values_are_escaped(raw, escaped):
    octets = station_ics(raw)
    lines = content_lines(octets)
    assert f"LOCATION:{escaped}" in lines
    assert f"SUMMARY:{SUMMARY} – {escaped}" in lines
    assert f"X-WR-CALNAME:{SUMMARY} – {escaped}" in lines  # not left to icalendar's raw X-
    unescaped = raw.replace("\r\n", "\n")
    (event, _) = events(octets)
    assert event["LOCATION"] == unescaped
    assert event["SUMMARY"] == f"{SUMMARY} – {unescaped}"
    assert value(lines, "X-WR-CALNAME") == f"{SUMMARY} – {unescaped}"


def test_text_values_are_composed_unicode():
    decomposed = unicodedata.normalize("NFD", "Xã Tam Cường")
    assert decomposed != "Xã Tam Cường"
    octets = station_ics(decomposed)
    assert "LOCATION:Xã Tam Cường" in content_lines(octets)
    assert events(octets)[0]["LOCATION"] == "Xã Tam Cường"


@pytest.mark.parametrize(
    "name",
    [
        "a" * 65,  # "LOCATION:" and 65: 74 octets, one line
        "a" * 66,  # 75: icalendar folds from 75 octets on (RFC 5545 allows any split)
        "ệ" * 60,  # 3-octet characters across every boundary
        "xệ" * 50,
        "xxệ" * 50,
        "Lời mở đầu chuyên mục – Giả danh công ty tài chính, ngân hàng" * 4,
        "🙂" * 40,  # 4-octet characters too
    ],
)
def test_folding_keeps_lines_to_75_octets_and_characters_whole(name):
    octets = station_ics(name)
    physical = octets.split(b"\r\n")
    assert physical[-1] == b""
    for part in physical[:-1]:
        assert len(part) <= 75
        part.decode("utf-8")  # a split character would not decode on its own
        assert PHYSICAL_LINE.match(part), part  # continuations start with a space
    # The LOCATION line, physically: its first part and the continuations after it.
    first = next(i for i, part in enumerate(physical) if part.startswith(b"LOCATION:"))
    parts = [physical[first]]
    while physical[first + len(parts)].startswith(b" "):
        parts.append(physical[first + len(parts)])
    line = b"".join([parts[0], *(p[1:] for p in parts[1:])]).decode("utf-8")
    assert line in content_lines(octets)
    assert events(octets)[0]["LOCATION"] == name
    if len(line.encode("utf-8")) < 75:
        assert len(parts) == 1


def test_calendar_is_crlf_folded_utf8_throughout():
    octets = sample_ics()
    assert octets.startswith(b"BEGIN:VCALENDAR\r\n") and octets.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in octets.replace(b"\r\n", b"")
    for part in octets.split(b"\r\n"):
        assert len(part) <= 75
        part.decode("utf-8")
    lines = content_lines(octets)
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert f"PRODID:{PRODID}" in lines
    assert "X-WR-TIMEZONE:Asia/Ho_Chi_Minh" in lines
    assert not any("VTIMEZONE" in line or "TZID" in line for line in lines)  # UTC times
    calendar = read_calendar(octets)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == PRODID
    assert calendar["CALSCALE"] == "GREGORIAN" and calendar["METHOD"] == "PUBLISH"
    assert calendar.walk("VTIMEZONE") == []


def test_no_zone_name_no_x_wr_timezone():
    lines = content_lines(calendar_ics("tam-cuong", "Xã Tam Cường", [], stamp=STAMP))
    assert not any(line.startswith("X-WR-TIMEZONE") for line in lines)
    assert "BEGIN:VEVENT" not in lines


def test_one_event_per_session_at_the_right_time_in_vietnam():
    octets = sample_ics()
    found = events(octets)
    assert len(found) == 2
    morning, evening = found
    assert utc(morning["DTSTART"]) == dt.datetime(2026, 11, 29, 6, 30, tzinfo=ZONE)
    assert utc(morning["DTSTART"]) == dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)
    assert utc(morning["DTEND"]) == dt.datetime(2026, 11, 29, 6, 45, tzinfo=ZONE)
    assert utc(evening["DTSTART"]).astimezone(ZONE).time() == dt.time(17, 30)
    assert morning["SUMMARY"] == "Phát thanh phòng chống lừa đảo – Xã Tam Cường"
    assert morning["LOCATION"] == "Xã Tam Cường"
    assert utc(morning["DTSTAMP"]) == STAMP
    assert content_lines(octets).count("DTSTAMP:20261120T080000Z") == 2
    assert morning["DESCRIPTION"].splitlines() == [
        "Buổi phát 06:30 – 06:45 (15 phút): 3 bản tin, 3:29",
        "01. 06:30:00 Lời mở đầu chuyên mục (0:30)",
        "02. 06:30:30 Giả danh công ty tài chính, ngân hàng – Hình thức 7 (1:32)",
        '03. 06:32:02 "Khóa SIM" vì chưa chuẩn hóa thuê bao – Hình thức 3 – Ưu tiên (1:27)',
    ]
    assert "Khẩn cấp" in evening["DESCRIPTION"]
    assert morning["TRANSP"] == "OPAQUE"


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


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        calendar_ics(
            "tam-cuong", "Xã Tam Cường", sample_day().sessions, stamp=dt.datetime(2026, 1, 1)
        )


def test_every_event_reminds_the_operator_ten_minutes_before():
    octets = sample_ics()
    lines = content_lines(octets)
    assert lines.count("BEGIN:VALARM") == 2
    assert lines.count("TRIGGER:-PT10M") == 2
    assert lines.count("ACTION:DISPLAY") == 2
    for event in events(octets):
        (alarm,) = (c for c in event.subcomponents if c.name == "VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm["TRIGGER"].dt == -dt.timedelta(minutes=10)
        assert alarm["TRIGGER"].params.get("RELATED", "START") == "START"
        assert alarm["DESCRIPTION"].startswith(f"{event['SUMMARY']}: Buổi phát ")
