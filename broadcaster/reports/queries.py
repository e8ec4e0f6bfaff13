"""The airing log read for reports: the rules of :mod:`broadcaster.reports.coverage`, in SQL.

The log reaches millions of entries (3,321 communes, several airings a day), so
counts and last dates are aggregated in the database; only superseded ids
(corrections are rare) come back to Python, where
:func:`broadcaster.reports.coverage.supersessions` decides them, and go into the
queries as a set to leave out. Tests hold these queries to the pure functions
on the same entries.

The network-wide figures here read the log itself: the panel takes them from the
log's running totals instead (:mod:`broadcaster.reports.summary`), which falls
back to these where the totals cannot answer. Listing entries is in
:mod:`broadcaster.reports.entries`.

Each query is shaped for the indexes on ``airings`` (see benchmarks/panel_reports.py):
station-bound queries test the outcome inside their aggregates so that SQLite
reads the stations' own index entries, and network-wide counts over time use an
index on (outcome, started_at) when the database has one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from collections.abc import Collection, Iterator, Sequence
from typing import NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    all_,
    and_,
    any_,
    bindparam,
    case,
    distinct,
    func,
    inspect,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

from broadcaster.airlog import Outcome
from broadcaster.db import UTCDateTime, airings
from broadcaster.reports.coverage import (
    FORMS,
    Bucket,
    Cell,
    Period,
    bucket_bounds,
    count_into,
    supersessions,
    tally,
)

a = airings.c
Bind = Engine | Connection  # a page passes its one connection; other callers an engine


@contextlib.contextmanager
def connected(bind: Bind) -> Iterator[Connection]:
    """The caller's connection, or one of the engine's: a page reads its dozen figures on
    one connection (and one snapshot) instead of checking one out, pinging and resetting
    it for each, which costs round trips on a server database."""
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as connection:
            yield connection


class Superseded(dict):
    """Superseded entry id -> the correction that stands instead (see supersessions).

    It keeps the superseded entries themselves once read (superseded_entries): one
    page takes them out of several figures, and an entry never changes.
    """

    def __init__(self, pairs=()) -> None:
        super().__init__(pairs)
        self.entries: list[Gone] | None = None


def corrections(engine: Bind) -> Superseded:
    """Superseded entry id -> the correction that stands instead (see supersessions)."""
    query = select(a.id, a.corrects).where(a.corrects.is_not(None))
    with connected(engine) as connection:
        return Superseded(supersessions(connection.execute(query)))


class Gone(NamedTuple):
    """A superseded entry, as a count that took it in needs it to take it out again
    (a tuple: a page reads thousands of them)."""

    station_id: str
    form: int | None
    outcome: Outcome
    started_at: dt.datetime | None
    at: dt.datetime  # its place in time: start, else scheduled, else recorded
    form_aired: bool  # an airing of one of the forms with a start: what coverage counts

    @classmethod
    def of(cls, station_id, form, outcome: str, started_at, at) -> Gone:
        aired = outcome == Outcome.AIRED and started_at is not None and form in FORMS
        return cls(station_id, form, Outcome(outcome), started_at, at, aired)


def superseded_entries(connection, engine: Bind, superseded: Collection[int]) -> list[Gone]:
    """The superseded entries, read by id (corrections are rare: a few rows), once for
    a :class:`Superseded`."""
    known = getattr(superseded, "entries", None)
    if known is not None:
        return known
    if not superseded:
        return []
    query = select(
        a.station_id,
        a.form,
        a.outcome,
        raw_text(a.started_at),
        raw_text(a.scheduled_at),
        raw_text(a.recorded_at),
    ).where(id_in(engine, superseded))
    found = []
    for station_id, form, outcome, started, scheduled, recorded in connection.execute(query):
        started = utc(started)
        at = started or utc(scheduled) or utc(recorded)
        found.append(Gone.of(station_id, form, outcome, started, at))
    if isinstance(superseded, Superseded):
        superseded.entries = found
    return found


@functools.lru_cache(maxsize=16)
def has_time_index(engine: Engine) -> bool:
    """Whether an index starts with (outcome, started_at): then counting one day's
    airings over every station reads only that day's index entries (see
    benchmarks/panel_reports.py, which proposes (outcome, started_at, scheduled_at, form))."""
    return any(
        index["column_names"][:2] == ["outcome", "started_at"]
        for index in inspect(engine).get_indexes("airings")
    )


def utc(value: str | dt.datetime | None) -> dt.datetime | None:
    """A timestamp read raw: SQLite gives ISO text (parsed here, far faster than the
    generic DateTime type does), other databases a datetime; both are UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)


