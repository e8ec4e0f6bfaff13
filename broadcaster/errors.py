"""The one error hierarchy.

Every problem a user can cause or fix (bad YAML, a missing tool, an engine that
fails) is a :class:`BroadcasterError`. The CLI prints these as ``error: ...``
with a non-zero exit and the panel as a page with a fitting status; anything
else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    source: str  # file path, or a label such as "BROADCASTER_DATA_DIR"
    line: int | None
    message: str
    # names the rule broken, for a translation (the panel's schedule forms, the leaflet),
    # with what the translation may quote; neither is compared
    code: str = field(default="", compare=False)
    params: dict = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class BroadcasterError(Exception):
    """Root of every error a user can act on."""

    exit_code = 1


class InvalidInput(BroadcasterError):
    """Input files or settings failed validation; carries every problem at once."""

    def __init__(self, problems: Iterable[Problem], what: str = "input") -> None:
        self.problems = sorted(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{what}: {len(self.problems)} {noun}"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ConfigError(InvalidInput):
    """The settings (defaults, YAML file, environment, options) are invalid."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems, what="configuration")


class LibraryError(InvalidInput):
    """The bulletin library has invalid or inconsistent files."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems, what="bulletin library")


class ScheduleError(InvalidInput):
    """Stations, slots or a campaign are invalid; carries every problem at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems, what="schedule")


class Refused(BroadcasterError):
    """A rule said no: approving, raising an alert, confirming an airing...

    ``code`` names the rule broken (the panel and the API translate it, never the
    English), ``field`` the input at fault if one is, and ``params`` what a
    translation may quote. The message is English, for the CLI and the logs.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None, **params) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.params = params


class ToolMissing(BroadcasterError):
    """An external program (ffmpeg, espeak-ng, ...) is not installed or not working."""

    def __init__(self, tool: str, hint: str) -> None:
        self.tool = tool
        self.hint = hint
        super().__init__(f"{tool} is not available: {hint}")


class EngineError(BroadcasterError):
    """A speech engine could not produce speech (offline, rate-limited, bad voice...)."""


class RenderError(BroadcasterError):
    """A segment could not be mastered into an airable file."""


def path_label(path: Path | str) -> str:
    """A short, stable label for a file in messages: relative to cwd when possible."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class AudioError(BroadcasterError):
    """An audio file is unreadable, not audio, silent or too long."""


class DatabaseOutOfDate(BroadcasterError):
    """The database's schema is not the one this release reads: behind (an older release
    made it, or it is new) or ahead (a newer release upgraded it). ``broadcaster db
    upgrade`` is the only thing that changes a schema, so nothing starts until it has run."""
