"""Emergency alerts in the stored plans: first in each commune's next slot.

The producing station's playout daemon airs an alert the moment it is raised
(:mod:`broadcaster.alerts`). A commune plays what its playlist says, so for a
commune the alert becomes the first item of its *next slot*: the first one that
starts after the alert was raised, if one starts within :data:`ALERT_REACH`.
Everything else in that slot moves later by the alert's length; what then no
longer fits is dropped from the end of the slot's bulletins (the closing stays).

Why not the planner's own khẩn cấp rule? The planner puts an emergency bulletin
first in *every* slot of *every* station all day long, past slots included: right
for a bulletin written as khan_cap, wrong for an alert raised at 08:00 for one
commune. Placement here depends only on the alert and the schedule, never on
when it is computed, so re-planning a day places the same alerts the same way:
:func:`place_alerts` is the hook :func:`broadcaster.airplan.plan_range` calls
after the planner, and :func:`update_stored_plan` does the same to a plan
already stored. Both are idempotent: alert items are taken out and put back.
A withdrawn alert is put back only in slots that started before its withdrawal
(what aired stays in the plan the log points to); that too depends on records,
not on the clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from broadcaster.airplan.store import StoredItem, load_plan, save_plan
from broadcaster.alerts import Alert, alerts_raised
from broadcaster.planning.campaigns import Campaign, active_campaign, slots_on
from broadcaster.planning.plans import after, footprint_s, room_s
from broadcaster.planning.slots import local_datetime
from broadcaster.planning.stations import Network

ALERT_REACH = dt.timedelta(hours=24)  # an alert not aired within a day is stale
KHAN_CAP = "khan_cap"
_MARK = re.compile(r"^emergency alert #(\d+)\b")
# The planner's reasons for the programme's framing (broadcaster.planning.planner).
_OPENING = "opening of the programme"
_CLOSING = "closing of the programme"
_EPSILON = 1e-6


@dataclass(frozen=True)
class SlotTime:
    """One slot of one station on one day, as aired (peak airtime included)."""

    station_id: str
    start: dt.datetime  # aware, in the network's zone
    capacity_s: float


@dataclass(frozen=True)
class Placement:
    """Where one alert went at one commune; ``slot`` None: no slot within reach."""

    alert_id: int
    station_id: str
    slot: SlotTime | None
    dropped: tuple[str, ...] = ()  # bulletin ids pushed out of the slot


def alert_id_of(item: StoredItem) -> int | None:
    """The alert an item airs for, or None for a planned item."""
    match = _MARK.match(item.reason)
    return int(match.group(1)) if match else None


# -- pure ------------------------------------------------------------------------


def slot_times(
    network: Network, campaigns: Sequence[Campaign], days: Iterable[dt.date]
) -> list[SlotTime]:
    """Every station's slots on ``days``, in time order per station."""
    found = []
    for day in days:
        campaign = active_campaign(campaigns, day)
        for station in network.stations:
            for slot in slots_on(station, day, campaign):
                start = local_datetime(day, slot.start, network.zone)
                found.append(SlotTime(station.id, start, slot.minutes * 60.0))
    return sorted(found, key=lambda s: (s.station_id, s.start))


def targets(alert: Alert, network: Network, slots: Sequence[SlotTime]) -> list[Placement]:
    """For each commune the alert concerns, its first slot starting after the raise.

    The producing station is left out: its playout daemon airs the alert at once.
    ``slots`` must cover the days from the raise to ``ALERT_REACH`` after it.
    """
    placements = []
    for station in network.communes:
        if not alert.concerns(station.id):
            continue
        upcoming = [
            s
            for s in slots
            if s.station_id == station.id
            and alert.raised_at < s.start <= alert.raised_at + ALERT_REACH
        ]
        chosen = min(upcoming, key=lambda s: s.start, default=None)
        placements.append(Placement(alert.id, station.id, chosen))
    return placements


def place(
    day: dt.date,
    items: Sequence[StoredItem],
    placements: Iterable[Placement],
    alerts_by_id: dict[int, Alert],
) -> tuple[list[StoredItem], list[Placement]]:
    """``items`` (a day's plan) with each placement on ``day`` put first in its slot.

    Alert items already in ``items`` are taken out first, so placing twice gives
    the same plan. Returns the new items (positions renumbered per station) and the
    placements made, with what each pushed out of its slot.
    """
    zone_day = [p for p in placements if p.slot is not None and p.slot.start.date() == day]
    by_slot: dict[tuple[str, dt.datetime], list[StoredItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.station_id, i.position)):
        if alert_id_of(item) is None:
            by_slot[(item.station_id, item.slot_start)].append(item)
    heads: dict[tuple[str, dt.datetime], list[Placement]] = defaultdict(list)
    for placement in zone_day:
        heads[(placement.station_id, placement.slot.start)].append(placement)

    made: list[Placement] = []
    for key in sorted(heads, key=lambda k: (k[0], k[1])):
        chosen = sorted(heads[key], key=lambda p: p.alert_id)  # the older alert first
        slot = chosen[0].slot
        head = [_alert_item(day, alerts_by_id[p.alert_id], slot) for p in chosen]
        used = sum(footprint_s(item.duration_s) for item in head)
        alerted = {item.bulletin_id for item in head}  # never twice in one slot
        rest = [item for item in by_slot.get(key, []) if item.bulletin_id not in alerted]
        kept, dropped = _fit(rest, room_s(slot.capacity_s) - used)
        by_slot[key] = [*head, *kept]
        # Who pushed what out is shared by the slot's alerts; report it on the first.
        made += [dataclasses.replace(chosen[0], dropped=tuple(dropped)), *chosen[1:]]

    result: list[StoredItem] = []
    positions: dict[str, int] = defaultdict(int)
    for (station_id, slot_start), slot_items in sorted(by_slot.items()):
        offset = 0.0
        for item in slot_items:
            positions[station_id] += 1
            result.append(
                dataclasses.replace(
                    item,
                    position=positions[station_id],
                    starts_at=after(slot_start, offset),
                )
            )
            offset += footprint_s(item.duration_s)
    return result, made


