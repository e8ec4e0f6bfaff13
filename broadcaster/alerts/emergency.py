"""A warning typed in an emergency ("Cảnh báo khẩn"): the one rule from text to approval.

Staff type a title and a short text; it becomes a real bulletin of the library (a
general one, ``canh-bao-...``), written atomically, with an audit entry under its
author. It is valid today only and, once raised, limited to the alert's stations, so
re-planning never spreads it to other days or communes. It names espeak-ng's voice,
so the panel's render jobs render it offline like any bulletin. It is heard,
approved, and goes out as an alert through :mod:`broadcaster.alerts.raising` (its
confirmation step, where the communes are chosen).

Approval follows :mod:`broadcaster.approval.review`: with the four-eyes rule on, the
author cannot approve their own warning. When no second member of staff is there, a
second role (leadership, an administrator; the caller checks who) may approve it as
an emergency override, and must say why: the reason is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from broadcaster import approval, audit
from broadcaster.alerts import stated_reason
from broadcaster.approval import Verdict
from broadcaster.approval.review import Review, audio_words, review
from broadcaster.errors import BroadcasterError, LibraryError, Problem, Refused
from broadcaster.library import editing
from broadcaster.library.bulletins import ID_PATTERN, Bulletin
from broadcaster.runtime import Runtime

PREFIX = "canh-bao-"
MAX_TITLE = 120
MAX_TEXT = 1200  # about two minutes in the offline voice (936 characters: 117 s)
_SLUG_WORDS = 8


@dataclass(frozen=True)
class Draft:
    """What the staff member typed, tidied; the bulletin's id once written."""

    title: str
    body: str


def checked(title: str, body: str) -> Draft:
    """The typed warning, tidied; Refused (on its field) when empty or too long."""
    title, body = editing.tidy_line(title), editing.tidy_body(body)
    if not title:
        raise Refused("emergency-title-empty", "the warning needs a title", field="title")
    if len(title) > MAX_TITLE:
        raise Refused(
            "emergency-title-long",
            f"the title is {len(title)} characters; the limit is {MAX_TITLE}",
            field="title",
            limit=MAX_TITLE,
            length=len(title),
        )
    if not body.strip():
        raise Refused("emergency-text-empty", "the warning needs its text", field="body")
    if len(body.strip()) > MAX_TEXT:
        raise Refused(
            "emergency-text-long",
            f"the text is {len(body.strip())} characters; the limit is {MAX_TEXT}",
            field="body",
            limit=MAX_TEXT,
            length=len(body.strip()),
        )
    return Draft(title, body)


def is_emergency(bulletin_id: str) -> bool:
    """A warning made on the emergency page (only those may be approved by override)."""
    return bulletin_id.startswith(PREFIX)


def slug(title: str) -> str:
    """An ascii id from a Vietnamese title: ``Bão số 12`` -> ``bao-so-12``."""
    text = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words[:_SLUG_WORDS]) or "canh-bao"


def create(runtime: Runtime, title: str, body: str, *, by: str) -> Bulletin:
    """Write the warning as a new bulletin (valid today only) and audit it under ``by``."""
    draft = checked(title, body)
    now = runtime.clock.now()
    today = now.astimezone(runtime.settings.zone).date()
    base = f"{PREFIX}{slug(draft.title)}-{today:%Y%m%d}"
    fields = {
        "form": None,
        "kind": "bulletin",
        "title": draft.title,
        "priority": "thuong",  # the alert interrupts; the bulletin must not head every slot
        "valid_from": today,
        "valid_until": today,
        "voice": _offline_voice(runtime),
        "notes": f"Cảnh báo khẩn, soạn trên bảng điều khiển lúc {now:%H:%M %d/%m/%Y}.",
        "body": draft.body,
    }
    bulletin = _write_new(runtime.settings.library_dir, base, fields)
    detail = f"soạn cảnh báo khẩn “{draft.title}”"
    audit.log(runtime.engine, audit.Entry(now, by, "create", bulletin.id, detail))
    return bulletin


