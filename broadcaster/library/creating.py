"""New bulletins from the panel: ids made from titles, drafts checked field by field,
copies, and retirement, each written as a file of the library.

The library folder stays the source of truth. A draft is first checked here, so
each mistake is named on the form's field (a :class:`~broadcaster.errors.Refused`
with ``field=``); the file is then written by :mod:`broadcaster.library.editing`,
which parses it as the loader will before it appears, and never over another file.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from broadcaster import yamlsource
from broadcaster.errors import BroadcasterError, LibraryError, Problem, Refused
from broadcaster.library import editing
from broadcaster.library.bulletins import (
    FORM_COUNT,
    ID_PATTERN,
    MAX_BODY_CHARS,
    Bulletin,
    Priority,
)

MAX_TITLE_CHARS = 200
MAX_ID_CHARS = 60  # a file name people can read in a listing
COPY_SUFFIX = " (bản sao)"
# Paths of the panel's content area that an id must not shadow (/content/<id>).
RESERVED_IDS = frozenset({"new", "preview", "jobs", "lexicon", "moi"})


class DraftRefused(BroadcasterError):
    """A draft with one or more mistakes, each a Refused naming its field."""

    def __init__(self, refusals: list[Refused]) -> None:
        super().__init__("; ".join(str(r) for r in refusals))
        self.refusals = refusals


# ---------------------------------------------------------------- ids from titles


def slugify(title: str) -> str:
    """``Lừa đảo đầu tư tiền ảo`` -> ``lua-dao-dau-tu-tien-ao``: diacritics folded, ascii."""
    text = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
    if len(slug) > MAX_ID_CHARS:
        slug = slug[:MAX_ID_CHARS].rsplit("-", 1)[0] if "-" in slug[:MAX_ID_CHARS] else slug
        slug = slug[:MAX_ID_CHARS].strip("-")
    return slug


def _candidates(title: str):
    base = slugify(title) or "ban-tin"
    if base not in RESERVED_IDS:
        yield base
    number = 2
    while True:
        yield f"{base}-{number}"
        number += 1


def _taken(library_dir: Path, bulletin_id: str) -> bool:
    return any((library_dir / f"{bulletin_id}{s}").exists() for s in (".yaml", ".yml"))


def new_id(library_dir: Path, title: str) -> str:
    """The first id from ``title`` that no file of the library has: ``x``, ``x-2``, ``x-3``..."""
    return next(c for c in _candidates(title) if not _taken(library_dir, c))


# ---------------------------------------------------------------- drafts


@dataclass(frozen=True)
class Draft:
    """A bulletin as typed in the panel's form (dates already read; text if unreadable)."""

    title: str
    body: str
    form: str = ""  # "" for a general bulletin, else "1".."24"
    priority: str = Priority.THUONG.value
    valid_from: dt.date | str | None = None
    valid_until: dt.date | str | None = None
    stations: tuple[str, ...] = ()


def parse_station_list(text: str) -> tuple[str, ...]:
    """Station ids typed one per line or separated by commas or spaces, in order, once each."""
    seen: list[str] = []
    for part in re.split(r"[\s,;]+", text or ""):
        if part and part not in seen:
            seen.append(part.strip().lower())
    return tuple(seen)


def check_draft(draft: Draft, *, station_ids: Collection[str] | None) -> list[Refused]:
    """Every mistake in ``draft``, each on its field; [] if the library would accept it."""
    refused: list[Refused] = []
    title = editing.tidy_line(draft.title)
    if not title:
        refused.append(Refused("bulletin-title-required", "the title is empty", field="title"))
    elif len(title) > MAX_TITLE_CHARS:
        refused.append(
            Refused(
                "bulletin-title-too-long",
                f"the title is {len(title)} characters; the limit is {MAX_TITLE_CHARS}",
                field="title",
                length=len(title),
                limit=MAX_TITLE_CHARS,
            )
        )
    elif not slugify(title):
        refused.append(
            Refused("bulletin-title-no-letters", "the title has no letter or digit", field="title")
        )
    body = editing.tidy_body(draft.body)
    if not body:
        refused.append(Refused("bulletin-body-required", "the text is empty", field="body"))
    elif len(body.rstrip("\n")) > MAX_BODY_CHARS:
        refused.append(
            Refused(
                "bulletin-body-too-long",
                f"the text is {len(body.rstrip())} characters; the limit is {MAX_BODY_CHARS}",
                field="body",
                length=len(body.rstrip()),
                limit=MAX_BODY_CHARS,
            )
        )
    if draft.form and (not draft.form.isdigit() or not 1 <= int(draft.form) <= FORM_COUNT):
        refused.append(
            Refused(
                "bulletin-form-invalid",
                f"form must be 1..{FORM_COUNT} or none; got {draft.form!r}",
                field="form",
                count=FORM_COUNT,
            )
        )
    if draft.priority not in {p.value for p in Priority}:
        refused.append(
            Refused(
                "bulletin-priority-invalid",
                f"unknown priority {draft.priority!r}",
                field="priority",
            )
        )
    refused += _dates(draft)
    refused += check_stations(draft.stations, station_ids)
    return refused


