"""Every table of the project, on one ``metadata``.

One place to read the whole database, and one module that imports nothing of
the project but its column types: whatever owns the logic over a table
(approval, airlog, alerts, playout, reports) imports its table from here, so the
schema never has to import them back. ``broadcaster.db.connect`` creates the
tables on new and older databases alike.

Three kinds of table:

- evidence (``airings``, ``audit``, ``approvals``, ``alerts``...): what was
  decided and aired; the airing log and the audit trail are append-only
  (triggers in :mod:`broadcaster.db`);
- working state (``playout_on_air``): the playout daemon's marker of the item
  playing, rows come and go;
- running totals of the airing log (``ROLLUP_TABLES``): kept by triggers (SQLite
  and PostgreSQL), so they are not made by ``create_all`` but by
  :func:`broadcaster.db.rollup.install`, in the transaction that fills them from
  the log and adds the triggers. Other backends have none, and
  :func:`broadcaster.db.rollup.present` sends the reports to the log there.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from broadcaster.db.types import UTCDateTime

metadata = MetaData()

# -- evidence and accounts -----------------------------------------------------------------

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

# A stored plan is millions of rows nationally (communes x items x days): each item
# names its segment and its reason, stored once each (broadcaster.airplan.store).
plan_segments = Table(  # one row per distinct audio as planned: what every item of it repeats
    "plan_segments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bulletin_id", String(100), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("form", Integer),
    Column("render_sha256", String(64), nullable=False),
    Column("file", String(200), nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("priority", String(10), nullable=False),
    Index("ix_plan_segments_render", "render_sha256"),
)

plan_reasons = Table(  # the planner's explanations, each text once
    "plan_reasons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Index("ix_plan_reasons_text", "text", unique=True),
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
    Column("segment_id", Integer, ForeignKey("plan_segments.id"), nullable=False),
    Column("reason_id", Integer, ForeignKey("plan_reasons.id"), nullable=False),
    Column("planned_at", UTCDateTime, nullable=False),
    Index("ix_plan_day_station", "day", "station_id", "starts_at"),
    Index("ix_plan_items_segment", "segment_id"),  # pruning segments, withdrawing audio
    Index("ix_plan_items_reason", "reason_id"),  # pruning reasons
)

# The planner's history without reading every stored day: what each station last
# aired of each topic (a form, or a bulletin outside the forms), folded in from the
# plans and the log of closed days (broadcaster.airplan.recency), and how far.
last_aired = Table(
    "last_aired",
    metadata,
    Column("station_id", String(100), primary_key=True),
    Column("topic", String(100), primary_key=True),  # the form's number, or the bulletin's id
    Column("at", UTCDateTime, nullable=False),
)

last_aired_folded = Table(
    "last_aired_folded",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # one row: 1
    Column("through", String(10), nullable=False),  # the last local day folded in, ISO
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
    # Raised by logout, a password change or disabling: panel sessions carry the
    # version they were opened at and end when it moves (broadcaster.accounts).
    Column("session_version", Integer, nullable=False, default=0, server_default="0"),
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

# -- emergency alerts (broadcaster.alerts): never edited -----------------------------------

alerts = Table(
    "alerts",
    metadata,
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
    metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id"), primary_key=True),
    Column("station_id", String(100), primary_key=True),
)

# An alert taken off the air (broadcaster.alerts.withdrawing): one row per alert, never
# edited; the alert row itself stays as it was raised.
alert_withdrawals = Table(
    "alert_withdrawals",
    metadata,
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
    metadata,
    Column("id", Integer, primary_key=True),
    Column("station_id", String(100), nullable=False),
    Column("scheduled_at", UTCDateTime, nullable=False),
    Column("bulletin_id", String(100), nullable=False),
    Column("form", Integer),
    Column("render_sha256", String(64), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("recorded_by", String(100), nullable=False),
)

# -- running totals of the airing log (broadcaster.db.rollup): kept by triggers ------------

# Microseconds since 1970 outgrow PostgreSQL's 4-byte integer; SQLite keeps its INTEGER.
MICROS = Integer().with_variant(BigInteger(), "postgresql")

airing_quarters = Table(
    "airing_quarters",
    metadata,
    Column("quarter", Integer, primary_key=True, autoincrement=False),  # since 1970, UTC
    Column("outcome", String(10), primary_key=True),
    Column("countable", Integer, primary_key=True, autoincrement=False),  # 1: a form aired
    Column("entries", Integer, nullable=False),
    sqlite_with_rowid=False,
)

form_spans = Table(  # only airings of the forms, as the coverage counts them
    "form_spans",
    metadata,
    Column("station_id", String(100), primary_key=True),
    Column("form", Integer, primary_key=True, autoincrement=False),
    Column("first_us", MICROS, nullable=False),
    Column("last_us", MICROS, nullable=False),
    Column("airings", Integer, nullable=False),
    # stations that aired lately, without reading the others
    Index("ix_form_spans_last", "last_us", "first_us"),
    sqlite_with_rowid=False,
)

corrected_entries = Table(
    "corrected_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("station_id", String(100), nullable=False),
    Column("form", Integer),
    Column("outcome", String(10), nullable=False),
    Column("started_us", MICROS),
    Column("at_us", MICROS, nullable=False),  # start, else scheduled, else recorded
    sqlite_with_rowid=False,
)

# Made and filled by rollup.install (SQLite and PostgreSQL), not by create_all: see above.
ROLLUP_TABLES = (airing_quarters, form_spans, corrected_entries)

# -- working state shared by the panel's workers (issue 13) --------------------------------

login_failures = Table(  # broadcaster.accounts.throttle: failed logins, forgotten after an hour
    "login_failures",
    metadata,
    Column("scope", String(10), primary_key=True),  # pair | address | account
    Column("username", String(100), primary_key=True),  # "" for the address scope
    Column("address", String(100), primary_key=True),  # "" for the account scope
    Column("failures", Integer, nullable=False),
    Column("last_s", Float, nullable=False),  # seconds since 1970, from the runtime's clock
    Index("ix_login_failures_last", "last_s"),
)

jobs = Table(  # broadcaster.jobs: background work started from the panel, seen by every worker
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(40), nullable=False),  # render | ...
    Column("subject", String(100), nullable=False, default=""),  # e.g. the bulletin's id
    Column("params", Text, nullable=False, default="{}"),  # JSON
    Column("state", String(12), nullable=False),  # queued | running | done | failed
    Column("progress", Float, nullable=False, default=0.0),  # 0..1
    Column("message", Text, nullable=False, default=""),  # Vietnamese, for the page
    Column("error", Text, nullable=False, default=""),
    Column("requested_by", String(100), nullable=False, default=""),
    Column("owner", String(100), nullable=False),  # the worker process running it
    Column("heartbeat_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Index("ix_jobs_subject", "kind", "subject", "created_at"),
)

# broadcaster.playout.lease: one playout leader per station across machines. Working
# state like playout_on_air: the leader renews its row; a standby takes it over once
# expires_at has passed, raising the fencing token, which every write of the leader's
# (on-air marker, log entry) checks in its own transaction.
playout_leases = Table(
    "playout_leases",
    metadata,
    Column("station_id", String(100), primary_key=True),
    Column("holder", String(100), nullable=False),  # the daemon's instance id: host:pid:random
    Column("token", BigInteger, nullable=False),  # fencing token: +1 at every takeover
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
)
