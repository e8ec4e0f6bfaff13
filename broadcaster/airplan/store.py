"""Stored plans: what each station is to air on a day, bound to the approved audio.

A plan is not evidence (the airing log is), so re-planning a day replaces that
day's rows in one transaction; readers never see half a plan. Nor are old plans
kept for ever: ``KEEP_DAYS`` after its day, an item goes unless the airing log has
an entry about it (:func:`prune`), so the evidence keeps what it points to.

Nationally a day is tens of thousands of items, kept ``KEEP_DAYS``: an item names its
segment (``plan_segments``: bulletin, title, audio, priority) and its reason
(``plan_reasons``), each stored once, instead of repeating them (~190 bytes an item
with its indexes, not ~440). :func:`stored_plan` reads them back as the flat rows
they were; :func:`prune` drops the segments and reasons no item names any more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, select

from broadcaster.db.schema import airings, plan_items, plan_reasons, plan_segments
from broadcaster.planning.plans import DayPlan
from broadcaster.render.manifest import RenderRecord

KEEP_DAYS = 120  # as long as the planner's and the forecast's history reads


@dataclass(frozen=True)
class StoredItem:
    day: dt.date
    station_id: str
    slot_start: dt.datetime
    position: int  # 1-based within the station's day
    starts_at: dt.datetime
    bulletin_id: str
    render_sha256: str
    file: str  # the render's file name in <data>/renders
    duration_s: float
    priority: str
    reason: str
    title: str = ""
    form: int | None = None


def items_from_plan(plan: DayPlan, renders: Mapping[str, RenderRecord]) -> list[StoredItem]:
    """The plan bound to the exact audio the planner was given (pure)."""
    items = []
    for station in plan.stations:
        position = 0
        for slot in station.slots:
            for item in slot.items:
                position += 1
                record = renders[item.segment.bulletin_id]
                items.append(
                    StoredItem(
                        day=plan.day,
                        station_id=station.station_id,
                        slot_start=slot.start,
                        position=position,
                        starts_at=item.start,
                        bulletin_id=item.segment.bulletin_id,
                        render_sha256=record.sha256,
                        file=record.file,
                        duration_s=record.duration_s,
                        priority=item.segment.priority.value,
                        reason=item.reason,
                        title=item.segment.title,
                        form=item.segment.form,
                    )
                )
    return items


def save_plan(engine: Engine, day: dt.date, items: Iterable[StoredItem], *, now: dt.datetime):
    """Replace the day's stored plan with ``items``, in one transaction."""
    items = list(items)
    with engine.begin() as connection:
        connection.execute(delete(plan_items).where(plan_items.c.day == day.isoformat()))
        if not items:
            return
        keys = [_segment(item) for item in items]
        segments = _segment_ids(connection, set(keys))
        reasons = _reason_ids(connection, {item.reason for item in items})
        sqlite = connection.dialect.name == "sqlite"  # elsewhere, the driver's own batching
        stored = _stored_time(connection) if sqlite else _unchanged
        day_text, planned_at = day.isoformat(), stored(now)
        rows = [
            (
                day_text,
                item.station_id,
                stored(item.slot_start),
                item.position,
                stored(item.starts_at),
                segments[key],
                reasons[item.reason],
                planned_at,
            )
            for item, key in zip(items, keys, strict=True)
        ]
        names = ("day", "station_id", "slot_start", "position", "starts_at", "segment_id")
        names += ("reason_id", "planned_at")
        if not sqlite:
            connection.execute(
                plan_items.insert(), [dict(zip(names, row, strict=True)) for row in rows]
            )
            return
        # Tens of thousands of rows: one plain executemany, the times converted
        # above, rather than each row's parameters built and processed one by one.
        connection.exec_driver_sql(
            f"INSERT INTO {plan_items.name} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))})",
            rows,
        )


def _unchanged(value):
    return value


def _stored_time(connection: Connection):
    """A datetime as the column type stores it, each distinct time converted once:
    a day's items share a few thousand start times."""
    dialect = connection.dialect
    column_type = plan_items.c.starts_at.type
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    cache: dict[dt.datetime, object] = {}

    def stored(value: dt.datetime):
        try:
            return cache[value]
        except KeyError:
            cache[value] = text = process(value) if process else value
            return text

    return stored


_SEGMENT = ("bulletin_id", "title", "form", "render_sha256", "file", "duration_s", "priority")


def _segment(item: StoredItem) -> tuple:
    return tuple(getattr(item, name) for name in _SEGMENT)


def _segment_ids(connection: Connection, wanted: set[tuple]) -> dict[tuple, int]:
    """The ids of these segments, stored once each: the ones missing are added."""
    columns = [plan_segments.c[name] for name in _SEGMENT]
    shas = sorted({segment[3] for segment in wanted})
    known: dict[tuple, int] = {}
    for chunk in _chunks(shas):
        query = select(plan_segments.c.id, *columns).where(plan_segments.c.render_sha256.in_(chunk))
        for id_, *values in connection.execute(query):
            known.setdefault(tuple(values), id_)
    for segment in sorted(wanted - known.keys(), key=repr):
        row = dict(zip(_SEGMENT, segment, strict=True))
        known[segment] = connection.execute(
            plan_segments.insert().values(row)
        ).inserted_primary_key[0]
    return known


