"""The running totals of :mod:`broadcaster.db.rollup` on PostgreSQL.

The same tables and the same figures as SQLite's triggers, kept by one PL/pgSQL
function run once per INSERT (or COPY) statement on ``airings`` (a statement
trigger with a transition table): a bulk append of a day's log costs one grouped
upsert per table, not one per entry.

Several panel workers and playout daemons append at once, so every total is an
``INSERT ... ON CONFLICT DO UPDATE`` (a conflicting writer waits for the row,
then adds to what committed), and each statement touches its keys in one order
(sorted), so two single-statement appends cannot deadlock on the totals.

Times are ``timestamp without time zone`` holding UTC; their epoch is exact in
microseconds (``EXTRACT`` is numeric since PostgreSQL 14, which this needs). Quarters divide with
truncation, as SQLite's integer division does.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text

from broadcaster.db.postgres import LOCK_SPACE_SCHEMA
from broadcaster.db.schema import ROLLUP_TABLES
from broadcaster.library.bulletins import FORM_COUNT

log = logging.getLogger(__name__)

_QUARTER_US = 15 * 60 * 1_000_000
_LOCK_KEY = 2  # under LOCK_SPACE_SCHEMA: 0 append-only triggers, 1 migrations, 2 the totals


def _us(column: str) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS bigint)"


def _countable(row: str = "") -> str:
    """The entry is an ``aired`` one of a form, with a start (as rollup._countable)."""
    return (
        f"{row}outcome = 'aired' AND {row}started_at IS NOT NULL "
        f"AND {row}form BETWEEN 1 AND {FORM_COUNT}"
    )


def _at(row: str = "") -> str:
    return _us(f"coalesce({row}started_at, {row}scheduled_at, {row}recorded_at)")


def _quarters(source: str) -> str:
    return f"""INSERT INTO airing_quarters (quarter, outcome, countable, entries)
        SELECT {_at()} / {_QUARTER_US} AS q, outcome,
               CASE WHEN {_countable()} THEN 1 ELSE 0 END AS c, count(*)
        FROM {source} GROUP BY q, outcome, c ORDER BY q, outcome, c"""


def _spans(source: str) -> str:
    return f"""INSERT INTO form_spans (station_id, form, first_us, last_us, airings)
        SELECT station_id, form, {_us("min(started_at)")}, {_us("max(started_at)")}, count(*)
        FROM {source} WHERE {_countable()} GROUP BY station_id, form ORDER BY station_id, form"""


def _corrected(named: str) -> str:
    """The entries a correction names, and the corrections, copied from the log."""
    return f"""INSERT INTO corrected_entries (id, station_id, form, outcome, started_us, at_us)
        SELECT id, station_id, form, outcome, {_us("started_at")}, {_at()}
        FROM airings WHERE id IN ({named}) ORDER BY id"""


def _backfill() -> list[str]:
    named = (
        "SELECT id FROM airings WHERE corrects IS NOT NULL "
        "UNION SELECT corrects FROM airings WHERE corrects IS NOT NULL"
    )
    return [_quarters("airings"), _spans("airings"), _corrected(named)]


def _function(name: str) -> str:
    named = (
        "SELECT id FROM inserted WHERE corrects IS NOT NULL "
        "UNION SELECT corrects FROM inserted WHERE corrects IS NOT NULL"
    )
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_quarters("inserted")}
    ON CONFLICT (quarter, outcome, countable)
    DO UPDATE SET entries = airing_quarters.entries + excluded.entries;
    {_spans("inserted")}
    ON CONFLICT (station_id, form) DO UPDATE SET
        first_us = least(form_spans.first_us, excluded.first_us),
        last_us = greatest(form_spans.last_us, excluded.last_us),
        airings = form_spans.airings + excluded.airings;
    IF EXISTS (SELECT 1 FROM inserted WHERE corrects IS NOT NULL) THEN
        {_corrected(named)}
        ON CONFLICT (id) DO NOTHING;
    END IF;
    RETURN NULL;
END
$$
"""


def _trigger(name: str) -> str:
    return (
        f"CREATE TRIGGER {name} AFTER INSERT ON airings REFERENCING NEW TABLE AS inserted "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
    )


_ROLLUP_TRIGGERS = (
    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'airings'::regclass "
    "AND tgname LIKE 'airings\\_rollup%'"
)


def has_trigger(connection: Connection, name: str) -> bool:
    found = connection.execute(text(_ROLLUP_TRIGGERS)).scalars().all()
    return name in found


def install(connection: Connection, name: str) -> None:
    """Build the totals from the log and add the trigger, unless ``name`` is there, in
    the caller's transaction. The advisory lock makes processes starting together
    build once; the table lock makes appends wait, so none slips between the build
    and the trigger."""
    if has_trigger(connection, name):
        return
    connection.execute(
        text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), :key)"),
        {"space": LOCK_SPACE_SCHEMA, "key": _LOCK_KEY},
    )
    if has_trigger(connection, name):
        return
    connection.execute(text("LOCK TABLE airings IN SHARE ROW EXCLUSIVE MODE"))
    entries = connection.execute(text("SELECT count(*) FROM airings")).scalar_one()
    log.info("building the report totals from %d airing log entries", entries)
    for older in connection.execute(text(_ROLLUP_TRIGGERS)).scalars().all():
        connection.execute(text(f'DROP TRIGGER "{older}" ON airings'))
        connection.execute(text(f'DROP FUNCTION IF EXISTS "{older}"()'))
    for table in ROLLUP_TABLES:
        table.drop(connection, checkfirst=True)
        table.create(connection)
    for statement in _backfill():
        connection.execute(text(statement))
    connection.execute(text(_function(name)))
    connection.execute(text(_trigger(name)))  # last: its name says the totals are complete
