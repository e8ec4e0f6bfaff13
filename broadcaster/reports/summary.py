"""The network-wide figures of the reports, from the totals kept beside the log.

Forms aired per station, stations that aired lately, their last airing, airings
per bar of the chart, the missed and failed counts and the cells of a matrix page
each concern every (or 50) stations' whole period: read from the log
(:mod:`broadcaster.reports.queries`) they cost hundreds of milliseconds on a national
log. These functions give the same answers from the running totals of
:mod:`broadcaster.db.rollup`, reading the log only where the totals cannot tell:

- the totals count superseded entries too; those (a few, copied beside the totals)
  are taken out again: a pair (station, form) they touch whose every airing is in
  the window aired unless all of them are superseded; other such pairs are asked
  of the log;
- a pair whose first airing is before the window and whose last is after it may or
  may not have aired inside: one index probe into the log per such pair (a window
  that ends now has none);
- a bound that is not on a quarter hour, or a database without the totals (neither
  SQLite nor PostgreSQL): the log's own query.

Tests hold both ways to the pure rules on the same random log.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Collection, Sequence

from sqlalchemy import func, select

from broadcaster.airlog import Outcome
from broadcaster.db import airing_quarters, form_spans, rollup
from broadcaster.reports import pairs
from broadcaster.reports import queries as log_queries
from broadcaster.reports.coverage import Bucket, Cell, Period, bucket_bounds, count_into
from broadcaster.reports.queries import Bind, connected

s = form_spans.c  # only airings of the forms: no test of the form needed
q = airing_quarters.c
Pair = pairs.Pair


def forms_aired(
    engine: Bind,
    since: dt.datetime,
    until: dt.datetime,
    superseded: Collection[int],
    station_ids: Sequence[str],
) -> dict[str, int]:
    """Station -> how many forms it aired in [since, until); stations with none are absent."""
    if not station_ids:
        return {}
    if not rollup.present(engine.engine):
        return log_queries.forms_aired(engine, since, until, superseded, station_ids)
    low, high = rollup.us(since), rollup.us(until)
    wanted = set(station_ids)
    with connected(engine) as connection:
        # pairs surely aired, superseded airings aside; the log is asked about the others
        found, recheck = pairs.inside_counts(connection, low, high, wanted)
        touched = {
            pair
            for pair in pairs.touched(connection, superseded, since, until)
            if pair[0] in wanted
        }
        spans = pairs.span_rows(connection, touched)
        gone = Counter(
            (g.station_id, g.form) for g in pairs.gone(connection, superseded) if g.form_aired
        )
        for pair in touched:  # counted as inside, or not, with their superseded airings
            first, last, airings = spans[pair]
            if low <= first and last < high:  # every airing of the pair is in the window:
                if airings <= gone[pair]:  # it aired there unless all are superseded
                    found[pair[0]] -= 1
                continue
            if pairs.is_inside(first, last, low, high):
                found[pair[0]] -= 1
            recheck.add(pair)
        for station_id, _form in pairs.aired_pairs(connection, recheck, since, until, superseded):
            found[station_id] += 1
    return {station_id: count for station_id, count in found.items() if count}


def aired_stations(
    engine: Bind,
    since: dt.datetime,
    until: dt.datetime,
    superseded: Collection[int],
    station_ids: Sequence[str],
) -> set[str]:
    """Which of these stations have a counted airing of a form started in [since, until).

    A station with more pairs inside the window than pairs touched by a correction
    surely aired; the log is asked about the pairs of the others that came near.
    """
    if not rollup.present(engine.engine):
        return log_queries.aired_stations(engine, since, until, superseded, station_ids)
    low, high = rollup.us(since), rollup.us(until)
    wanted = set(station_ids)
    near = pairs.near_window(low, high)
    with connected(engine) as connection:
        touched = Counter(sid for sid, _form in pairs.touched(connection, superseded, since, until))
        inside, _around_pairs = pairs.inside_counts(connection, low, high, wanted)
        aired, doubtful = set(), set()
        for station_id, count in inside.items():
            (aired if count > touched[station_id] else doubtful).add(station_id)
        nearby = set()
        if doubtful:
            query = select(s.station_id, s.form).where(near, s.station_id.in_(sorted(doubtful)))
            nearby = set(map(tuple, connection.execute(query)))
        found = pairs.aired_pairs(connection, nearby, since, until, superseded)
    return aired | {station_id for station_id, _form in found}


def last_aired(
    engine: Bind, station_ids: Collection[str], before: dt.datetime, superseded: Collection[int]
) -> dict[str, dt.datetime]:
    """Station -> start of its last counted airing of a form before ``before``.

    The totals know each station's last airing; the log is asked only for a station
    whose last one may be superseded or is not before ``before``.
    """
    if not station_ids:
        return {}
    if not rollup.present(engine.engine):
        return log_queries.last_aired(engine, station_ids, before, superseded)
    query = (
        select(s.station_id, func.max(s.last_us))
        .where(s.station_id.in_(sorted(station_ids)))
        .group_by(s.station_id)
    )
    with connected(engine) as connection:
        last = dict(connection.execute(query).all())
        gone_last: dict[str, dt.datetime] = {}
        for gone in pairs.gone(connection, superseded):
            if gone.form_aired:
                gone_last[gone.station_id] = max(
                    gone.started_at, gone_last.get(gone.station_id, gone.started_at)
                )
    limit = rollup.us(before)
    found, doubtful = {}, set()
    for station_id, value in last.items():
        at = rollup.from_us(value)
        if value >= limit or (station_id in gone_last and gone_last[station_id] >= at):
            doubtful.add(station_id)
        else:
            found[station_id] = at
    found.update(log_queries.last_aired(engine, doubtful, before, superseded))
    return found


def aired_per_bucket(
    engine: Bind, bars: Sequence[Bucket], zone: dt.tzinfo, superseded: Collection[int]
) -> list[Bucket]:
    """The bars with their counted airings of the forms, every station together."""
    if not bars:
        return []
    edges = [bucket_bounds(bar, zone)[0] for bar in bars] + [bucket_bounds(bars[-1], zone)[1]]
    spans = [rollup.quarters(low, high) for low, high in itertools.pairwise(edges)]
    if not rollup.present(engine.engine) or None in spans:
        return log_queries.aired_per_bucket(engine, bars, zone, superseded)
    starts = [low for low, _high in spans]
    query = select(q.quarter, q.entries).where(
        q.outcome == Outcome.AIRED.value,
        q.countable == 1,
        q.quarter >= spans[0][0],
        q.quarter < spans[-1][1],
    )
    totals = [0] * len(bars)
    with connected(engine) as connection:
        for quarter, entries in connection.execute(query).all():
            totals[bisect.bisect_right(starts, quarter) - 1] += entries
        gone = [g.started_at for g in pairs.gone(connection, superseded) if g.form_aired]
    counted = [Bucket(bar.first, bar.last, total) for bar, total in zip(bars, totals, strict=True)]
    return count_into(counted, gone, zone, sign=-1)


def outcome_counts(
    engine: Bind, period: Period, superseded: Collection[int], outcomes: Sequence[Outcome]
) -> dict[Outcome, int]:
    """How many entries of these outcomes are placed in the period, superseded ones left out."""
    span = rollup.quarters(period.since, period.until)
    if not rollup.present(engine.engine) or span is None:
        return log_queries.outcome_counts(engine, period, superseded, outcomes)
    query = (
        select(q.outcome, func.sum(q.entries))
        .where(
            q.outcome.in_([o.value for o in outcomes]),
            q.quarter >= span[0],
            q.quarter < span[1],
        )
        .group_by(q.outcome)
    )
    found = dict.fromkeys(outcomes, 0)
    with connected(engine) as connection:
        for outcome, entries in connection.execute(query).all():
            found[Outcome(outcome)] += entries
        for gone in pairs.gone(connection, superseded):
            if gone.outcome in found and gone.at in period:
                found[gone.outcome] -= 1
    return found


def cells(
    engine: Bind, period: Period, superseded: Collection[int], station_ids: Collection[str]
) -> dict[Pair, Cell]:
    """(station, form) -> Cell for these stations, as coverage() computes.

    A pair whose airings all started inside the period, none superseded, is its span
    in the totals; the log is read only for the stations with another pair near the
    period (a page of the year's matrix then reads no log at all).
    """
    if not station_ids:
        return {}
    if not rollup.present(engine.engine):
        return log_queries.cells(engine, period, superseded, station_ids)
    low, high = rollup.us(period.since), rollup.us(period.until)
    query = select(s.station_id, s.form, s.first_us, s.last_us, s.airings).where(
        s.station_id.in_(sorted(station_ids))
    )
    found: dict[Pair, Cell] = {}
    with connected(engine) as connection:
        touched = pairs.touched(connection, superseded, None, rollup.from_us(high))
        unsure: set[Pair] = set()
        for station_id, form, first, last, count in connection.execute(query):
            if first >= low and last < high and (station_id, form) not in touched:
                found[station_id, form] = Cell(count, rollup.from_us(first), rollup.from_us(last))
            elif last >= low and first < high:
                unsure.add((station_id, form))
        if len(unsure) > len(found):  # a short window: most pairs cross its bounds
            found.update(
                log_queries.cells(connection, period, superseded, pairs.stations_of(unsure))
            )
        else:
            found.update(pairs.log_cells(connection, unsure, period, superseded))
    return found
