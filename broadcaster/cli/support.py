"""What every subcommand module shares: the error shown to users, the lazily built
runtime, and plain-text tables."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from pathlib import Path

import click

from broadcaster.errors import BroadcasterError, Refused
from broadcaster.runtime import Clock, Runtime, build_runtime


class UserError(click.ClickException):
    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class BroadcasterGroup(click.Group):
    """Turns every BroadcasterError raised by a subcommand into ``error: ...``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BroadcasterError as exc:
            # A rule's code goes with its words: scripts match the code, people read the words.
            code = f" [{exc.code}]" if isinstance(exc, Refused) else ""
            error = UserError(f"{exc}{code}")
            error.exit_code = exc.exit_code
            raise error from exc


class LazyRuntime:
    """Builds the runtime when a command first needs it, so --help never fails on config."""

    def __init__(
        self, config_file: Path | None, overrides: dict, *, clock: Clock | None = None
    ) -> None:
        self._args = {"config_file": config_file, "overrides": overrides, "clock": clock}
        self._runtime: Runtime | None = None

    def get(self, **overrides: object) -> Runtime:
        """The runtime; ``overrides`` (dotted keys) come from a subcommand's own options."""
        if overrides:
            merged = {**self._args["overrides"], **overrides}
            return build_runtime(**{**self._args, "overrides": merged})
        if self._runtime is None:
            self._runtime = build_runtime(**self._args)
        return self._runtime


pass_runtime = click.make_pass_decorator(LazyRuntime)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def operating_user() -> str:
    """The login name, for the audit trail of what is done from the command line."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's random uid)
        return "cli"