def _alert_item(day: dt.date, alert: Alert, slot: SlotTime) -> StoredItem:
    raised = alert.raised_at.astimezone(slot.start.tzinfo)
    return StoredItem(
        day=day,
        station_id=slot.station_id,
        slot_start=slot.start,
        position=0,  # numbered by place()
        starts_at=slot.start,
        bulletin_id=alert.bulletin_id,
        render_sha256=alert.render_sha256,
        file=alert.file,
        duration_s=alert.duration_s,
        priority=KHAN_CAP,
        reason=(
            f"emergency alert #{alert.id} (khan_cap): raised {raised:%Y-%m-%d %H:%M} "
            f"by {alert.raised_by}, first in the station's next slot"
        ),
        title=alert.title,
        form=alert.form,
    )


def _fit(items: list[StoredItem], budget: float) -> tuple[list[StoredItem], list[str]]:
    """Drop bulletins from the end of the slot until it fits ``budget`` seconds.

    The opening and closing stay while a bulletin remains for them to frame.
    """
    kept = list(items)
    dropped: list[str] = []

    def total() -> float:
        return sum(footprint_s(item.duration_s) for item in kept)

    while kept and total() > budget + _EPSILON:
        body = [i for i, item in enumerate(kept) if item.reason not in (_OPENING, _CLOSING)]
        if not body:
            dropped += [item.bulletin_id for item in kept]
            kept = []
            break
        dropped.append(kept.pop(body[-1]).bulletin_id)
        if len(body) == 1:  # nothing left to frame
            dropped += [item.bulletin_id for item in kept]
            kept = []
    return kept, dropped


# -- with the database -------------------------------------------------------------


def placements_on(
    engine: Engine, day: dt.date, network: Network, campaigns: Sequence[Campaign]
) -> tuple[list[Placement], dict[int, Alert]]:
    """The placements of every alert that may land on ``day``, and those alerts by id."""
    zone = network.zone
    start = dt.datetime.combine(day, dt.time.min, zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, zone)
    raised = alerts_raised(
        engine, start - ALERT_REACH, end, standing_only=True, keep_withdrawn=True
    )
    if not raised:
        return [], {}
    first = min(a.raised_at.astimezone(zone).date() for a in raised)
    days = [first + dt.timedelta(days=i) for i in range((day - first).days + 2)]
    slots = slot_times(network, campaigns, days)
    placements = [
        p for alert in raised for p in targets(alert, network, slots) if _aired_before(alert, p)
    ]
    return placements, {alert.id: alert for alert in raised}


def _aired_before(alert: Alert, placement: Placement) -> bool:
    """A standing alert's placement, or a withdrawn one's in a slot started before then."""
    if alert.withdrawn_at is None:
        return True
    return placement.slot is not None and placement.slot.start <= alert.withdrawn_at


def place_alerts(
    engine: Engine,
    day: dt.date,
    items: Sequence[StoredItem],
    network: Network,
    campaigns: Sequence[Campaign],
) -> list[StoredItem]:
    """The hook for :func:`broadcaster.airplan.plan_range`: a day's items with its alerts."""
    placements, by_id = placements_on(engine, day, network, campaigns)
    if not placements and not any(alert_id_of(item) for item in items):
        return list(items)
    placed, _ = place(day, items, placements, by_id)
    return placed


def update_stored_plan(
    engine: Engine,
    day: dt.date,
    network: Network,
    campaigns: Sequence[Campaign],
    *,
    now: dt.datetime,
) -> tuple[list[Placement], bool]:
    """Put the alerts that land on ``day`` into its stored plan.

    Returns the placements on that day and whether the stored plan changed (when
    it did, its playlists need publishing again).
    """
    items = load_plan(engine, day, network.zone)
    placements, by_id = placements_on(engine, day, network, campaigns)
    placed, made = place(day, items, placements, by_id)
    changed = _rows(placed) != _rows(items)
    if changed:
        save_plan(engine, day, placed, now=now)
    return made, changed


def _rows(items: Iterable[StoredItem]) -> list[tuple]:
    return sorted((i.station_id, i.position, i.starts_at, i.bulletin_id, i.reason) for i in items)


def aired_at_once(alert: Alert, station_id: str, zone: dt.tzinfo) -> StoredItem:
    """What an alert a station aired the moment it learnt of it stands for in the log.

    The producing station's daemon logs such an airing with the raise time as the
    scheduled time; a loudspeaker that reports one through the API does the same.
    """
    raised = alert.raised_at.astimezone(zone)
    return StoredItem(
        day=raised.date(),
        station_id=station_id,
        slot_start=raised,
        position=0,
        starts_at=raised,
        bulletin_id=alert.bulletin_id,
        render_sha256=alert.render_sha256,
        file=alert.file,
        duration_s=alert.duration_s,
        priority=KHAN_CAP,
        reason=f"emergency alert #{alert.id} (khan_cap): aired at once",
        title=alert.title,
        form=alert.form,
    )
