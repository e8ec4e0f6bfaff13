"""The schema changes only through the migrations, and they give the schema the code declares.

An empty database upgraded to head matches ``db.metadata`` table for table, column for
column, index for index, with the evidence triggers; a database made by the release
before migrations upgrades in place with its rows; several processes upgrading at once
all succeed; nothing else runs DDL (the panel and the playout daemon refuse a database
that is behind); ``db copy`` moves a SQLite station to PostgreSQL with its ids.

These tests run the real migrations: the rest of the suite starts from a template built
from the metadata (tests/conftest.py), which the first test here keeps honest.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command as alembic
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, func, select, text
from sqlalchemy.exc import DBAPIError

from broadcaster import accounts, airlog, audit, db
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.airplan.store import StoredItem, load_plan
from broadcaster.db import migrations, rollup
from broadcaster.db.schema import plan_items, plan_reasons, plan_segments
from broadcaster.errors import DatabaseOutOfDate
from broadcaster.reports import queries as log_queries
from broadcaster.reports import summary
from broadcaster.reports.coverage import Period, buckets
from broadcaster.runtime import build_runtime

ZONE = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 30, 20, 0, tzinfo=ZONE)
REPO = Path(__file__).resolve().parents[2]
SQLITE_TRIGGERS = {
    "airings_no_update",
    "airings_no_delete",
    "airings_no_replace",
    "audit_no_update",
    "audit_no_delete",
    "audit_no_replace",
    rollup.TRIGGER,
}
PG_TRIGGERS = {
    "airings_append_only",
    "airings_no_truncate",
    "audit_append_only",
    "audit_no_truncate",
}


@pytest.fixture(autouse=True)
def _databases_from_metadata(monkeypatch):
    """The real thing here: no template, connect checks, new databases are migrated."""
    monkeypatch.setattr(db, "connect", getattr(db.connect, "__wrapped__", db.connect))
    create = migrations.create_if_new
    monkeypatch.setattr(migrations, "create_if_new", getattr(create, "__wrapped__", create))


def schema_differences(engine) -> list[str]:
    """What alembic's autogenerate would write to go from the database to the metadata,
    one line each (``add_table jobs``, ``add_column users.x``...)."""
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), db.metadata)
    return [_said(difference) for difference in found]


def _said(difference) -> str:
    if isinstance(difference, list):  # column changes come as lists of tuples
        return "; ".join(_said(d) for d in difference)
    kind, *args = difference
    names = [getattr(a, "name", None) or str(a) for a in args if a is not None][:3]
    return " ".join([kind, *map(str, names)])


def at_head(engine) -> bool:
    return migrations.status(engine).state == "current"


def triggers(engine) -> set[str]:
    query = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
        "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
    }[engine.dialect.name]
    with engine.connect() as connection:
        return set(connection.execute(text(query)).scalars())


def entry(station: str, started: dt.datetime, **changes) -> Airing:
    fields = dict(
        station_id=station,
        bulletin_id="f07",
        render_sha256="7" * 64,
        outcome=Outcome.AIRED,
        source=Source.OPERATOR,
        recorded_by=f"xa-{station}",
        recorded_at=started + dt.timedelta(minutes=5),
        form=7,
        scheduled_at=started,
        started_at=started,
    )
    return Airing(**{**fields, **changes})


def fill(engine) -> None:
    """Airings (with a correction), audit entries and a user, as a station has them."""
    first = dt.datetime(2026, 11, 20, 17, 30, tzinfo=ZONE)
    ids = [
        airlog.record(engine, entry(station, first + dt.timedelta(days=day), form=form))
        for day in range(3)
        for station, form in (("co-am", 7), ("an-hoa", 2), ("co-am", 14))
    ]
    airlog.record(
        engine,
        entry("co-am", first, outcome=Outcome.MISSED, reason="mất điện", corrects=ids[0]),
    )
    for n in range(3):
        audit.log(engine, audit.Entry(NOW, "canbo", "approve", f"f0{n}", "đã duyệt"))
    accounts.add_user(
        engine,
        username="canbo",
        full_name="Cán bộ",
        password="mat-khau-dai-1",
        role=accounts.Role.STAFF,
        now=NOW,
    )


def rows(engine, table: str) -> list[tuple]:
    """Read through the schema's types, so both backends' rows compare."""
    declared = db.metadata.tables[table]
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(select(declared).order_by(text("1")))]


def report_figures(engine) -> list:
    superseded = log_queries.corrections(engine)
    found = [superseded]
    for period in (
        Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), ZONE),
        Period(dt.date(2026, 11, 21), dt.date(2026, 11, 21), ZONE),
    ):
        found.append(
            summary.forms_aired(engine, period.since, period.until, superseded, ["co-am", "an-hoa"])
        )
        _step, bars = buckets(period)
        found.append(summary.aired_per_bucket(engine, bars, ZONE, superseded))
        found.append(summary.outcome_counts(engine, period, superseded, [Outcome.MISSED]))
    return found


def previous_release(url: str) -> None:
    """A database as the release before migrations left it: its tables, triggers and
    totals made by its connect, no alembic_version (the baseline's frozen tables are a
    copy of that release's schema.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "baseline", migrations.VERSIONS / "0001_baseline.py"
    )
    baseline = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(baseline)
    engine = db.engine(url)
    with engine.begin() as connection:
        baseline.BASELINE.create_all(connection)
        db.install_append_only(connection)
    if engine.dialect.name == "sqlite":  # that release kept totals on SQLite only
        rollup.install(engine)
    engine.dispose()


