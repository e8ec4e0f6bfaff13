"""Emergency alerts in the panel: the banner everyone sees, and getting an alert on air.

The producing station's playout daemon airs an alert by itself; communes air what their
playlists say, so a new alert is put first in each commune's next slot
(:mod:`broadcaster.airplan.alerts`) and the playlists of that day are published again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan.store import load_plan
from broadcaster.alerts import Alert, alerts_raised
from broadcaster.alerts.raising import Raised, where_label
from broadcaster.errors import BroadcasterError
from broadcaster.runtime import Runtime
from web.schedule import text


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


def _station_names(rt: Runtime) -> dict[str, str]:
    """Station names for the banner (cached by the runtime: the banner is on every page)."""
    try:
        return rt.schedule().names
    except BroadcasterError:  # a broken schedule must not break every page
        return {}


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


def placement_report(raised: Raised, *, today: dt.date) -> str:
    """Where a new alert went, in Vietnamese: who airs it now, in which slot, or not yet."""
    sched, stored, targets = raised.schedule, raised.stored, raised.targets
    names = sched.names
    parts = []
    if raised.alert.concerns(sched.network.producer.id):
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
