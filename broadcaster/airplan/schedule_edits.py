"""A checked edit of the schedule files, saved: written, audited, and the future re-planned.

The files stay the source of truth (:mod:`broadcaster.planning.editing` makes and
checks the new text). Saving one re-plans the stored days from today on through
:func:`broadcaster.airplan.service.plan_range`, which keeps every slot that has
started, and every item something was logged for, exactly as stored: a change
moves only what has not aired yet.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from broadcaster import audit
from broadcaster.airplan import service
from broadcaster.atomic import write_text_atomic
from broadcaster.db import plan_items
from broadcaster.errors import LibraryError
from broadcaster.planning.editing import Edit, Files
from broadcaster.runtime import Runtime


def files(runtime: Runtime) -> Files:
    """The schedule's files and what the library knows: its ids, and how long each
    approved segment is (for the too-short slot check, as planning runs it)."""
    schedule = runtime.settings.schedule
    try:
        library = runtime.library()
    except LibraryError:  # validate and the content pages say why; the schedule still edits
        library = None
    durations = None
    if library is not None:
        found = service.airable(library, runtime.renders(), runtime.engine)
        durations = {s.bulletin_id: s.duration_s for s in found.segments} or None
    return Files(
        stations=schedule.stations,
        campaigns=tuple(schedule.campaigns),
        default_timezone=runtime.settings.timezone,
        known_ids=None if library is None else {b.id for b in library},
        durations=durations,
    )


def save(runtime: Runtime, edit: Edit, *, by: str, target: str, detail: str) -> list[dt.date]:
    """Write the edited file atomically, audit it, then re-plan the stored future; the
    days re-planned are returned."""
    if not edit.ok:
        raise ValueError("an edit with problems is never saved")
    write_text_atomic(edit.path, edit.text)
    now = runtime.clock.now()
    action = "schedule_campaign" if edit.node == () else "schedule_station"  # a file's root
    audit.log(runtime.engine, audit.Entry(now, by, action, target, detail))
    return replan_future(runtime, by=by)


def replan_future(runtime: Runtime, *, by: str) -> list[dt.date]:
    """Plan again every stored day from today on, one run of consecutive days at a time
    (what each day airs shapes the next one's rotation), and publish their playlists;
    today's started slots stay as they were."""
    zone = runtime.schedule().network.zone
    today = runtime.clock.now().astimezone(zone).date()
    query = select(plan_items.c.day).distinct().where(plan_items.c.day >= today.isoformat())
    with runtime.engine.connect() as connection:
        days = sorted(dt.date.fromisoformat(day) for (day,) in connection.execute(query))
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        try:
            service.plan_range(runtime, run[0], len(run), by=by)
        except service.NothingApproved:
            return []
    for day in days:  # as the panel's planning does: the stations' zips are made on demand
        service.publish_playlists(runtime, day, zips=False)
    return days
