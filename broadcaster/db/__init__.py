"""The project's database: the engine, the schema, and the guarantees the evidence needs.

SQLite by default (``<data>/broadcaster.db``), through SQLAlchemy Core so a site
may point ``database_url`` elsewhere. Every table is in :mod:`broadcaster.db.schema`
and re-exported here (``from broadcaster.db import airings``); times are
:class:`~broadcaster.db.types.UTCDateTime`. Of the project, this package imports
only the bulletin library's form count (for the totals), so any module may import
it without a cycle (``tests/test_imports.py`` holds the whole tree to that).

The airing log is evidence that a commune informed its residents, so it is
append-only in the database itself (triggers refuse UPDATE, DELETE and REPLACE):
a correction is a new entry that names the one it corrects. On SQLite the same
statement that appends an entry adds it to the running totals the reports read
(:mod:`broadcaster.db.rollup`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text

from broadcaster.db import rollup
from broadcaster.db.schema import (
    ROLLUP_TABLES,
    airing_quarters,
    airings,
    alert_stations,
    alerts,
    approvals,
    audit,
    corrected_entries,
    form_spans,
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
    "alerts",
    "approvals",
    "audit",
    "connect",
    "corrected_entries",
    "form_spans",
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


def connect(url: str) -> Engine:
    """An engine with the schema in place, on a new or an older database (every step is
    idempotent). SQLite gets WAL (the panel reads while playout writes), foreign keys,
    and a busy timeout instead of 'database is locked'."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    # The running totals are made by rollup.install, filled in the same transaction.
    metadata.create_all(
        engine, tables=[t for t in metadata.sorted_tables if t not in ROLLUP_TABLES]
    )
    if sqlite:
        with engine.begin() as connection:
            for statement in _APPEND_ONLY:
                connection.execute(text(statement))
        rollup.install(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
