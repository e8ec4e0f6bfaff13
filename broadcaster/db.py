"""The project's database: schema, connection, and the guarantees the evidence needs.

SQLite by default (``<data>/broadcaster.db``), through SQLAlchemy Core so a site
may point ``database_url`` elsewhere. Times are stored in UTC and come back as
aware datetimes: no airing shifts because a server runs in another zone.

The airing log is evidence that a commune informed its residents, so it is
append-only in the database itself (triggers refuse UPDATE, DELETE and REPLACE):
a correction is a new entry that names the one it corrects. On SQLite the same
statement that appends an entry adds it to the running totals the reports read
(:mod:`broadcaster.airlog_rollup`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.types import TypeDecorator

from broadcaster import airlog_rollup


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; naive input is a bug, not a guess."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware one")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


metadata = MetaData()

approvals = Table(
    "approvals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bulletin_id", String(100), nullable=False),
    Column("render_sha256", String(64), nullable=False),
    Column("decision", String(10), nullable=False),  # approved | rejected
    Column("decided_by", String(100), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Index("ix_approvals_render", "render_sha256", "id"),
)

plan_items = Table(
    "plan_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", String(10), nullable=False),  # local date, ISO
    Column("station_id", String(100), nullable=False),
    Column("slot_start", UTCDateTime, nullable=False),
    Column("position", Integer, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("bulletin_id", String(100), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("form", Integer),
    Column("render_sha256", String(64), nullable=False),
    Column("file", String(200), nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("priority", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("planned_at", UTCDateTime, nullable=False),
    Index("ix_plan_day_station", "day", "station_id", "starts_at"),
)

airings = Table(
    "airings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("station_id", String(100), nullable=False),
    Column("bulletin_id", String(100), nullable=False),
    Column("form", Integer),
    Column("render_sha256", String(64), nullable=False),
    Column("scheduled_at", UTCDateTime),
    Column("started_at", UTCDateTime),
    Column("ended_at", UTCDateTime),
    Column("outcome", String(10), nullable=False),  # aired | failed | missed
    Column("late", Boolean, nullable=False, default=False),
    Column("reason", Text, nullable=False, default=""),
    Column("source", String(10), nullable=False),  # playout | operator | api
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("corrects", Integer, ForeignKey("airings.id")),
    Index("ix_airings_station_time", "station_id", "scheduled_at"),
    # The coverage matrix reads only this index: (station, form, outcome, start).
    Index("ix_airings_form", "station_id", "form", "outcome", "started_at"),
    # The dashboard's chart, missed/failed counts and quiet stations.
    Index("ix_airings_time", "outcome", "started_at", "scheduled_at", "form"),
    Index("ix_airings_corrects", "corrects", sqlite_where=text("corrects IS NOT NULL")),
    Index("ix_airings_recorded", "recorded_at"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(10), nullable=False),  # staff | operator | leader | admin
    Column("station_id", String(100)),  # an operator's one station
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

station_tokens = Table(
    "station_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("station_id", String(100), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(30), nullable=False),  # edit | render | upload | approve | ...
    Column("target", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_at", "at"),
)

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
    """An engine with the schema in place. SQLite gets WAL (the panel reads while
    playout writes), foreign keys, and a busy timeout instead of 'database is locked'."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            for statement in _APPEND_ONLY:
                connection.execute(text(statement))
        airlog_rollup.install(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


# Tables defined beside the logic that owns them, on the same metadata, so that
# connect() creates them too. Imported last: they import this module.
import broadcaster.alerts  # noqa: E402, F401
