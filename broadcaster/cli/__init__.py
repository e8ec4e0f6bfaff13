"""The ``broadcaster`` command. Each subcommand is a thin adapter over plain functions.

Errors a user can act on (:class:`BroadcasterError`, usage mistakes, and the
machine's state: a read-only data directory, input that is not UTF-8) are turned
into ``error: ...`` with a non-zero exit in one place, :class:`BroadcasterGroup`;
nothing else catches them. Account commands live in ``cli/users.py``.

Each command imports the package's work when it runs: ``broadcaster --help``, a
typing mistake and the light commands then start without SQLAlchemy, numpy or scipy
(``benchmarks/cli_startup.py``; ``tests/cli/test_startup.py`` holds it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from broadcaster.cli.db import db_group
from broadcaster.cli.leaflet import leaflet
from broadcaster.cli.rules import alert, approve, confirm_airing
from broadcaster.cli.support import (
    BroadcasterGroup,
    LazyRuntime,
    UserError,
    format_table,
    operating_user,
    pass_runtime,
    text_lines,
)
from broadcaster.cli.users import user

FORM_FIELDS_MB = 1  # a request may carry form fields beside the largest upload


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
@click.option(
    "--create",
    is_flag=True,
    help="Create the --data-dir folder and its missing parents (a new, empty station).",
)
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, data_dir: Path | None, create: bool) -> None:
    """Scam-awareness bulletins for district radio and commune loudspeakers."""
    if data_dir is not None:
        _check_data_dir(data_dir, create=create)
    overrides = {"data_dir": str(data_dir)} if data_dir else {}
    # A caller embedding the command (the tests) may pass a pinned clock as ``obj``.
    ctx.obj = LazyRuntime(config_file, overrides, clock=ctx.obj)


def _check_data_dir(data_dir: Path, *, create: bool) -> None:
    """A mistyped --data-dir must not quietly start a new, empty station somewhere else."""
    if create:
        data_dir.mkdir(parents=True, exist_ok=True)
    elif not data_dir.absolute().parent.is_dir():
        raise click.BadParameter(
            f"{data_dir.absolute().parent} does not exist "
            "(check the path, or add --create to start a new data directory there)",
            param_hint="'--data-dir'",
        )


@cli.command()
@pass_runtime
def validate(lazy: LazyRuntime) -> None:
    """Check every bulletin file; list every problem with its file and line."""
    runtime = lazy.get()
    library = runtime.library()
    if any(b.stations for b in library):  # a station limit names stations of the schedule
        from broadcaster.library.bulletins import load_library

        ids = {s.id for s in runtime.schedule().network.stations}
        load_library(runtime.settings.library_dir, station_ids=ids)  # file and line of each
    forms = 24 - len(library.missing_forms)
    click.echo(f"{len(library)} bulletins OK; {forms} of 24 forms covered.")
    if library.missing_forms:
        click.echo("forms without a bulletin: " + ", ".join(map(str, library.missing_forms)))


@cli.command("list")
@pass_runtime
def list_(lazy: LazyRuntime) -> None:
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
def normalize(lazy: LazyRuntime, text: Sequence[str]) -> None:
    """Print the spoken form of TEXT, or of standard input line by line."""
    from broadcaster.normalize import normalize as normalize_text

    lexicon = lazy.get().lexicon
    if text:
        click.echo(normalize_text(" ".join(text), lexicon))
        return
    for line in text_lines(click.get_binary_stream("stdin"), "standard input"):
        click.echo(normalize_text(line.rstrip("\r\n"), lexicon))
        sys.stdout.flush()


@cli.command()
@click.argument("ids", nargs=-1)
@pass_runtime
def spoken(lazy: LazyRuntime, ids: Sequence[str]) -> None:
    """Print each bulletin's spoken form (all, or the IDS given)."""
    from broadcaster.normalize import normalize as normalize_text

    runtime = lazy.get()
    library = runtime.library()
    for bulletin in library.select(ids) if ids else library:
        click.echo(f"== {bulletin.id}: {bulletin.title}")
        click.echo(normalize_text(bulletin.body, runtime.lexicon))
        click.echo()


