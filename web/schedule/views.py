"""The schedule: stations and slots, campaigns, the plan of each day, forecasts and alerts.

Staff see who airs when (``/schedule/``), what each station airs on a day or in a
week (``/schedule/plan``), plan days again and publish their playlists (POST
``/schedule/plan``), check a campaign's coverage goal ahead (``/schedule/forecast``)
and raise an emergency alert (``/schedule/alert``, in :mod:`web.schedule.alert_views`).
The rules live in the package (:mod:`broadcaster.airplan.service`), which also audits;
this module asks and shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from broadcaster.accounts import Role
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import is_planned
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.library.bulletins import Kind
from broadcaster.planning.campaigns import active_campaign, slots_on
from web import kept_form, refusals
from web.context import now, runtime
from web.fields import parse_date
from web.permissions import allowed, requires
from web.schedule import alerts as alerts_page
from web.schedule import data, planning, text
from web.schedule import forecast as schedule_forecast

bp = Blueprint("schedule", __name__, url_prefix="/schedule")


@bp.record_once
def _setup(state) -> None:
    state.app.extensions[planning.EXTENSION] = planning.Planner()


MAX_PLAN_DAYS = 14
PLAN_DAY_CHOICES = (1, 7, 14)
VIEWS = ("day", "week")


@bp.app_context_processor
def _banners() -> dict:
    """For base.html: ``active_alerts`` (an operator's own station's, everyone's for
    others) and ``unplanned_today`` (no plan stored for today: nothing would air)."""
    user = g.get("user")
    if user is None:
        return {"active_alerts": [], "unplanned_today": None}
    operator = user.role is Role.OPERATOR
    if operator and not user.station_id:
        return {"active_alerts": [], "unplanned_today": None}
    station_id = user.station_id if operator else None
    rt, moment = runtime(), now()
    today = moment.date()
    unplanned = None
    if (operator or allowed(user, "schedule.plan")) and not is_planned(
        rt.engine, today, station_id
    ):
        unplanned = today if not operator or _airs_on(rt, station_id, today) else None
    return {
        "active_alerts": alerts_page.banner_alerts(rt, station_id=station_id, now=moment),
        "unplanned_today": unplanned,
    }


def _airs_on(rt, station_id: str, day: dt.date) -> bool:
    """The station has slots that day (a Monday-to-Friday commune is not unplanned on Sunday)."""
    try:
        sched = rt.schedule()
    except BroadcasterError:
        return False
    station = sched.station(station_id)
    return station is not None and bool(
        slots_on(station, day, active_campaign(sched.campaigns, day))
    )


@bp.context_processor
def _helpers() -> dict:
    return {"t": text, "timedelta": lambda days: dt.timedelta(days=days)}


def _load_schedule() -> tuple[data.Schedule | None, tuple[str, list[str]] | None]:
    try:
        return runtime().schedule(), None
    except BroadcasterError as error:
        return None, text.error_text(error)


def _day_arg(value: str | None, default: dt.date) -> dt.date:
    """A date from a query or form: ISO (date inputs) or dd/mm/yyyy; 400 otherwise."""
    value = (value or "").strip()
    if not value:
        return default
    day = parse_date(value)
    if day is not None:
        return day
    message = f"Ngày “{value[:40]}” không hợp lệ: hãy nhập theo dạng 30/11/2026."
    abort(make_response(render_template("error.html", status=400, message=message), 400))


# ---------------------------------------------------------------- the schedule


@bp.get("/")
@requires("schedule.view")
def index():
    rt = runtime()
    today = now().date()
    sched, error = _load_schedule()
    approved, approved_error = [], None
    try:
        found = airplan.airable(rt.library(), rt.renders(), rt.engine)
        approved = [s for s in found.segments if s.is_valid_on(today)]
    except BroadcasterError as exc:
        approved_error = text.error_text(exc)
    bulletins = [s for s in approved if s.kind is Kind.BULLETIN]
    planning = active_campaign(sched.campaigns, today) if sched else None

    def order(campaign) -> tuple:  # today's first, then running, coming, ended
        ended, coming = campaign.end < today, campaign.start > today
        return (campaign != planning, ended, coming, -campaign.start.toordinal())

    return render_template(
        "schedule/index.html",
        sched=sched,
        campaigns=sorted(sched.campaigns, key=order) if sched else [],
        error=error,
        today=today,
        planning=planning,
        bulletins=bulletins,
        framing=[s for s in approved if s.kind is not Kind.BULLETIN],
        total_s=sum(s.duration_s for s in bulletins),
        approved_error=approved_error,
    )


# ---------------------------------------------------------------- the plan


@bp.get("/plan")
@requires("schedule.view")
def plan():
    return _plan_page()


def _plan_page(*, status: int = 200, errors: tuple[str, list[str]] | None = None):
    rt = runtime()
    today = now().date()
    kept = kept_form.take()
    if kept and errors is None:
        errors = (kept.errors[0], kept.errors[1:]) if kept.errors else None
    board = planning.planner()
    day = _day_arg(request.values.get("date"), today)
    view = request.args.get("view", "day")
    view = view if view in VIEWS else "day"
    station_id = request.args.get("station", "").strip()
    sched, schedule_error = _load_schedule()
    context = {
        "today": today,
        "day": day,
        "view": view,
        "station_id": station_id,
        "sched": sched,
        "errors": errors or schedule_error,
        "plan_days": PLAN_DAY_CHOICES,
        "day_view": None,
        "week": None,
        "kept": kept,
        "field_errors": kept.field_errors,
        "plan_job": board.shown(rt, request.args.get("job")),
        "planning_now": board.running(rt) is not None,
    }
    if sched is None:
        return render_template("schedule/plan.html", **context), status
    stations = list(sched.network.stations)
    if station_id:
        station = sched.station(station_id)
        if station is None:
            abort(404)
        stations = [station]
    if view == "week":
        monday = day - dt.timedelta(days=day.weekday())
        context["week"] = data.week_view(rt, sched, monday, stations)
        context["monday"] = monday
    else:
        context["day_view"] = data.day_view(rt, sched, day, stations, today)
    return render_template("schedule/plan.html", **context), status


@bp.post("/plan")
@requires("schedule.plan")
def regenerate():
    """Plan days again from a date (alerts included) and publish their playlists: one day
    at once, several in the background (:mod:`web.schedule.planning`)."""
    rt = runtime()
    shown = {key: request.args[key] for key in ("station", "view") if request.args.get(key)}
    page = url_for(".plan", **shown)
    typed = {key: request.form.get(key, "") for key in ("date", "days")}

    def refuse(errors: str | list[str], field: str | None = None):
        return kept_form.refuse(page, errors, field=field, form=typed, anchor="lap-ke-hoach")

    first = parse_date(typed["date"].strip()) if typed["date"].strip() else now().date()
    if first is None:
        return refuse(
            f"Ngày “{typed['date'][:40]}” không hợp lệ: hãy nhập theo dạng 30/11/2026.", "date"
        )
    try:
        days = int(typed["days"] or "1")
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_PLAN_DAYS:
        return refuse(f"Số ngày lập kế hoạch phải từ 1 đến {MAX_PLAN_DAYS}.", "days")
    board = planning.planner()
    try:
        airplan.check_plannable(rt, first)
        board.refuse_if_busy(rt)
        if days > 1:
            job = board.start(rt, first, days, by=g.user.username)
            return redirect(url_for(".plan", date=first.isoformat(), job=job.id, **shown))
        plans = airplan.plan_range(rt, first, days, by=g.user.username)
    except planning.Busy as busy:
        return refuse(busy.message)
    except Refused as refused:
        return refuse(refusals.text(refused, rt.settings.zone), refused.field or "date")
    except BroadcasterError as error:
        headline, details = text.error_text(error)
        return refuse([headline, *details])
    flash(planning.summary(first, days, plans), "ok")
    failed = _publish(p.day for p in plans)
    if failed:
        headline, details = text.error_text(failed)
        flash(f"Chưa xuất được danh sách phát: {headline} {' '.join(details)}", "error")
    return redirect(url_for(".plan", date=first.isoformat(), **shown))


@bp.get("/plan/jobs/<job_id>")
@requires("schedule.view")
def plan_job(job_id: str):
    """A planning job's state for the plan page's poller (``static/schedule.js``)."""
    job = planning.planner().get(runtime(), job_id)
    if job is None:
        message = "Không tìm thấy lần lập kế hoạch này (máy chủ có thể vừa khởi động lại)."
        return {"error": message}, 404
    return job.as_json()


def _publish(days: Iterable[dt.date]) -> BroadcasterError | None:
    """Write the days' playlists (plan_range has already placed their alerts).

    Without zips: they copy every audio file (three quarters of the time), and the
    station pages write a station's zip when it is first downloaded.
    """
    rt = runtime()
    try:
        for day in days:
            airplan.publish_playlists(rt, day, zips=False)
    except BroadcasterError as error:
        return error
    return None


# ---------------------------------------------------------------- the forecast


@bp.get("/forecast")
@requires("schedule.view")
def forecast():
    today = now().date()
    sched, error = _load_schedule()
    page = None
    if sched is not None:
        try:
            page = schedule_forecast.forecasts(runtime(), sched, today)
        except BroadcasterError as exc:
            error = text.error_text(exc)
    return render_template(
        "schedule/forecast.html",
        page=page,
        error=error,
        today=today,
        horizon_days=schedule_forecast.HORIZON_DAYS,
    )
