"""JSON API for smart-loudspeaker platforms: a station's playlist, its audio, its airings.

A platform authenticates with ``Authorization: Bearer <token>``; each token
belongs to one station (issued and revoked in the admin area, see
:mod:`broadcaster.accounts.tokens`). No session, no CSRF: the token is the credential.

- ``GET  /api/v1/stations/<id>/playlist?date=YYYY-MM-DD``: the planned items;
- ``GET  /api/v1/stations/<id>/files/<name>``: one item's approved MP3;
- ``GET  /api/v1/stations/<id>/alerts``: the emergency alerts to air now (approved,
  not withdrawn, raised in the last day, naming the station or everyone), each with
  its audio URL and sha256; cheap enough to poll every few seconds, and with
  ``If-None-Match`` answered 304 while nothing changed;
- ``GET  /api/v1/stations/<id>/alerts/<n>/audio``: an active alert's approved MP3;
- ``POST /api/v1/stations/<id>/airings``: an airing entry (201), or the entry an
  identical earlier request made (200), so a platform may retry without fear; a
  different claim about an item already recorded must name the entry it
  ``corrects`` (409 otherwise). The rule is the panel's (:mod:`broadcaster.airlog.confirm`).
  An alert aired the moment the device learnt of it is reported with the alert's
  ``scheduled_at`` (its raise time, as the alerts endpoint gives it) and ``bulletin_id``,
  as the producing station's daemon logs it. Its place at the head of the next slot
  is a playlist item with the same ``alert_id``: a device airs the alert once, and
  either report settles that plan item (:mod:`broadcaster.alerts.settling`).

Errors are JSON ``{"error": "...", "field": "..."}``: 400 for a bad field (named) or
JSON nested too deep, 401 without a valid token, 403 for another station's token, 404
for nothing there, 413 for a body over 16 KB.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, send_file, url_for

from broadcaster import alerts
from broadcaster.accounts import tokens
from broadcaster.airlog import Source
from broadcaster.airlog.confirm import Claim, confirm
from broadcaster.airplan import alerts as alert_plan
from broadcaster.alerts.settling import settled_item
from broadcaster.errors import Refused
from web import limits, refusals
from web.context import csrf, now, runtime
from web.station import day as days
from web.station.forms import OUTCOMES

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MATCH_WITHIN = dt.timedelta(seconds=1)  # scheduled_at as the playlist gave it, give or take
MAX_BODY_BYTES = 16 * 1024  # an airing entry is a few hundred bytes
FIELDS = (
    "scheduled_at",
    "started_at",
    "ended_at",
    "outcome",
    "reason",
    "bulletin_id",
    "position",
    "corrects",
)


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    body: dict[str, Any] = {"error": error.message}
    if error.field:
        body["field"] = error.field
    response = jsonify(body)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="broadcaster"'
    return response


def station_token(view: Callable) -> Callable:
    """401 without an active token; 403 when it belongs to another station."""

    @functools.wraps(view)
    def wrapped(station_id: str, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "Thiếu mã truy cập: gửi tiêu đề “Authorization: Bearer <mã>”.")
        token = tokens.verify(runtime().engine, secret.strip())
        if token is None:
            raise ApiError(401, "Mã truy cập không đúng hoặc đã bị thu hồi.")
        if token.station_id != station_id:
            raise ApiError(403, "Mã truy cập này thuộc về đài khác.")
        g.token = token
        return view(station_id, **kwargs)

    wrapped.required_action = "token"  # a station token, not a role
    return wrapped


def _station(station_id: str):
    station = days.find_station(station_id)
    if station is None:
        raise ApiError(404, f"Đài “{station_id}” không có trong lịch phát.")
    return station


def _iso(moment: dt.datetime | None, zone: dt.tzinfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat(timespec="milliseconds")


# ---------------------------------------------------------------- reading


@bp.get("/stations/<station_id>/playlist")
@station_token
def playlist(station_id: str):
    station = _station(station_id)
    raw = request.args.get("date", "").strip()
    day = days.parse_day(raw) if raw else days.today()
    if day is None:
        raise ApiError(400, "date: cần ngày dạng YYYY-MM-DD, ví dụ 2026-11-30.", "date")
    loaded = days.load_day(station, day)
    if not loaded.day_planned:
        raise ApiError(404, f"Chưa có danh sách phát cho ngày {day.isoformat()}.")
    zone = loaded.zone
    items = []
    for session in loaded.plan.sessions if loaded.plan else ():
        for entry in session.entries:
            item = entry.item
            items.append(
                {
                    "position": item.position,
                    "session_start": _iso(session.start, zone),
                    "starts_at": _iso(item.starts_at, zone),
                    "bulletin_id": item.bulletin_id,
                    "title": entry.title,
                    "form": item.form,
                    "priority": item.priority,
                    "alert_id": alert_plan.alert_id_of(item),  # the alerts' id: air it once
                    "duration_s": item.duration_s,
                    "sha256": item.render_sha256,
                    "file": item.file,
                    "url": url_for(".audio", station_id=station.id, name=item.file, _external=True),
                }
            )
    return {
        "station_id": station.id,
        "station_name": station.name,
        "date": day.isoformat(),
        "timezone": str(getattr(zone, "key", zone)),
        "items": items,
    }


@bp.get("/stations/<station_id>/files/<name>")
@station_token
def audio(station_id: str, name: str):
    """A render of the station's plan, served only while it hashes to the approved sha256."""
    item = days.planned_file(station_id, name)
    path = days.approved_audio(item) if item is not None else None
    if path is None:
        raise ApiError(404, f"Không có tệp “{name}” trong lịch phát của đài.")
    response = send_file(path, mimetype="audio/mpeg", conditional=True, max_age=86400)
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-SHA256"] = item.render_sha256
    return response


