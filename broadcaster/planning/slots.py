"""Slots: when a station airs, as wall-clock times in one time zone.

A slot is written ``{days: mon-fri, start: "6:30", minutes: 15}``. Days are
``daily``, ``weekdays``, ``mon``..``sun`` (also ``t2``..``t7`` and ``cn``, as
Vietnamese calendars write them), a range such as ``mon-fri`` or a list. Start
times are ``"6:30"`` or ``"6h30"`` and must be quoted: unquoted, YAML 1.1 reads
6:30 as the number 390, and we would rather say so than guess.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from broadcaster import yamlsource
from broadcaster.errors import Problem

MAX_SLOT_MINUTES = 240
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS = {
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{f"t{n}": n - 2 for n in range(2, 8)},  # thứ hai (t2) .. thứ bảy (t7)
    "cn": 6,  # chủ nhật
}
_DAY_SETS = {"daily": frozenset(range(7)), "weekdays": frozenset(range(5))}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2})|[hH](\d{2})?)$")
SLOT_KEYS = ("days", "start", "minutes")


@dataclass(frozen=True)
class Slot:
    """A recurring airing window at one station; equality ignores where it was written."""

    days: frozenset[int]  # 0 = Monday .. 6 = Sunday
    start: dt.time
    minutes: int
    source: str = field(default="", compare=False)
    line: int | None = field(default=None, compare=False)

    def runs_on(self, day: dt.date) -> bool:
        return day.weekday() in self.days

    @property
    def start_minute(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @property
    def end_minute(self) -> int:
        return self.start_minute + self.minutes

    @property
    def label(self) -> str:
        end = self.end_minute
        return f"{self.start:%H:%M}-{end // 60:02d}:{end % 60:02d} {days_label(self.days)}"


def local_datetime(day: dt.date, start: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The aware instant of wall-clock ``start`` on ``day`` in ``zone``.

    Never consults the process's own time zone (TZ), so an airing planned on a
    server running in UTC still starts at 6:30 in Vietnam.
    """
    return dt.datetime.combine(day, start, tzinfo=zone)


def days_label(days: frozenset[int]) -> str:
    ordered = sorted(days)
    if len(ordered) == 7:
        return "daily"
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]}-{DAY_NAMES[ordered[-1]]}"
    return ",".join(DAY_NAMES[d] for d in ordered)


def check_timezone(value: Any) -> str | None:
    """Why ``value`` is not a usable IANA zone name, or None when it is."""
    if not isinstance(value, str) or not value.strip():
        return f"timezone must be an IANA zone name such as Asia/Ho_Chi_Minh; got {value!r}"
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone '{value}' (for Vietnam: Asia/Ho_Chi_Minh)"
    return None


def parse_slots(
    raw: Any, path: tuple[str, ...], located: yamlsource.Located, problems: list[Problem]
) -> tuple[Slot, ...]:
    """A list of ``{days, start, minutes}`` mappings; bad ones are reported and skipped."""
    if not isinstance(raw, list) or not raw:
        problems.append(located.problem(path, "slots must be a non-empty list", "slots-empty"))
        return ()
    slots = []
    for index, item in enumerate(raw):
        slot = _slot(item, (*path, str(index)), located, problems)
        if slot is not None:
            slots.append(slot)
    return tuple(sorted(slots, key=lambda s: (s.start, s.minutes, sorted(s.days))))


def _slot(
    raw: Any, path: tuple[str, ...], located: yamlsource.Located, problems: list[Problem]
) -> Slot | None:
    if not isinstance(raw, dict):
        problems.append(located.problem(path, "a slot is a mapping: {days, start, minutes}"))
        return None
    before = len(problems)
    unknown_keys(raw, SLOT_KEYS, path, located, problems)
    for key in SLOT_KEYS:
        if key not in raw:
            problems.append(located.problem(path, f"slot is missing '{key}'", "slot-missing"))
    days = start = None
    if "days" in raw:
        days, message = parse_days(raw["days"])
        if message:
            problems.append(located.problem((*path, "days"), message, "slot-days-invalid"))
    if "start" in raw:
        start, message = parse_time(raw["start"])
        if message:
            problems.append(located.problem((*path, "start"), message, "slot-start-invalid"))
    minutes = raw.get("minutes")
    if "minutes" in raw and not (
        isinstance(minutes, int)
        and not isinstance(minutes, bool)
        and 1 <= minutes <= MAX_SLOT_MINUTES
    ):
        problems.append(
            located.problem(
                (*path, "minutes"),
                f"minutes must be a whole number from 1 to {MAX_SLOT_MINUTES}; got {minutes!r}",
                "slot-minutes-invalid",
            )
        )
    if len(problems) > before:
        return None
    slot = Slot(days, start, minutes, located.source, located.line(*path))
    if slot.end_minute > 24 * 60:
        problems.append(
            located.problem(path, f"slot {slot.label} runs past midnight", "slot-past-midnight")
        )
        return None
    return slot


