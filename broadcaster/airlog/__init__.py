"""The airing log (nhật ký phát sóng): append-only evidence of what aired where.

The playout daemon, commune operators in the panel and smart-loudspeaker
platforms all write here, in one shape. Nothing is updated or deleted (the
database refuses it); a correction is a new entry naming the one it corrects.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields

from sqlalchemy import Connection, Engine, select

from broadcaster.db import airings, lock_item

# An item that starts within this long after its time is on time. Chained items
# drift by the player's start-up (a few tenths of a second each), which is not
# lateness a listener or a regulator would call late.
ON_TIME_S = 10.0


class Outcome(enum.StrEnum):
    AIRED = "aired"  # đã phát
    FAILED = "failed"  # tried and could not (player error, bad file)
    MISSED = "missed"  # chưa phát / bỏ lỡ: its time passed without an attempt


class Source(enum.StrEnum):
    PLAYOUT = "playout"  # the producing station's daemon
    OPERATOR = "operator"  # a commune operator in the panel
    API = "api"  # a smart-loudspeaker platform with a station token


@dataclass(frozen=True)
class Airing:
    station_id: str
    bulletin_id: str
    render_sha256: str
    outcome: Outcome
    source: Source
    recorded_by: str
    recorded_at: dt.datetime
    form: int | None = None
    scheduled_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    late: bool = False
    reason: str = ""
    corrects: int | None = None
    id: int | None = None


_COLUMNS = [f.name for f in fields(Airing) if f.name != "id"]


def record(engine: Engine, airing: Airing) -> int:
    """Append one entry; returns its id."""
    with engine.begin() as connection:
        return _insert(connection, airing)


def record_unless(
    engine: Engine, airing: Airing, same: Callable[[list[Airing]], Airing | None]
) -> tuple[int, bool]:
    """Append ``airing`` unless ``same``, given the item's log so far, names an entry that
    already says it; returns (entry id, True when newly written). ``same`` may raise.

    Reading the log and appending are one write transaction (BEGIN IMMEDIATE on
    SQLite, the item's advisory lock on PostgreSQL: :func:`broadcaster.db.lock_item`),
    so two processes confirming one item at the same instant cannot both append: the
    second waits, then sees the first's entry.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        lock_item(connection, airing.station_id, airing.scheduled_at)
        existing = same(_logged(connection, airing.station_id, airing.scheduled_at))
        if existing is not None:
            return existing.id, False  # nothing written: closing rolls back
        entry_id = _insert(connection, airing)
        connection.commit()
    return entry_id, True


def append(connection: Connection, airing: Airing) -> int:
    """Append one entry inside the caller's transaction (playout checks its lease in it)."""
    return _insert(connection, airing)


def _insert(connection: Connection, airing: Airing) -> int:
    values = {name: getattr(airing, name) for name in _COLUMNS}
    values["outcome"] = airing.outcome.value
    values["source"] = airing.source.value
    return connection.execute(airings.insert().values(**values)).inserted_primary_key[0]


def entries(
    engine: Engine,
    *,
    station_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Iterator[Airing]:
    """Entries in recording order, streamed (the log can hold millions)."""
    query = select(airings).order_by(airings.c.id)
    if station_id is not None:
        query = query.where(airings.c.station_id == station_id)
    if since is not None:
        query = query.where(airings.c.recorded_at >= since)
    if until is not None:
        query = query.where(airings.c.recorded_at < until)
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=1000).execute(query)
        for row in result.mappings():
            yield _airing(row)


def logged_for(engine: Engine, station_id: str, scheduled_at: dt.datetime) -> list[Airing]:
    """Everything already logged for one planned item: playout never airs it twice."""
    with engine.connect() as connection:
        return _logged(connection, station_id, scheduled_at)


def _logged(connection: Connection, station_id: str, scheduled_at: dt.datetime) -> list[Airing]:
    query = (
        select(airings)
        .where(airings.c.station_id == station_id, airings.c.scheduled_at == scheduled_at)
        .order_by(airings.c.id)
    )
    return [_airing(row) for row in connection.execute(query).mappings()]


def _airing(row) -> Airing:
    values = {name: row[name] for name in _COLUMNS}
    values["outcome"] = Outcome(row["outcome"])
    values["source"] = Source(row["source"])
    return Airing(**values, id=row["id"])
