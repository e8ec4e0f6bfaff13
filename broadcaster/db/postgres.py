"""The evidence guarantees on PostgreSQL: what SQLite gets from its triggers and BEGIN IMMEDIATE.

- The airing log and the audit trail refuse UPDATE and DELETE (a row trigger, which
  also catches ``INSERT ... ON CONFLICT DO UPDATE``) and TRUNCATE (a statement
  trigger: TRUNCATE fires no row triggers). The refusal is SQLSTATE 23001, an
  integrity error as on SQLite, and its message says "append-only".
- One standing entry per item: a reader about to append takes a transaction-scoped
  advisory lock on the item, so a second confirmation waits, then reads the first's
  entry (under READ COMMITTED each statement sees what committed before it).

A role that owns the tables may still drop the triggers: the README documents an
application role with SELECT and INSERT only on these tables.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, text

# The first key of every advisory lock this project takes, so its locks never meet
# another application's on the same server; the second says what is locked.
LOCK_SPACE_SCHEMA = 0x0B_CA_57_00  # creating the triggers (several processes start at once)
LOCK_SPACE_ITEM = 0x0B_CA_57_01  # one planned item's log entries

APPEND_ONLY = {
    "airings": "the airing log is append-only: record a correction",
    "audit": "the audit trail is append-only",
}

TRIGGERS = [f"{t}_{kind}" for t in APPEND_ONLY for kind in ("append_only", "no_truncate")]

_FUNCTION = """
CREATE OR REPLACE FUNCTION broadcaster_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% (% refused)', TG_ARGV[0], TG_OP USING ERRCODE = 'restrict_violation';
END
$$
"""


def _triggers(table: str, message: str) -> list[str]:
    quoted = message.replace("'", "''")
    return [
        f"""CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION broadcaster_append_only('{quoted}')""",
        f"""CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION broadcaster_append_only('{quoted}')""",
    ]


def install_append_only(connection: Connection) -> None:
    """Create the triggers where missing: idempotent, and serialised between processes
    starting at once (concurrent CREATE OR REPLACE of one object fails otherwise). When
    all are there no DDL runs, so an application role that owns nothing can connect."""
    connection.execute(
        text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), 0)"),
        {"space": LOCK_SPACE_SCHEMA},
    )
    tables = ", ".join(f"'{table}'::regclass" for table in APPEND_ONLY)
    present = connection.execute(
        text(
            f"SELECT count(*) FROM pg_trigger WHERE tgname = ANY(:names) AND tgrelid IN ({tables})"
        ),
        {"names": TRIGGERS},
    ).scalar_one()
    if present == len(TRIGGERS):
        return
    connection.execute(text(_FUNCTION))
    for table, message in APPEND_ONLY.items():
        for statement in _triggers(table, message):
            connection.execute(text(statement))


def lock_item(connection: Connection, station_id: str, scheduled_at: dt.datetime) -> None:
    """Hold one item's lock until the transaction ends. Different items may share a hash:
    they then only wait for each other, never mix their entries."""
    key = f"{station_id}|{scheduled_at.astimezone(dt.UTC).isoformat()}"
    connection.execute(
        text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), hashtext(:key))"),
        {"space": LOCK_SPACE_ITEM, "key": key},
    )
