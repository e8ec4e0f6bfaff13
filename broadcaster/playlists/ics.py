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

The file itself (UTF-8, CRLF, lines folded at 75 octets without splitting a
character, TEXT values escaped) is written by the ``icalendar`` library. Two
things are still done here: every time is converted to UTC before it is set,
since icalendar writes an aware non-UTC time with a TZID, and the ``X-WR-*``
values are typed as TEXT, since icalendar writes unknown properties unescaped.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from icalendar import TRANSP, Alarm, Calendar, Event, vText

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
    # Calendar.new() is not used: it adds a random UID (and NAME) to the calendar,
    # and the same plan must give the same octets.
    calendar = Calendar()
    calendar.version = "2.0"
    calendar.prodid = PRODID
    calendar.calscale = "GREGORIAN"
    calendar.method = "PUBLISH"
    calendar.add("X-WR-CALNAME", vText(_text(f"{SUMMARY} – {station_name}")))
    if zone_name:
        calendar.add("X-WR-TIMEZONE", vText(zone_name))
    for session in sorted(sessions, key=lambda s: s.start):
        if session.entries:
            calendar.add_component(_event(station_id, station_name, session, stamp))
    return calendar.to_ical()


def session_uid(station_id: str, session: Session) -> str:
    return f"{station_id}-{_utc(session.start):%Y%m%dT%H%M%SZ}@broadcaster"


def _event(station_id: str, station_name: str, session: Session, stamp: dt.datetime) -> Event:
    summary = _text(f"{SUMMARY} – {station_name}")
    event = Event.new(
        uid=session_uid(station_id, session),
        stamp=_utc(stamp),
        start=_utc(session.start),
        end=_utc(session.end or session.audio_end),
        summary=summary,
        location=_text(station_name),
        description=_text(describe(session)),
        transparency=TRANSP.OPAQUE,
    )
    event.add_component(
        Alarm.new_display(
            description=_text(f"{summary}: {session_heading(session)}"),
            trigger=-REMIND_BEFORE,
        )
    )
    return event


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


def _text(value: str) -> str:
    # Composed Vietnamese: decomposed input (some keyboards) would show, or search, differently.
    return unicodedata.normalize("NFC", value)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: calendar times must be aware")
    return moment.astimezone(dt.UTC)
