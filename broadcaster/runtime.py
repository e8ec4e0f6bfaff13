"""The one place that builds everything a command, the panel or a daemon needs.

Callers pass what differs (a config file, the environment, option overrides)
as keyword arguments; everything else is derived from the validated settings.
Expensive parts are built on first use so that ``broadcaster normalize`` does
not pay for the database or the speech engines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from broadcaster import db
from broadcaster.bulletins import Library, load_library
from broadcaster.config import Settings, load_settings
from broadcaster.manifest import RenderRecord, load_manifest
from broadcaster.normalize import Lexicon


@dataclass
class Runtime:
    settings: Settings

    @cached_property
    def lexicon(self) -> Lexicon:
        return Lexicon.load(*self.settings.lexicons)

    @cached_property
    def engine(self) -> Engine:
        """The database, with its schema in place."""
        return db.connect(self.settings.database)

    def library(self) -> Library:
        """Read the library afresh: editors change files between calls."""
        return load_library(self.settings.library_dir)

    def renders(self) -> dict[str, RenderRecord]:
        """The current render of each bulletin, from the manifest."""
        return load_manifest(self.settings.data_dir)


def build_runtime(
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Runtime:
    settings = load_settings(config_file=config_file, environ=environ, overrides=overrides)
    return Runtime(settings=settings)
