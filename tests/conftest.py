"""Shared fixtures: the repository, settings on a temporary data directory, the CLI."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import shifted_clock  # tests/ is on sys.path: conftest.py sits there
from click.testing import CliRunner
from pg import database_url, postgresql_cluster, postgresql_url  # noqa: F401 (fixtures)
from schema_template import build_from_metadata

from broadcaster import db
from broadcaster.cli import cli
from broadcaster.config import Settings, load_settings
from broadcaster.db import migrations
from broadcaster.runtime import FixedClock

REPO = Path(__file__).resolve().parent.parent
VIETNAM = dt.timezone(dt.timedelta(hours=7))
# Where the command-line tests stand: Sunday evening before the Monday they plan,
# 2026-11-30. Pinned, so the suite passes on any day of any year.
CLI_NOW = dt.datetime(2026, 11, 29, 20, 0, tzinfo=VIETNAM)


def pytest_configure(config: pytest.Config) -> None:
    traveller = shifted_clock.start_from_environment()
    if traveller is not None:
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    return shifted_clock.describe()


# -- databases: built from the schema, not migrated, for speed --------------------------------
#
# Hundreds of tests each make a database. In production only `broadcaster db upgrade` makes
# a schema (and a brand-new SQLite file on first use); here a new database is a copy of
# a template made once per session from `db.metadata` (the tables as the code declares
# them, other helpers' new ones included) with the triggers and totals the migrations
# install, stamped at head. tests/db/test_migrations.py holds migrations == metadata and
# opts out of this (it runs the real migrations).


@pytest.fixture(scope="session")
def _schema_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "template.db"
    engine = db.engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        build_from_metadata(connection)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session", autouse=True)
def _databases_from_metadata(_schema_template):
    """A database that does not exist yet (or has no table) starts as the template.
    For the whole session (module fixtures make databases too); the real functions stay
    reachable as ``__wrapped__``."""
    real_connect = db.connect

    def prepare(url: str) -> bool:
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            path = Path(url.removeprefix("sqlite:///"))
            if path.exists() and path.stat().st_size > 0:
                return False
            path.parent.mkdir(parents=True, exist_ok=True)
            spare = path.with_name(f".{path.name}.{os.getpid()}.template")
            shutil.copyfile(_schema_template, spare)
            try:
                os.link(spare, path)  # never over a file another process made meanwhile
            except FileExistsError:
                return False
            finally:
                spare.unlink()
            return True
        if url.startswith("postgresql"):
            engine = db.engine(url)
            try:
                with engine.begin() as connection:
                    if migrations.status(connection).state != "empty":
                        return False
                    build_from_metadata(connection)
            finally:
                engine.dispose()
            return True
        return False

    def connect(url: str, **options):
        if url.startswith("sqlite:///:memory:"):  # one connection per thread: build on it
            engine = db.engine(url, **options)
            with engine.begin() as connection:
                if migrations.status(connection).state == "empty":
                    build_from_metadata(connection)
            migrations.check(engine)
            return engine
        prepare(url)
        return real_connect(url, **options)

    connect.__wrapped__ = real_connect
    prepare.__wrapped__ = migrations.create_if_new
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db, "connect", connect)
        patch.setattr(migrations, "create_if_new", prepare)
        yield


@pytest.fixture
def repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the repository root, where the default relative paths point."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def settings(repo: Path, data_dir: Path) -> Settings:
    return load_settings(environ={"BROADCASTER_DATA_DIR": str(data_dir)})


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped library, for tests that break it."""
    copy = tmp_path / "bulletins"
    shutil.copytree(REPO / "bulletins", copy)
    return copy


@pytest.fixture
def clock() -> FixedClock:
    """The command line's clock, pinned at CLI_NOW; a test may move it."""
    return FixedClock(CLI_NOW)


@pytest.fixture
def run_cli(repo: Path, data_dir: Path, clock: FixedClock):
    """Invoke ``broadcaster ARGS`` in-process with a clean BROADCASTER_* environment
    and the pinned ``clock``."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        environment = {"BROADCASTER_DATA_DIR": str(data_dir), "BROADCASTER_CONFIG": ""}
        environment.update(env or {})
        runner = CliRunner()
        return runner.invoke(
            cli, list(args), input=input, env=environment, obj=clock, catch_exceptions=False
        )

    return run


# A handful of bulletins rendered once per session with the real offline voice:
# the opening and closing, two priority bulletins and one normal one.
RENDERED_IDS = (
    "mo-dau",
    "ket-thuc",
    "f02-cuoc-goi-video-deepfake",
    "f07-gia-danh-cong-ty-tai-chinh-ngan-hang",
    "f14-gia-danh-cong-an-vien-kiem-sat-toa-an",
)


@pytest.fixture(scope="session")
def _rendered_once(tmp_path_factory) -> Path:
    from broadcaster.library.bulletins import load_library
    from broadcaster.normalize import Lexicon
    from broadcaster.render.pipeline import render_library

    data = tmp_path_factory.mktemp("rendered") / "var"
    previous = Path.cwd()
    os.chdir(REPO)
    try:
        settings = load_settings(
            environ={"BROADCASTER_DATA_DIR": str(data), "BROADCASTER_SPEECH__ENGINES": "espeak"}
        )
        library = load_library(settings.library_dir)
        report = render_library(
            library.select(RENDERED_IDS),
            settings=settings,
            lexicon=Lexicon.load(),
            clock=FixedClock(CLI_NOW),
        )
    finally:
        os.chdir(previous)
    assert not report.failures, report.failures
    return data


@pytest.fixture
def rendered(_rendered_once: Path, data_dir: Path) -> Path:
    """A data directory holding real renders of RENDERED_IDS (a private copy per test)."""
    shutil.copytree(_rendered_once, data_dir)
    return data_dir
