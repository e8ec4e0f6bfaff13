"""A station's day as its operator sees it: sessions (slots) of numbered entries.

Pure. The playlist, the printed schedule and the calendar are all drawn from one
:class:`StationDay`, so entry numbers, times and file names agree everywhere, on
screen and on paper.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath

from broadcaster.airplan.store import StoredItem
from broadcaster.library.bulletins import Priority
from broadcaster.planning.campaigns import Campaign, slots_on
from broadcaster.planning.plans import after
from broadcaster.planning.stations import Station

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
NO_FORM = "—"
_HALF_SECOND = dt.timedelta(microseconds=500_000)
_PRIORITY_LABELS = {priority.value: priority.label for priority in Priority}


@dataclass(frozen=True)
class Entry:
    """One planned item, numbered in airing order within the station's day."""

    number: int
    label: str  # the number as written everywhere: "01"
    item: StoredItem
    start: dt.datetime  # local
    file_name: str  # the audio's name in the station's folder
    title: str  # on one line: players and tables show it, never as a paragraph

    @property
    def duration_s(self) -> float:
        return self.item.duration_s

    @property
    def end(self) -> dt.datetime:
        return after(self.start, self.item.duration_s)


@dataclass(frozen=True)
class Session:
    """One slot of the day (buổi phát) and what airs in it."""

    start: dt.datetime  # local
    minutes: int | None  # the slot's scheduled length; None when the schedule lacks it
    entries: tuple[Entry, ...]

    @property
    def end(self) -> dt.datetime | None:
        return None if self.minutes is None else after(self.start, self.minutes * 60)

    @property
    def total_s(self) -> float:
        return sum(entry.duration_s for entry in self.entries)

    @property
    def audio_end(self) -> dt.datetime:
        return self.entries[-1].end if self.entries else self.start


@dataclass(frozen=True)
class StationDay:
    station_id: str
    station_name: str
    day: dt.date
    sessions: tuple[Session, ...]

    @property
    def entries(self) -> list[Entry]:
        return [entry for session in self.sessions for entry in session.entries]


def station_day(
    station: Station,
    day: dt.date,
    items: Iterable[StoredItem],
    *,
    zone: dt.tzinfo,
    slot_minutes: Mapping[dt.time, int] | None = None,
) -> StationDay:
    """Group one station's items of one day into sessions, numbered in airing order.

    ``slot_minutes`` maps a slot's local start time to its length that day
    (see :func:`slot_minutes`); a stored plan knows where slots start, not how long they are.
    """
    items = sorted(items, key=lambda i: (i.starts_at, i.position))
    for item in items:
        if item.station_id != station.id or item.day != day:
            raise ValueError(
                f"item {item.bulletin_id} belongs to {item.station_id} on {item.day}, "
                f"not {station.id} on {day}"
            )
    width = max(2, len(str(len(items))))
    grouped: dict[dt.datetime, list[Entry]] = {}
    for number, item in enumerate(items, start=1):
        slot_start = _local(item.slot_start, zone)
        start = _local(item.starts_at, zone)
        label = f"{number:0{width}d}"
        name = entry_file_name(label, slot_start, item.bulletin_id, item.file)
        title = one_line(item.title or item.bulletin_id)
        grouped.setdefault(slot_start, []).append(Entry(number, label, item, start, name, title))
    lengths = slot_minutes or {}
    sessions = tuple(
        Session(start, lengths.get(start.time()), tuple(entries))
        for start, entries in sorted(grouped.items())
    )
    return StationDay(station.id, station.name, day, sessions)


def slot_minutes(
    station: Station, day: dt.date, campaign: Campaign | None = None
) -> dict[dt.time, int]:
    """How long each of the station's slots runs on ``day``, the campaign's peak included."""
    return {slot.start: slot.minutes for slot in slots_on(station, day, campaign)}


def entry_file_name(label: str, slot_start: dt.datetime, bulletin_id: str, render_file: str) -> str:
    """``01-0630-f07-gia-danh-cong-ty-tai-chinh-ngan-hang.mp3``: sorts in airing order.

    ASCII only (bulletin ids are ascii slugs): cheap USB players, FAT sticks and
    the zip tool of older Windows mangle anything else. The time is the slot's,
    so a folder listing shows the sessions.
    """
    return f"{label}-{_hhmm(slot_start)}-{bulletin_id}{_suffix(render_file)}"


# Thousands of stations share a few hundred distinct times, titles and files:
# the labels below are computed once each (bounded caches, for long-running servers).


@functools.lru_cache(maxsize=1024)
def _suffix(render_file: str) -> str:
    return PurePath(render_file).suffix.lower() or ".mp3"


def _hhmm(moment: dt.datetime) -> str:
    return _wall(moment, moment.tzinfo, "%H%M")


@functools.lru_cache(maxsize=65536)
def _wall(moment: dt.datetime, zone: dt.tzinfo | None, pattern: str) -> str:
    """Keyed by the zone too: aware datetimes in two zones can be equal, and hash alike,
    while they show different times."""
    return moment.strftime(pattern)


@functools.lru_cache(maxsize=4096)
def one_line(text: str) -> str:
    """Titles and names are shown on one line, in players as in tables."""
    return " ".join(text.split())


def _local(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return moment if moment.tzinfo is zone else moment.astimezone(zone)


# -- Vietnamese labels ----------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def date_label(day: dt.date) -> str:
    """``Chủ nhật, ngày 29/11/2026``."""
    return f"{WEEKDAYS[day.weekday()]}, ngày {day:%d/%m/%Y}"


def whole_seconds(seconds: float) -> int:
    """Half up, not to even: 92.5 s is shown as 93 s wherever it appears."""
    return math.floor(seconds + 0.5)


def clock(moment: dt.datetime) -> str:
    """``06:31:32``: to the nearest second, in the moment's own zone."""
    return _wall(moment + _HALF_SECOND, moment.tzinfo, "%H:%M:%S")


def hour_minute(moment: dt.datetime) -> str:
    return _wall(moment, moment.tzinfo, "%H:%M")


@functools.lru_cache(maxsize=65536)
def duration_label(seconds: float) -> str:
    """``1:41`` for 101.6 s (minutes:seconds): whole seconds cut, as a stopwatch and
    the browser's audio player count, so the panel, the printed sheet and the
    playlists all show what the operator's player shows."""
    total = math.floor(seconds)
    return f"{total // 60}:{total % 60:02d}"


def priority_label(value: str) -> str:
    """Thông thường / Ưu tiên / Khẩn cấp, as Circular 39/2020 names them."""
    return _PRIORITY_LABELS.get(value) or Priority(value).label  # ValueError when unknown


def form_label(form: int | None) -> str:
    return NO_FORM if form is None else f"Hình thức {form}"


def session_heading(session: Session) -> str:
    """``Buổi phát 06:30 – 06:45 (15 phút)``; without the end when the slot length is unknown."""
    start = hour_minute(session.start)
    if session.end is None:
        return f"Buổi phát {start}"
    return f"Buổi phát {start} – {hour_minute(session.end)} ({session.minutes} phút)"