@bp.get("/stations/<station_id>/alerts")
@station_token
def station_alerts(station_id: str):
    """The alerts to air now; the ETag is the body's hash, so a poll that finds nothing
    new costs the token's read, one read of the newest ids (:class:`alerts.OnAirCache`)
    and an empty 304."""
    station = _station(station_id)
    zone = runtime().settings.zone  # not the schedule again: its freshness check costs
    found = _on_air(station.id)
    body = {
        "station_id": station.id,
        "alerts": [
            {
                "id": alert.id,
                "title": alert.title,
                "bulletin_id": alert.bulletin_id,
                "raised_at": _iso(alert.raised_at, zone),
                "scheduled_at": _iso(alert.raised_at, zone),  # what an airing report names
                "duration_s": alert.duration_s,
                "sha256": alert.render_sha256,
                "url": url_for(
                    ".alert_audio", station_id=station.id, alert_id=alert.id, _external=True
                ),
            }
            for alert in found
        ],
    }
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = current_app.response_class(payload, mimetype="application/json")
    response.set_etag(hashlib.sha256(payload.encode()).hexdigest()[:32])
    response.cache_control.no_cache = True  # always ask again, with If-None-Match
    response.cache_control.private = True
    return response.make_conditional(request)


def _on_air(station_id: str) -> list[alerts.Alert]:
    """The station's standing alerts through this app's cache: one per process."""
    cache = current_app.extensions.setdefault("broadcaster.alerts", alerts.OnAirCache())
    moment = now()
    since = moment - alert_plan.ALERT_REACH
    return cache.for_station(runtime().engine, station_id, since=since, now=moment)


@bp.get("/stations/<station_id>/alerts/<int:alert_id>/audio")
@station_token
def alert_audio(station_id: str, alert_id: int):
    """An active alert's audio for this station, only while it hashes to the approved sha256."""
    station = _station(station_id)
    found = [a for a in _on_air(station.id) if a.id == alert_id]
    path = days.approved_audio(found[0]) if found else None
    if path is None:
        raise ApiError(404, f"Không có thông báo khẩn cấp số {alert_id} cho đài này.")
    response = send_file(path, mimetype="audio/mpeg", conditional=True, max_age=86400)
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-SHA256"] = found[0].render_sha256
    return response


# ---------------------------------------------------------------- writing


