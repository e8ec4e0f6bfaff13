"""Entries of the airing log as reports list them: one commune's record, the latest
problems, the CSV of the whole log.

These read entries themselves, not totals; the rules for placing them in a period
and leaving superseded ones out are those of :mod:`broadcaster.reports.queries`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence

from sqlalchemy import Engine, literal_column, select

from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.db import UTCDateTime, airings
from broadcaster.reports.coverage import Period
from broadcaster.reports.queries import Bind, connected, not_superseded, placed_in, raw_text

a = airings.c
STREAM_BATCH = 2000  # rows fetched at a time when streaming the log
AIRING_COLUMNS = [
    "id",
    "station_id",
    "bulletin_id",
    "form",
    "render_sha256",
    "scheduled_at",
    "started_at",
    "ended_at",
    "outcome",
    "late",
    "reason",
    "source",
    "recorded_by",
    "recorded_at",
    "corrects",
]


def latest(
    engine: Bind,
    period: Period,
    superseded: Collection[int],
    outcomes: Sequence[Outcome],
    limit: int,
) -> list[Airing]:
    """Entries of these outcomes placed in the period, the last recorded first.

    Read backwards in recording order, so the read ends after ``limit`` finds;
    ordering by time would sort every missed airing of the period first.
    """
    plain_outcome = a.outcome.concat("")  # an expression: no index on outcome tempts SQLite
    query = (
        select(airings)
        .where(
            plain_outcome.in_([o.value for o in outcomes]),
            placed_in(period),
            *not_superseded(engine, superseded),
        )
        .order_by(a.id.desc())
        .limit(limit)
    )
    with connected(engine) as connection:
        if connection.dialect.name == "postgresql":
            # It ends after a few index entries; PostgreSQL's estimate starts parallel
            # workers, which cost 12 ms to start for 0.3 ms of work.
            connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
        found = [airing_from(row) for row in connection.execute(query).mappings()]
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")
        return found


def station_entries(engine: Bind, station_id: str, period: Period) -> list[Airing]:
    """Every entry of one station placed in the period, superseded ones included."""
    query = select(airings).where(a.station_id == station_id, placed_in(period)).order_by(a.id)
    with connected(engine) as connection:
        return [airing_from(row) for row in connection.execute(query).mappings()]


def has_entries(engine: Bind, station_id: str) -> bool:
    query = select(literal_column("1")).where(a.station_id == station_id).limit(1)
    with connected(engine) as connection:
        return connection.execute(query).first() is not None


def stream(engine: Engine, period: Period, station_id: str | None = None) -> Iterator[Mapping]:
    """Entries placed in the period (one station or all), in recording order, streamed:
    memory stays flat whatever the size of the log.

    Times come back raw (read them with :func:`broadcaster.reports.queries.utc`): a
    million rows through the generic DateTime type cost more than writing the CSV itself.
    """
    columns = [
        raw_text(column).label(column.name) if isinstance(column.type, UTCDateTime) else column
        for column in airings.columns
    ]
    query = select(*columns).where(placed_in(period)).order_by(a.id)
    if station_id is not None:
        query = query.where(a.station_id == station_id)
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=STREAM_BATCH)
        yield from result.execute(query).mappings()


def airing_from(row: Mapping) -> Airing:
    values = {name: row[name] for name in AIRING_COLUMNS}
    values["outcome"] = Outcome(values["outcome"])
    values["source"] = Source(values["source"])
    return Airing(**values)
