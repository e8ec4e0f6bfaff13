"""``broadcaster db``: the database's schema (upgrade, current) and moving it (copy).

The only commands that change a schema. Run ``db upgrade`` once per deploy, before
the panel and the playout daemons start (they refuse a database that is not at head).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from broadcaster.cli.support import LazyRuntime, UserError, pass_runtime


@click.group("db")
def db_group() -> None:
    """The database: bring its schema up to date, show its revision, copy it."""


@db_group.command()
@pass_runtime
def upgrade(lazy: LazyRuntime) -> None:
    """Bring the database to this release's schema (safe to run from several places)."""
    from broadcaster.db import migrations

    url = lazy.get().settings.database
    with _reaching(url):
        before, after = migrations.upgrade(url)
    if before.revision == after.revision:
        click.echo(f"{after.database}: already at {after.revision}")
    else:
        was = {"empty": "an empty database", "legacy": "the release before migrations"}
        start = was.get(before.state, before.revision)
        click.echo(f"{after.database}: upgraded from {start} to {after.revision}")


@db_group.command()
@pass_runtime
def current(lazy: LazyRuntime) -> None:
    """Print the database's revision and whether it is behind this release."""
    from broadcaster.db import engine, migrations

    url = lazy.get().settings.database
    with _reaching(url):
        built = engine(url)
        try:
            found = migrations.status(built)
        finally:
            built.dispose()
    said = {
        "current": "up to date",
        "behind": "behind: run `broadcaster db upgrade`",
        "legacy": "behind (made before migrations): run `broadcaster db upgrade`",
        "empty": "empty: run `broadcaster db upgrade`",
        "ahead": "ahead: a newer release upgraded it",
    }[found.state]
    click.echo(f"{found.database}: {found.revision or 'no revision'} (head {found.head}), {said}")


@db_group.command()
@click.option("--to", "target", required=True, metavar="URL", help="The empty target database.")
@pass_runtime
def copy(lazy: LazyRuntime, target: str) -> None:
    """Copy this database (at head) into another, empty one, keeping every id.

    The target is brought to head first; the rows go in one transaction, the airing
    log and the audit trail included, so a failure leaves the target without rows.
    """
    from broadcaster.db.migrations import copying

    source = lazy.get().settings.database
    with _reaching(source, target):
        counts = copying.copy_database(source, target)
    total = sum(counts.values())
    click.echo(f"copied {total} rows in {len(counts)} tables to {copying.label(target)}")
    for table, rows in counts.items():
        click.echo(f"  {table}: {rows}")


@contextlib.contextmanager
def _reaching(*urls: str) -> Iterator[None]:
    """Turn a database that cannot be reached or read into ``error: URL: reason``,
    naming the URL without its password (the BroadcasterGroup handles the rest)."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    from broadcaster.db.migrations import label

    try:
        yield
    except (ArgumentError, NoSuchModuleError) as exc:
        raise UserError(f"{_labels(urls, label)}: not a database URL ({exc})") from exc
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UserError(f"{_labels(urls, label)}: {reason}") from exc


def _labels(urls: tuple[str, ...], label) -> str:
    return " -> ".join(_safe_label(url, label) for url in urls)


def _safe_label(url: str, label) -> str:
    try:
        return label(url)
    except Exception:  # not even a URL: quote it unless it may hold a password
        return f"'{url}'" if "@" not in url else url.split(":", 1)[0] + ":..."