def parse_time(value: Any) -> tuple[dt.time | None, str | None]:
    """``"6:30"``, ``"06:30"``, ``"6h30"`` or ``"6h"`` -> (time, None); else (None, why)."""
    if isinstance(value, int) and not isinstance(value, bool):
        # 60 and more: YAML 1.1 read an unquoted 6:30 as 6 * 60 + 30; below: an hour.
        shown = f"{value // 60}:{value % 60:02d}" if value >= 60 else f"{value}:00"
        return None, (
            f'write the start time in quotes, e.g. "{shown}" '
            f"(unquoted, YAML reads it as the number {value})"
        )
    text = value.strip() if isinstance(value, str) else ""
    match = _TIME.match(text)
    if not match:
        return None, f'start time must look like "6:30" or "6h30"; got {value!r}'
    hour = int(match.group(1))
    minute = int(match.group(2) or match.group(3) or 0)
    if hour > 23 or minute > 59:
        return None, f"no such time of day: {text!r} (hours 0-23, minutes 00-59)"
    return dt.time(hour, minute), None


def parse_days(value: Any) -> tuple[frozenset[int] | None, str | None]:
    """``daily``, ``weekdays``, ``mon-fri``, ``t2-t6``, ``[mon, wed]`` -> (days, None)."""
    parts: list[Any]
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
    elif isinstance(value, list):
        parts = value
    else:
        parts = [value]
    days: set[int] = set()
    bad = []
    for part in parts:
        chosen = _day_part(part)
        if chosen is None:
            bad.append(part)
        else:
            days |= chosen
    if bad or not days:
        shown = ", ".join(repr(b) for b in bad) or repr(value)
        return None, (
            f"bad weekdays {shown}: use daily, weekdays, mon..sun (or t2..t7, cn), "
            "a range such as mon-fri, or a list"
        )
    return frozenset(days), None


def _day_part(part: Any) -> frozenset[int] | None:
    if not isinstance(part, str):
        return None
    text = part.strip().lower()
    if text in _DAY_SETS:
        return _DAY_SETS[text]
    if text in _WEEKDAYS:
        return frozenset({_WEEKDAYS[text]})
    first, dash, last = text.partition("-")
    if dash and first.strip() in _WEEKDAYS and last.strip() in _WEEKDAYS:
        a, b = _WEEKDAYS[first.strip()], _WEEKDAYS[last.strip()]
        return frozenset((a + i) % 7 for i in range((b - a) % 7 + 1))
    return None


def check_overlaps(slots: Sequence[Slot], owner: str) -> list[Problem]:
    """One problem per pair of slots that share a weekday and a minute.

    ``owner`` says whose slots they are: "at station 'co-am'", "in commune_slots".
    """
    problems = []
    ordered = sorted(slots, key=lambda s: (s.start_minute, s.line or 0))
    for i, later in enumerate(ordered):
        for earlier in ordered[:i]:
            shared = earlier.days & later.days
            if shared and later.start_minute < earlier.end_minute:
                where = f" (line {earlier.line})" if earlier.line else ""
                if earlier.line and earlier.source != later.source:
                    where = f" ({earlier.source}:{earlier.line})"
                problems.append(
                    Problem(
                        later.source,
                        later.line,
                        f"slot {later.label} {owner} overlaps slot "
                        f"{earlier.label}{where} on {_on(shared)}",
                        "slot-overlap",
                    )
                )
    return problems


def unknown_keys(
    raw: dict,
    known: Sequence[str],
    path: tuple[str, ...],
    located: yamlsource.Located,
    problems: list[Problem],
) -> None:
    for key in raw:
        if key not in known:
            problems.append(
                located.problem((*path, key), f"unknown field '{key}' (known: {', '.join(known)})")
            )


def _on(days: frozenset[int]) -> str:
    return "every day" if len(days) == 7 else days_label(days)