def broadcaster(data_dir: Path, *args: str, url: str | None = None, **kw):
    environment = {**os.environ, "BROADCASTER_DATA_DIR": str(data_dir), "BROADCASTER_CONFIG": ""}
    if url is not None:
        environment["BROADCASTER_DATABASE_URL"] = url
    return subprocess.Popen(
        [sys.executable, "-m", "broadcaster", *args],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_revision_ids_are_file_names_in_one_line_and_the_head_is_alembics():
    scripts = ScriptDirectory.from_config(migrations.alembic_config())
    chain = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert chain == list(migrations.revisions())
    assert scripts.get_current_head() == migrations.head()
    assert all(len(revision) <= 32 for revision in chain)  # alembic_version's column


def test_an_empty_database_upgraded_is_exactly_the_declared_schema(database_url):
    before, after = migrations.upgrade(database_url)
    assert (before.state, after.state, after.revision) == ("empty", "current", migrations.head())
    engine = db.connect(database_url)  # and connect accepts it
    missing = schema_differences(engine)
    assert not missing, (
        f"schema.py declares what no migration makes: {missing}; "
        'write the revision with scripts/new_migration "what changed"'
    )
    expected = {"sqlite": SQLITE_TRIGGERS, "postgresql": PG_TRIGGERS}[engine.dialect.name]
    assert expected <= triggers(engine)
    assert rollup.present(engine)
    engine.dispose()


def test_the_test_template_is_the_migrated_schema(tmp_path):
    """The rest of the suite's databases come from the metadata: the same as migrations."""
    migrated = f"sqlite:///{tmp_path / 'migrated.db'}"
    migrations.upgrade(migrated)
    from schema_template import build_from_metadata

    template = db.engine(f"sqlite:///{tmp_path / 'template.db'}")
    with template.begin() as connection:
        build_from_metadata(connection)
    assert triggers(template) == triggers(db.engine(migrated))
    assert schema_differences(template) == []


def test_a_database_of_the_previous_release_upgrades_in_place(database_url):
    previous_release(database_url)
    engine = db.engine(database_url)
    fill(engine)
    kept = {table: rows(engine, table) for table in ("airings", "audit", "users")}
    with pytest.raises(DatabaseOutOfDate, match="earlier release.*broadcaster db upgrade"):
        db.connect(database_url)

    before, after = migrations.upgrade(database_url)

    assert (before.state, after.revision) == ("legacy", migrations.head())
    engine = db.connect(database_url)
    assert {table: rows(engine, table) for table in kept} == kept
    assert rollup.present(engine)  # PostgreSQL's totals built from the log it had
    assert report_figures(engine)[1] == {"co-am": 2, "an-hoa": 1}
    for statement in ("UPDATE airings SET outcome = 'missed'", "DELETE FROM audit"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()


def test_four_processes_upgrading_an_empty_database_at_once_all_succeed(database_url, tmp_path):
    url = None if database_url.startswith("sqlite") else database_url
    data = tmp_path  # the SQLite URL's folder
    processes = [broadcaster(data, "db", "upgrade", url=url) for _ in range(4)]
    said = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    assert [code for code, _out, _err in said] == [0, 0, 0, 0], said
    outputs = sorted(out for _code, out, _err in said)
    assert sum("upgraded from an empty database" in out for out in outputs) == 1, outputs
    assert sum(f"already at {migrations.head()}" in out for out in outputs) == 3, outputs
    engine = db.connect(database_url)
    assert at_head(engine)
    assert {"airings_no_update", "airings_append_only"} & triggers(engine)
    engine.dispose()


def test_the_panel_and_playout_refuse_a_database_that_is_behind(tmp_path, monkeypatch):
    data = tmp_path / "var"
    url = f"sqlite:///{data / 'broadcaster.db'}"
    data.mkdir()
    previous_release(url)
    for command in (("serve", "--port", "1"), ("playout",)):
        done = broadcaster(data, *command)
        code, out, err = done.wait(timeout=60), *done.communicate()
        assert code == 1, (out, err)
        assert err == (
            f"error: the database {data / 'broadcaster.db'} was made by an earlier release "
            "(no schema revision): run `broadcaster db upgrade`\n"
        )
    done = broadcaster(data, "db", "current")
    assert done.communicate()[0].endswith(
        "behind (made before migrations): run `broadcaster db upgrade`\n"
    )

    # At this release's head while a later one exists: behind, by name.
    migrations.upgrade(url)
    current = migrations.head()
    later = (*migrations.revisions(), "9999_later")
    monkeypatch.setattr(migrations, "revisions", lambda: later)
    runtime = build_runtime(environ={"BROADCASTER_DATA_DIR": str(data)}, create_database=False)
    from web import create_app

    with pytest.raises(DatabaseOutOfDate, match=f"at revision {current}, behind 9999_later"):
        create_app({"BROADCASTER_RUNTIME": runtime, "SECRET_KEY": "x"})


def test_a_database_a_newer_release_upgraded_is_refused_not_downgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'broadcaster.db'}"
    migrations.upgrade(url)
    engine = db.engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    for attempt in (db.connect, migrations.upgrade):
        with pytest.raises(DatabaseOutOfDate, match="0099_future, which this release does not"):
            attempt(url)


def test_a_brand_new_sqlite_database_is_made_by_the_first_command_only(tmp_path):
    data = tmp_path / "var"
    data.mkdir()
    done = broadcaster(data, "serve", "--port", "1")
    assert done.wait(timeout=60) == 1
    assert "has no schema yet: run `broadcaster db upgrade`" in done.communicate()[1]
    done = broadcaster(data, "user", "demo")  # any other command makes it
    assert done.wait(timeout=60) == 0, done.communicate()
    engine = db.connect(f"sqlite:///{data / 'broadcaster.db'}")
    assert at_head(engine)
    assert triggers(engine) >= SQLITE_TRIGGERS
    engine.dispose()


def test_db_copy_to_postgresql_keeps_ids_and_the_reports_read_the_same(
    run_cli, data_dir, postgresql_url
):
    assert run_cli("db", "upgrade").exit_code == 0
    source = db.connect(f"sqlite:///{data_dir / 'broadcaster.db'}")
    fill(source)

    done = run_cli("db", "copy", "--to", postgresql_url)

    assert done.exit_code == 0, done.output
    for table in ("airings", "audit", "users"):
        assert f"  {table}: {len(rows(source, table))}\n" in done.output
    target = db.connect(postgresql_url)
    for table in ("airings", "audit", "users"):
        assert rows(target, table) == rows(source, table), table
    assert rollup.present(target)
    assert report_figures(target) == report_figures(source)
    # the next entry on PostgreSQL takes the next id, not a copied one's
    after = airlog.record(target, entry("an-hoa", NOW))
    assert after == max(r[0] for r in rows(source, "airings")) + 1

    again = run_cli("db", "copy", "--to", postgresql_url)
    assert again.exit_code == 1
    assert "is not empty (" in again.output
    with target.connect() as connection:
        assert connection.execute(select(func.count()).select_from(db.airings)).scalar() == 11
    source.dispose()
    target.dispose()


def test_copy_errors_name_the_url_without_its_password(run_cli):
    assert run_cli("db", "upgrade").exit_code == 0
    done = run_cli("db", "copy", "--to", "postgresql+psycopg://app:secret@127.0.0.1:1/station")
    assert done.exit_code == 1
    assert "secret" not in done.output
    assert done.output.startswith("error: ")
    assert "app:***@127.0.0.1:1/station" in done.output
    assert "Traceback" not in done.output


def flat_plan() -> list[StoredItem]:
    """Items of two days as the planner stores them: segments and reasons repeat."""
    segments = [
        ("f07", "Giả danh công an", 7, "7" * 64, "f07-7777.mp3", 61.5, "normal"),
        ("f02", "Trúng thưởng", 2, "2" * 64, "f02-2222.mp3", 48.25, "normal"),
        ("tb-lu", "Cảnh báo lũ", None, "a" * 64, "tb-lu-aaaa.mp3", 30.0, "khan_cap"),
    ]
    items = []
    for day in (dt.date(2026, 11, 28), dt.date(2026, 11, 29)):
        for station in ("an-hoa", "co-am", "tam-cuong"):
            start = dt.datetime.combine(day, dt.time(17, 30), ZONE)
            for position, (bulletin, title, form, sha, file, seconds, priority) in enumerate(
                segments, 1
            ):
                reason = f"rotation: form {form} last aired {day - dt.timedelta(days=3)}"
                items.append(
                    StoredItem(day, station, start, position,
                               start + dt.timedelta(seconds=70 * (position - 1)), bulletin,
                               sha, file, seconds, priority, reason, title, form)
                )  # fmt: skip
    return items


def test_stored_plans_of_0002_upgrade_to_the_compact_shape_reading_the_same(database_url):
    engine = db.engine(database_url)
    with engine.begin() as connection:
        alembic.upgrade(migrations.alembic_config(connection), "0002_jobs_throttle_leases")
    old = Table("plan_items", MetaData(), autoload_with=engine)
    items = flat_plan()
    utc = {"slot_start", "starts_at", "planned_at"}
    with engine.begin() as connection:
        connection.execute(
            old.insert(),
            [
                {
                    name: value.astimezone(dt.UTC).replace(tzinfo=None) if name in utc else value
                    for name, value in {
                        **{k: getattr(item, k) for k in vars(item)},
                        "day": item.day.isoformat(),
                        "planned_at": NOW,
                        "id": 100 + n,
                    }.items()
                }
                for n, item in enumerate(items)
            ],
        )
    engine.dispose()

    before, after = migrations.upgrade(database_url)

    assert (before.revision, after.revision) == ("0002_jobs_throttle_leases", migrations.head())
    engine = db.connect(database_url)
    read = [item for day in (items[0].day, items[-1].day) for item in load_plan(engine, day, ZONE)]
    assert read == items
    with engine.connect() as connection:
        ids = connection.execute(select(plan_items.c.id).order_by(plan_items.c.id)).scalars()
        assert list(ids) == [100 + n for n in range(len(items))]  # the ids the log knows
        assert connection.execute(select(func.count()).select_from(plan_segments)).scalar() == 3
        assert connection.execute(select(func.count()).select_from(plan_reasons)).scalar() == 6
    assert schema_differences(engine) == []
    engine.dispose()
