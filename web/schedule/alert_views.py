"""Emergency alerts in the schedule area: raise one from an approved bulletin (with a
confirmation step), and withdraw one.

The rules live in :mod:`broadcaster.alerts.raising` and
:mod:`broadcaster.alerts.withdrawing` (which also audit); this module asks and shows.
The routes stay on the schedule blueprint (``/schedule/alert...``).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for

from broadcaster import alerts
from broadcaster.airplan import service as airplan
from broadcaster.alerts import raising, withdrawing
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.library.bulletins import Kind
from web import kept_form, refusals
from web.context import now, runtime
from web.permissions import requires
from web.schedule import alerts as alerts_page
from web.schedule import text
from web.schedule.views import _load_schedule, bp


@bp.get("/alert")
@requires("alert.raise")
def alert():
    kept = kept_form.take()
    errors = (kept.errors[0], kept.errors[1:]) if kept.errors else None
    return _alert_page(errors=errors, field_errors=kept.field_errors)


def _chosen() -> tuple[str, list[str] | None]:
    """The bulletin and stations (None: all) a form or a query names."""
    everywhere = request.values.get("all") == "1"
    stations = None if everywhere else request.values.getlist("stations")
    return request.values.get("bulletin_id", "").strip(), stations


def _alert_page(
    *,
    status: int = 200,
    errors: tuple[str, list[str]] | None = None,
    field_errors: dict[str, list[str]] | None = None,
):
    rt = runtime()
    moment = now()
    sched, schedule_error = _load_schedule()
    choices = []
    try:
        found = airplan.airable(rt.library(), rt.renders(), rt.engine)
        choices = [
            s
            for s in found.segments
            if s.kind is Kind.BULLETIN and not s.retired and s.is_valid_on(moment.date())
        ]
    except BroadcasterError as exc:
        errors = errors or text.error_text(exc)
    recent = alerts.alerts_raised(rt.engine, moment - dt.timedelta(days=7))[::-1]
    names = sched.names if sched else {}
    return render_template(
        "schedule/alert.html",
        sched=sched,
        errors=errors or schedule_error,
        field_errors=field_errors or {},
        choices=choices,
        recent=[(a, alerts_page.where_label(a, names)) for a in recent[:20]],
        chosen=request.values.get("bulletin_id", ""),
        chosen_stations=set(request.values.getlist("stations")),
        all_chosen=request.values.get("all") == "1",
        zone=rt.settings.zone,
    ), status


@bp.get("/alert/confirm")
@requires("alert.raise")
def confirm_alert():
    """The step before an alert goes out: what, where and when, to confirm or go back."""
    rt = runtime()
    sched, schedule_error = _load_schedule()
    if sched is None:
        return _alert_page(status=422, errors=schedule_error)
    bulletin_id, stations = _chosen()
    try:
        preview = raising.preview_alert(rt, bulletin_id, stations=stations)
    except Refused as refused:
        message = refusals.text(refused, rt.settings.zone)
        return _alert_page(status=refusals.status(refused), errors=(message, []))
    producer = sched.network.producer.id
    rows = alerts_page.preview_rows(preview, sched.names, producer, today=now().date())
    return render_template(
        "schedule/alert_confirm.html",
        preview=preview,
        rows=rows,
        bulletin_id=bulletin_id,
        stations=stations,
        where="tất cả các đài"
        if stations is None
        else ", ".join(sched.names.get(s, s) for s in dict.fromkeys(stations)),
    )


@bp.post("/alert")
@requires("alert.raise")
def raise_alert():
    rt = runtime()
    sched, schedule_error = _load_schedule()
    bulletin_id, stations = _chosen()
    query = {"bulletin_id": bulletin_id}
    query |= {"all": "1"} if stations is None else {"stations": stations}
    if sched is None:
        headline, details = schedule_error
        return kept_form.refuse(url_for(".alert", **query), [headline, *details])
    confirmed = request.form.get("confirmed") == "1"
    try:
        if not confirmed:  # nothing goes out without the confirmation step
            raising.preview_alert(rt, bulletin_id, stations=stations)
            return redirect(url_for(".confirm_alert", **query), 303)
        raised = raising.raise_alert(rt, bulletin_id, stations=stations, by=g.user.username)
    except Refused as refused:
        # Back to the choice, as it was made (the query), with the reason at the top
        # and at the choice at fault.
        message = refusals.text(refused, rt.settings.zone)
        place = "stations" if refused.field == "stations" else "bulletin_id"
        return kept_form.refuse(
            url_for(".alert", **query), message, field=place, anchor=f"chon-{place}"
        )
    alert = raised.alert
    where = alerts_page.where_label(alert, sched.names)
    report = alerts_page.placement_report(raised, today=now().date())
    said = f"Đã phát lệnh thông báo khẩn cấp #{alert.id} “{raised.bulletin.title}” ({where})."
    flash(f"{said} {report}", "ok")
    if raised.publish_error:
        headline, details = text.error_text(raised.publish_error)
        flash(
            "Thông báo đã được ghi nhận nhưng chưa đưa được vào danh sách phát của các xã: "
            f"{headline} {' '.join(details)}",
            "error",
        )
    return redirect(url_for(".alert"))


@bp.get("/alert/<int:alert_id>/withdraw")
@requires("alert.withdraw")
def withdraw_alert_page(alert_id: int):
    kept = kept_form.take()
    return _withdraw_page(alert_id, error=kept.first("reason"), reason=kept.form.get("reason", ""))


def _withdraw_page(alert_id: int, *, error: str = "", reason: str = ""):
    """The confirmation step of a withdrawal: which alert, why, and what it changes."""
    rt = runtime()
    found = alerts.alert_by_id(rt.engine, alert_id)
    if found is None:
        abort(404)
    sched, _ = _load_schedule()
    return render_template(
        "schedule/alert_withdraw.html",
        alert=found,
        where=alerts_page.where_label(found, sched.names if sched else {}),
        error=error,
        reason=reason,
        zone=rt.settings.zone,
    )


@bp.post("/alert/<int:alert_id>/withdraw")
@requires("alert.withdraw")
def withdraw_alert(alert_id: int):
    rt = runtime()
    try:
        done = withdrawing.withdraw_alert(
            rt, alert_id, by=g.user.username, reason=request.form.get("reason", "")
        )
    except Refused as refused:
        message = refusals.text(refused, rt.settings.zone)
        if refused.code == "alert-unknown":
            page = render_template("error.html", status=404, message=message)
            abort(make_response(page, 404))
        return kept_form.refuse(
            url_for(".withdraw_alert_page", alert_id=alert_id),
            message,
            field="reason",
            form={"reason": request.form.get("reason", "")},
            anchor="alert-withdraw",
        )
    title = done.alert.title or done.alert.bulletin_id
    flash(
        f"Đã thu hồi thông báo khẩn cấp #{alert_id} “{title}”: các đài không phát thông báo "
        "này nữa ở những buổi phát chưa diễn ra.",
        "ok",
    )
    if done.publish_error:
        headline, details = text.error_text(done.publish_error)
        flash(
            "Việc thu hồi đã được ghi nhận nhưng chưa xuất lại được danh sách phát: "
            f"{headline} {' '.join(details)}",
            "error",
        )
    return redirect(url_for(".alert"))
