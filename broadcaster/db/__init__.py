"""The project's database: the engine, the schema, and the guarantees the evidence needs.

SQLite by default (``<data>/broadcaster.db``), through SQLAlchemy Core so a site
may point ``database_url`` elsewhere. :func:`connect` runs no DDL: the schema is made
and changed only by the migrations (:mod:`broadcaster.db.migrations`, ``broadcaster db
upgrade``), and connect refuses a database that is not at their head. Every table
is in :mod:`broadcaster.db.schema` and re-exported here (``from broadcaster.db import
airings``); times are :class:`~broadcaster.db.types.UTCDateTime`. Of the project,
this package imports only the bulletin library's form count (for the totals) and the
errors, so any module may import it without a cycle (``tests/test_imports.py`` holds
the whole tree to that).

The airing log is evidence that a commune informed its residents, so it is
append-only in the database itself (triggers refuse UPDATE, DELETE and REPLACE;
on PostgreSQL also TRUNCATE, :mod:`broadcaster.db.postgres`): a correction is a
new entry that names the one it corrects. :func:`lock_item` keeps one standing
entry per planned item when several processes confirm it at once. On SQLite the same
statement that appends an entry adds it to the running totals the reports read
(:mod:`broadcaster.db.rollup`).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text

from broadcaster.db import postgres, rollup
from broadcaster.db.schema import (
    ROLLUP_TABLES,
    airing_quarters,
    airings,
    alert_stations,
    alert_withdrawals,
    alerts,
    approvals,
    audit,
    corrected_entries,
    form_spans,
    last_aired,
    last_aired_folded,
    metadata,
    plan_items,
    playout_on_air,
    station_tokens,
    users,
)
from broadcaster.db.types import UTCDateTime

__all__ = [
    "ROLLUP_TABLES",
    "UTCDateTime",
    "airing_quarters",
    "airings",
    "alert_stations",
    "alert_withdrawals",
    "alerts",
    "approvals",
    "audit",
    "connect",
    "corrected_entries",
    "engine",
    "form_spans",
    "install_append_only",
    "last_aired",
    "last_aired_folded",
    "lock_item",
    "metadata",
    "plan_items",
    "playout_on_air",
    "rollup",
    "station_tokens",
    "users",
]

_APPEND_ONLY = [
    """CREATE TRIGGER IF NOT EXISTS airings_no_update BEFORE UPDATE ON airings
       BEGIN SELECT RAISE(ABORT, 'the airing log is append-only: record a correction'); END""",
    """CREATE TRIGGER IF NOT EXISTS airings_no_delete BEFORE DELETE ON airings
       BEGIN SELECT RAISE(ABORT, 'the airing log is append-only: nothing is deleted'); END""",
    # INSERT OR REPLACE deletes the row it replaces without firing delete triggers
    # (unless recursive_triggers is on, which no client promises): refuse it up front.
    """CREATE TRIGGER IF NOT EXISTS airings_no_replace BEFORE INSERT ON airings
       WHEN EXISTS (SELECT 1 FROM airings WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'the airing log is append-only: nothing is replaced'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_replace BEFORE INSERT ON audit
       WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
]


BUSY_TIMEOUT_S = 10.0


def connect(url: str, *, busy_timeout_s: float = BUSY_TIMEOUT_S, **pool: float) -> Engine:
    """An engine on a database whose schema is this release's, or
    :class:`~broadcaster.errors.DatabaseOutOfDate` naming ``broadcaster db upgrade``.

    No DDL here: the schema changes only through the migrations
    (:mod:`broadcaster.db.migrations`), run once per deploy, so several processes
    starting at once never race to create it. See :func:`engine` for the connection's
    settings."""
    from broadcaster.db import migrations  # alembic's machinery, only when checking

    built = engine(url, busy_timeout_s=busy_timeout_s, **pool)
    try:
        migrations.check(built)
    except BaseException:
        built.dispose()
        raise
    return built


def engine(url: str, *, busy_timeout_s: float = BUSY_TIMEOUT_S, **pool: float) -> Engine:
    """An engine whatever the schema (the migrations and :func:`connect` start here).
    SQLite gets WAL (the panel reads while playout writes), foreign keys, and a busy
    timeout: a write waits up to ``busy_timeout_s`` for another process's transaction
    (SQLite retries meanwhile) before 'database is locked'. Every pooled connection is
    pinged before use, so a database restart costs a reconnect, not a 500. ``pool``:
    ``create_engine``'s pool sizes (``DatabasePoolSettings.engine_options``)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    built = create_engine(url, pool_pre_ping=True, **pool)
    if built.dialect.name == "sqlite":
        event.listen(built, "connect", functools.partial(_sqlite_pragmas, busy_timeout_s))
    return built


def install_append_only(connection: Connection) -> None:
    """The triggers that make the airing log and the audit trail append-only, where
    missing (idempotent): SQLite's here, PostgreSQL's in :mod:`broadcaster.db.postgres`.
    Called by the migrations, never at connect."""
    if connection.dialect.name == "sqlite":
        for statement in _APPEND_ONLY:
            connection.execute(text(statement))
    elif connection.dialect.name == "postgresql":
        postgres.install_append_only(connection)


def lock_item(connection: Connection, station_id: str, scheduled_at: dt.datetime) -> None:
    """Before reading one planned item's entries to append another: wait for any other
    transaction doing the same. On PostgreSQL an advisory lock held until commit; on
    SQLite nothing (the caller's BEGIN IMMEDIATE already serialises every writer)."""
    if connection.dialect.name == "postgresql":
        postgres.lock_item(connection, station_id, scheduled_at)


def _sqlite_pragmas(busy_timeout_s: float, dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
