"""The bulletin library: one YAML file per bulletin, validated as a whole.

A bulletin file holds::

    id: f01-combo-du-lich      # ascii slug, equal to the file name
    form: 1                    # 1..24 (the published forms of online fraud) or null
    kind: bulletin             # bulletin | opening | closing
    title: Combo du lịch giá rẻ
    priority: thuong           # thuong | uu_tien | khan_cap (Circular 39/2020)
    valid_from: 2023-01-01
    valid_until: null
    voice: null                # optional engine voice, e.g. vi-vn-x-south
    recording: null            # optional: an announcer's recording, relative to this file
    notes: ...                 # optional, for staff
    speech:                    # optional: this bulletin's own espeak-ng reading
      rate: 120                # words a minute (speech.espeak.rate otherwise)
      sentence_pause_ms: 900   # silence after each sentence (speech.espeak.sentence_pause_ms)
    stations: [ngu-phuc]       # optional: only these stations air it (see availability)
    retired: true              # optional: kept for history, planned nowhere
    retired_on: 2026-11-30
    leaflet:                   # optional, form bulletins only: the printed leaflet's text
      recognise:               # two or three short lines: how to recognise the trick
        - Gọi điện tự xưng công an, đòi chuyển tiền để "xác minh".
        - ...
      act: Tắt máy, báo Công an xã hoặc gọi 113.   # one line: what to do
    body: |
      ...

The body is limited to ``MAX_BODY_CHARS`` characters: about three minutes read
aloud at a radio pace of ~17 characters a second, longer than any commune slot
should give one item (bulletins are meant to run one to two minutes).

Leaflet lines are short because the leaflet puts twelve forms on a side of A4 in
type an elderly reader can read: see ``LEAFLET_LINE_CHARS``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from broadcaster import yamlsource
from broadcaster.config import ESPEAK_RATE, SENTENCE_PAUSE_MS
from broadcaster.errors import LibraryError, Problem, path_label
from broadcaster.library.availability import AVAILABILITY_FIELDS, parse_availability

MAX_BODY_CHARS = 3000
FORM_COUNT = 24
# A leaflet's "recognise" lines and its "act" line: at most this many characters each,
# about one printed line in a leaflet cell, so that all 24 forms fit in large type.
LEAFLET_LINE_CHARS = 60
LEAFLET_RECOGNISE_LINES = (2, 3)
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Priority(enum.StrEnum):
    """The three bulletin priorities of Circular 39/2020/TT-BTTTT."""

    THUONG = "thuong"  # normal: the commune fits it into its schedule
    UU_TIEN = "uu_tien"  # priority: aired first
    KHAN_CAP = "khan_cap"  # emergency: aired at once, interrupting

    @property
    def label(self) -> str:
        return {"thuong": "Thông thường", "uu_tien": "Ưu tiên", "khan_cap": "Khẩn cấp"}[self.value]


class Kind(enum.StrEnum):
    BULLETIN = "bulletin"
    OPENING = "opening"  # said before the bulletins of a session
    CLOSING = "closing"  # said after them


@dataclass(frozen=True)
class Leaflet:
    """A form's text on the printed leaflet: the signs of the trick and what to do."""

    recognise: tuple[str, ...]
    act: str


@dataclass(frozen=True)
class SpeechOverride:
    """A bulletin's own espeak-ng rate or sentence pause (None: the configured one)."""

    rate: int | None = None
    sentence_pause_ms: int | None = None


@dataclass(frozen=True)
class Bulletin:
    id: str
    form: int | None
    kind: Kind
    title: str
    priority: Priority
    valid_from: dt.date
    valid_until: dt.date | None
    body: str
    voice: str | None = None
    recording: Path | None = None  # an announcer's reading, used instead of synthesis
    notes: str | None = None
    leaflet: Leaflet | None = None
    speech: SpeechOverride | None = None  # the bulletin's own rate or sentence pause
    source: str = ""
    stations: tuple[str, ...] | None = None  # only these stations air it; None: every one
    retired: bool = False  # kept for history and evidence; planned nowhere
    retired_on: dt.date | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def airs_at(self, station_id: str) -> bool:
        return self.stations is None or station_id in self.stations

    @property
    def word_count(self) -> int:
        return len(self.body.split())


@dataclass(frozen=True)
class Library:
    bulletins: tuple[Bulletin, ...]

    def __iter__(self):
        return iter(self.bulletins)

    def __len__(self) -> int:
        return len(self.bulletins)

    def get(self, bulletin_id: str) -> Bulletin:
        for bulletin in self.bulletins:
            if bulletin.id == bulletin_id:
                return bulletin
        raise KeyError(bulletin_id)

    def select(self, ids: Iterable[str]) -> list[Bulletin]:
        """The bulletins with these ids, in the order given; unknown ids are a LibraryError."""
        known = {b.id: b for b in self.bulletins}
        missing = [i for i in ids if i not in known]
        if missing:
            raise LibraryError(Problem(i, None, "no bulletin has this id") for i in missing)
        return [known[i] for i in ids]

    @property
    def missing_forms(self) -> list[int]:
        covered = {b.form for b in self.bulletins if b.form is not None}
        return [n for n in range(1, FORM_COUNT + 1) if n not in covered]


