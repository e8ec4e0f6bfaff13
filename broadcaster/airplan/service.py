"""The air plan: approved audio, the schedule and history in; stored day plans out.

This is where the pure planner meets the library, the manifest, the approval
records and the airing log. The CLI, the panel and the demo all plan through here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from broadcaster import approval, audit
from broadcaster.airlog import Outcome
from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan import recency
from broadcaster.airplan.store import (
    KEEP_DAYS,
    StoredItem,
    items_from_plan,
    load_plan,
    prune,
    save_plan,
    stored_plan,
    withdraw_render,
)
from broadcaster.db import airings, plan_items
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.library.bulletins import Library
from broadcaster.planning.campaigns import Campaign, active_campaign
from broadcaster.planning.forecast import Forecast, forecast
from broadcaster.planning.planner import Aired, DayPlan, Segment, plan_day
from broadcaster.planning.stations import Network
from broadcaster.playlists import write_calendar, write_day
from broadcaster.render.manifest import RenderRecord
from broadcaster.runtime import Runtime

HISTORY_DAYS = 120  # longer than any coverage window a campaign sets


class NothingApproved(BroadcasterError):
    def __init__(self) -> None:
        super().__init__(
            "no approved audio to plan: render the library (broadcaster render), "
            "listen, then approve (broadcaster approve ID ... or --all)"
        )


@dataclass(frozen=True)
class Airable:
    """The approved current renders and what the planner knows of each."""

    segments: tuple[Segment, ...]
    renders: Mapping[str, RenderRecord]


def airable(library: Library, renders: Mapping[str, RenderRecord], engine: Engine) -> Airable:
    approved = approval.approved_renders(renders, approval.latest_decisions(engine))
    segments = tuple(
        Segment.of(bulletin, approved[bulletin.id].duration_s)
        for bulletin in library
        if bulletin.id in approved
    )
    return Airable(segments, approved)


def load_network_and_campaigns(
    runtime: Runtime, durations: Mapping[str, float] | None = None
) -> tuple[Network, tuple[Campaign, ...]]:
    """The runtime's schedule as a pair; ``durations`` add the slot-length checks."""
    schedule = runtime.schedule(durations)
    return schedule.network, schedule.campaigns


def history(engine: Engine, zone: dt.tzinfo, before: dt.date) -> list[Aired]:
    """What stations aired (the log) and were planned to air (stored plans) before a day,
    every airing of the last ``HISTORY_DAYS`` (a forecast counts them; the planner
    needs only the latest of each: :mod:`broadcaster.airplan.recency`).

    Plans count too: a commune confirms its airings later, and the rotation
    must not wait for paperwork to move on.
    """
    start = before - dt.timedelta(days=HISTORY_DAYS)
    since = dt.datetime.combine(start, dt.time.min, zone)
    until = dt.datetime.combine(before, dt.time.min, zone)
    logged = (
        select(airings.c.station_id, airings.c.form, airings.c.bulletin_id, airings.c.started_at)
        .where(airings.c.outcome == Outcome.AIRED.value)
        .where(airings.c.started_at >= since, airings.c.started_at < until)
    )
    stored = stored_plan()
    planned = select(
        stored.c.station_id, stored.c.form, stored.c.bulletin_id, stored.c.starts_at
    ).where(stored.c.day >= start.isoformat(), stored.c.day < before.isoformat())
    records = []
    with engine.connect() as connection:
        for query in (logged, planned):
            for station_id, form, bulletin_id, at in connection.execute(query):
                local = at.astimezone(zone)
                records.append(Aired(station_id, form, local.date(), local.time(), bulletin_id))
    return records


def check_plannable(runtime: Runtime, first: dt.date, *, force: bool = False) -> None:
    """Refuse what :func:`plan_range` would refuse before it plans anything: nothing
    approved, or a day in the past. The panel asks before it starts planning in the
    background, so that a refusal answers the form, not a job."""
    found = airable(runtime.library(), runtime.renders(), runtime.engine)
    if not found.segments:
        raise NothingApproved()
    network, _ = load_network_and_campaigns(runtime)
    _refuse_the_past(first, runtime.clock.now().astimezone(network.zone).date(), force=force)


