"""The one place that builds everything a command, the panel or a daemon needs.

Callers pass what differs (a config file, the environment, option overrides, a
pinned clock) as keyword arguments; everything else is derived from the
validated settings. The runtime owns the clock, the data directory's layout and
the parsed schedule: nothing else reads the wall clock or builds a path under
the data directory. Expensive parts are built on first use so that
``broadcaster normalize`` does not pay for the database or the speech engines.

The database's schema changes only through ``broadcaster db upgrade``
(:mod:`broadcaster.db.migrations`), with one exception decided here: a brand-new,
empty SQLite database (the embedded default: no file yet, or no table) is brought
to head on first use, under the same lock, so a new station and ``make demo`` start
with any command. A runtime built with ``create_database=False`` (the panel, the
playout daemon) never does: it refuses a database that is not at head.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from broadcaster.config import Settings, load_settings
from broadcaster.library.bulletins import Library, load_library
from broadcaster.normalize import Lexicon
from broadcaster.runtime.clock import Clock, FixedClock, SystemClock
from broadcaster.runtime.paths import DataPaths
from broadcaster.runtime.schedule import Schedule, ScheduleCache

if TYPE_CHECKING:  # the manifest imports runtime.paths: read it at call time
    from broadcaster.render.manifest import RenderRecord

__all__ = ["Clock", "DataPaths", "FixedClock", "Runtime", "Schedule", "build_runtime"]


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.clock is None:
            self.clock = SystemClock(self.settings.zone)

    @cached_property
    def paths(self) -> DataPaths:
        return DataPaths(self.settings.data_dir)

    @property
    def lexicon(self) -> Lexicon:
        """Shipped, configured, then staff entries; reread when a file changes (panel edits)."""
        return Lexicon.current(*self.settings.lexicons, staff=self.paths.staff_lexicon)

    # A brand-new SQLite database (the embedded default) is brought to head on first use,
    # under the migrations' lock, so `make demo` and a new station need no extra step.
    # The panel and the playout daemon turn this off: they never run DDL.
    create_database: bool = True

    @cached_property
    def engine(self) -> Engine:
        """The database at this release's schema, or DatabaseOutOfDate (see above)."""
        from broadcaster import db

        if self.create_database:
            from broadcaster.db import migrations

            migrations.create_if_new(self.settings.database)
        url = self.settings.database
        return db.connect(url, **self.settings.database_pool.engine_options(url))

    def library(self) -> Library:
        """Read the library afresh: editors change files between calls."""
        return load_library(self.settings.library_dir)

    def renders(self) -> dict[str, RenderRecord]:
        """The current render of each bulletin, from the manifest."""
        from broadcaster.render.manifest import load_manifest

        return load_manifest(self.settings.data_dir)

    @cached_property
    def _schedule(self) -> ScheduleCache:
        schedule = self.settings.schedule
        return ScheduleCache(
            schedule.stations,
            schedule.campaigns,
            default_timezone=self.settings.timezone,
            library_dir=self.settings.library_dir,
            library=self.library,
        )

    def schedule(self, durations: Mapping[str, float] | None = None) -> Schedule:
        """Stations and campaigns, checked against the library (when it reads); cached until a
        file changes."""
        return self._schedule.get(durations)


def build_runtime(
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    clock: Clock | None = None,
    create_database: bool = True,
) -> Runtime:
    settings = load_settings(config_file=config_file, environ=environ, overrides=overrides)
    return Runtime(settings=settings, clock=clock, create_database=create_database)  # type: ignore[arg-type]