REQUIRED = ("id", "kind", "title", "priority", "valid_from", "body")
OPTIONAL = ("form", "valid_until", "voice", "recording", "notes", "leaflet", "speech")
OPTIONAL += AVAILABILITY_FIELDS  # stations, retired, retired_on


def load_library(directory: Path, *, station_ids: Collection[str] | None = None) -> Library:
    """Load and check every ``*.yaml`` under ``directory``; LibraryError lists every problem.

    With ``station_ids`` (the schedule's), a station limit naming another id is a problem.
    """
    if not directory.is_dir():
        raise LibraryError([Problem(path_label(directory), None, "bulletin folder not found")])
    problems: list[Problem] = []
    bulletins: list[Bulletin] = []
    first_seen: dict[str, str] = {}
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        problems.append(Problem(path_label(directory), None, "no bulletin files (*.yaml)"))
    for path in files:
        located = yamlsource.load_file(path)
        bulletin = parse_bulletin(located, path, problems, station_ids=station_ids)
        if bulletin is None:
            continue
        if bulletin.id in first_seen:
            problems.append(
                located.problem(
                    ("id",), f"duplicate id '{bulletin.id}' (also in {first_seen[bulletin.id]})"
                )
            )
            continue
        first_seen[bulletin.id] = located.source
        bulletins.append(bulletin)
    if problems:
        raise LibraryError(problems)
    return Library(tuple(sorted(bulletins, key=_library_order)))


def _library_order(bulletin: Bulletin) -> tuple:
    kind_rank = {Kind.OPENING: 0, Kind.BULLETIN: 1, Kind.CLOSING: 2}[bulletin.kind]
    return (kind_rank, bulletin.form or 0, bulletin.id)


def parse_bulletin(
    located: yamlsource.Located,
    path: Path,
    problems: list[Problem],
    *,
    station_ids: Collection[str] | None = None,
):
    """One file's bulletin, or None; its problems are appended to ``problems``."""
    stem = path.stem
    problems += located.problems
    if located.problems:
        return None
    data = located.data
    if not isinstance(data, dict):
        problems.append(Problem(located.source, 1, "expected a mapping of bulletin fields"))
        return None
    count_before = len(problems)

    def bad(key: str, message: str) -> None:
        problems.append(located.problem((key,), message))

    for key in data:
        if key not in REQUIRED and key not in OPTIONAL:
            bad(key, f"unknown field '{key}' (known: {', '.join(REQUIRED + OPTIONAL)})")
    for key in REQUIRED:
        if data.get(key) in (None, ""):
            problems.append(Problem(located.source, located.line(), f"missing field '{key}'"))

    bulletin_id = _text(data.get("id"))
    if bulletin_id and not ID_PATTERN.match(bulletin_id):
        bad("id", f"id '{bulletin_id}' must be lowercase ascii letters, digits and dashes")
    elif bulletin_id and bulletin_id != stem:
        bad("id", f"id '{bulletin_id}' must match the file name '{stem}'")

    form = data.get("form")
    if form is not None and (not _is_int(form) or not 1 <= form <= FORM_COUNT):
        bad("form", f"form must be a number from 1 to {FORM_COUNT}, or null; got {form!r}")

    kind = _enum(Kind, data.get("kind"), "kind", bad)
    if kind in (Kind.OPENING, Kind.CLOSING) and form is not None:
        bad("form", f"an {kind.value} item belongs to no form; set form: null")
    priority = _enum(Priority, data.get("priority"), "priority", bad)

    valid_from = _date(data.get("valid_from"), "valid_from", bad)
    valid_until = _date(data.get("valid_until"), "valid_until", bad)
    if valid_from and valid_until and valid_until < valid_from:
        bad("valid_until", f"valid_until {valid_until} is before valid_from {valid_from}")

    title = _text(data.get("title"))
    body = _text(data.get("body"))
    if data.get("body") is not None and not isinstance(data.get("body"), str):
        bad("body", "body must be text")
    elif data.get("body") is not None and not body:
        bad("body", "body is empty")
    if len(body) > MAX_BODY_CHARS:
        bad(
            "body",
            f"body is {len(body)} characters; the limit is {MAX_BODY_CHARS} "
            "(about three minutes read aloud): split it into two bulletins",
        )
    for key in ("voice", "notes", "title", "recording"):
        if data.get(key) is not None and not isinstance(data.get(key), str):
            bad(key, f"{key} must be text")
    leaflet = _leaflet(data.get("leaflet"), form, located, problems)
    speech = _speech(data.get("speech"), located, problems)
    availability = parse_availability(data, located, problems, station_ids)
    recording = None
    if isinstance(data.get("recording"), str):
        recording = path.parent / data["recording"]
        if not recording.is_file():
            bad("recording", f"recording file not found: {path_label(recording)}")

    if len(problems) > count_before:
        return None
    return Bulletin(
        id=bulletin_id,
        form=form,
        kind=kind,
        title=title,
        priority=priority,
        valid_from=valid_from,
        valid_until=valid_until,
        body=body,
        voice=_text(data.get("voice")) or None,
        recording=recording,
        notes=_text(data.get("notes")) or None,
        leaflet=leaflet,
        speech=speech,
        source=located.source,
        stations=availability.stations,
        retired=availability.retired,
        retired_on=availability.retired_on,
    )


