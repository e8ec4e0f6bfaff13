"""A station's sessions as an iCalendar file (RFC 5545) for the operator's phone (pure).

One event per session, not per item: a phone's day view with two blocks
("06:30–06:45", "17:30–17:45") is readable; twenty events of ninety seconds
each, every one with its own reminder, are not. The items are listed, with
their times, in the event's description.

Times are UTC (``...Z``). Clients show them in the phone's own zone, RFC 5545
then needs no VTIMEZONE, and the network's zone (configurable, not always
Vietnam's) never has to be translated into one, DST rules included. An
``X-WR-TIMEZONE`` names the zone for clients that subscribe to the file.

A session's UID is its station and start: stable when the day is re-planned,
so a client that reloads the file updates the event instead of adding a twin.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from broadcaster.playlists.sessions import (
    Entry,
    Session,
    clock,
    duration_label,
    form_label,
    priority_label,
    session_heading,
)

SUMMARY = "Phát thanh phòng chống lừa đảo"
LINE_OCTETS = 75  # RFC 5545 3.1: without the line break
REMIND_BEFORE = dt.timedelta(minutes=10)
PRODID = "-//broadcaster//Lich phat thanh phong chong lua dao//VI"


def calendar_ics(
    station_id: str,
    station_name: str,
    sessions: Iterable[Session],
    *,
    stamp: dt.datetime,
    zone_name: str | None = None,
) -> bytes:
    """The calendar, as octets: UTF-8, CRLF, folded. ``stamp`` is when it was made."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(f'{SUMMARY} – {station_name}')}",
    ]
    if zone_name:
        lines.append(f"X-WR-TIMEZONE:{zone_name}")
    for session in sorted(sessions, key=lambda s: s.start):
        if session.entries:
            lines += _event(station_id, station_name, session, stamp)
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


def session_uid(station_id: str, session: Session) -> str:
    return f"{station_id}-{_utc(session.start)}@broadcaster"


def _event(station_id: str, station_name: str, session: Session, stamp: dt.datetime) -> list[str]:
    end = session.end or session.audio_end
    summary = f"{SUMMARY} – {station_name}"
    return [
        "BEGIN:VEVENT",
        f"UID:{session_uid(station_id, session)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(session.start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(station_name)}",
        f"DESCRIPTION:{escape_text(describe(session))}",
        "TRANSP:OPAQUE",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"TRIGGER:-PT{int(REMIND_BEFORE.total_seconds() // 60)}M",
        f"DESCRIPTION:{escape_text(f'{summary}: {session_heading(session)}')}",
        "END:VALARM",
        "END:VEVENT",
    ]


def describe(session: Session) -> str:
    count = len(session.entries)
    lines = [
        f"{session_heading(session)}: {count} bản tin, {duration_label(session.total_s)}",
        *(_entry_line(entry) for entry in session.entries),
    ]
    return "\n".join(lines)


def _entry_line(entry: Entry) -> str:
    item = entry.item
    parts = [f"{entry.label}. {clock(entry.start)} {entry.title}"]
    if item.form is not None:
        parts.append(form_label(item.form))
    if item.priority != "thuong":
        parts.append(priority_label(item.priority))
    return " – ".join(parts) + f" ({duration_label(entry.duration_s)})"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> bytes:
    """One content line as octets: at most 75 per physical line, CRLF, never inside a character.

    Continuation lines start with a space, which counts towards their 75.
    """
    out = bytearray()
    used = 0
    for char in line:
        octets = char.encode("utf-8")
        if used + len(octets) > LINE_OCTETS:
            out += b"\r\n "
            used = 1
        out += octets
        used += len(octets)
    out += b"\r\n"
    return bytes(out)


def _utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: calendar times must be aware")
    return f"{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