def _refuse_the_past(first: dt.date, today: dt.date, *, force: bool) -> None:
    if first < today and not force:
        raise Refused(
            "past-day",
            f"{first} is in the past: its plan is what the airing log is checked against "
            "(--force re-plans it, keeping every item something was logged for)",
            field="date",
            day=first,
        )


def plan_range(
    runtime: Runtime,
    first: dt.date,
    days: int,
    *,
    by: str,
    force: bool = False,
    on_day: Callable[[int, DayPlan], None] | None = None,
) -> list[DayPlan]:
    """Plan ``days`` days from ``first`` with the campaign running each day; store each.

    The past is fixed: a slot that has started keeps its stored items exactly, and
    an item with an airing entry is never replaced, so the evidence stays on the
    bulletin it is about. A day before today is refused unless ``force`` (which
    still keeps every item something was logged for). Audited under ``by``.
    ``on_day(n, plan)`` is called as each day (the n-th, from 1) is stored: the
    panel publishes it and shows the progress of a long range.
    """
    now = runtime.clock.now()
    found = airable(runtime.library(), runtime.renders(), runtime.engine)
    if not found.segments:
        raise NothingApproved()
    durations = {s.bulletin_id: s.duration_s for s in found.segments}
    network, campaigns = load_network_and_campaigns(runtime, durations)
    today = now.astimezone(network.zone).date()
    _refuse_the_past(first, today, force=force)
    closed = recency.fold(runtime.engine, network.zone, until=today)
    if closed:  # each day closes once: its plan of KEEP_DAYS ago can go
        keep = dt.timedelta(days=KEEP_DAYS)
        prune(runtime.engine, closed[0] - keep, closed[1] - keep)
    if force:
        recency.forget(runtime.engine, first)
    past = recency.history_before(runtime.engine, network.zone, first)
    plans = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        plan = plan_day(day, network, active_campaign(campaigns, day), found.segments, past)
        items = items_from_plan(plan, found.renders)
        items = alert_plan.place_alerts(runtime.engine, day, items, network, campaigns)
        kept = keep_the_past(runtime.engine, day, items, now, force=force)
        save_plan(runtime.engine, day, kept, now=now)
        past += plan.aired()
        plans.append(plan)
        if on_day is not None:
            on_day(offset + 1, plan)
    last = first + dt.timedelta(days=days - 1)
    span = f"{first:%d/%m/%Y}" + ("" if days == 1 else f" – {last:%d/%m/%Y}")
    count = sum(len(slot.items) for p in plans for slot in p.slots)
    detail = f"{days} ngày ({span}): {count} mục" + (" (lập lại ngày đã qua)" if force else "")
    audit.log(runtime.engine, audit.Entry(now, by, "plan", first.isoformat(), detail))
    return plans


def keep_the_past(
    engine: Engine, day: dt.date, fresh: list[StoredItem], now: dt.datetime, *, force: bool
) -> list[StoredItem]:
    """``fresh`` items for the future, the stored ones for what has started or was logged.

    A station's slot that started at or before ``now`` keeps its stored items (the
    fresh plan's items for that slot are dropped), unless ``force``; any slot holding
    an item the airing log has an entry for keeps them, forced or not.
    """
    frozen = frozen_slots(engine, day, None if force else now)
    if not frozen:
        return fresh
    stored = load_plan(engine, day, dt.UTC)
    kept = [i for i in stored if (i.station_id, i.slot_start) in frozen]
    return kept + [i for i in fresh if (i.station_id, i.slot_start) not in frozen]


def frozen_slots(
    engine: Engine, day: dt.date, now: dt.datetime | None
) -> set[tuple[str, dt.datetime]]:
    """(station, start) of the day's stored slots that started by ``now`` (if given) or
    hold an item the airing log has an entry for: asked of the database, so that
    planning a day ahead reads nothing of the plan it replaces."""
    slot = select(plan_items.c.station_id, plan_items.c.slot_start).distinct()
    slot = slot.where(plan_items.c.day == day.isoformat())
    logged = slot.join(
        airings,
        (airings.c.station_id == plan_items.c.station_id)
        & (airings.c.scheduled_at == plan_items.c.starts_at),
    )
    queries = [logged] + ([slot.where(plan_items.c.slot_start <= now)] if now else [])
    with engine.connect() as connection:
        return {
            (station_id, start.astimezone(dt.UTC))
            for query in queries
            for station_id, start in connection.execute(query)
        }


