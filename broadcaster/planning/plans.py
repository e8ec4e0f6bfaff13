"""What a plan is made of: plain data in (segments, history) and out (day plans).

:mod:`broadcaster.planning.planner` holds the rules that turn the one into the other;
the CLI, the playlist stage and the panel read these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster.library.bulletins import Bulletin, Kind, Priority
from broadcaster.planning.slots import Slot

DEFAULT_UNDERFILL_BELOW = 0.5

Topic = int | str  # a form number, or the bulletin id of a bulletin without a form


@dataclass(frozen=True)
class Segment:
    """An approved, rendered bulletin that may be aired: all the planner knows of it."""

    bulletin_id: str
    form: int | None
    priority: Priority
    duration_s: float
    valid_from: dt.date
    valid_until: dt.date | None = None
    title: str = ""
    kind: Kind = Kind.BULLETIN
    stations: frozenset[str] | None = None  # only these stations air it; None: every one
    retired: bool = False  # kept in the library for history; never planned

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def airs_at(self, station_id: str) -> bool:
        return not self.retired and (self.stations is None or station_id in self.stations)

    @property
    def topic(self) -> Topic:
        return self.form if self.form is not None else self.bulletin_id

    @classmethod
    def of(cls, bulletin: Bulletin, duration_s: float) -> Segment:
        """The airable form of an approved bulletin whose audio lasts ``duration_s``."""
        return cls(
            bulletin.id,
            bulletin.form,
            bulletin.priority,
            duration_s,
            bulletin.valid_from,
            bulletin.valid_until,
            bulletin.title,
            bulletin.kind,
            None if bulletin.stations is None else frozenset(bulletin.stations),
            bulletin.retired,
        )


def after(start: dt.datetime, seconds: float) -> dt.datetime:
    """``seconds`` of real time after ``start``, in its zone (right across a DST change)."""
    moment = start.astimezone(dt.UTC) + dt.timedelta(seconds=seconds)
    return moment.astimezone(start.tzinfo)


# Silence after each item. A player takes a moment to start (0.1-0.6 s measured);
# back to back, that start-up would make every later item of a slot a little later,
# and a long slot late. The gap absorbs it, so each item starts on its planned time.
ITEM_GAP_S = 1.0


def footprint_s(duration_s: float) -> float:
    """Seconds an item holds in its slot: its audio and the gap after it."""
    return duration_s + ITEM_GAP_S


def room_s(capacity_s: float) -> float:
    """The footprints a slot of ``capacity_s`` holds: its last item needs no gap after it."""
    return capacity_s + ITEM_GAP_S


@dataclass(frozen=True)
class Aired:
    """One airing (done or planned) at one station: the history the rotation balances."""

    station_id: str
    form: int | None
    day: dt.date
    time: dt.time | None = None  # local start of the item; None sorts as the start of the day
    bulletin_id: str | None = None

    @property
    def topic(self) -> Topic | None:
        return self.form if self.form is not None else self.bulletin_id


@dataclass(frozen=True)
class PlannedItem:
    segment: Segment
    start: dt.datetime  # aware, in the network's zone
    reason: str

    @property
    def end(self) -> dt.datetime:
        return after(self.start, self.segment.duration_s)


@dataclass(frozen=True)
class LeftOut:
    segment: Segment
    reason: str


@dataclass(frozen=True)
class SlotPlan:
    station_id: str
    slot: Slot  # as aired that day: peak airtime included
    start: dt.datetime
    items: tuple[PlannedItem, ...]
    left_out: tuple[LeftOut, ...] = ()
    underfill_below: float = DEFAULT_UNDERFILL_BELOW

    @property
    def capacity_s(self) -> float:
        return self.slot.minutes * 60.0

    @property
    def used_s(self) -> float:
        return sum(item.segment.duration_s for item in self.items)

    @property
    def end(self) -> dt.datetime:
        return after(self.start, self.capacity_s)

    @property
    def fill(self) -> float:
        return self.used_s / self.capacity_s

    @property
    def underfilled(self) -> bool:
        return self.fill < self.underfill_below

    @property
    def overfilled(self) -> bool:
        return bool(self.left_out)

    @property
    def notes(self) -> list[str]:
        """What the CLI should warn about for this slot, in English."""
        notes = [f"left out {lo.segment.bulletin_id}: {lo.reason}" for lo in self.left_out]
        if self.underfilled:
            notes.append(
                f"under-filled: {self.used_s:.0f} s of {self.capacity_s:.0f} s used "
                f"({self.fill:.0%}, below {self.underfill_below:.0%})"
            )
        return notes


@dataclass(frozen=True)
class StationPlan:
    station_id: str
    station_name: str
    slots: tuple[SlotPlan, ...]


@dataclass(frozen=True)
class DayPlan:
    day: dt.date
    stations: tuple[StationPlan, ...]

    def station(self, station_id: str) -> StationPlan:
        for plan in self.stations:
            if plan.station_id == station_id:
                return plan
        raise KeyError(station_id)

    @property
    def slots(self) -> list[SlotPlan]:
        return [slot for plan in self.stations for slot in plan.slots]

    def aired(self) -> list[Aired]:
        """This plan as history for the days after it."""
        return [aired_from(slot.station_id, item) for slot in self.slots for item in slot.items]


def aired_from(station_id: str, item: PlannedItem) -> Aired:
    """Timed to the item, not the slot: within a slot, the first item aired is the oldest."""
    segment = item.segment
    return Aired(
        station_id, segment.form, item.start.date(), item.start.time(), segment.bulletin_id
    )
