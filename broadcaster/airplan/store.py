"""Stored plans: what each station is to air on a day, bound to the approved audio.

A plan is not evidence (the airing log is), so re-planning a day replaces that
day's rows in one transaction; readers never see half a plan. Nor are old plans
kept for ever: ``KEEP_DAYS`` after its day, an item goes unless the airing log has
an entry about it (:func:`prune`), so the evidence keeps what it points to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select

from broadcaster.db import airings, plan_items
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
    rows = [
        {
            "day": day.isoformat(),
            "station_id": item.station_id,
            "slot_start": item.slot_start,
            "position": item.position,
            "starts_at": item.starts_at,
            "bulletin_id": item.bulletin_id,
            "render_sha256": item.render_sha256,
            "file": item.file,
            "duration_s": item.duration_s,
            "priority": item.priority,
            "reason": item.reason,
            "title": item.title,
            "form": item.form,
            "planned_at": now,
        }
        for item in items
    ]
    with engine.begin() as connection:
        connection.execute(delete(plan_items).where(plan_items.c.day == day.isoformat()))
        if rows:
            connection.execute(plan_items.insert(), rows)


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
    query = select(plan_items).where(plan_items.c.day == day.isoformat())
    if station_id is not None:
        query = query.where(plan_items.c.station_id == station_id)
    query = query.order_by(plan_items.c.station_id, plan_items.c.position)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [item_from_row(row, zone) for row in rows]


def item_from_row(row, zone: dt.tzinfo) -> StoredItem:
    """A ``plan_items`` row (a mapping) as a StoredItem, times in the stations' zone."""
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
    chosen = (plan_items.c.render_sha256 == sha256) & (plan_items.c.starts_at > after)
    with engine.begin() as connection:
        days = connection.execute(select(plan_items.c.day).where(chosen).distinct()).scalars()
        changed = sorted(dt.date.fromisoformat(day) for day in days)
        connection.execute(delete(plan_items).where(chosen))
    return changed


def prune(engine: Engine, first: dt.date, last: dt.date) -> int:
    """Delete the items of the days ``first`` .. ``last`` that the log has no entry about."""
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
        return connection.execute(query).rowcount