@cli.command()
@click.option("--engine", help="Speak with this engine only (gtts or espeak), no fallback.")
@click.option("--only", "only", multiple=True, metavar="ID", help="Render these bulletins only.")
@click.option("--jobs", type=click.IntRange(min=1), help="Parallel workers (default: all cores).")
@click.option("--by", default=operating_user, help="Who renders (default: your login name).")
@pass_runtime
def render(
    lazy: LazyRuntime, engine: str | None, only: Sequence[str], jobs: int | None, by: str
) -> None:
    """Render bulletins into mastered MP3s in the data directory, with a manifest."""
    # numpy and scipy would cost every other command (the panel's process above all)
    # some 70 MB besides the start-up time.
    from broadcaster import audit
    from broadcaster.render import pipeline as render_stage

    runtime = lazy.get(**({"speech.engines": [engine]} if engine else {}))
    library = runtime.library()
    bulletins = library.select(only) if only else list(library)
    with click.progressbar(
        length=len(bulletins),
        label="rendering",
        show_pos=True,
        file=sys.stderr,
        item_show_func=lambda o: o.bulletin_id if o else "",
    ) as bar:
        report = render_stage.render_library(
            bulletins,
            settings=runtime.settings,
            lexicon=runtime.lexicon,
            workers=jobs,
            clock=runtime.clock,
            progress=lambda outcome: bar.update(1, outcome),
        )
    rows = [
        (
            o.bulletin_id,
            o.status,
            f"{o.record.engine}/{o.record.voice}" + (" (fallback)" if o.record.fallback else ""),
            f"{o.record.duration_s:.1f}s",
            f"{o.record.loudness_lufs:.1f}",
            f"{o.record.true_peak_dbtp:.1f}",
        )
        for o in report.outcomes
        if o.record is not None
    ]
    click.echo(format_table(("id", "status", "engine/voice", "length", "LUFS", "dBTP"), rows))
    click.echo(
        f"{report.count('rendered')} rendered ({report.synthesis_calls} synthesised), "
        f"{report.count('unchanged')} unchanged, {len(report.failures)} failed; "
        f"manifest: {report.manifest}"
    )
    for outcome in report.outcomes:  # as the panel's render requests are
        if outcome.status == "rendered":
            detail = f"dựng từ dòng lệnh: âm thanh {outcome.record.sha256[:12]}"
            entry = audit.Entry(runtime.clock.now(), by, "render", outcome.bulletin_id, detail)
            audit.log(runtime.engine, entry)
    if report.failures:
        details = "\n".join(f"  {o.bulletin_id}: {o.error}" for o in report.failures)
        raise UserError(f"{len(report.failures)} bulletins failed to render:\n{details}")


@cli.command()
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: today)."
)
@click.option("--days", type=click.IntRange(1, 366), default=1, show_default=True)
@click.option("--explain", is_flag=True, help="Say why each item is where it is.")
@click.option("--check", is_flag=True, help="Forecast campaign coverage instead of planning.")
@click.option("--force", is_flag=True, help="Re-plan a past day (items with log entries are kept).")
@click.option("--by", default=operating_user, help="Who plans (default: your login name).")
@click.option(
    "--horizon",
    type=click.IntRange(1, 3660),
    default=90,
    show_default=True,
    help="With --check: forecast this many days from the date at most.",
)
@pass_runtime
def plan(
    lazy: LazyRuntime,
    day: dt.datetime | None,
    days: int,
    explain: bool,
    check: bool,
    force: bool,
    by: str,
    horizon: int,
):
    """Plan the approved bulletins into every station's slots and store the plan."""
    from broadcaster.airplan import report as plan_report
    from broadcaster.airplan import service as airplan

    runtime = lazy.get()
    first = day.date() if day else runtime.clock.today()
    if check:
        _print_forecasts(airplan.forecast_from(runtime, first, horizon_days=horizon))
        return
    plans = airplan.plan_range(runtime, first, days, by=by, force=force)
    for day_plan in plans:
        click.echo(plan_report.summary(day_plan))
        if explain:
            click.echo(plan_report.explain(day_plan))


@cli.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day (default: today).")
@click.option(
    "--zips/--no-zips",
    default=True,
    show_default=True,
    help="Zip each station's folder now; without, the panel zips one on download "
    "(each zip holds a copy of the day's audio: at provincial scale, leave them out).",
)
@pass_runtime
def playlists(lazy: LazyRuntime, day: dt.datetime | None, zips: bool) -> None:
    """Write each station's numbered files, playlist.m3u8, printable schedule and zip.

    Day folders older than ``playlists.keep_days`` are removed (the plans stay).
    """
    from broadcaster.airplan import service as airplan
    from broadcaster.playlists import prune_days

    runtime = lazy.get()
    chosen = day.date() if day else runtime.clock.today()
    keep = runtime.settings.playlists.keep_days
    out_root = airplan.playlists_dir(runtime)
    # Removing a week-old day (thousands of folders) is disk work: it runs beside the
    # writing instead of after it. Counted back from today, or from the day just
    # written if that is older, so that day is never among those removed.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pruning = pool.submit(prune_days, out_root, min(runtime.clock.today(), chosen), keep)
        folders = airplan.publish_playlists(runtime, chosen, zips=zips)
        removed = pruning.result()
    click.echo(f"{len(folders)} station playlists for {chosen} in {out_root / chosen.isoformat()}")
    if removed:
        click.echo(
            f"removed {len(removed)} day folders older than {keep} days: {', '.join(removed)}"
        )


