"""Running totals of the airing log, kept by the database in the statement that appends.

Leadership's reports ask network-wide questions (has every commune aired every
form this year? how many airings a week?) that would read a year of a national
log, a million entries, on every page. Small tables answer them instead, and a
trigger on ``airings`` keeps them: an entry and its totals are written together
or not at all, whoever appends (the panel, the playout daemon, the API, an older
version of this program). Nothing else writes them. SQLite (below) and
PostgreSQL (:mod:`broadcaster.db.rollup_pg`) have the triggers, so the tables
(defined in :mod:`broadcaster.db.schema`) are made here, with their contents, not
by ``create_all``; elsewhere :func:`present` is false and the reports read the log.

- ``airing_quarters``: entries per quarter hour (UTC) of their time (start, else
  scheduled, else recorded), outcome, and whether the entry is an airing of one of
  the forms with a start time (what the coverage counts). Local midnights fall on
  quarter hours in every zone in use today; a reader given another bound reads the log.
- ``form_spans``: per station and form, the first and last start of its airings
  (as the coverage counts them) and how many there are.
- ``corrected_entries``: the few entries a correction names, and the corrections:
  the only ones a correction can supersede, copied so that a page reads them at once.

The totals count every entry, superseded ones included: which entries a
correction supersedes is decided when reading, as for the log itself
(:mod:`broadcaster.reports.summary`). Times are whole microseconds since 1970
(UTC), compared as integers. A database made before these tables gets them built
from its log on install; the trigger's name carries a version, so a change
of what is kept rebuilds them the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from broadcaster.db import rollup_pg
from broadcaster.db.schema import ROLLUP_TABLES
from broadcaster.library.bulletins import FORM_COUNT

log = logging.getLogger(__name__)

VERSION = 1
TRIGGER = f"airings_rollup_v{VERSION}_{FORM_COUNT}forms"
QUARTER = dt.timedelta(minutes=15)
MICROSECOND = dt.timedelta(microseconds=1)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _countable(row: str) -> str:
    """SQL: the entry is an ``aired`` one of a form, with a start (coverage_report.counts,
    superseding aside)."""
    return (
        f"{row}outcome = 'aired' AND {row}started_at IS NOT NULL "
        f"AND {row}form BETWEEN 1 AND {FORM_COUNT}"
    )


def _us(column: str) -> str:
    """SQL: an ISO time (UTC text, after 1970) as whole microseconds. SQLite's date
    functions round to the millisecond, so they get whole seconds only."""
    return (
        f"(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr({column} || '000000', 21, 6) AS INTEGER))"
    )


def _at(row: str) -> str:
    return _us(f"coalesce({row}started_at, {row}scheduled_at, {row}recorded_at)")


_QUARTER_US = QUARTER // MICROSECOND

_BACKFILL = [
    f"""INSERT INTO airing_quarters (quarter, outcome, countable, entries)
        SELECT {_at("")} / {_QUARTER_US} AS q, outcome,
               CASE WHEN {_countable("")} THEN 1 ELSE 0 END AS c, count(*)
        FROM airings GROUP BY q, outcome, c""",
    f"""INSERT INTO form_spans (station_id, form, first_us, last_us, airings)
        SELECT station_id, form, {_us("min(started_at)")}, {_us("max(started_at)")}, count(*)
        FROM airings WHERE {_countable("")} GROUP BY station_id, form""",
    f"""INSERT INTO corrected_entries (id, station_id, form, outcome, started_us, at_us)
        SELECT id, station_id, form, outcome, {_us("started_at")}, {_at("")}
        FROM airings WHERE corrects IS NOT NULL
           OR id IN (SELECT corrects FROM airings WHERE corrects IS NOT NULL)""",
]

_KEEP = f"""
CREATE TRIGGER {TRIGGER} AFTER INSERT ON airings
BEGIN
    INSERT INTO airing_quarters (quarter, outcome, countable, entries)
    VALUES ({_at("NEW.")} / {_QUARTER_US}, NEW.outcome,
            CASE WHEN {_countable("NEW.")} THEN 1 ELSE 0 END, 1)
    ON CONFLICT (quarter, outcome, countable) DO UPDATE SET entries = entries + 1;
    INSERT INTO form_spans (station_id, form, first_us, last_us, airings)
    SELECT NEW.station_id, NEW.form, {_us("NEW.started_at")}, {_us("NEW.started_at")}, 1
    WHERE {_countable("NEW.")}
    ON CONFLICT (station_id, form) DO UPDATE SET
        first_us = min(first_us, excluded.first_us),
        last_us = max(last_us, excluded.last_us),
        airings = airings + 1;
