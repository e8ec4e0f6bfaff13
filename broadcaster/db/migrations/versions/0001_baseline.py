"""The schema of the release before migrations: tables, indexes, the append-only triggers
and the running totals of the airing log.

Frozen: the tables are copied here as they were, so a later change to
``broadcaster.db.schema`` is a later revision, never a change of this one. The triggers
and the totals come from the package's install functions (``db.install_append_only``,
``rollup.install``), the one place their SQL is written: both are idempotent and
versioned by name, so a later change to them is a later revision calling them again.

It creates only what is missing, so it also adopts a database made by that release
(tables, no ``alembic_version``) or an older one (a column, an index or the totals
missing, as the old connect added them), keeping every row.

Revision ID: 0001_baseline
Revises:
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)
from sqlalchemy.schema import CreateColumn

from broadcaster import db
from broadcaster.db import rollup
from broadcaster.db.types import UTCDateTime

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

BASELINE = MetaData()

approvals = Table(
    "approvals",
    BASELINE,
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
    BASELINE,
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

# The planner's history without reading every stored day: what each station last
# aired of each topic (a form, or a bulletin outside the forms), folded in from the
# plans and the log of closed days (broadcaster.airplan.recency), and how far.
last_aired = Table(
    "last_aired",
    BASELINE,
    Column("station_id", String(100), primary_key=True),
    Column("topic", String(100), primary_key=True),  # the form's number, or the bulletin's id
    Column("at", UTCDateTime, nullable=False),
)

last_aired_folded = Table(
    "last_aired_folded",
    BASELINE,
    Column("id", Integer, primary_key=True, autoincrement=False),  # one row: 1
    Column("through", String(10), nullable=False),  # the last local day folded in, ISO
)

airings = Table(
    "airings",
    BASELINE,
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
    BASELINE,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(10), nullable=False),  # staff | operator | leader | admin
    Column("station_id", String(100)),  # an operator's one station
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    # Raised by logout, a password change or disabling: panel sessions carry the
    # version they were opened at and end when it moves (broadcaster.accounts).
    Column("session_version", Integer, nullable=False, default=0, server_default="0"),
)

station_tokens = Table(
    "station_tokens",
    BASELINE,
    Column("id", Integer, primary_key=True),
    Column("station_id", String(100), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)

audit = Table(
    "audit",
    BASELINE,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(30), nullable=False),  # edit | render | upload | approve | ...
    Column("target", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_at", "at"),
)

# -- emergency alerts (broadcaster.alerts): never edited -----------------------------------

alerts = Table(
    "alerts",
    BASELINE,
    Column("id", Integer, primary_key=True),
    Column("bulletin_id", String(100), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("form", Integer),
    Column("render_sha256", String(64), nullable=False),
    Column("file", String(200), nullable=False),  # the render's file name in <data>/renders
    Column("duration_s", Float, nullable=False),
    Column("all_stations", Boolean, nullable=False),
    Column("raised_by", String(100), nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
)

alert_stations = Table(
    "alert_stations",
    BASELINE,
    Column("alert_id", Integer, ForeignKey("alerts.id"), primary_key=True),
    Column("station_id", String(100), primary_key=True),
)

# An alert taken off the air (broadcaster.alerts.withdrawing): one row per alert, never
# edited; the alert row itself stays as it was raised.
alert_withdrawals = Table(
    "alert_withdrawals",
    BASELINE,
    Column("alert_id", Integer, ForeignKey("alerts.id"), primary_key=True),
    Column("withdrawn_by", String(100), nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False),
)

# -- playout working state (broadcaster.playout.state) -------------------------------------

# What was playing if the daemon died in the middle of it: written before the player
# starts, deleted once the entry is in the log.
playout_on_air = Table(
    "playout_on_air",
    BASELINE,
    Column("id", Integer, primary_key=True),
    Column("station_id", String(100), nullable=False),
    Column("scheduled_at", UTCDateTime, nullable=False),
    Column("bulletin_id", String(100), nullable=False),
    Column("form", Integer),
    Column("render_sha256", String(64), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("recorded_by", String(100), nullable=False),
)


def upgrade() -> None:
    bind = op.get_bind()
    present = set(inspect(bind).get_table_names())
    for table in BASELINE.sorted_tables:
        if table.name not in present:
            table.create(bind)
            continue
        _add_missing_columns(bind, table)
        for index in table.indexes:
            index.create(bind, checkfirst=True)
    db.install_append_only(bind)
    rollup.install(bind)  # in this transaction: built from the log if it has none


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a backup instead")


def _add_missing_columns(bind: Connection, table: Table) -> None:
    """Columns an older release's table lacks. Only those that need no data migration
    (nullable, or with a server default), as the release before migrations added them."""
    present = {c["name"] for c in inspect(bind).get_columns(table.name)}
    for column in table.columns:
        if column.name in present:
            continue
        if not column.nullable and column.server_default is None:
            raise RuntimeError(f"cannot add {table.name}.{column.name}: it needs a default")
        ddl = CreateColumn(column).compile(dialect=bind.dialect)
        bind.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))
