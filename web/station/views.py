"""The commune operator's area: the day's playlist, its files, and confirming each airing.

An operator opens ``/station/<id>/today`` on a phone, listens to or downloads the
day's audio (a zip, an .m3u8 playlist, a printable schedule), plays it on the
loudspeakers and confirms each item: "Đã phát" at a time, or "Không phát được"
with a reason. Each confirmation is a new entry in the append-only airing log;
a mistake is put right by a correction, a new entry naming the one it corrects.

Operators see and confirm their own station only; staff and leaders see any
station but confirm none (a confirmation is a commune's own statement).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from sqlalchemy.exc import OperationalError

from broadcaster import accounts
from broadcaster.airlog import Source
from broadcaster.airlog.confirm import CONFIRM_DAYS, said
from broadcaster.airlog.confirm import confirm as confirm_airing
from broadcaster.airplan.store import StoredItem
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.planning.stations import Station
from broadcaster.playlists.formats import PLAYLIST, SCHEDULE_HTML, SCHEDULE_TEXT
from broadcaster.playlists.sessions import (
    clock,
    date_label,
    form_label,
    priority_label,
    session_heading,
)
from broadcaster.reports.coverage import OUTCOME_LABELS, SOURCE_LABELS
from web import errors as web_errors
from web import fields, headers, refusals
from web.content.text import fmt_seconds
from web.context import now, runtime
from web.permissions import can_use_station
from web.station import day as days
from web.station import forms

log = logging.getLogger(__name__)

bp = Blueprint("station", __name__, url_prefix="/station")

NAV_DAYS = 7  # links to the previous week: confirmations stay open that long
# name in the URL -> (file in the day's folder, or None for the zip; mimetype; as attachment)
DOWNLOADS = {
    "playlist.zip": (None, "application/zip", True),
    PLAYLIST: (PLAYLIST, "audio/x-mpegurl", True),
    SCHEDULE_HTML: (SCHEDULE_HTML, "text/html", False),
    SCHEDULE_TEXT: (SCHEDULE_TEXT, "text/plain", True),
}
NOT_WRITTEN = (
    "Chưa tạo được tệp tải về cho ngày này. Vui lòng thử lại sau ít phút; nếu vẫn lỗi, "
    "hãy báo Trung tâm Văn hóa - Thông tin và Thể thao."
)


def station_access(*, confirm: bool = False) -> Callable:
    """Anonymous: to the login page. Another commune's station, or confirming without
    the right: 403, whatever the URL (see :func:`web.permissions.can_use_station`)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(station_id: str, **kwargs):
            if g.get("user") is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if not can_use_station(g.user, station_id, confirm=confirm):
                abort(403)
            return view(station_id, **kwargs)

        # station.view_any for staff and leaders; the permission matrix reads one name
        wrapped.required_action = "airing.confirm_own" if confirm else "station.view_own"
        return wrapped

    return decorate


@bp.context_processor
def _helpers() -> dict:
    return {
        "clock": clock,
        "date_label": date_label,
        # whole seconds cut, as the audio player beside it counts (1:41, not 1:42)
        "duration_label": fmt_seconds,
        "form_label": form_label,
        "priority_label": priority_label,
        "session_heading": session_heading,
        "outcome_labels": OUTCOME_LABELS,
        "outcome_words": {outcome.value: label for outcome, label in OUTCOME_LABELS.items()},
        "source_labels": SOURCE_LABELS,
    }


def _station(station_id: str) -> Station:
    station = days.find_station(station_id)
    if station is None:
        message = (
            f"Đài “{station_id}” không có trong lịch phát. Nếu đây là đài của bạn, "
            "hãy báo quản trị viên để kiểm tra tài khoản."
        )
        abort(make_response(render_template("error.html", status=404, message=message), 404))
    return station


def _day(text: str) -> dt.date:
    day = days.parse_day(text)
    if day is None:
        abort(404)
    return day


def _item(loaded: days.Day, position: int) -> StoredItem:
    item = loaded.item(position)
    if item is None:
        abort(404)
    return item


# ---------------------------------------------------------------- the day's page


@bp.get("/<station_id>/today")
@station_access()
def today(station_id: str):
    return _page(_station(station_id), days.today())


@bp.get("/<station_id>/day")
@station_access()
def pick(station_id: str):
    """The date picker's target (a GET form cannot build a path)."""
    day = fields.parse_date(request.args.get("date"))
    if day is None:
        flash("Ngày không hợp lệ; hãy chọn lại ngày cần xem.", "error")
        return redirect(url_for(".today", station_id=station_id))
    return redirect(url_for(".day", station_id=station_id, day=day.isoformat()))


@bp.get("/<station_id>/day/<day>")
@station_access()
def day(station_id: str, day: str):
    station, the_day = _station(station_id), _day(day)
    errors, typed = _refused_for(station.id, the_day)
    return _page(station, the_day, errors=errors, forms=typed)


REFUSED = "station_refused"  # the last refused confirmation, shown once by the next GET


def _keep_refused(station_id: str, day: dt.date, position: int, error: str, form: dict) -> None:
    """Keep a refusal and what was typed for the page the POST redirects to (PRG)."""
    session[REFUSED] = {
        "station": station_id,
        "day": day.isoformat(),
        "position": position,
        "error": error,
        "form": form,
    }


def _refused_for(station_id: str, day: dt.date) -> tuple[dict, dict]:
    """The refusal kept for this station's day, taken once; ({}, {}) when there is none."""
    kept = session.pop(REFUSED, None)
    if not kept or kept.get("station") != station_id or kept.get("day") != day.isoformat():
        return {}, {}
    position = int(kept["position"])
    return {position: kept["error"]}, {position: kept["form"]}