@bp.post("/stations/<station_id>/airings")
@station_token
def airing(station_id: str):
    station = _station(station_id)
    try:
        body = limits.json_body(MAX_BODY_BYTES)
    except limits.JsonRefused as refused:
        raise ApiError(refused.status, refused.message) from None
    if not isinstance(body, dict):
        raise ApiError(400, "Nội dung phải là một đối tượng JSON (Content-Type: application/json).")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ApiError(400, f"{unknown[0]}: trường không được hỗ trợ.", unknown[0])
    zone = days.schedule().network.zone
    claim, scheduled = _claim(body)
    item = _planned_item(station, body, scheduled, zone)
    try:
        recorded = confirm(
            runtime().engine,
            item,
            claim,
            source=Source.API,
            by=g.token.actor,
            now=now(),
            zone=zone,
        )
    except Refused as refused:
        message = refusals.text(refused, zone)
        raise ApiError(
            refusals.status(refused, invalid=400), _named(message, refused.field), refused.field
        ) from None
    entry = recorded.entry
    result = {
        "id": entry.id,
        "station_id": station.id,
        "bulletin_id": entry.bulletin_id,
        "scheduled_at": _iso(entry.scheduled_at, zone),
        "started_at": _iso(entry.started_at, zone),
        "outcome": entry.outcome.value,
        "duplicate": not recorded.created,
    }
    return result, 201 if recorded.created else 200


def _named(message: str, field: str | None) -> str:
    return f"{field}: {message}" if field else message


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, _named(message, field), field)


def _claim(body: dict) -> tuple[Claim, dt.datetime]:
    """The body's claim and the scheduled time it names; only the JSON's shape is checked
    here, what the claim must satisfy is the airing rule's."""
    outcome = body.get("outcome")
    outcome = OUTCOMES.get(outcome) if isinstance(outcome, str) else None
    if outcome is None:
        raise _bad("outcome", "cần một trong “aired”, “failed”, “missed”.")
    scheduled = _instant(body, "scheduled_at", required=True)
    started = _instant(body, "started_at", required=False)
    ended = _instant(body, "ended_at", required=False)
    reason = body.get("reason", "")
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise _bad("reason", "cần một chuỗi ký tự.")
    corrects = body.get("corrects")
    if corrects is not None and (isinstance(corrects, bool) or not isinstance(corrects, int)):
        raise _bad("corrects", "cần mã số (số nguyên) của mục nhật ký cần đính chính.")
    return Claim(outcome, started, ended, reason, corrects), scheduled


def _instant(body: dict, name: str, *, required: bool) -> dt.datetime | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise _bad(
                name, "bắt buộc (thời điểm ISO 8601 có múi giờ, ví dụ 2026-11-30T06:30:00+07:00)."
            )
        return None
    if not isinstance(value, str):
        raise _bad(name, "cần một chuỗi thời điểm ISO 8601.")
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _bad(name, f"“{value[:40]}” không phải thời điểm ISO 8601.") from None
    if moment.tzinfo is None:
        raise _bad(name, "thiếu múi giờ (thêm +07:00 hoặc Z).")
    return moment


def _planned_item(station, body: dict, scheduled: dt.datetime, zone: dt.tzinfo):
    """The plan item at ``scheduled`` that ``bulletin_id`` and/or ``position`` name."""
    bulletin_id, position = body.get("bulletin_id"), body.get("position")
    if bulletin_id is None and position is None:
        raise _bad("bulletin_id", "cần bulletin_id hoặc position của bản tin trong danh sách phát.")
    if bulletin_id is not None and not isinstance(bulletin_id, str):
        raise _bad("bulletin_id", "cần một chuỗi ký tự.")
    if position is not None and (isinstance(position, bool) or not isinstance(position, int)):
        raise _bad("position", "cần một số nguyên.")
    loaded = days.load_day(station, scheduled.astimezone(zone).date())
    near = [i for i in loaded.items if abs(i.starts_at - scheduled) <= MATCH_WITHIN]
    near = near or _aired_at_once(station.id, scheduled, zone)
    if not near:
        raise _bad(
            "scheduled_at",
            f"không có bản tin nào của đài trong danh sách phát lúc {_iso(scheduled, zone)}.",
        )
    for name, value in (("position", position), ("bulletin_id", bulletin_id)):
        if value is not None:
            near = [i for i in near if getattr(i, name) == value]
            if not near:
                raise _bad(name, f"không khớp với bản tin phát lúc {_iso(scheduled, zone)}.")
    return settled_item(runtime().engine, near[0], zone)


def _aired_at_once(station_id: str, scheduled: dt.datetime, zone: dt.tzinfo) -> list:
    """The alerts for the station raised at ``scheduled``, as items aired at once."""
    raised = alerts.alerts_raised(
        runtime().engine, scheduled - MATCH_WITHIN, scheduled + MATCH_WITHIN
    )
    return [
        alert_plan.aired_at_once(alert, station_id, zone)
        for alert in raised
        if alert.concerns(station_id)
    ]
