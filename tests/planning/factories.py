"""Small builders for planning tests: stations, campaigns and segments as plain data."""

from __future__ import annotations

import datetime as dt

from broadcaster.library.bulletins import Kind, Priority
from broadcaster.planning.campaigns import Campaign, Coverage, Peak
from broadcaster.planning.planner import Segment
from broadcaster.planning.slots import Slot
from broadcaster.planning.stations import Level, Network, Station

ZONE = "Asia/Ho_Chi_Minh"
WEEKDAYS = frozenset(range(5))
DAILY = frozenset(range(7))
MONDAY = dt.date(2023, 8, 7)  # a Monday inside the 2023 campaign
LONG_AGO = dt.date(2023, 1, 1)


def slot(start: str = "6:30", minutes: int = 15, days: frozenset[int] = WEEKDAYS) -> Slot:
    hour, minute = (int(part) for part in start.split(":"))
    return Slot(days, dt.time(hour, minute), minutes)


def station(station_id: str, *slots: Slot, level: Level = Level.COMMUNE) -> Station:
    return Station(station_id, station_id.replace("-", " ").title(), level, slots)


def network(
    communes: int = 10,
    commune_slots: tuple[Slot, ...] = (slot("6:30"), slot("17:30")),
    producer_slots: tuple[Slot, ...] = (slot("6:00", 30, DAILY), slot("17:00", 30, DAILY)),
) -> Network:
    producer = station("producer", *producer_slots, level=Level.DISTRICT)
    return Network(
        producer, tuple(station(f"xa-{i:02d}", *commune_slots) for i in range(communes)), ZONE
    )


def uniform(stations: int = 10, *slots: Slot) -> Network:
    """The producer and ``stations - 1`` communes, all airing in the same slots."""
    slots = slots or (slot("6:30"), slot("17:30"))
    producer = station("producer", *slots, level=Level.DISTRICT)
    communes = tuple(station(f"xa-{i:02d}", *slots) for i in range(stations - 1))
    return Network(producer, communes, ZONE)


def campaign(
    start: dt.date = MONDAY,
    days: int = 14,
    *,
    times: int = 1,
    every: int = 14,
    bulletin_ids: tuple[str, ...] | None = None,
    peak: Peak | None = None,
) -> Campaign:
    end = start + dt.timedelta(days=days - 1)
    return Campaign(
        "test", "Chiến dịch thử", start, end, bulletin_ids, Coverage(times, every), peak
    )


def segment(
    bulletin_id: str,
    form: int | None = None,
    priority: Priority = Priority.THUONG,
    duration_s: float = 90.0,
    valid_from: dt.date = LONG_AGO,
    valid_until: dt.date | None = None,
    kind: Kind = Kind.BULLETIN,
) -> Segment:
    return Segment(bulletin_id, form, priority, duration_s, valid_from, valid_until, "", kind)


def forms(count: int = 24, **fields) -> list[Segment]:
    """One bulletin per form, 75 to 110 s long: realistic 1-2 minute readings."""
    return [
        segment(f"f{n:02d}", n, duration_s=75.0 + (n * 7) % 36, **fields)
        for n in range(1, count + 1)
    ]


def days(first: dt.date, count: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(count)]