def _page(
    station: Station,
    day: dt.date,
    *,
    status: int = 200,
    errors: dict[int, str] | None = None,
    forms: dict[int, dict[str, str]] | None = None,
):
    loaded = days.load_day(station, day)
    zone = loaded.zone
    current = now().astimezone(zone)
    this_day = current.date()
    can_confirm = can_use_station(g.user, station.id, confirm=True)
    names = {u.username: u.full_name for u in accounts.list_users(runtime().engine)}
    deadline = dt.timedelta(days=CONFIRM_DAYS)
    items = []
    logs = loaded.logs()
    for entry in loaded.plan.entries if loaded.plan else ():
        item = entry.item
        items.append(
            {
                "entry": entry,
                "log": logs[item.position],
                "audio": days.approved_audio(item) is not None,
                "open": item.day <= this_day and current <= item.starts_at + deadline,
                "ahead": item.day > this_day,
            }
        )
    confirmed = sum(1 for i in items if i["log"].latest is not None)
    return render_template(
        "station/day.html",
        station=station,
        loaded=loaded,
        day=day,
        today=this_day,
        prev_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1),
        items={i["entry"].item.position: i for i in items},
        confirmed=confirmed,
        nav=[this_day - dt.timedelta(days=n) for n in range(NAV_DAYS, 0, -1)],
        can_confirm=can_confirm,
        names=names,
        now_date=f"{current:%d/%m/%Y}",
        now_time=f"{current:%H:%M}",
        now_epoch_ms=int(current.timestamp() * 1000),
        zone_offset_ms=int(current.utcoffset().total_seconds() * 1000),
        fmt=lambda at: "" if at is None else f"{at.astimezone(zone):%H:%M %d/%m/%Y}",
        errors=errors or {},
        forms=forms or {},
        confirm_days=CONFIRM_DAYS,
    ), status


# ---------------------------------------------------------------- audio and files


@bp.get("/<station_id>/day/<day>/<int:position>.mp3")
@station_access()
def audio(station_id: str, day: str, position: int):
    """An item's approved audio, checked against the plan's sha256 (Range requests work)."""
    item = _item(days.load_day(_station(station_id), _day(day)), position)
    path = days.approved_audio(item)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="audio/mpeg", conditional=True, max_age=3600)
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.get("/<station_id>/day/<day>/files/<name>")
@station_access()
def download(station_id: str, day: str, name: str):
    """The zip, the playlist or the schedule; the folder is written first if need be."""
    if name not in DOWNLOADS:
        abort(404)
    station, the_day = _station(station_id), _day(day)
    loaded = days.load_day(station, the_day)
    if loaded.plan is None:
        abort(404)
    try:
        folder = days.ensure_folder(loaded)
    except BroadcasterError:
        log.exception("could not write the playlist of %s on %s", station.id, the_day)
        return render_template("error.html", status=503, message=NOT_WRITTEN), 503
    inside, mimetype, attachment = DOWNLOADS[name]
    if inside is None:
        path = days.zip_path(station.id, the_day)
        download_name = f"{the_day.isoformat()}-{station.id}.zip"
    else:
        path = folder / inside
        download_name = f"{the_day.isoformat()}-{station.id}-{inside}"
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=attachment,
        download_name=download_name,
        conditional=True,
        max_age=0,
    )
    if mimetype.startswith("text/"):
        response.mimetype = mimetype  # with charset=utf-8 added by the response class
    if inside == SCHEDULE_HTML:
        response.headers["Content-Security-Policy"] = headers.CSP_DOCUMENT  # its own <style>
    response.cache_control.no_cache = True
    return response


# ---------------------------------------------------------------- confirming


@bp.post("/<station_id>/day/<day>/<int:position>/confirm")
@station_access(confirm=True)
def confirm(station_id: str, day: str, position: int):
    station, the_day = _station(station_id), _day(day)
    loaded = days.load_day(station, the_day)
    item = _item(loaded, position)
    form = {key: request.form.get(key, "") for key in forms.FIELDS}
    page = url_for(".day", station_id=station.id, day=the_day.isoformat())
    try:
        recorded = confirm_airing(
            runtime().engine,
            item,
            forms.claim_from(form, loaded.zone),
            source=Source.OPERATOR,
            by=g.user.username,
            now=now(),
            zone=loaded.zone,
        )
    except Refused as refused:
        # Post/Redirect/Get: a reload does not send the form again; the GET shows
        # the message at the top and at the item, with what was typed.
        log.info("confirmation of %s #%d refused: %s", station.id, position, refused.code)
        error = refusals.text(refused, loaded.zone)
        _keep_refused(station.id, the_day, position, error, forms.shown(form))
        return redirect(f"{page}#muc-{position}")
    except OperationalError as error:
        if not web_errors.is_locked(error):
            raise
        # The day's page still reads (WAL); give the operator's entry back at its item.
        log.warning("database locked: confirmation of %s #%d not recorded", station.id, position)
        busy = {position: web_errors.BUSY}
        page, _ = _page(station, the_day, errors=busy, forms={position: forms.shown(form)})
        return web_errors.busy_response(page)
    entry = recorded.entry
    what = "đính chính" if entry.corrects else "ghi nhận"
    # "bản tin 03" is the item's place in the day (as printed and in the file names);
    # the log entry is named apart, so no two different numbers are both called "số".
    title = f" “{item.title}”" if item.title else ""
    flash(
        f"Đã {what} bản tin {position:02d}{title}: {said(entry, loaded.zone)}. "
        f"Lưu ở nhật ký là mục số {entry.id}.",
        "ok",
    )
    return redirect(f"{page}#muc-{position}")