def playlists_dir(runtime: Runtime) -> Path:
    return runtime.paths.playlists


def publish_playlists(runtime: Runtime, day: dt.date, *, zips: bool = True) -> list[Path]:
    """Write every station's folder, playlist, printable schedule and zip for a stored day."""
    network, campaigns = load_network_and_campaigns(runtime)
    items = load_plan(runtime.engine, day, network.zone)
    return write_day(
        day,
        items,
        network,
        renders_dir=runtime.paths.renders,
        out_root=playlists_dir(runtime),
        campaigns=campaigns,
        zips=zips,
    )


def withdraw(runtime: Runtime, sha256: str, *, now: dt.datetime) -> list[dt.date]:
    """Rejected audio never airs again: out of every plan after ``now``, playlists rewritten.

    The playout daemon reads the stored plan at each item's time, so it follows.
    Returns the days whose plans changed.
    """
    days = withdraw_render(runtime.engine, sha256, after=now)
    zone = runtime.settings.zone
    for day in days:
        if load_plan(runtime.engine, day, zone):
            publish_playlists(runtime, day)
        else:  # nothing left to air that day: no folder may still offer the audio
            shutil.rmtree(playlists_dir(runtime) / day.isoformat(), ignore_errors=True)
    return days


def export_calendar(
    runtime: Runtime, station_id: str, first: dt.date, days: int, output: Path | None = None
) -> Path:
    """A station's stored plan over ``days`` days as one .ics file."""
    network, campaigns = load_network_and_campaigns(runtime)
    try:
        station = network.get(station_id)
    except KeyError:
        raise BroadcasterError(f"no station '{station_id}' in the schedule") from None
    items = []
    for offset in range(days):
        items += load_plan(
            runtime.engine, first + dt.timedelta(days=offset), network.zone, station_id
        )
    if not items:
        raise BroadcasterError(f"nothing is planned for {station_id} from {first}: plan first")
    path = output or playlists_dir(runtime) / "calendars" / f"{station_id}-{first}.ics"
    return write_calendar(
        station, items, path, zone=network.zone, campaigns=campaigns, now=runtime.clock.now()
    )


@dataclass(frozen=True)
class Outlook:
    """A campaign's forecast from a day on, as far as the horizon."""

    campaign: Campaign  # as configured
    first: dt.date | None  # the days forecast; None: the campaign starts beyond the horizon
    last: dt.date | None
    forecast: Forecast | None


def forecast_from(
    runtime: Runtime,
    day: dt.date,
    *,
    horizon_days: int | None = None,
    schedule: tuple[Network, tuple[Campaign, ...]] | None = None,
) -> list[Outlook]:
    """Coverage forecasts for every campaign running on ``day`` or starting later.

    Each campaign is forecast from ``day`` (its earlier windows are history, which
    the airing log and the reports answer) to its end or the horizon. Starting on
    ``day`` matters as much as ending early: a standing campaign begun years ago
    would otherwise "miss" every window before the history the planner reads.
    ``schedule`` (network, campaigns) saves loading them again.
    """
    found = airable(runtime.library(), runtime.renders(), runtime.engine)
    if not found.segments:
        raise NothingApproved()
    network, campaigns = schedule or load_network_and_campaigns(runtime)
    past = history(runtime.engine, network.zone, day)
    horizon_end = day + dt.timedelta(days=horizon_days - 1) if horizon_days else None
    outlooks = []
    for campaign in campaigns:
        if campaign.end < day:
            continue
        first = max(campaign.start, day)
        last = campaign.end if horizon_end is None else min(campaign.end, horizon_end)
        if first > last:
            outlooks.append(Outlook(campaign, None, None, None))
            continue
        window = dataclasses.replace(campaign, start=first, end=last)
        result = forecast(window, network, found.segments, past, start=first)
        outlooks.append(Outlook(campaign, first, last, result))
    return outlooks
