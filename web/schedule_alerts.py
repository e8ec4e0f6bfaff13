"""Emergency alerts in the panel: the banner everyone sees, and getting an alert on air.

The producing station's playout daemon airs an alert by itself; communes air what their
playlists say, so a new alert is put first in each commune's next slot
(:mod:`broadcaster.alert_plan`) and the playlists of that day are published again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster import airplan, alert_plan
from broadcaster.alerts import Alert, alerts_raised
from broadcaster.errors import BroadcasterError
from broadcaster.planning.stations import load_network
from broadcaster.planstore import load_plan
from broadcaster.runtime import Runtime
from web import schedule_text as text
from web.schedule_data import Schedule


@dataclass(frozen=True)
class BannerAlert:
    id: int
    title: str
    at: str  # "HH:MM", or "HH:MM ngày dd/mm" when not today
    where: str  # for staff: which stations; empty for an operator


def banner_alerts(
    rt: Runtime, *, station_id: str | None, now: dt.datetime, limit: int = 5
) -> list[BannerAlert]:
    """Alerts of the last day: those concerning ``station_id``, or all (``None``)."""
    zone = rt.settings.zone
    raised = alerts_raised(rt.engine, now - alert_plan.ALERT_REACH, standing_only=True)
    if station_id is not None:
        raised = [a for a in raised if a.concerns(station_id)]
    if not raised:
        return []
    raised = raised[-limit:][::-1]  # the newest first
    if station_id is not None:
        aired_at = _aired_at(rt, station_id, raised, zone)
        return [
            BannerAlert(a.id, a.title, _when(aired_at.get(a.id, a.raised_at), now, zone), "")
            for a in raised
        ]
    names = _station_names(rt)
    return [
        BannerAlert(a.id, a.title, _when(a.raised_at, now, zone), where_label(a, names))
        for a in raised
    ]


def where_label(alert: Alert, names: dict[str, str]) -> str:
    if alert.station_ids is None:
        return "tất cả các đài"
    shown = [names.get(s, s) for s in alert.station_ids]
    if len(shown) > 3:
        return f"{', '.join(shown[:3])} và {len(shown) - 3} đài khác"
    return ", ".join(shown)


def _station_names(rt: Runtime) -> dict[str, str]:
    """Only the stations file: the banner is on every page, the library is not needed."""
    try:
        network = load_network(rt.settings.schedule.stations, default_timezone=rt.settings.timezone)
    except BroadcasterError:  # a broken schedule must not break every page
        return {}
    return {station.id: station.name for station in network.stations}


def _aired_at(
    rt: Runtime, station_id: str, raised: list[Alert], zone: dt.tzinfo
) -> dict[int, dt.datetime]:
    """When the station's stored plan airs each alert (its next slot)."""
    days = {a.raised_at.astimezone(zone).date() for a in raised}
    days |= {d + dt.timedelta(days=1) for d in days}
    found = {}
    for day in sorted(days):
        for item in load_plan(rt.engine, day, zone, station_id):
            alert_id = alert_plan.alert_id_of(item)
            if alert_id is not None:
                found.setdefault(alert_id, item.starts_at)
    return found


def _when(moment: dt.datetime, now: dt.datetime, zone: dt.tzinfo) -> str:
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return f"{local:%H:%M}"
    return f"{local:%H:%M} ngày {local:%d/%m}"


def into_playlists(
    rt: Runtime, sched: Schedule, raised: Alert, *, now: dt.datetime
) -> tuple[str, BroadcasterError | None]:
    """Put a new alert first in each commune's next slot and publish; say where it went.

    Today's plan is made first if there is none; tomorrow's (for an alert raised after a
    commune's last slot) only if already stored: planning that day places the alert.
    """
    moment = now
    zone = sched.network.zone
    today = moment.astimezone(zone).date()
    days = [today, today + dt.timedelta(days=1)]
    slots = alert_plan.slot_times(sched.network, sched.campaigns, days)
    targets = alert_plan.targets(raised, sched.network, slots)
    landing = sorted({p.slot.start.date() for p in targets if p.slot is not None})
    stored = {day: bool(load_plan(rt.engine, day, zone)) for day in landing}
    failure = None
    try:
        for day in landing:
            fresh = False
            if not stored[day] and day == today:
                airplan.plan_range(rt, today, 1, now=moment)
                stored[day] = fresh = True
            if not stored[day]:
                continue  # tomorrow, not planned yet: planning it places the alert
            _, changed = alert_plan.update_stored_plan(
                rt.engine, day, sched.network, sched.campaigns, now=moment
            )
            if changed or fresh:
                airplan.publish_playlists(rt, day)
    except BroadcasterError as error:
        failure = error
    return _placement_report(sched, raised, targets, stored, today), failure


def _placement_report(
    sched: Schedule,
    raised: Alert,
    targets: list[alert_plan.Placement],
    stored: dict[dt.date, bool],
    today: dt.date,
) -> str:
    names = sched.names
    parts = []
    if raised.concerns(sched.network.producer.id):
        parts.append(f"{sched.network.producer.name} phát ngay (máy phát tự động nhận lệnh).")
    placed: dict[str, list[str]] = {}
    waiting, none = [], []
    for target in targets:
        name = names.get(target.station_id, target.station_id)
        if target.slot is None:
            none.append(name)
            continue
        day = target.slot.start.date()
        if not stored.get(day):
            waiting.append(name)
            continue
        when = text.hhmm(target.slot.start)
        when += " hôm nay" if day == today else f" ngày {day:%d/%m}"
        placed.setdefault(when, []).append(name)
    if placed:
        groups = "; ".join(f"{when}: {', '.join(who)}" for when, who in placed.items())
        parts.append(f"Đưa vào đầu buổi phát kế tiếp của các xã ({groups}).")
    if waiting:
        parts.append(
            f"Chưa có kế hoạch ngày mai cho: {', '.join(waiting)}; thông báo sẽ vào buổi phát "
            "đầu tiên khi lập kế hoạch ngày đó."
        )
    if none:
        parts.append(f"Không có buổi phát nào trong 24 giờ tới: {', '.join(none)}.")
    return " ".join(parts)
