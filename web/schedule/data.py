"""What the schedule pages show, gathered from the stored plans, the schedule and the planner.

Stored plans (:func:`broadcaster.airplan.store.load_plan`) are what stations air; the
planner is consulted only for what a stored plan cannot say: which mandatory
bulletins a slot had no room for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import StoredItem, load_plan
from broadcaster.errors import BroadcasterError
from broadcaster.planning.campaigns import active_campaign, slots_on
from broadcaster.planning.planner import plan_day
from broadcaster.planning.plans import DEFAULT_UNDERFILL_BELOW, SlotPlan
from broadcaster.planning.slots import local_datetime
from broadcaster.planning.stations import Station
from broadcaster.runtime import Runtime, Schedule
from web.schedule import text

# -- one slot, one station-day, one day ---------------------------------------------


@dataclass(frozen=True)
class SlotView:
    start: dt.datetime  # local
    minutes: int | None  # None: the schedule no longer has this slot
    items: tuple[StoredItem, ...]
    left_out: tuple[str, ...] = ()  # Vietnamese, from the planner

    @property
    def used_s(self) -> float:
        return sum(item.duration_s for item in self.items)

    @property
    def capacity_s(self) -> float | None:
        return None if self.minutes is None else self.minutes * 60.0

    @property
    def end(self) -> dt.datetime | None:
        return None if self.minutes is None else self.start + dt.timedelta(minutes=self.minutes)

    @property
    def fill(self) -> float | None:
        return None if not self.capacity_s else self.used_s / self.capacity_s

    @property
    def underfilled(self) -> bool:
        return self.fill is not None and self.fill < DEFAULT_UNDERFILL_BELOW

    @property
    def overfilled(self) -> bool:
        over = self.capacity_s is not None and self.used_s > self.capacity_s + 0.5
        return bool(self.left_out) or over

    @property
    def warnings(self) -> list[str]:
        notes = list(self.left_out)
        if self.capacity_s is None:
            notes.append("Buổi phát này không còn trong lịch: hãy lập lại kế hoạch cho ngày này.")
        elif self.used_s > self.capacity_s + 0.5:
            notes.append(text.overrun_note(self.used_s, self.capacity_s))
        if self.underfilled:
            notes.append(
                text.underfilled_note(self.used_s, self.capacity_s, DEFAULT_UNDERFILL_BELOW)
            )
        return notes


@dataclass(frozen=True)
class StationDay:
    station: Station
    day: dt.date
    slots: tuple[SlotView, ...]

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.slots)

    @property
    def underfilled(self) -> int:
        return sum(1 for s in self.slots if s.underfilled)

    @property
    def overfilled(self) -> int:
        return sum(1 for s in self.slots if s.overfilled)


@dataclass(frozen=True)
class DayView:
    day: dt.date
    stored: bool  # a plan is stored for this day
    stations: tuple[StationDay, ...]
    stale: bool = False  # planning now would give another plan
    planner_note: str = ""  # why the planner's notes are missing, if they are


def station_day(
    sched: Schedule,
    station: Station,
    day: dt.date,
    items: Sequence[StoredItem],
    planned: dict[tuple[str, dt.datetime], SlotPlan] | None = None,
) -> tuple[StationDay, bool]:
    """The station's slots on ``day`` with their stored items; True when the planner differs."""
    zone = sched.network.zone
    campaign = active_campaign(sched.campaigns, day)
    minutes = {
        local_datetime(day, s.start, zone): s.minutes for s in slots_on(station, day, campaign)
    }
    grouped: dict[dt.datetime, list[StoredItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.position):
        grouped[item.slot_start].append(item)
    differs = False
    views = []
    for start in sorted(set(minutes) | set(grouped)):
        mine = tuple(grouped.get(start, ()))
        left: tuple[str, ...] = ()
        plan = (planned or {}).get((station.id, start))
        if plan is not None:
            has_alert = any(alert_plan.alert_id_of(i) is not None for i in mine)
            stored_ids = [i.bulletin_id for i in mine]
            planned_ids = [i.segment.bulletin_id for i in plan.items]
            if has_alert or stored_ids == planned_ids:
                left = tuple(text.left_out_note(lo) for lo in plan.left_out)
            else:
                differs = True
        elif planned is not None and mine:
            differs = True
        views.append(SlotView(start.astimezone(zone), minutes.get(start), mine, left))
    return StationDay(station, day, tuple(views)), differs


def day_view(
    rt: Runtime, sched: Schedule, day: dt.date, stations: Sequence[Station], today: dt.date
) -> DayView:
    """The stored plan of ``day`` for ``stations``, with the planner's left-out notes."""
    items = load_plan(rt.engine, day, sched.network.zone)
    by_station: dict[str, list[StoredItem]] = defaultdict(list)
    for item in items:
        by_station[item.station_id].append(item)
    planned, note = (None, "")
    if items:
        planned, note = _planned(rt, sched, day)
    views, stale = [], False
    for station in stations:
        view, differs = station_day(sched, station, day, by_station.get(station.id, []), planned)
        views.append(view)
        stale = stale or differs
    return DayView(day, bool(items), tuple(views), stale and day >= today, note)


def _planned(
    rt: Runtime, sched: Schedule, day: dt.date
) -> tuple[dict[tuple[str, dt.datetime], SlotPlan] | None, str]:
    """The planner's plan of ``day`` now, by slot: the only source of left-out notes."""
    try:
        found = airplan.airable(rt.library(), rt.renders(), rt.engine)
        if not found.segments:
            return None, "Chưa có bản âm thanh nào được duyệt để đối chiếu."
        past = airplan.history(rt.engine, sched.network.zone, day)
        campaign = active_campaign(sched.campaigns, day)
        plan = plan_day(day, sched.network, campaign, found.segments, past)
    except BroadcasterError as error:
        headline, _ = text.error_text(error)
        return None, headline
    return {(s.station_id, s.start): s for s in plan.slots}, ""


# -- a week ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekView:
    days: tuple[dt.date, ...]
    stored: dict[dt.date, bool]
    rows: dict[str, dict[dt.date, StationDay]]  # station id -> day -> its day
    slot_times: tuple[dt.time, ...] = ()  # one station's week: its slots' start times

    def slot_at(self, station_id: str, day: dt.date, start: dt.time) -> SlotView | None:
        for slot in self.rows[station_id][day].slots:
            if slot.start.time() == start:
                return slot
        return None


def week_view(
    rt: Runtime, sched: Schedule, monday: dt.date, stations: Sequence[Station]
) -> WeekView:
    days = tuple(monday + dt.timedelta(days=i) for i in range(7))
    rows: dict[str, dict[dt.date, StationDay]] = {s.id: {} for s in stations}
    stored = {}
    for day in days:
        items = load_plan(rt.engine, day, sched.network.zone)
        stored[day] = bool(items)
        by_station: dict[str, list[StoredItem]] = defaultdict(list)
        for item in items:
            by_station[item.station_id].append(item)
        for station in stations:
            view, _ = station_day(sched, station, day, by_station.get(station.id, []))
            rows[station.id][day] = view
    times: set[dt.time] = set()
    if len(stations) == 1:
        for view in rows[stations[0].id].values():
            times |= {slot.start.time() for slot in view.slots}
    return WeekView(days, stored, rows, tuple(sorted(times)))