def raw_text(expression: ColumnElement) -> ColumnElement:
    return type_coerce(expression, String)


def form_aired_in(since: dt.datetime | None, until: dt.datetime) -> list[ColumnElement]:
    """An airing of one of the forms, started in [since, until): what the matrix counts."""
    clauses = [
        a.outcome == Outcome.AIRED.value,
        a.started_at < until,
        a.form.between(FORMS[0], FORMS[-1]),
    ]
    return clauses if since is None else [*clauses, a.started_at >= since]


def _placed_branches(period: Period) -> list[ColumnElement]:
    """The entry's time (start, else scheduled, else recorded) is in the period: three
    disjoint cases, each a range over one column that an index can serve."""
    since, until = period.since, period.until
    no_start = a.started_at.is_(None)
    return [
        and_(a.started_at >= since, a.started_at < until),
        and_(no_start, a.scheduled_at >= since, a.scheduled_at < until),
        and_(no_start, a.scheduled_at.is_(None), a.recorded_at >= since, a.recorded_at < until),
    ]


def placed_in(period: Period) -> ColumnElement:
    return or_(*_placed_branches(period))


def not_superseded(engine: Bind, superseded: Collection[int]) -> list[ColumnElement]:
    return [id_in(engine, superseded, negate=True)] if superseded else []


def id_in(
    engine: Bind, ids: Collection[int], *, negate: bool = False, column: ColumnElement = a.id
) -> ColumnElement:
    """``column`` (the log's ids unless told) among ``ids``, in one parameter however
    many (thousands, corrected over a year): a list of parameters costs each query its
    parsing and planning on PostgreSQL."""
    ordered = sorted(ids)
    name = "excluded_ids" if negate else "included_ids"
    dialect = engine.dialect.name
    if dialect == "sqlite":
        operator = "NOT IN" if negate else "IN"
        qualified = f"{column.table.name}.{column.name}"
        clause = text(f"{qualified} {operator} (SELECT value FROM json_each(:{name}))")
        return clause.bindparams(**{name: json.dumps(ordered)})
    if dialect == "postgresql":
        array = bindparam(name, ordered, type_=ARRAY(Integer))
        return column != all_(array) if negate else column == any_(array)
    return column.not_in(ordered) if negate else column.in_(ordered)


def cells(
    engine: Bind,
    period: Period,
    superseded: Collection[int],
    station_ids: Collection[str] | None = None,
) -> dict[tuple[str, int], Cell]:
    """(station, form) -> Cell for the given stations (None: all), as coverage() computes.

    The outcome is tested inside the aggregates, not in WHERE, so that no index
    on the outcome lures SQLite away from the stations' own index entries.
    """
    aired = a.outcome == Outcome.AIRED.value
    query = (
        select(
            a.station_id,
            a.form,
            func.count(case((aired, 1))),
            raw_text(func.min(case((aired, a.started_at)))),
            raw_text(func.max(case((aired, a.started_at)))),
        )
        .where(
            a.form.between(FORMS[0], FORMS[-1]),
            a.started_at >= period.since,
            a.started_at < period.until,
            *not_superseded(engine, superseded),
        )
        .group_by(a.station_id, a.form)
    )
    if station_ids is not None:
        if not station_ids:
            return {}
        query = query.where(a.station_id.in_(sorted(station_ids)))
    with connected(engine) as connection:
        return {
            (station_id, form): Cell(count, utc(first), utc(last))
            for station_id, form, count, first, last in connection.execute(query)
            if count
        }


def forms_aired(
    engine: Bind,
    since: dt.datetime,
    until: dt.datetime,
    superseded: Collection[int],
    station_ids: Sequence[str],
) -> dict[str, int]:
    """Station -> how many forms it aired in [since, until); stations with none are absent.

    On SQLite, one probe per station and form ("is there such an airing?") into
    the (station_id, form, ...) index: a fixed cost, whatever the period's
    length, where counting every airing of a year at 3,321 stations takes seconds.
    """
    if not station_ids:
        return {}
    if engine.dialect.name != "sqlite":
        query = (
            select(a.station_id, func.count(distinct(a.form)))
            .where(
                *form_aired_in(since, until),
                *not_superseded(engine, superseded),
                a.station_id.in_(list(station_ids)),
            )
            .group_by(a.station_id)
        )
        with connected(engine) as connection:
            return dict(connection.execute(query).all())
    excluded = "AND a.id NOT IN (SELECT value FROM json_each(:excluded))" if superseded else ""
    query = text(
        f"""
        SELECT s.value, (
            SELECT count(*) FROM json_each(:forms) f WHERE EXISTS (
                SELECT 1 FROM airings a
                WHERE a.station_id = s.value AND a.form = f.value AND a.outcome = :aired
                  AND a.started_at >= :since AND a.started_at < :until {excluded}))
        FROM json_each(:stations) s
        """
    ).bindparams(bindparam("since", type_=UTCDateTime()), bindparam("until", type_=UTCDateTime()))
    params = {
        "stations": json.dumps(list(station_ids)),
        "forms": json.dumps(list(FORMS)),
        "aired": Outcome.AIRED.value,
        "since": since,
        "until": until,
    }
    if superseded:
        params["excluded"] = json.dumps(sorted(superseded))
    with connected(engine) as connection:
        return {sid: count for sid, count in connection.execute(query, params) if count}