END
"""

_KEEP_CORRECTED = f"""
CREATE TRIGGER {TRIGGER}_corrections AFTER INSERT ON airings WHEN NEW.corrects IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO corrected_entries (id, station_id, form, outcome, started_us, at_us)
    SELECT id, station_id, form, outcome, {_us("started_at")}, {_at("")}
    FROM airings WHERE id IN (NEW.id, NEW.corrects);
END
"""


def install(bind: Engine | Connection) -> None:
    """Keep the totals from now on, building them from the log first if this database
    has none (or an older kind). One write transaction: no append slips between the
    build and the trigger, and two processes starting together build once.

    Given an Engine, install opens and commits its own transaction; given a Connection
    (a migration's), it works inside the caller's transaction and leaves the commit to
    it. SQLite and PostgreSQL (:mod:`broadcaster.db.rollup_pg`); other backends have none.
    """
    if isinstance(bind, Connection):
        if bind.dialect.name == "postgresql":
            rollup_pg.install(bind, TRIGGER)
        elif (
            bind.dialect.name == "sqlite"
            and not bind.exec_driver_sql(_TRIGGER_QUERY, (TRIGGER,)).first()
        ):
            _build(bind.exec_driver_sql)
        return
    if engine_has_trigger(bind):
        return
    if bind.dialect.name == "postgresql":
        with bind.begin() as connection:
            rollup_pg.install(connection, TRIGGER)
    elif bind.dialect.name == "sqlite":
        _install_sqlite(bind)


def _install_sqlite(engine: Engine) -> None:
    pooled = engine.raw_connection()
    try:
        dbapi = pooled.driver_connection
        saved = dbapi.isolation_level
        dbapi.isolation_level = None  # we say BEGIN and COMMIT ourselves
        try:
            dbapi.execute("BEGIN IMMEDIATE")
            try:
                if not dbapi.execute(_TRIGGER_QUERY, (TRIGGER,)).fetchone():
                    _build(dbapi.execute)
                dbapi.execute("COMMIT")
            except BaseException:
                dbapi.execute("ROLLBACK")
                raise
        finally:
            dbapi.isolation_level = saved
    finally:
        pooled.close()


_TRIGGER_QUERY = "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?"


def engine_has_trigger(engine: Engine) -> bool:
    """Whether the totals' current trigger is there (without taking any lock)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return rollup_pg.has_trigger(connection, TRIGGER)
        if engine.dialect.name == "sqlite":
            return connection.exec_driver_sql(_TRIGGER_QUERY, (TRIGGER,)).first() is not None
    return False


def _build(run) -> None:
    """Drop and remake the tables, fill them from the log, add the triggers; ``run``
    executes one statement (a DB-API connection's or a SQLAlchemy Connection's)."""
    entries = run("SELECT count(*) FROM airings").fetchone()[0]
    log.info("building the report totals from %d airing log entries", entries)
    older = run(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'airings_rollup%'"
    ).fetchall()
    for (name,) in older:
        run(f'DROP TRIGGER "{name}"')
    dialect = sqlite.dialect()
    for table in ROLLUP_TABLES:
        run(f"DROP TABLE IF EXISTS {table.name}")
        run(str(CreateTable(table).compile(dialect=dialect)))
        for index in table.indexes:
            run(str(CreateIndex(index).compile(dialect=dialect)))
    for statement in _BACKFILL:
        run(statement)
    run(_KEEP_CORRECTED)
    run(_KEEP)  # last: its name says the totals are complete


@functools.lru_cache(maxsize=16)
def present(engine: Engine) -> bool:
    """Whether this database keeps the totals (SQLite and PostgreSQL, once installed)."""
    return engine_has_trigger(engine)


def us(at: dt.datetime) -> int:
    """An aware time as the tables keep it: whole microseconds since 1970 (UTC)."""
    return (at - EPOCH) // MICROSECOND


def from_us(value: int) -> dt.datetime:
    return EPOCH + value * MICROSECOND


def quarters(since: dt.datetime, until: dt.datetime) -> tuple[int, int] | None:
    """[since, until) as quarter numbers; None when a bound is not on a quarter hour
    after 1970, which the totals cannot split (then read the log)."""
    found = []
    for at in (since, until):
        offset = at - EPOCH
        if offset <= dt.timedelta(0) or offset % QUARTER:
            return None
        found.append(offset // QUARTER)
    return found[0], found[1]
