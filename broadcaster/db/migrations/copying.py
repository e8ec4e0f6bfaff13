"""Move a station's database to another backend (SQLite to PostgreSQL), ids and all.

The target is brought to head by the migrations, then every table's rows go in, in
one transaction: the append-only triggers refuse UPDATE and DELETE, not INSERT, so
the airing log and the audit trail copy like the rest, and the running totals are
filled by the target's own triggers as the log goes in (the source's totals are not
copied). A target that holds any row is refused: a copy never merges.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, MetaData, func, inspect, select, text

from broadcaster.db.migrations import label, status, upgrade
from broadcaster.errors import BroadcasterError

__all__ = ["CopyRefused", "copy_database", "label"]

BATCH = 5000


class CopyRefused(BroadcasterError):
    """The source or the target is not fit for a copy."""


def copy_database(source_url: str, target_url: str) -> dict[str, int]:
    """Rows copied per table, in the order they went in."""
    from broadcaster import db
    from broadcaster.db.schema import ROLLUP_TABLES, metadata

    if _same(source_url, target_url):
        raise CopyRefused(f"{label(target_url)} is the database being copied")
    source = db.engine(source_url)
    target = None
    try:
        found = status(source)
        if found.state != "current":
            raise CopyRefused(f"cannot copy: {found.problem()}")
        target = db.engine(target_url)
        with target.connect() as connection:
            _refuse_rows(connection, target_url)
        target.dispose()
        upgrade(target_url)
        target = db.engine(target_url)
        derived = {t.name for t in ROLLUP_TABLES} | {"alembic_version"}
        with source.connect() as reading, target.begin() as writing:
            _refuse_rows(writing, target_url)  # again, inside the transaction
            present = set(inspect(reading).get_table_names())
            receiving = set(inspect(writing).get_table_names())
            counts = {}
            for table in metadata.sorted_tables:  # parents before children
                if table.name in derived or table.name not in present:
                    continue
                if table.name not in receiving:  # both are at head: only a test gets here
                    raise CopyRefused(f"the target {label(target_url)} has no {table.name}")
                counts[table.name] = _copy_table(reading, writing, table)
            if writing.dialect.name == "postgresql":
                _advance_sequences(writing, metadata)
        return counts
    finally:
        source.dispose()
        if target is not None:
            target.dispose()


def _copy_table(reading: Connection, writing: Connection, table) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    rows = reading.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    copied = 0
    for batch in rows.partitions():
        writing.execute(table.insert(), [row._asdict() for row in batch])
        copied += len(batch)
    return copied


def _refuse_rows(connection: Connection, url: str) -> None:
    """A target with any row in any table is someone's data: refuse it. (A target at
    another revision without rows is the migrations' to judge: ahead is refused there.)"""
    names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
    reflected = MetaData()
    reflected.reflect(connection, only=names)
    for name, table in sorted(reflected.tables.items()):
        if connection.execute(select(func.count()).select_from(table)).scalar():
            raise CopyRefused(
                f"the target {label(url)} is not empty ({name} has rows): "
                "copy into a new, empty database"
            )


def _advance_sequences(writing: Connection, metadata) -> None:
    """Ids were copied as they were: move each serial past the greatest, or the next
    insert would collide with a copied row."""
    for table in metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        sequence = writing.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": keys[0].name},
        ).scalar()
        if sequence is None:
            continue
        writing.execute(
            text(
                f"SELECT setval(:sequence, coalesce((SELECT max({keys[0].name}) FROM "
                f"{table.name}), 0) + 1, false)"
            ),
            {"sequence": sequence},
        )


def _same(first: str, second: str) -> bool:
    from sqlalchemy.engine import make_url

    try:
        return make_url(first) == make_url(second)
    except Exception:
        return False
