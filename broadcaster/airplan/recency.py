"""What each station last aired of each topic: the planner's history, at a cost that
does not grow with the history stored.

The rotation needs only the latest airing of each topic (a form, or a bulletin
outside the forms) at each station before the day planned. Reading every stored
plan and log entry of the last months for that grew with each day kept. Instead,
closed days (before today: their plans are fixed) are folded, once each, into
``last_aired`` (one row per station and topic, whatever the history), and only the
days still open (today, and the days planned ahead) are read from the plans.

Folded are the day's plan and its ``aired`` log entries as they stand when it is
folded: an entry logged later about a folded day counts through its plan item,
which every operator's confirmation and API report is about anyway. Re-planning a
folded day (``plan --force``) empties the table; the next plan folds it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import (
    Connection,
    Engine,
    String,
    bindparam,
    cast,
    delete,
    func,
    select,
    union_all,
    update,
)

from broadcaster.airlog import Outcome
from broadcaster.db import airings, last_aired, last_aired_folded, plan_items
from broadcaster.db.schema import plan_segments
from broadcaster.planning.plans import Aired

# How far back the first fold of a database reads: longer than any coverage window.
FIRST_FOLD_DAYS = 120


def history_before(engine: Engine, zone: dt.tzinfo, before: dt.date) -> list[Aired]:
    """The latest airing (planned or logged) of every topic at every station before ``before``.

    Folds the closed days first. A day already folded and re-planned since
    (forced) is read from the stored plans and the log instead of the table.
    """
    with engine.begin() as connection:
        through = _through(connection)
        if through is not None and through >= before:  # a forced re-plan of a folded day
            return _latest(connection, zone, None, before)
        folded = _folded(connection, zone)
        open_days = _latest(connection, zone, through, before)
    return _merge(folded, open_days)


def fold(engine: Engine, zone: dt.tzinfo, until: dt.date) -> tuple[dt.date, dt.date] | None:
    """Fold every closed day before ``until`` (today) not folded yet into ``last_aired``;
    return the first and last day folded now, if any."""
    last = until - dt.timedelta(days=1)
    with engine.begin() as connection:
        through = _through(connection)
        if through is not None and through >= last:
            return None
        first = (
            through + dt.timedelta(days=1)
            if through is not None
            else until - dt.timedelta(days=FIRST_FOLD_DAYS)
        )
        known = {(r.station_id, r.topic): r.at for r in connection.execute(select(last_aired))}
        changed, new = [], []
        for station_id, topic, at in _aggregate(connection, zone, first, until):
            row = {"s": station_id, "t": topic, "a": at}
            if (station_id, topic) not in known:
                new.append(row)
            elif known[(station_id, topic)] < at:
                changed.append(row)
        if changed:
            connection.execute(
                update(last_aired)
                .where(last_aired.c.station_id == bindparam("s"))
                .where(last_aired.c.topic == bindparam("t"))
                .values(at=bindparam("a")),
                changed,
            )
        if new:
            connection.execute(
                last_aired.insert().values(
                    station_id=bindparam("s"), topic=bindparam("t"), at=bindparam("a")
                ),
                new,
            )
        connection.execute(delete(last_aired_folded))
        connection.execute(last_aired_folded.insert(), {"id": 1, "through": last.isoformat()})
    return first, last


def forget(engine: Engine, day: dt.date) -> None:
    """``day``'s stored plan changed: if it was folded, start the table again."""
    with engine.begin() as connection:
        through = _through(connection)
        if through is not None and day <= through:
            connection.execute(delete(last_aired))
            connection.execute(delete(last_aired_folded))


# -- internals ------------------------------------------------------------------------


def _through(connection: Connection) -> dt.date | None:
    day = connection.execute(select(last_aired_folded.c.through)).scalar()
    return dt.date.fromisoformat(day) if day else None


def _folded(connection: Connection, zone: dt.tzinfo) -> list[Aired]:
    rows = connection.execute(select(last_aired.c.station_id, last_aired.c.topic, last_aired.c.at))
    return [_aired(station_id, topic, at, zone) for station_id, topic, at in rows]


def _latest(
    connection: Connection, zone: dt.tzinfo, after: dt.date | None, before: dt.date
) -> list[Aired]:
    """The latest airing of each topic at each station on the days after ``after``."""
    first = after + dt.timedelta(days=1) if after is not None else dt.date.min
    rows = _aggregate(connection, zone, first, before)
    return [_aired(station_id, topic, at, zone) for station_id, topic, at in rows]


def _aggregate(connection: Connection, zone: dt.tzinfo, first: dt.date, until: dt.date):
    """(station, topic, latest start) over the local days ``first`` .. ``until`` (excluded)."""
    first = max(first, dt.date(1970, 1, 2))  # dt.date.min: from the beginning
    since = dt.datetime.combine(first, dt.time.min, zone)
    end = dt.datetime.combine(until, dt.time.min, zone)
    planned = (
        select(
            plan_items.c.station_id,
            _topic(plan_segments).label("topic"),
            plan_items.c.starts_at.label("at"),
        )
        .join_from(plan_items, plan_segments, plan_items.c.segment_id == plan_segments.c.id)
        .where(plan_items.c.day >= first.isoformat(), plan_items.c.day < until.isoformat())
    )
    logged = (
        select(airings.c.station_id, _topic(airings).label("topic"), airings.c.started_at)
        .where(airings.c.outcome == Outcome.AIRED.value)
        .where(airings.c.started_at >= since, airings.c.started_at < end)
    )
    both = union_all(planned, logged).subquery()
    query = select(both.c.station_id, both.c.topic, func.max(both.c.at)).group_by(
        both.c.station_id, both.c.topic
    )
    return connection.execute(query).all()


def _topic(table):
    """SQL: the rotation's topic of a row, the form's number or else the bulletin's id."""
    return func.coalesce(cast(table.c.form, String), table.c.bulletin_id)


def _aired(station_id: str, topic: str, at: dt.datetime, zone: dt.tzinfo) -> Aired:
    local = at.astimezone(zone)
    form = int(topic) if topic.isdigit() else None
    bulletin_id = None if form is not None else topic
    return Aired(station_id, form, local.date(), local.time(), bulletin_id)


def _merge(*histories: Iterable[Aired]) -> list[Aired]:
    latest: dict[tuple[str, object], Aired] = {}
    for aired in (a for history in histories for a in history):
        key = (aired.station_id, aired.topic)
        if key not in latest or (latest[key].day, latest[key].time) < (aired.day, aired.time):
            latest[key] = aired
    return list(latest.values())
