"""Planning: what each station airs in each of its slots on a day, and why.

Pure logic over plain data: the caller passes the stations, the campaign, the
approved segments and the history of what each station aired; no files, no
clock, no randomness. The same input always gives the same plan.

In every slot, in this order:

1. emergency (khẩn cấp) bulletins valid that day, in every slot, first;
2. the programme's opening, when a bulletin follows it;
3. priority (ưu tiên) bulletins valid that day, once a day at each station, in
   its first slot where they fit (aired first without taking every session:
   a standing priority bulletin would otherwise eat a third of each slot);
4. the campaign's rotation: the forms least recently aired at this station
   first, until the slot is full (ties: a station-specific offset, so that
   neighbouring communes start the campaign on different forms);
5. the programme's closing.

A retired bulletin is planned nowhere; a bulletin limited to some stations is
chosen only at those (each station chooses among the bulletins it may air).

Nothing ever overruns a slot: an emergency or priority bulletin that does not
fit is left out and reported; the rotation simply takes what fits. A bulletin
never repeats within a slot, and the rotation never adds a form already in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from broadcaster.library.bulletins import Kind, Priority
from broadcaster.planning.campaigns import Campaign, slots_on
from broadcaster.planning.plans import (
    DEFAULT_UNDERFILL_BELOW,
    ITEM_GAP_S,
    Aired,
    DayPlan,
    LeftOut,
    PlannedItem,
    Segment,
    SlotPlan,
    StationPlan,
    Topic,
    after,
    aired_from,
    footprint_s,
    room_s,
)
from broadcaster.planning.slots import Slot, local_datetime
from broadcaster.planning.stations import Network, Station

__all__ = [  # the planner's public face: plan inputs and outputs come with it
    "DEFAULT_UNDERFILL_BELOW",
    "Aired",
    "DayPlan",
    "LeftOut",
    "PlannedItem",
    "Segment",
    "SlotPlan",
    "StationPlan",
    "Topic",
    "plan_day",
    "plan_days",
]

_EPSILON = 1e-6  # seconds; float sums of durations must not count as an overrun


def plan_day(
    day: dt.date,
    network: Network,
    campaign: Campaign | None,
    segments: Iterable[Segment],
    history: Iterable[Aired] = (),
    *,
    underfill_below: float = DEFAULT_UNDERFILL_BELOW,
) -> DayPlan:
    """Every station's slots on ``day``. History on or after ``day`` is ignored,
    so re-planning a day never depends on its own earlier plan."""
    recency = _recency(a for a in history if a.day < day)
    return _plan_day(day, network, campaign, list(segments), recency, underfill_below)


def plan_days(
    first: dt.date,
    last: dt.date,
    network: Network,
    campaign: Campaign | None,
    segments: Iterable[Segment],
    history: Iterable[Aired] = (),
    *,
    underfill_below: float = DEFAULT_UNDERFILL_BELOW,
) -> list[DayPlan]:
    """Plan ``first``..``last`` day by day, each day's plan becoming the next day's history."""
    # _plan_day adds what it plans to ``recency``: that is how the days are chained.
    segments = list(segments)
    recency = _recency(a for a in history if a.day < first)
    plans = []
    day = first
    while day <= last:
        plans.append(_plan_day(day, network, campaign, segments, recency, underfill_below))
        day += dt.timedelta(days=1)
    return plans


# -- internals ---------------------------------------------------------------

_Recency = dict[tuple[str, Topic], tuple[dt.date, dt.time]]


def _recency(history: Iterable[Aired]) -> _Recency:
    recency: _Recency = {}
    for aired in history:
        _remember(recency, aired)
    return recency


def _remember(recency: _Recency, aired: Aired) -> None:
    if aired.topic is None:
        return
    key = (aired.station_id, aired.topic)
    when = (aired.day, aired.time or dt.time.min)
    if key not in recency or recency[key] < when:
        recency[key] = when


@dataclass(frozen=True)
class _Day:
    """What every slot of one day chooses from."""

    emergencies: tuple[Segment, ...]
    priorities: tuple[Segment, ...]
    opening: Segment | None
    closing: Segment | None
    rotation: tuple[Segment, ...]  # one per topic, in canonical topic order
    order: dict[str, int]  # a rotation bulletin's place in it, by bulletin id


def _plan_day(
    day: dt.date,
    network: Network,
    campaign: Campaign | None,
    segments: Sequence[Segment],
    recency: _Recency,
    underfill_below: float,
) -> DayPlan:
    segments = [s for s in segments if not s.retired]
    limited = [s for s in segments if s.stations is not None]
    everywhere = [s for s in segments if s.stations is None]
    by_reach: dict[tuple[int, ...], _Day] = {}  # stations that may air the same limited ones
    plans = []
    for index, station in enumerate(network.stations):
        reach = tuple(i for i, s in enumerate(limited) if station.id in s.stations)
        choices = by_reach.get(reach)
        if choices is None:
            extra = [limited[i] for i in reach]
            choices = by_reach[reach] = _choices(day, campaign, everywhere + extra)
        offset = _offset(index, len(choices.rotation))
        slot_plans = []
        for slot in slots_on(station, day, campaign):
            start = local_datetime(day, slot.start, network.zone)
            items, left = _plan_slot(day, station, slot, start, choices, recency, offset, campaign)
            slot_plans.append(SlotPlan(station.id, slot, start, items, left, underfill_below))
            for item in items:
                _remember(recency, aired_from(station.id, item))
        plans.append(StationPlan(station.id, station.name, tuple(slot_plans)))
    return DayPlan(day, tuple(plans))


def _offset(index: int, count: int) -> int:
    """Where the ``index``-th station starts in a rotation of ``count`` forms.

    Golden-ratio spacing: consecutive stations (neighbours, as a file lists
    them) start about 0.62 of the rotation apart, and any number of stations
    spreads evenly. Integer arithmetic, so every machine gives the same plan.
    """
    return (index * 618_034 % 1_000_000) * count // 1_000_000


def _choices(day: dt.date, campaign: Campaign | None, segments: Sequence[Segment]) -> _Day:
    # Newest version first; input order never matters.
    valid = sorted(
        (s for s in segments if s.is_valid_on(day) and s.duration_s > 0),
        key=lambda s: (-s.valid_from.toordinal(), s.bulletin_id, s.duration_s, s.title),
    )
    unique: dict[str, Segment] = {}
    for segment in valid:
        unique.setdefault(segment.bulletin_id, segment)
    valid = list(unique.values())

    bulletins = [s for s in valid if s.kind is Kind.BULLETIN]
    emergencies = tuple(s for s in bulletins if s.priority is Priority.KHAN_CAP)
    priorities = tuple(s for s in bulletins if s.priority is Priority.UU_TIEN)
    rotation: dict[Topic, Segment] = {}
    if campaign is not None and campaign.is_active(day):
        for segment in bulletins:
            if segment.priority is Priority.THUONG and campaign.covers(
                segment.bulletin_id, segment.form
            ):
                rotation.setdefault(segment.topic, segment)  # the newest version of a form
    opening = next((s for s in valid if s.kind is Kind.OPENING), None)
    closing = next((s for s in valid if s.kind is Kind.CLOSING), None)
    ordered = tuple(rotation[t] for t in sorted(rotation, key=_topic_order))
    order = {segment.bulletin_id: place for place, segment in enumerate(ordered)}
    return _Day(emergencies, priorities, opening, closing, ordered, order)


def _topic_order(topic: Topic) -> tuple:
    return (0, topic, "") if isinstance(topic, int) else (1, 0, topic)


def _plan_slot(
    day: dt.date,
    station: Station,
    slot: Slot,
    start: dt.datetime,
    choices: _Day,
    recency: _Recency,
    offset: int,
    campaign: Campaign | None,
) -> tuple[tuple[PlannedItem, ...], tuple[LeftOut, ...]]:
    capacity = room_s(slot.minutes * 60.0)
    head: list[tuple[Segment, str]] = []
    left: list[LeftOut] = []
    reason = "emergency (khan_cap): first, in every slot while valid"
    used = _take(choices.emergencies, reason, capacity, head, left)

    pick = _Picker(day, station, choices, recency, offset, campaign, {s.topic for s, _ in head})
    framing = [s for s in (choices.opening, choices.closing) if s is not None]
    body, body_left = pick(capacity - used - sum(footprint_s(s.duration_s) for s in framing))
    if framing and (not body or body_left):
        # The opening and closing yield: to a slot with no bulletin to introduce,
        # and to a priority bulletin that fits only without them.
        bare, bare_left = pick(capacity - used)
        if not body or len(bare_left) < len(body_left):
            framing, body, body_left = [], bare, bare_left
    left += body_left
    opening = [(choices.opening, "opening of the programme")] if framing else []
    closing = [(choices.closing, "closing of the programme")] if framing else []
    chosen = [*head, *opening, *body, *closing]
    chosen = [(segment, reason) for segment, reason in chosen if segment is not None]

    items = []
    offset_s = 0.0
    for segment, reason in chosen:
        items.append(PlannedItem(segment, after(start, offset_s), reason))
        offset_s += footprint_s(segment.duration_s)
    return tuple(items), tuple(left)


def _take(
    segments: Iterable[Segment],
    reason: str,
    budget: float,
    into: list[tuple[Segment, str]],
    left: list[LeftOut],
) -> float:
    """Add each mandatory segment that still fits; report the others as left out."""
    used = 0.0
    for segment in segments:
        if used + footprint_s(segment.duration_s) <= budget + _EPSILON:
            into.append((segment, reason))
            used += footprint_s(segment.duration_s)
        else:
            left.append(
                LeftOut(
                    segment,
                    f"{segment.priority.value} bulletin needs {segment.duration_s:.0f} s, "
                    f"only {max(budget - used - ITEM_GAP_S, 0):.0f} s left in the slot",
                )
            )
    return used


@dataclass(frozen=True)
class _Picker:
    """Chooses a slot's body: priority bulletins, then the rotation, within a budget."""

    day: dt.date
    station: Station
    choices: _Day
    recency: _Recency
    offset: int
    campaign: Campaign | None
    taken: set[Topic]  # topics already in the slot (emergencies)

    def __call__(self, budget: float) -> tuple[list[tuple[Segment, str]], list[LeftOut]]:
        body: list[tuple[Segment, str]] = []
        left: list[LeftOut] = []
        reason = "priority (uu_tien): before the rotation, once a day while valid"
        due = [s for s in self.choices.priorities if not self._aired_today(s)]
        used = _take(due, reason, budget, body, left)
        taken = self.taken | {segment.topic for segment, _ in body}
        for segment in sorted(self.choices.rotation, key=self._urgency):
            fits = used + footprint_s(segment.duration_s) <= budget + _EPSILON
            if segment.topic in taken or not fits:
                continue
            last = self.recency.get((self.station.id, segment.topic))
            body.append((segment, _rotation_reason(segment, self.day, last, self.campaign)))
            taken.add(segment.topic)
            used += footprint_s(segment.duration_s)
        return body, left

    def _aired_today(self, segment: Segment) -> bool:
        last = self.recency.get((self.station.id, segment.topic))
        return last is not None and last[0] == self.day

    def _urgency(self, segment: Segment) -> tuple:
        """Never aired first, then least recently aired, then the station's own order."""
        last = self.recency.get((self.station.id, segment.topic))
        position = self.choices.order[segment.bulletin_id]
        turn = (position - self.offset) % len(self.choices.rotation)
        return (last is not None, last or (dt.date.min, dt.time.min), turn)


def _rotation_reason(
    segment: Segment,
    day: dt.date,
    last: tuple[dt.date, dt.time] | None,
    campaign: Campaign | None,
) -> str:
    what = f"form {segment.form}" if segment.form is not None else segment.bulletin_id
    if last is None:
        return f"rotation: {what} not yet aired at this station"
    last_day, last_time = last
    ago = (day - last_day).days
    if ago == 0:
        return f"rotation: {what} last aired today at {last_time:%H:%M} at this station"
    reason = f"rotation: {what} last aired {last_day.isoformat()} at this station "
    reason += f"({ago} day{'s' if ago != 1 else ''} ago)"
    if campaign is not None and ago >= campaign.coverage.days:
        reason += f", due: the goal is every {campaign.coverage.days} days"
    return reason
