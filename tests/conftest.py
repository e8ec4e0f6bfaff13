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

from broadcaster.cli import cli
from broadcaster.config import Settings, load_settings
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
