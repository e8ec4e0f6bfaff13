"""``approve``, ``alert`` and ``confirm``: the panel's rules from a terminal.

Like every command module, it imports the package's work inside each command, so
that ``broadcaster --help`` and a mistyped option answer without loading SQLAlchemy.

Each calls the same function as the panel and the API (:mod:`broadcaster.approval.review`,
:mod:`broadcaster.alerts.raising`, :mod:`broadcaster.airlog.confirm`), so the answers
are the same; each action is in the audit trail under ``--by`` (default: the login name).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from broadcaster.cli.support import (
    EnumChoice,
    LazyRuntime,
    UserError,
    operating_user,
    pass_runtime,
)
from broadcaster.errors import Refused

if TYPE_CHECKING:
    from broadcaster.runtime import Runtime


@click.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every current render nobody decided on yet.")
@click.option("--by", default=operating_user, help="Who decides (default: your login name).")
@click.option("--reject", is_flag=True, help="Reject instead of approve (needs --comment).")
@click.option("--comment", default="", help="Why, for the record.")
@click.option("--reconsider", is_flag=True, help="Approve named audio that was rejected before.")
@pass_runtime
def approve(
    lazy: LazyRuntime,
    ids: Sequence[str],
    all_: bool,
    by: str,
    reject: bool,
    comment: str,
    reconsider: bool,
) -> None:
    """Approve (or reject) the current render of bulletins, bound to its exact audio.

    The panel's rule: stale audio, the four-eyes rule and a rejection without a
    reason are refused; every decision is audited under --by.
    """
    from broadcaster import approval
    from broadcaster.approval.review import review

    runtime = lazy.get()
    if all_ == bool(ids):
        raise UserError("name bulletin ids, or use --all")
    if all_ and (reject or reconsider):
        raise UserError("--all only approves audio nobody decided on: name the ids instead")
    verdict = approval.Verdict.REJECTED if reject else approval.Verdict.APPROVED
    chosen = approval_batch(runtime) if all_ else list(ids)
    refused = []
    for bulletin_id in chosen:
        try:
            done = review(
                runtime, bulletin_id, verdict, by=by, comment=comment, reconsider=reconsider
            )
        except Refused as error:
            refused.append(f"{bulletin_id}: {error} [{error.code}]")
            continue
        record = done.record
        marks = " (fallback voice)" if record.fallback else ""
        state = verdict.value if done.written else f"already {verdict.value}"
        click.echo(
            f"{state} {bulletin_id}: {record.sha256[:12]}, "
            f"{record.engine}/{record.voice}{marks}, {record.duration_s:.1f} s"
        )
        if done.withdrawn_from:
            listed = ", ".join(str(day) for day in done.withdrawn_from)
            click.echo(f"  taken out of the plans of {listed}; re-plan to fill the gap")
        if done.publish_error:
            click.echo(f"  the playlists could not be written again: {done.publish_error}")
    if all_:
        click.echo(f"{len(chosen)} renders nobody had decided on")
    if refused:
        raise UserError("refused:\n  " + "\n  ".join(refused))


def approval_batch(runtime: Runtime) -> list[str]:
    """What ``approve --all`` approves: current renders with no decision on their audio."""
    from broadcaster import approval
    from broadcaster.approval.review import current_keys

    decided = approval.latest_decisions(runtime.engine)
    keys = current_keys(runtime, runtime.library())  # keyed once, not once per render
    return sorted(
        bulletin_id
        for bulletin_id, record in runtime.renders().items()
        if record.sha256 not in decided and keys.get(bulletin_id) == record.render_key
    )


@click.command()
@click.argument("bulletin_id", required=False)
@click.option("--station", "stations", multiple=True, metavar="ID", help="A station to alert.")
@click.option("--all", "everywhere", is_flag=True, help="Alert every station.")
@click.option("--withdraw", type=int, metavar="ALERT", help="Withdraw alert number ALERT instead.")
@click.option("--reason", default="", help="Why the alert is withdrawn (with --withdraw).")
@click.option("--by", default=operating_user, help="Who orders it (default: your login name).")
@pass_runtime
def alert(
    lazy: LazyRuntime,
    bulletin_id: str | None,
    stations: Sequence[str],
    everywhere: bool,
    withdraw: int | None,
    reason: str,
    by: str,
) -> None:
    """Raise an emergency alert: BULLETIN_ID's approved audio, aired at once.

    With --withdraw ALERT --reason TEXT, take an alert off the air wherever it has
    not aired yet (the panel's rule and answers).
    """
    from broadcaster.alerts.raising import raise_alert

    if withdraw is not None:
        if bulletin_id or stations or everywhere:
            raise UserError("--withdraw takes an alert number and --reason only")
        _withdraw(lazy.get(), withdraw, reason=reason, by=by)
        return
    if not bulletin_id:
        raise UserError("name the bulletin to alert, or use --withdraw ALERT")
    if everywhere == bool(stations):
        raise UserError("name stations with --station, or use --all")
    raised = raise_alert(
        lazy.get(), bulletin_id, stations=None if everywhere else list(stations), by=by
    )
    where = "all stations" if everywhere else ", ".join(raised.alert.station_ids or ())
    click.echo(f"alert #{raised.alert.id} raised: {bulletin_id} for {where}")
    placed = sorted({p.slot.start.isoformat() for p in raised.targets if p.slot is not None})
    if placed:
        click.echo(f"  first in the next slot of each commune: {', '.join(placed)}")
    if raised.publish_error:
        raise UserError(f"recorded, but the playlists were not written: {raised.publish_error}")


def _withdraw(runtime: Runtime, alert_id: int, *, reason: str, by: str) -> None:
    from broadcaster.alerts.withdrawing import withdraw_alert

    done = withdraw_alert(runtime, alert_id, by=by, reason=reason)
    click.echo(f"alert #{alert_id} withdrawn: {done.alert.bulletin_id}")
    if done.republished:
        listed = ", ".join(str(day) for day in done.republished)
        click.echo(f"  taken out of the plans of {listed} where it had not aired yet")
    if done.publish_error:
        raise UserError(f"recorded, but the playlists were not written: {done.publish_error}")


@click.command("confirm")
@click.argument("station_id")
@click.argument("day", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("position", type=click.IntRange(1, 999))
@click.option(
    "--outcome", type=EnumChoice("broadcaster.airlog:Outcome"), required=True, help="What happened."
)
@click.option("--at", "started", help="When it started: HH:MM on that day, or ISO 8601.")
@click.option("--reason", default="", help="Why it failed or was missed, or why corrected.")
@click.option("--corrects", type=int, help="The log entry this one corrects.")
@click.option("--by", default=operating_user, help="Who confirms (default: your login name).")
@pass_runtime
def confirm_airing(
    lazy: LazyRuntime,
    station_id: str,
    day: dt.datetime,
    position: int,
    outcome: str,
    started: str | None,
    reason: str,
    corrects: int | None,
    by: str,
) -> None:
    """Record what happened to item POSITION of STATION_ID's playlist on DAY."""
    from broadcaster.airlog import Outcome, Source
    from broadcaster.airlog.confirm import Claim, confirm, said
    from broadcaster.airplan.store import load_plan

    runtime = lazy.get()
    zone = runtime.schedule().network.zone
    items = load_plan(runtime.engine, day.date(), zone, station_id)
    item = next((i for i in items if i.position == position), None)
    if item is None:
        raise UserError(f"no item {position} in {station_id}'s plan of {day.date()}")
    claim = Claim(Outcome(outcome), _moment(started, day.date(), zone), None, reason, corrects)
    recorded = confirm(
        runtime.engine,
        item,
        claim,
        source=Source.OPERATOR,
        by=by,
        now=runtime.clock.now(),
        zone=zone,
    )
    entry = recorded.entry
    state = "recorded" if recorded.created else "already recorded"
    click.echo(f"{state} as entry {entry.id}: {item.bulletin_id}, {entry.outcome}")
    click.echo(f"  {said(entry, zone)}")


def _moment(text: str | None, day: dt.date, zone: dt.tzinfo) -> dt.datetime | None:
    if not text:
        return None
    try:
        if len(text) <= 5:
            return dt.datetime.combine(day, dt.time.fromisoformat(text), zone)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--at {text!r}: give HH:MM or an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)