@cli.command()
@click.option("--station", "station_id", required=True, help="The station's id.")
@click.option(
    "--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: today)."
)
@click.option("--days", type=click.IntRange(1, 366), default=7, show_default=True)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="The .ics file.")
@pass_runtime
def ics(lazy, station_id: str, day: dt.datetime | None, days: int, output: Path | None) -> None:
    """Export a station's stored schedule for a period as an iCalendar file."""
    from broadcaster.airplan import service as airplan

    runtime = lazy.get()
    first = day.date() if day else runtime.clock.today()
    path = airplan.export_calendar(runtime, station_id, first, days, output)
    click.echo(f"calendar for {station_id}, {first} + {days} days: {path}")


def _print_forecasts(outlooks) -> None:
    for outlook in outlooks:
        campaign, result = outlook.campaign, outlook.forecast
        goal = f"every form {campaign.coverage.times}x per {campaign.coverage.days} days"
        header = f"{campaign.id} ({campaign.start}..{campaign.end}, {goal})"
        if result is None:
            click.echo(f"{header}: starts after the horizon")
            continue
        verdict = (
            "goal met"
            if result.met
            else (
                f"goal NOT met: {len(result.misses)} station/form misses, "
                f"{len(result.unavailable)} forms without approved audio"
            )
        )
        click.echo(f"{header}, forecast {outlook.first}..{outlook.last}: {verdict}")
        for miss in result.misses:
            click.echo(f"  {miss}")
        for topic in result.unavailable:
            click.echo(f"  form {topic}: no approved audio")


@cli.command()
@click.option("--station", "station_id", help="Station to play (default: the producer).")
@pass_runtime
def playout(lazy: LazyRuntime, station_id: str | None) -> None:
    """Play each slot's items on time through the player and log every airing."""
    import logging

    from broadcaster.playout import run_playout

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every poll
    runtime = dataclasses.replace(lazy.get(), create_database=False)
    runtime.engine  # noqa: B018 - a database not at head is refused before anything runs
    click.echo("playout running (Ctrl+C stops)")
    run_playout(runtime, station_id=station_id)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@pass_runtime
def serve(lazy: LazyRuntime, host: str, port: int) -> None:
    """Serve the panel with waitress."""
    import logging

    import waitress

    from web import create_app

    runtime = dataclasses.replace(lazy.get(), create_database=False)
    app = create_app({"BROADCASTER_RUNTIME": runtime})
    # waitress reads a whole body before the app sees it: refuse (413) what is larger
    # than the biggest upload, from its Content-Length, before a byte of it arrives.
    body_limit = (runtime.settings.panel.upload_limit_mb + FORM_FIELDS_MB) * 2**20
    try:
        server = waitress.create_server(
            app, host=host, port=port, threads=8, max_request_body_size=body_limit
        )
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise UserError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc
    # What is loaded by now (code, settings, the app) lasts as long as the process: keep
    # it out of full garbage collections, which would otherwise walk it again every few
    # pages (some 40 ms each on a small server).
    gc.collect()
    gc.freeze()
    logging.basicConfig()  # as waitress.serve does: its warnings go to stderr
    click.echo(f"panel on http://{host}:{port}/ (Ctrl+C stops)")
    server.run()


@cli.command()
@pass_runtime
def doctor(lazy: LazyRuntime) -> None:
    """Check ffmpeg, espeak-ng and its voices, the gTTS endpoint and the data directory."""
    from broadcaster import doctor as doctor_checks

    checks = doctor_checks.run_checks(lazy.get())
    rows = [(c.name, c.status.value, c.detail) for c in checks]
    click.echo(format_table(("check", "status", "detail"), rows))
    failed = [c.name for c in checks if c.failed]
    if failed:
        raise UserError("missing: " + ", ".join(failed))


cli.add_command(user)
cli.add_command(approve)
cli.add_command(alert)
cli.add_command(confirm_airing)
cli.add_command(leaflet)
cli.add_command(db_group)


def main() -> None:
    cli(prog_name="broadcaster")
