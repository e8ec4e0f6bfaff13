"""Schema migrations (Alembic): the only code that changes the database's schema.

``broadcaster db upgrade`` (:func:`upgrade`) runs them once per deploy, in one
transaction under a database lock (PostgreSQL: an advisory lock; SQLite: BEGIN
EXCLUSIVE), so several processes upgrading at once queue and the later ones find
nothing to do. Everything else only checks (:func:`check`, from
:func:`broadcaster.db.connect`) and refuses a database that is behind or ahead.

A database made by the release before migrations (tables, no ``alembic_version``)
is adopted by the baseline revision, which creates only what is missing.

Revision ids are ``NNNN_name``, the file's name in ``versions/``: the head is the
greatest, so checking a database needs no Alembic import (a test holds Alembic's
own view of the chain to the same answer). ``scripts/new_migration "what"`` writes
the next revision from the difference between the schema and the migrations.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.engine import make_url

from broadcaster.db.postgres import LOCK_SPACE_SCHEMA
from broadcaster.errors import DatabaseOutOfDate

HERE = Path(__file__).resolve().parent
VERSIONS = HERE / "versions"
UPGRADE_COMMAND = "broadcaster db upgrade"
LOCK_WAIT_S = 600.0  # a process queued behind a long upgrade (a totals rebuild) waits
_LOCK_KEY_UPGRADE = 1  # beside postgres.install_append_only's key 0 in the schema space


@functools.cache
def revisions() -> tuple[str, ...]:
    """This release's revision ids, oldest first."""
    return tuple(sorted(p.stem for p in VERSIONS.glob("[0-9]*.py")))


def head() -> str:
    return revisions()[-1]


@dataclass(frozen=True)
class Status:
    database: str  # the URL, without its password
    revision: str | None  # None: no alembic_version table
    tables: bool  # the database holds tables (so, without a revision, an earlier release's)

    @property
    def head(self) -> str:
        return head()

    @property
    def state(self) -> str:
        """current, behind, ahead (a newer release's revision), legacy or empty."""
        if self.revision is None:
            return "legacy" if self.tables else "empty"
        if self.revision == head():
            return "current"
        return "behind" if self.revision in revisions() else "ahead"

    def problem(self) -> str | None:
        """Why this release cannot use the database, or None."""
        run = f"run `{UPGRADE_COMMAND}`"
        where = f"the database {self.database}"
        match self.state:
            case "empty":
                return f"{where} has no schema yet: {run}"
            case "legacy":
                return f"{where} was made by an earlier release (no schema revision): {run}"
            case "behind":
                return f"{where} is at revision {self.revision}, behind {head()}: {run}"
            case "ahead":
                return (
                    f"{where} is at revision {self.revision}, which this release does not "
                    f"know (a newer release upgraded it; its newest here is {head()}): run "
                    f"that release; `{UPGRADE_COMMAND}` never goes back"
                )
        return None


def label(url: str) -> str:
    """The URL as messages show it: SQLite's file, anything else without its password."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return make_url(url).render_as_string(hide_password=True)


def status(bind: Engine | Connection) -> Status:
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return status(connection)
    url = label(bind.engine.url.render_as_string(hide_password=False))
    found = inspect(bind)
    if found.has_table("alembic_version"):
        revision = bind.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return Status(url, revision, True)
    return Status(url, None, bool(found.get_table_names()))


def check(engine: Engine) -> None:
    """Raise :class:`DatabaseOutOfDate` unless the database is at this release's head."""
    problem = status(engine).problem()
    if problem is not None:
        raise DatabaseOutOfDate(problem)


def upgrade(url: str) -> tuple[Status, Status]:
    """Bring the database to head; the statuses before and after. One transaction under
    the lock: two processes never both migrate, and a failure leaves the schema as it was."""
    from alembic import command

    from broadcaster import db

    engine = db.engine(url, busy_timeout_s=LOCK_WAIT_S)
    if engine.dialect.name == "sqlite":
        # pysqlite starts transactions itself, and lazily: say BEGIN EXCLUSIVE ourselves.
        event.listen(engine, "connect", _driver_autocommit)
        event.listen(engine, "begin", _begin_exclusive)
    try:
        with engine.connect() as connection, connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), :key)"),
                    {"space": LOCK_SPACE_SCHEMA, "key": _LOCK_KEY_UPGRADE},
                )
            before = status(connection)
            if before.state == "ahead":
                raise DatabaseOutOfDate(before.problem())
            if before.state != "current":
                command.upgrade(alembic_config(connection), "head")
            after = status(connection)
    finally:
        engine.dispose()
    return before, after


def create_if_new(url: str) -> bool:
    """Bring a brand-new SQLite database (no file, or no table) to head; whether it was
    new. The embedded default's convenience, for the command line (see broadcaster.runtime);
    any other database is left to ``broadcaster db upgrade``."""
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        return False
    path = Path(url.removeprefix("sqlite:///"))
    if path.exists() and path.stat().st_size > 0 and _has_tables(path):
        return False
    before, _ = upgrade(url)  # under the lock; another process may have won the race
    return before.state == "empty"


def _has_tables(path: Path) -> bool:
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        connection.close()


def alembic_config(connection: Connection | None = None):
    """Alembic's configuration for the package's migrations, without an ini file; env.py
    runs them on ``connection`` (its transaction, its lock)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("file_template", "%%(rev)s")  # the file is named by its id
    config.attributes["connection"] = connection
    return config


def _driver_autocommit(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


def _begin_exclusive(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN EXCLUSIVE")
