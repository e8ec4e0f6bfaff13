"""Emergency alerts in the panel: the banner everyone sees, the confirmation step, and
getting an alert on air.

An operator's banner says when *their* commune airs the alert (its item in the stored
plan, or the slot it will take once that day is planned), never when the order was
given: an operator reads the time as "listen then". Staff and leadership likewise read
when it airs: at once at the producing station, then in the communes' next slots.

The producing station's playout daemon airs an alert by itself; communes air what their
playlists say, so a new alert is put first in each commune's next slot
(:mod:`broadcaster.airplan.alerts`) and the playlists of that day are published again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan.store import load_plan
from broadcaster.alerts import Alert, alerts_raised
from broadcaster.alerts.raising import Preview, Raised, where_label
from broadcaster.errors import BroadcasterError
from broadcaster.runtime import Runtime
from web.schedule import text


@dataclass(frozen=True)
class BannerAlert:
    id: int
    title: str
    when: str  # the sentence after the title: when it airs (at the operator's station, or all)
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
            BannerAlert(a.id, a.title, _operator_when(rt, a, station_id, aired_at, now), "")
            for a in raised
        ]
    names = _station_names(rt)
    return [
        BannerAlert(a.id, a.title, _network_when(rt, a, now), where_label(a, names)) for a in raised
    ]


def _operator_when(
    rt: Runtime,
    alert: Alert,
    station_id: str,
    aired_at: dict[int, dt.datetime],
    now: dt.datetime,
) -> str:
    """When the operator's station airs ``alert``: its plan item, else the slot it will take."""
    zone = rt.settings.zone
    if alert.id in aired_at:
        return f"phát lúc {_when(aired_at[alert.id], now, zone)}"
    try:
        sched = rt.schedule()
    except BroadcasterError:
        return "giờ phát chưa xác định"
    if station_id == sched.network.producer.id:
        return f"phát ngay lúc {_when(alert.raised_at, now, zone)}"
    raised = alert.raised_at.astimezone(zone).date()
    days = [raised, raised + dt.timedelta(days=1)]
    slots = alert_plan.slot_times(sched.network, sched.campaigns, days)
    slot = next(
        (
            p.slot
            for p in alert_plan.targets(alert, sched.network, slots)
            if p.station_id == station_id
        ),
        None,
    )
    if slot is None:
        return "chưa có buổi phát nào trong 24 giờ tới"
    return f"phát lúc {_when(slot.start, now, zone)} (khi lập kế hoạch ngày đó)"


def _network_when(rt: Runtime, alert: Alert, now: dt.datetime) -> str:
    """When ``alert`` airs, for those who watch every station: the producer at once, the
    communes in their next slot (the earliest of them, when the alert names them)."""
    zone = rt.settings.zone
    try:
        sched = rt.schedule()
    except BroadcasterError:
        return "giờ phát chưa xác định"
    network = sched.network
    chosen = dataclasses.replace(
        network, communes=tuple(c for c in network.communes if alert.concerns(c.id))
    )
    if alert.concerns(network.producer.id):
        at_once = f"phát ngay tại đài nguồn lúc {_when(alert.raised_at, now, zone)}"
        return f"{at_once}; các xã phát trong buổi phát kế tiếp" if chosen.communes else at_once
    raised = alert.raised_at.astimezone(zone).date()
    days = [raised, raised + dt.timedelta(days=1)]
    reach = alert.raised_at + alert_plan.ALERT_REACH
    earliest = min(
        (
            s.start
            for s in alert_plan.slot_times(chosen, sched.campaigns, days)
            if s.station_id != network.producer.id and alert.raised_at < s.start <= reach
        ),
        default=None,
    )
    if earliest is None:
        return "chưa có buổi phát nào trong 24 giờ tới"
    return f"{'phát lúc' if len(chosen.communes) == 1 else 'phát từ'} {_when(earliest, now, zone)}"


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


@dataclass(frozen=True)
class WhenRow:
    """One line of the confirmation step: who airs the alert, and when."""

    names: str
    when: str


def preview_rows(preview: Preview, names: dict[str, str], producer: str, *, today: dt.date):
    """The confirmation step's table: the producer first, then communes grouped by time."""
    rows = []
    if preview.producer_now:
        rows.append(
            WhenRow(names.get(producer, producer), "Ngay khi xác nhận (cắt ngang chương trình)")
        )
    grouped: dict[str, list[str]] = {}
    for target in sorted(preview.targets, key=lambda t: (t.slot is None, t.slot and t.slot.start)):
        name = names.get(target.station_id, target.station_id)
        if target.slot is None:
            when = "Không có buổi phát nào trong 24 giờ tới"
        else:
            day = target.slot.start.date()
            when = f"{text.hhmm(target.slot.start)} " + (
                "hôm nay" if day == today else f"ngày {day:%d/%m}"
            )
            if not preview.stored.get(day):
                when += " (khi lập kế hoạch ngày đó)"
        grouped.setdefault(when, []).append(name)
    rows += [WhenRow(", ".join(who), when) for when, who in grouped.items()]
    return rows


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
