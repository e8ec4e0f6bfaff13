"""What every subcommand module shares: the error shown to users, the lazily built
runtime, and plain-text tables."""

from __future__ import annotations

import errno
import functools
import getpass
import importlib
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from broadcaster.atomic import TEMP_PREFIX
from broadcaster.errors import BroadcasterError, Refused

if TYPE_CHECKING:
    from broadcaster.runtime import Clock, Runtime

# What SQLite says when the machine, not the code, is at fault (a wrong query is a bug
# and keeps its traceback).
_DATABASE_TROUBLE = {
    "attempt to write a readonly database": "is read-only: the file and its folder must be "
    "writable by this user",
    "unable to open database file": "cannot be opened: its folder must exist and be "
    "readable and writable by this user",
    "database is locked": "is locked by another process: try again in a moment",
    "database or disk is full": "cannot grow: the disk is full",
    "disk i/o error": "cannot be read or written: disk I/O error",
}


class UserError(click.ClickException):
    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class UsageProblem(click.UsageError):
    """click's usage error said like every other error, ``error: ...``, then the usage hint."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(original.format_message(), original.ctx)

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), err=True)
            if self.ctx.command.get_help_option(self.ctx) is not None:
                option = self.ctx.help_option_names[0]
                click.echo(f"Try '{self.ctx.command_path} {option}' for help.", err=True)


class BroadcasterGroup(click.Group):
    """The one place where failures become ``error: ...`` and a non-zero exit.

    BroadcasterError is a mistake the user can fix; a usage error is click's; an
    unwritable file, a read-only or missing database and undecodable input are the
    machine's state, named with the file they concern. Anything else is a bug and
    keeps its traceback.
    """

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:  # the group's own options
            raise _said_our_way(exc) from exc

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BroadcasterError as exc:
            # A rule's code goes with its words: scripts match the code, people read the words.
            code = f" [{exc.code}]" if isinstance(exc, Refused) else ""
            error = UserError(f"{exc}{code}")
            error.exit_code = exc.exit_code
            raise error from exc
        except click.UsageError as exc:
            raise _said_our_way(exc) from exc
        except _machine_errors() as exc:
            lazy = ctx.find_object(LazyRuntime)
            message = machine_trouble(exc, database=lazy.database if lazy else None)
            if message is None:
                raise
            raise UserError(message) from exc


def _machine_errors() -> tuple[type[Exception], ...]:
    """What :func:`machine_trouble` may explain. SQLAlchemy's OperationalError only if
    SQLAlchemy is loaded: only then can one be raised, and a command that never opens
    the database should not pay for the import."""
    loaded = sys.modules.get("sqlalchemy.exc")
    database = (loaded.OperationalError,) if loaded else ()
    return (OSError, sqlite3.OperationalError, UnicodeDecodeError, *database)


def _said_our_way(exc: click.UsageError) -> click.UsageError:
    return exc if isinstance(exc, UsageProblem) else UsageProblem(exc)


def machine_trouble(exc: BaseException, *, database: str | None = None) -> str | None:
    """One line on a failure of the machine's state rather than of the code, or None."""
    if isinstance(exc, UnicodeDecodeError):
        return f"input {not_utf8(exc)}"
    if isinstance(exc, OSError):
        if exc.errno == errno.EPIPE:
            return None  # output piped into `head`: click ends quietly
        reason = exc.strerror or str(exc)
        if not exc.filename:
            return reason
        where = Path(exc.filename)
        if where.name.startswith(TEMP_PREFIX):  # a name the user never chose
            return f"cannot write in {where.parent}: {reason}"
        second = f" -> {exc.filename2}" if exc.filename2 else ""
        return f"{where}{second}: {reason}"
    said = str(getattr(exc, "orig", None) or exc).lower()
    trouble = next((words for key, words in _DATABASE_TROUBLE.items() if key in said), None)
    if trouble is None:
        return None
    return f"the database {_database_label(database)} {trouble} ({said})"


def not_utf8(exc: UnicodeDecodeError) -> str:
    byte = exc.object[exc.start]
    return f"is not UTF-8 text: byte 0x{byte:02x} at position {exc.start + 1}"


def text_lines(stream: Iterable[bytes], name: str) -> Iterator[str]:
    """Lines of a byte stream as text, or ``error: NAME, line N is not UTF-8 text ...``."""
    for number, raw in enumerate(stream, 1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(f"{name}, line {number}, {not_utf8(exc)}") from None


def _database_label(url: str | None) -> str:
    if not url:
        return "(data directory)"
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class LazyRuntime:
    """Builds the runtime when a command first needs it, so --help never fails on config."""

    def __init__(
        self, config_file: Path | None, overrides: dict, *, clock: Clock | None = None
    ) -> None:
        self._args = {"config_file": config_file, "overrides": overrides, "clock": clock}
        self._runtime: Runtime | None = None
        self.database: str | None = None  # the last runtime's, to name it in errors

    def get(self, **overrides: object) -> Runtime:
        """The runtime; ``overrides`` (dotted keys) come from a subcommand's own options."""
        from broadcaster.runtime import build_runtime

        if overrides:
            merged = {**self._args["overrides"], **overrides}
            runtime = build_runtime(**{**self._args, "overrides": merged})
        else:
            if self._runtime is None:
                self._runtime = build_runtime(**self._args)
            runtime = self._runtime
        self.database = runtime.settings.database
        return runtime


pass_runtime = click.make_pass_decorator(LazyRuntime)


class EnumChoice(click.Choice):
    """``click.Choice`` of an enum's values, the enum named ``"module:Name"`` and imported
    when the option is parsed or its help shown: the enums live beside database code,
    which ``broadcaster --help`` should not load."""

    def __init__(self, enum_path: str) -> None:  # no super(): it would store the choices
        self.case_sensitive = True
        self._enum_path = enum_path

    @functools.cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        module, name = self._enum_path.split(":")
        return tuple(member.value for member in getattr(importlib.import_module(module), name))


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
