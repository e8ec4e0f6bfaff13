""" "Cảnh báo khẩn": a warning typed in an emergency, on one page, to every loudspeaker.

Staff type a title and the text (``/schedule/emergency``); it becomes a bulletin of
the library and its own page (``/schedule/emergency/<id>``) shows the spoken text,
renders it with the panel's render jobs (:mod:`web.content.jobs`, the offline voice
as configured), plays the audio, takes the approval (four-eyes as configured, or an
emergency override by leadership or an administrator, with a reason) and the choice
of communes. The confirmation step and the raise are the alert's own
(:mod:`web.schedule.alert_views`). The rules are in :mod:`broadcaster.alerts.emergency`.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for

from broadcaster import approval
from broadcaster.alerts import emergency
from broadcaster.approval.review import is_current, last_author
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.normalize import normalize
from web import kept_form, refusals
from web.content import jobs as content_jobs
from web.content.text import fmt_seconds, voice_label
from web.context import now, runtime
from web.permissions import allowed, requires
from web.schedule.views import _load_schedule, bp

RECENT = dt.timedelta(days=1)


@bp.get("/emergency")
@requires("alert.emergency")
def emergency_page():
    """The typing form (for staff) and today's warnings, for everyone who may act on one."""
    kept = kept_form.take()
    field = next(iter(kept.field_errors), None)
    return render_template(
        "schedule/emergency.html",
        error=" ".join(kept.errors),
        field=field,
        title=kept.form.get("title", ""),
        body=kept.form.get("body", ""),
        max_title=emergency.MAX_TITLE,
        max_text=emergency.MAX_TEXT,
        drafts=emergency.recent(runtime(), since=now() - RECENT),
    )


@bp.post("/emergency")
@requires("alert.raise")
def create_emergency():
    rt = runtime()
    try:
        bulletin = emergency.create(
            rt, request.form.get("title", ""), request.form.get("body", ""), by=g.user.username
        )
    except Refused as refused:
        message = refusals.text(refused, rt.settings.zone)
        field = refused.field if refused.field in ("title", "body") else None
        typed = {key: request.form.get(key, "") for key in ("title", "body")}
        return kept_form.refuse(
            url_for(".emergency_page"), message, field=field, form=typed, anchor="soan"
        )
    job = content_jobs.board().render(rt, bulletin.id, by=g.user.username)
    flash(f"Đã ghi cảnh báo “{bulletin.title}” vào thư viện; đang dựng âm thanh.", "ok")
    return redirect(url_for(".emergency_draft", bulletin_id=bulletin.id, job=job.id))


def _bulletin(bulletin_id: str):
    if not emergency.is_emergency(bulletin_id):
        abort(404)
    try:
        return runtime().library().get(bulletin_id)
    except (KeyError, BroadcasterError):
        abort(404)


@bp.get("/emergency/<bulletin_id>")
@requires("alert.emergency")
def emergency_draft(bulletin_id: str):
    return _draft_page(bulletin_id)


def _draft_page(bulletin_id: str, *, status: int = 200, error: str = "", field: str | None = None):
    rt = runtime()
    bulletin = _bulletin(bulletin_id)
    record = rt.renders().get(bulletin_id)
    job = content_jobs.board().get(request.args.get("job", ""))
    job = job if job is not None and job.bulletin_id == bulletin_id else None
    job = job or content_jobs.board().active_for(bulletin_id)
    current = record is not None and is_current(rt, bulletin_id, record)
    decision = next(
        (
            d
            for d in approval.decisions_for(rt.engine, bulletin_id)
            if record is not None and d.render_sha256 == record.sha256
        ),
        None,
    )
    approved = decision is not None and decision.verdict is approval.Verdict.APPROVED
    author = last_author(rt, bulletin_id)
    four_eyes = rt.settings.panel.four_eyes
    sched, _ = _load_schedule()
    return render_template(
        "schedule/emergency_draft.html",
        bulletin=bulletin,
        spoken=normalize(bulletin.body, rt.lexicon),
        record=record if current else None,
        job=job,
        decision=decision,
        approved=approved,
        author=author,
        four_eyes=four_eyes,
        self_blocked=four_eyes and author == g.user.username,
        may_approve=allowed(g.user, "content.approve"),
        may_override=allowed(g.user, "alert.override"),
        may_raise=allowed(g.user, "alert.raise"),
        sched=sched,
        error=error,
        field=field,
        reason=request.form.get("reason", ""),
        fmt_seconds=fmt_seconds,
        voice_label=voice_label,
    ), status


@bp.post("/emergency/<bulletin_id>/render")
@requires("alert.raise")
def render_emergency(bulletin_id: str):
    _bulletin(bulletin_id)
    job = content_jobs.board().render(runtime(), bulletin_id, by=g.user.username)
    return redirect(url_for(".emergency_draft", bulletin_id=bulletin_id, job=job.id))


@bp.get("/emergency/<bulletin_id>/audio/<sha12>.mp3")
@requires("alert.emergency")
def emergency_audio(bulletin_id: str, sha12: str):
    """The warning's current audio, for whoever approves it (leadership included)."""
    rt = runtime()
    _bulletin(bulletin_id)
    record = rt.renders().get(bulletin_id)
    if record is None or len(sha12) != 12 or not record.sha256.startswith(sha12):
        abort(404)
    path = rt.paths.renders / record.file
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="audio/mpeg", conditional=True, max_age=3600)


@bp.post("/emergency/<bulletin_id>/approve")
@requires("content.approve")
def approve_emergency(bulletin_id: str):
    return _approve(bulletin_id, override=False)


@bp.post("/emergency/<bulletin_id>/override")
@requires("alert.override")
def override_emergency(bulletin_id: str):
    return _approve(bulletin_id, override=True)


def _approve(bulletin_id: str, *, override: bool):
    rt = runtime()
    _bulletin(bulletin_id)
    try:
        done = emergency.approve(
            rt,
            bulletin_id,
            by=g.user.username,
            expected_sha256=request.form.get("sha256", ""),
            override_reason=request.form.get("reason", "") if override else None,
        )
    except Refused as refused:
        message = refusals.text(refused, rt.settings.zone)
        return _draft_page(
            bulletin_id, status=refusals.status(refused), error=message, field=refused.field
        )
    said = "Đã duyệt khẩn cấp (ghi lý do vào nhật ký)" if override else "Đã duyệt"
    flash(f"{said} bản âm thanh {done.record.sha256[:12]}: chọn nơi phát rồi xác nhận.", "ok")
    return redirect(url_for(".emergency_draft", bulletin_id=bulletin_id) + "#phat")
