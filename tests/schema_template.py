"""The schema as the migrations make it, built from the metadata: what every test
database starts as (``tests/conftest.py``). ``tests/db/test_migrations.py`` holds the
two equal. A plain module beside ``pg.py``: ``conftest`` names several files."""

from __future__ import annotations

from sqlalchemy import text

from broadcaster import db
from broadcaster.db import migrations


def build_from_metadata(connection) -> None:
    """What the migrations make, from the metadata; stamped at head."""
    tables = [t for t in db.metadata.sorted_tables if t not in db.ROLLUP_TABLES]
    db.metadata.create_all(connection, tables=tables)
    db.install_append_only(connection)
    db.rollup.install(connection)
    connection.execute(
        text(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
    )
    connection.execute(
        text("INSERT INTO alembic_version VALUES (:head)"), {"head": migrations.head()}
    )
