"""The audit trail: who edited, rendered, uploaded, approved, rejected or alerted, and when.

An area of its own at /audit: under /content its address would be a bulletin's.
A person reads the trail, so targets show as titles and names (the id in a tooltip)
and audio as "bản dựng lúc …" (its hash, kept in the stored detail, in a tooltip).
"""

from __future__ import annotations

import contextlib
import re

from flask import Blueprint, g, render_template, request
from markupsafe import Markup, escape

from broadcaster import accounts, audit
from broadcaster.approval import review
from broadcaster.errors import BroadcasterError
from broadcaster.render.manifest import RenderRecord
from web.content import text
from web.context import runtime
from web.permissions import requires

bp = Blueprint("audit", __name__, url_prefix="/audit")

# "bản dựng lúc 14:03 ngày 30/11/2026 (sha256 <hex>)", as broadcaster.approval.review writes it
_NAMED_AUDIO = re.compile(r"(bản dựng lúc [0-9:]+ ngày [0-9/]+) \(sha256 ([0-9a-f]{64})\)")
# older entries: "âm thanh <first 12 hex digits>"
_HASHED_AUDIO = re.compile(r"âm thanh ([0-9a-f]{12,64})\b")


@bp.app_template_global()
def audit_detail(detail: str | None) -> Markup:
    """An audit detail for a person: the audio's hash moves from the text into a tooltip."""
    if not detail:
        return Markup("—")
    shown = str(escape(detail))
    shown = _NAMED_AUDIO.sub(r'<span class="audio" title="sha256 \2">\1</span>', shown)
    shown = _HASHED_AUDIO.sub(r'<span class="audio" title="sha256 \1…">âm thanh</span>', shown)
    return Markup(shown)


@bp.app_template_global("audio_name")
def audio_name(record: RenderRecord) -> str:
    """A render as a person names it ("bản dựng lúc 14:03 ngày 30/11/2026")."""
    return review.audio_name(record, runtime().settings.zone)


@bp.app_template_global("full_name")
def full_name(username: str | None) -> str:
    """A person by their full name (the username when the account is gone), read once a request."""
    if not username:
        return "—"
    names = g.get("_audit_full_names")
    if names is None:
        names = g._audit_full_names = {
            u.username: u.full_name for u in accounts.list_users(runtime().engine)
        }
    return names.get(username) or username


@bp.context_processor
def _helpers() -> dict:
    zone = runtime().settings.zone
    return {
        "fmt_time": lambda moment: text.fmt_time(moment, zone),
        "action_label": text.action_label,
    }


def _target_names(names: dict[str, str]) -> dict[str, str]:
    """What each target is called: a bulletin's title, a station's name, a person's name."""
    rt = runtime()
    found = dict(names)
    with contextlib.suppress(BroadcasterError):  # a broken schedule must not hide the trail
        found.update(rt.schedule().names)
    with contextlib.suppress(BroadcasterError):
        found.update({b.id: b.title for b in rt.library()})
    return found


@bp.get("/")
@requires("audit.view")
def trail():
    target = request.args.get("target", "").strip() or None
    entries = audit.recent(runtime().engine, limit=300, target=target)
    names = {u.username: u.full_name for u in accounts.list_users(runtime().engine)}
    return render_template(
        "audit/trail.html",
        entries=entries,
        target=target,
        names=names,
        targets=_target_names(names),
    )