def _reason_ids(connection: Connection, wanted: set[str]) -> dict[str, int]:
    """The ids of these reasons, each text stored once."""
    known: dict[str, int] = {}
    for chunk in _chunks(sorted(wanted)):
        query = select(plan_reasons.c.text, plan_reasons.c.id).where(plan_reasons.c.text.in_(chunk))
        known.update({text: id_ for text, id_ in connection.execute(query)})
    for reason in sorted(wanted - known.keys()):
        known[reason] = connection.execute(
            plan_reasons.insert().values(text=reason)
        ).inserted_primary_key[0]
    return known


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def stored_plan():
    """The stored items as one row each with every field of a StoredItem (a subquery to
    select from): the compact tables read as the flat plan they store."""
    return (
        select(
            plan_items.c.id,
            plan_items.c.day,
            plan_items.c.station_id,
            plan_items.c.slot_start,
            plan_items.c.position,
            plan_items.c.starts_at,
            *(plan_segments.c[name] for name in _SEGMENT),
            plan_reasons.c.text.label("reason"),
            plan_items.c.planned_at,
        )
        .join_from(plan_items, plan_segments, plan_items.c.segment_id == plan_segments.c.id)
        .join(plan_reasons, plan_items.c.reason_id == plan_reasons.c.id)
        .subquery("stored_plan")
    )


def is_planned(engine: Engine, day: dt.date, station_id: str | None = None) -> bool:
    """Whether a plan is stored for ``day`` (for ``station_id``, or for any station)."""
    query = select(plan_items.c.id).where(plan_items.c.day == day.isoformat())
    if station_id is not None:
        query = query.where(plan_items.c.station_id == station_id)
    with engine.connect() as connection:
        return connection.execute(query.limit(1)).first() is not None


def load_plan(
    engine: Engine, day: dt.date, zone: dt.tzinfo, station_id: str | None = None
) -> list[StoredItem]:
    """A day's stored plan in airing order, times in the stations' zone."""
    stored = stored_plan()
    query = select(stored).where(stored.c.day == day.isoformat())
    if station_id is not None:
        query = query.where(stored.c.station_id == station_id)
    query = query.order_by(stored.c.station_id, stored.c.position)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [item_from_row(row, zone) for row in rows]


def item_from_row(row, zone: dt.tzinfo) -> StoredItem:
    """A :func:`stored_plan` row (a mapping) as a StoredItem, times in the stations' zone."""
    return StoredItem(
        day=dt.date.fromisoformat(row["day"]),
        station_id=row["station_id"],
        slot_start=row["slot_start"].astimezone(zone),
        position=row["position"],
        starts_at=row["starts_at"].astimezone(zone),
        bulletin_id=row["bulletin_id"],
        render_sha256=row["render_sha256"],
        file=row["file"],
        duration_s=row["duration_s"],
        priority=row["priority"],
        reason=row["reason"],
        title=row["title"],
        form=row["form"],
    )


def withdraw_render(engine: Engine, sha256: str, *, after: dt.datetime) -> list[dt.date]:
    """Take every airing of this audio planned after ``after`` out of the stored plans.

    For audio whose approval was withdrawn: what already aired stays in the plan it
    aired from; the rest of each slot plays on without it. Returns the days changed.
    """
    audio = select(plan_segments.c.id).where(plan_segments.c.render_sha256 == sha256)
    chosen = plan_items.c.segment_id.in_(audio.scalar_subquery()) & (plan_items.c.starts_at > after)
    with engine.begin() as connection:
        days = connection.execute(select(plan_items.c.day).where(chosen).distinct()).scalars()
        changed = sorted(dt.date.fromisoformat(day) for day in days)
        connection.execute(delete(plan_items).where(chosen))
    return changed


def prune(engine: Engine, first: dt.date, last: dt.date) -> int:
    """Delete the items of the days ``first`` .. ``last`` that the log has no entry about,
    then the segments and reasons no item names any more."""
    logged = (
        select(airings.c.id)
        .where(airings.c.station_id == plan_items.c.station_id)
        .where(airings.c.scheduled_at == plan_items.c.starts_at)
        .exists()
    )
    query = delete(plan_items).where(
        plan_items.c.day >= first.isoformat(), plan_items.c.day <= last.isoformat(), ~logged
    )
    with engine.begin() as connection:
        deleted = connection.execute(query).rowcount
        for table, column in (
            (plan_segments, plan_items.c.segment_id),
            (plan_reasons, plan_items.c.reason_id),
        ):
            named = select(plan_items.c.id).where(column == table.c.id).exists()
            connection.execute(delete(table).where(~named))
    return deleted
