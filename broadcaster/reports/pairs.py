"""(station, form) pairs for :mod:`broadcaster.reports.summary`: their spans in the
running totals against a window, the superseded entries that touch them, and the log
asked about many of them at once (the pairs as one JSON parameter, however many).

Spans and windows are whole microseconds since 1970 (UTC), as the totals keep them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable

from sqlalchemy import (
    Connection,
    Integer,
    String,
    and_,
    case,
    exists,
    func,
    literal_column,
    select,
    text,
)

from broadcaster.airlog import Outcome
from broadcaster.db import airings, corrected_entries, form_spans, rollup
from broadcaster.reports import queries as log_queries
from broadcaster.reports.coverage import Cell, Period
from broadcaster.reports.queries import Gone, Superseded

s = form_spans.c  # only airings of the forms: no test of the form needed
c = corrected_entries.c
a = airings.c
Pair = tuple[str, int]  # (station id, form)


def stations_of(pairs: Iterable[Pair]) -> set[str]:
    return {station_id for station_id, _form in pairs}


def log_cells(
    connection: Connection, pairs: Collection[Pair], period: Period, superseded: Collection[int]
) -> dict[Pair, Cell]:
    """The cells of these pairs, read from the log: a range of the (station_id, form, ...)
    index each, in one query."""
    listed = as_rows(connection, pairs)
    if listed is None:
        return {}
    aired = a.outcome == Outcome.AIRED.value
    query = (
        select(
            listed.c.station_id,
            listed.c.form,
            func.count(case((aired, 1))),
            log_queries.raw_text(func.min(case((aired, a.started_at)))),
            log_queries.raw_text(func.max(case((aired, a.started_at)))),
        )
        .join_from(
            listed, airings, and_(a.station_id == listed.c.station_id, a.form == listed.c.form)
        )
        .where(
            aired,  # so that each pair is one range of the (station_id, form, outcome, ...) index
            a.started_at >= period.since,
            a.started_at < period.until,
            *log_queries.not_superseded(connection, superseded),
        )
        .group_by(listed.c.station_id, listed.c.form)
    )
    utc = log_queries.utc
    return {
        (station_id, form): Cell(count, utc(first), utc(last))
        for station_id, form, count, first, last in connection.execute(query)
        if count
    }


# --- a pair's span against a window -------------------------------------------------------


def inside_counts(
    connection: Connection, low: int, high: int, wanted: Collection[str]
) -> tuple[dict[str, int], set[Pair]]:
    """Per station with a pair near the window, how many are inside it; and the pairs
    around it. Inside is near and not around: two index ranges for a window that ends
    now, and no test of each pair's span in the database."""
    near = select(s.station_id, func.count()).where(near_window(low, high)).group_by(s.station_id)
    inside = {sid: count for sid, count in connection.execute(near) if sid in wanted}
    query = select(s.station_id, s.form).where(around_window(low, high))
    around = {(sid, form) for sid, form in connection.execute(query) if sid in wanted}
    for station_id, _form in around:
        inside[station_id] -= 1
    return inside, around


def is_inside(first: int, last: int, low: int, high: int) -> bool:
    """The pair's first or last airing started in the window: it surely aired there
    (unless that airing is superseded). Near and not around."""
    return last >= low and first < high and (first >= low or last < high)


def near_window(low: int, high: int):
    """Inside the window, or around it: aired after it opened and before it closed."""
    return and_(s.last_us >= low, s.first_us < high)


def around_window(low: int, high: int):
    """Aired before the window and after it: the totals cannot tell about inside."""
    return and_(s.first_us < low, s.last_us >= high)


def span_rows(connection: Connection, pairs: Iterable[Pair]) -> dict[Pair, tuple[int, int, int]]:
    """These pairs' first and last airing (microseconds) and how many, from the totals."""
    listed = as_rows(connection, pairs)
    if listed is None:
        return {}
    same = and_(s.station_id == listed.c.station_id, s.form == listed.c.form)
    query = select(s.station_id, s.form, s.first_us, s.last_us, s.airings)
    query = query.join_from(listed, form_spans, same)
    rows = connection.execute(query)
    return {(sid, form): (first, last, count) for sid, form, first, last, count in rows}


_PAIR_ROWS = {  # a JSON array of pairs as rows, in one parameter however many
    "sqlite": "SELECT json_extract(value, '$[0]') AS station_id, "
    "json_extract(value, '$[1]') AS form FROM json_each(:pairs)",
    "postgresql": "SELECT value->>0 AS station_id, CAST(value->>1 AS integer) AS form "
    "FROM json_array_elements(CAST(:pairs AS json))",
}


def as_rows(connection: Connection, pairs: Iterable[Pair]):
    """Pairs as a table of (station_id, form) in one parameter, however many."""
    pairs = sorted(pairs)
    if not pairs:
        return None
    return (
        text(_PAIR_ROWS[connection.dialect.name])
        .bindparams(pairs=json.dumps(pairs))
        .columns(station_id=String, form=Integer)
        .subquery("listed")
    )


# --- corrections ----------------------------------------------------------------------------


def gone(connection: Connection, superseded: Collection[int]) -> list[Gone]:
    """The superseded entries, from the copies beside the totals (a page reads them once)."""
    known = getattr(superseded, "entries", None)
    if known is not None:
        return known
    if not superseded:
        return []
    query = select(c.station_id, c.form, c.outcome, c.started_us, c.at_us).where(
        log_queries.id_in(connection, superseded, column=c.id)
    )
    found = [
        Gone.of(
            station_id,
            form,
            outcome,
            None if started is None else rollup.from_us(started),
            rollup.from_us(at),
        )
        for station_id, form, outcome, started, at in connection.execute(query).all()
    ]
    if isinstance(superseded, Superseded):
        superseded.entries = found
    return found


def touched(
    connection: Connection,
    superseded: Collection[int],
    since: dt.datetime | None,
    until: dt.datetime,
) -> set[Pair]:
    """Pairs with a superseded airing of a form started in [since, until)."""
    return {
        (gone.station_id, gone.form)
        for gone in gone(connection, superseded)
        if gone.form_aired
        and (since is None or since <= gone.started_at)
        and gone.started_at < until
    }


def aired_pairs(
    connection: Connection,
    pairs: Collection[Pair],
    since: dt.datetime,
    until: dt.datetime,
    superseded: Collection[int],
) -> list[Pair]:
    """Those of these pairs with a counted airing in the window, asked of the log:
    one probe each into the (station_id, form, ...) index."""
    listed = as_rows(connection, pairs)
    if listed is None:
        return []
    probe = select(literal_column("1")).where(  # shaped for the (station_id, form, ...) index
        a.station_id == listed.c.station_id,
        a.form == listed.c.form,
        a.outcome == Outcome.AIRED.value,
        a.started_at >= since,
        a.started_at < until,
        *log_queries.not_superseded(connection.engine, superseded),
    )
    query = select(listed.c.station_id, listed.c.form).where(exists(probe))
    return [tuple(row) for row in connection.execute(query)]