def _offline_voice(runtime: Runtime) -> str | None:
    """espeak-ng's voice, which names that engine: a warning never waits for the network
    (None, the configured order, only when espeak-ng is not configured at all)."""
    speech = runtime.settings.speech
    return speech.espeak.voice if "espeak" in speech.engines else None


def _write_new(library_dir: Path, base: str, fields: dict) -> Bulletin:
    """A new bulletin file, never over an existing one: ``base``, else ``base-2``, ...

    :func:`broadcaster.library.editing.write_new` writes it atomically, checked as the
    loader would, and refuses a name taken meanwhile (the next suffix is tried).
    """
    library_dir.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100):
        bulletin_id = base if n == 1 else f"{base}-{n}"
        if not ID_PATTERN.match(bulletin_id):
            raise ValueError(f"not an id: {bulletin_id}")  # slug() makes ids: a bug
        if editing.bulletin_file(library_dir, bulletin_id) is not None:
            continue
        try:
            return editing.write_new(
                library_dir / f"{bulletin_id}.yaml", {"id": bulletin_id, **fields}
            )
        except FileExistsError:
            continue
    raise LibraryError([Problem(base, None, "too many warnings with this title today")])


def approve(
    runtime: Runtime,
    bulletin_id: str,
    *,
    by: str,
    expected_sha256: str,
    override_reason: str | None = None,
) -> Review:
    """Approve the warning's current audio, as heard (``expected_sha256``).

    ``override_reason`` None: an ordinary approval (the four-eyes rule as configured).
    A string: an emergency override by a second role, which needs a reason and is
    audited with it; only warnings made on the emergency page may be approved so.
    """
    reason = None
    if override_reason is not None:
        if not is_emergency(bulletin_id):
            raise Refused(
                "emergency-override-scope",
                f"{bulletin_id} is not an emergency warning: approve it on its content page",
            )
        reason = stated_reason(
            override_reason,
            code="emergency-override-reason",
            missing="say why the override is needed",
        )
    done = review(
        runtime,
        bulletin_id,
        Verdict.APPROVED,
        by=by,
        comment=f"duyệt khẩn cấp: {reason}" if reason else "",
        expected_sha256=expected_sha256,
    )
    if reason and done.written:
        now = runtime.clock.now()
        detail = f"duyệt khẩn cấp {audio_words(done.record, runtime.settings.zone)}: {reason}"
        audit.log(runtime.engine, audit.Entry(now, by, "alert_override", bulletin_id, detail))
    return done


@dataclass(frozen=True)
class Written:
    """A warning typed since some time, for the list leadership finds it in."""

    id: str
    title: str
    approved: bool  # its current audio stands approved


def recent(runtime: Runtime, *, since: dt.datetime) -> list[Written]:
    """Warnings written since ``since`` (per the audit trail), the newest first."""
    decisions = approval.latest_decisions(runtime.engine)
    renders = runtime.renders()
    try:
        titles = {b.id: b.title for b in runtime.library().bulletins}
    except BroadcasterError:  # a broken library must not hide the list
        titles = {}
    found: dict[str, Written] = {}
    for entry in audit.recent(runtime.engine, limit=500):
        if entry.at < since:
            break
        if entry.action != "create" or not is_emergency(entry.target) or entry.target in found:
            continue
        record, decision = renders.get(entry.target), decisions.get(entry.target)
        approved = (
            record is not None
            and decision is not None
            and decision.render_sha256 == record.sha256
            and decision.verdict is Verdict.APPROVED
        )
        found[entry.target] = Written(
            entry.target, titles.get(entry.target, entry.target), approved
        )
    return list(found.values())


def limit_to(runtime: Runtime, bulletin_id: str, stations: Sequence[str]) -> None:
    """A warning raised for some stations is a bulletin for those stations only (the
    library's ``stations:`` field), so re-planning never spreads it elsewhere."""
    if not is_emergency(bulletin_id) or "stations" not in editing.FIELD_ORDER:
        return
    known = [s.id for s in runtime.schedule().network.stations]
    editing.save_bulletin(
        runtime.settings.library_dir, bulletin_id, {"stations": list(stations)}, station_ids=known
    )
