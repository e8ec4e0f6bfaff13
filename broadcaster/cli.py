"""The ``broadcaster`` command. Each subcommand is a thin adapter over plain functions.

Errors a user can act on (:class:`BroadcasterError`) are printed here, in one
place, as ``error: ...`` with a non-zero exit; nothing else catches them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from broadcaster import doctor as doctor_checks
from broadcaster.errors import BroadcasterError
from broadcaster.normalize import normalize as normalize_text
from broadcaster.runtime import Runtime, build_runtime


class UserError(click.ClickException):
    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class BroadcasterGroup(click.Group):
    """Turns every BroadcasterError raised by a subcommand into ``error: ...``."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BroadcasterError as exc:
            error = UserError(str(exc))
            error.exit_code = exc.exit_code
            raise error from exc


@click.group(cls=BroadcasterGroup)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings YAML (default: $BROADCASTER_CONFIG or ./broadcaster.yaml).",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where audio, playlists and the database go (default: var/).",
)
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, data_dir: Path | None) -> None:
    """Scam-awareness bulletins for district radio and commune loudspeakers."""
    overrides = {"data_dir": str(data_dir)} if data_dir else {}
    ctx.obj = _LazyRuntime(config_file, overrides)


class _LazyRuntime:
    """Builds the runtime when a command first needs it, so --help never fails on config."""

    def __init__(self, config_file: Path | None, overrides: dict) -> None:
        self._args = {"config_file": config_file, "overrides": overrides}
        self._runtime: Runtime | None = None

    def get(self) -> Runtime:
        if self._runtime is None:
            self._runtime = build_runtime(**self._args)
        return self._runtime


pass_runtime = click.make_pass_decorator(_LazyRuntime)


@cli.command()
@pass_runtime
def validate(lazy: _LazyRuntime) -> None:
    """Check every bulletin file; list every problem with its file and line."""
    library = lazy.get().library()
    forms = 24 - len(library.missing_forms)
    click.echo(f"{len(library)} bulletins OK; {forms} of 24 forms covered.")
    if library.missing_forms:
        click.echo("forms without a bulletin: " + ", ".join(map(str, library.missing_forms)))


@cli.command("list")
@pass_runtime
def list_(lazy: _LazyRuntime) -> None:
    """Show the library as a table."""
    rows = [
        (
            b.id,
            str(b.form or "-"),
            b.kind.value,
            b.priority.value,
            str(b.word_count),
            f"{b.valid_from}..{b.valid_until or ''}",
            b.title,
        )
        for b in lazy.get().library()
    ]
    click.echo(format_table(("id", "form", "kind", "priority", "words", "valid", "title"), rows))


@cli.command()
@click.argument("text", nargs=-1)
@pass_runtime
def normalize(lazy: _LazyRuntime, text: Sequence[str]) -> None:
    """Print the spoken form of TEXT, or of standard input line by line."""
    lexicon = lazy.get().lexicon
    if text:
        click.echo(normalize_text(" ".join(text), lexicon))
        return
    stdin = click.get_text_stream("stdin", encoding="utf-8")
    for line in stdin:
        click.echo(normalize_text(line.rstrip("\r\n"), lexicon))
        sys.stdout.flush()


@cli.command()
@click.argument("ids", nargs=-1)
@pass_runtime
def spoken(lazy: _LazyRuntime, ids: Sequence[str]) -> None:
    """Print each bulletin's spoken form (all, or the IDS given)."""
    runtime = lazy.get()
    library = runtime.library()
    for bulletin in library.select(ids) if ids else library:
        click.echo(f"== {bulletin.id}: {bulletin.title}")
        click.echo(normalize_text(bulletin.body, runtime.lexicon))
        click.echo()


@cli.command()
@pass_runtime
def doctor(lazy: _LazyRuntime) -> None:
    """Check ffmpeg, espeak-ng and its voices, the gTTS endpoint and the data directory."""
    checks = doctor_checks.run_checks(lazy.get().settings)
    rows = [(c.name, c.status.value, c.detail) for c in checks]
    click.echo(format_table(("check", "status", "detail"), rows))
    failed = [c.name for c in checks if c.failed]
    if failed:
        raise UserError("missing: " + ", ".join(failed))


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def main() -> None:
    cli(prog_name="broadcaster")