def check_stations(stations: tuple[str, ...], station_ids: Collection[str] | None) -> list[Refused]:
    """A station limit naming ids the schedule does not have (any id, if it is unreadable)."""
    unknown = [s for s in stations if station_ids is not None and s not in station_ids]
    unknown += [s for s in stations if not ID_PATTERN.match(s) and s not in unknown]
    if not unknown:
        return []
    message = f"unknown station ids: {', '.join(unknown)}"
    return [Refused("bulletin-station-unknown", message, field="stations", stations=unknown)]


def _dates(draft: Draft) -> list[Refused]:
    refused = []
    for key in ("valid_from", "valid_until"):
        value = getattr(draft, key)
        if value is None and key == "valid_from":
            refused.append(Refused("bulletin-date-required", f"{key} is empty", field=key))
        elif isinstance(value, str):
            refused.append(
                Refused(
                    "bulletin-date-invalid",
                    f"{key} is not a date: {value!r}",
                    field=key,
                    value=value,
                )
            )
    start, end = draft.valid_from, draft.valid_until
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        refused.append(
            Refused(
                "bulletin-dates-reversed",
                f"valid_until {end} is before valid_from {start}",
                field="valid_until",
                start=start,
                end=end,
            )
        )
    return refused


def _fields(draft: Draft) -> dict[str, Any]:
    """The file's fields for a checked draft, in the documented order (id added on write)."""
    fields: dict[str, Any] = {
        "form": int(draft.form) if draft.form else None,
        "kind": "bulletin",
        "title": editing.tidy_line(draft.title),
        "priority": draft.priority,
        "valid_from": draft.valid_from,
        "valid_until": draft.valid_until,
    }
    if draft.stations:
        fields["stations"] = list(draft.stations)
    fields["body"] = editing.tidy_body(draft.body)
    return fields


# ---------------------------------------------------------------- writing new files


def create_bulletin(
    library_dir: Path, draft: Draft, *, station_ids: Collection[str] | None
) -> Bulletin:
    """Check ``draft`` and write it as a new file; DraftRefused names each mistake."""
    refused = check_draft(draft, station_ids=station_ids)
    if refused:
        raise DraftRefused(refused)
    return _write_new(library_dir, _fields(draft), station_ids)


def duplicate_bulletin(
    library_dir: Path, bulletin_id: str, *, station_ids: Collection[str] | None = None
) -> Bulletin:
    """A copy under a new id, titled "… (bản sao)"; not retired, and without the announcer's
    recording (that file belongs to the original and is replaced with it)."""
    path = editing.bulletin_file(library_dir, bulletin_id)
    if path is None:
        raise LibraryError([Problem(bulletin_id, None, "no bulletin has this id")])
    editing.read_bulletin(path)  # a broken file is not copied
    data = dict(yamlsource.load_file(path).data)
    for key in ("id", "recording", "retired", "retired_on"):
        data.pop(key, None)
    title = data["title"].strip()
    data["title"] = title[: MAX_TITLE_CHARS - len(COPY_SUFFIX)] + COPY_SUFFIX
    return _write_new(library_dir, data, station_ids)


def _write_new(library_dir: Path, fields: dict[str, Any], station_ids) -> Bulletin:
    """Write ``fields`` under the first free id made from the title; a race takes the next."""
    for candidate in _candidates(fields["title"]):
        if _taken(library_dir, candidate):
            continue
        try:
            path = library_dir / f"{candidate}.yaml"
            return editing.write_new(path, {"id": candidate, **fields}, station_ids)
        except FileExistsError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def set_retired(
    library_dir: Path, bulletin_id: str, retired: bool, *, today: dt.date
) -> editing.Saved:
    """Retire a bulletin (``retired: true``, ``retired_on``) or bring it back (both removed)."""
    if retired:
        changes = {"retired": True, "retired_on": today}
    else:
        changes = {"retired": editing.REMOVE, "retired_on": editing.REMOVE}
    return editing.save_bulletin(library_dir, bulletin_id, changes)
