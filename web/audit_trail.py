"""The audit trail: who edited, rendered, uploaded, approved, rejected or alerted, and when.

An area of its own at /audit: under /content its address would be a bulletin's.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from broadcaster import accounts, audit
from web.content import text
from web.context import runtime
from web.permissions import requires

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.context_processor
def _helpers() -> dict:
    zone = runtime().settings.zone
    return {
        "fmt_time": lambda moment: text.fmt_time(moment, zone),
        "action_label": text.action_label,
    }


@bp.get("/")
@requires("audit.view")
def trail():
    target = request.args.get("target", "").strip() or None
    entries = audit.recent(runtime().engine, limit=300, target=target)
    names = {u.username: u.full_name for u in accounts.list_users(runtime().engine)}
    return render_template("audit/trail.html", entries=entries, target=target, names=names)