def aired_stations(
    engine: Bind,
    since: dt.datetime,
    until: dt.datetime,
    superseded: Collection[int],
    station_ids: Sequence[str],
) -> set[str]:
    """Which of these stations have a counted airing of a form started in [since, until)."""
    if not has_time_index(engine.engine):
        return set(forms_aired(engine, since, until, superseded, station_ids))
    query = (
        select(a.station_id)
        .distinct()
        .where(*form_aired_in(since, until), *not_superseded(engine, superseded))
    )
    with connected(engine) as connection:
        return set(connection.execute(query).scalars()) & set(station_ids)


def aired_per_bucket(
    engine: Bind, bars: Sequence[Bucket], zone: dt.tzinfo, superseded: Collection[int]
) -> list[Bucket]:
    """The bars with their counted airings of the forms, every station together.

    With an index on (outcome, started_at), one range count per bar; without one
    (SQLite), a single pass over the period grouped by minute. Superseded airings
    are then taken out: cheaper than testing every entry against them.
    """
    if not bars:
        return []
    since, until = bucket_bounds(bars[0], zone)[0], bucket_bounds(bars[-1], zone)[1]
    with connected(engine) as connection:
        if has_time_index(engine.engine) or engine.dialect.name != "sqlite":
            counted = []
            for bar in bars:
                low, high = bucket_bounds(bar, zone)
                query = select(func.count()).select_from(airings).where(*form_aired_in(low, high))
                counted.append(Bucket(bar.first, bar.last, connection.execute(query).scalar_one()))
        else:
            minute = func.substr(a.started_at, 1, 16)  # SQLite keeps times as ISO text, UTC
            query = (
                select(minute, func.count()).where(*form_aired_in(since, until)).group_by(minute)
            )
            per_minute = [
                (dt.datetime.fromisoformat(text_minute).replace(tzinfo=dt.UTC), count)
                for text_minute, count in connection.execute(query)
            ]
            counted = tally(bars, per_minute, zone)
        gone = superseded_entries(connection, engine, superseded)
    return count_into(counted, [g.started_at for g in gone if g.form_aired], zone, sign=-1)


def outcome_counts(
    engine: Bind, period: Period, superseded: Collection[int], outcomes: Sequence[Outcome]
) -> dict[Outcome, int]:
    """How many entries of these outcomes are placed in the period, superseded ones left out.

    With an index on (outcome, started_at, scheduled_at, ...) each case of
    "placed" is counted on its own from the index alone; without, one pass.
    """
    values = [o.value for o in outcomes]
    split = has_time_index(engine.engine) or engine.dialect.name != "sqlite"
    conditions = _placed_branches(period) if split else [placed_in(period)]
    found = dict.fromkeys(outcomes, 0)
    with connected(engine) as connection:
        for condition in conditions:
            query = (
                select(a.outcome, func.count())
                .where(a.outcome.in_(values), condition)
                .group_by(a.outcome)
            )
            for outcome, count in connection.execute(query):
                found[Outcome(outcome)] += count
        for gone in superseded_entries(connection, engine, superseded):
            if gone.outcome in found and gone.at in period:
                found[gone.outcome] -= 1
    return found


def last_aired(
    engine: Bind, station_ids: Collection[str], before: dt.datetime, superseded: Collection[int]
) -> dict[str, dt.datetime]:
    """Station -> start of its last counted airing of a form before ``before``."""
    if not station_ids:
        return {}
    aired = a.outcome == Outcome.AIRED.value
    query = (
        select(a.station_id, raw_text(func.max(case((aired, a.started_at)))))
        .where(
            a.station_id.in_(sorted(station_ids)),
            a.form.between(FORMS[0], FORMS[-1]),
            a.started_at < before,
            *not_superseded(engine, superseded),
        )
        .group_by(a.station_id)
    )
    with connected(engine) as connection:
        return {sid: utc(last) for sid, last in connection.execute(query) if last is not None}