def _leaflet(
    raw: Any, form: Any, located: yamlsource.Located, problems: list[Problem]
) -> Leaflet | None:
    """The leaflet text, checked line by line; problems name the line they are on.

    Optional in a file: the leaflet itself refuses a form that no bulletin gives text
    for (see :mod:`broadcaster.leaflet.content`), so a bulletin added for a form that
    already has its leaflet text, or a test's bulletin, needs none.
    """
    if raw is None:
        return None

    def bad(path: tuple[str, ...], message: str) -> None:
        problems.append(located.problem(("leaflet", *path), message))

    if form is None:
        bad((), "leaflet text belongs to a form bulletin (form: 1..24); remove it here")
        return None
    if not isinstance(raw, dict):
        bad((), "leaflet must be a mapping with 'recognise' (a list of lines) and 'act' (a line)")
        return None
    before = len(problems)
    for key in raw:
        if key not in ("recognise", "act"):
            bad((key,), f"unknown leaflet field '{key}' (known: recognise, act)")
    lines = raw.get("recognise")
    low, high = LEAFLET_RECOGNISE_LINES
    if not isinstance(lines, list) or not low <= len(lines) <= high:
        bad(("recognise",), f"leaflet.recognise must be a list of {low} or {high} lines")
        lines = lines if isinstance(lines, list) else []
    recognise = tuple(
        _leaflet_line(line, ("recognise", str(i)), bad) for i, line in enumerate(lines)
    )
    if "act" not in raw:
        bad((), "leaflet.act is missing: one line on what to do")
    act = _leaflet_line(raw.get("act"), ("act",), bad) if "act" in raw else ""
    if len(problems) > before:
        return None
    return Leaflet(recognise, act)


def _leaflet_line(value: Any, path: tuple[str, ...], bad) -> str:
    name = "leaflet." + ".".join(path)
    if not isinstance(value, str) or not _text(value):
        bad(path, f"{name} must be a line of text")
        return ""
    line = " ".join(_text(value).split())
    if "\n" in _text(value):
        bad(path, f"{name} must be one line")
    elif len(line) > LEAFLET_LINE_CHARS:
        bad(path, f"{name} is {len(line)} characters; the limit is {LEAFLET_LINE_CHARS}")
    return line


def _speech(
    raw: Any, located: yamlsource.Located, problems: list[Problem]
) -> SpeechOverride | None:
    """The optional ``speech:`` mapping, within the bounds the config allows."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(
            located.problem(("speech",), "speech must be a mapping of rate, sentence_pause_ms")
        )
        return None
    before = len(problems)
    bounds = {
        "rate": (ESPEAK_RATE, "words a minute"),
        "sentence_pause_ms": (SENTENCE_PAUSE_MS, "ms"),
    }
    for key, value in raw.items():
        if key not in bounds:
            problems.append(
                located.problem(
                    ("speech", key), f"unknown speech field '{key}' (known: {', '.join(bounds)})"
                )
            )
            continue
        (low, high), unit = bounds[key]
        if not _is_int(value) or not low <= value <= high:
            message = f"speech.{key} must be a whole number from {low} to {high} {unit}"
            problems.append(located.problem(("speech", key), f"{message}; got {value!r}"))
    if len(problems) > before:
        return None
    return SpeechOverride(raw.get("rate"), raw.get("sentence_pause_ms"))


def _text(value: Any) -> str:
    """Trimmed NFC text: what an editor typed with any keyboard (NFD or NFC) means the same."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFC", value).strip()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _enum(enum_cls, value: Any, key: str, bad):
    if value is None:
        return None
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_cls)
        bad(key, f"{key} must be one of {allowed}; got {value!r}")
        return None


def _date(value: Any, key: str, bad) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    bad(key, f"{key} must be a date written YYYY-MM-DD; got {value!r}")
    return None
