"""Raising an emergency alert: the one rule for every door, and getting it on air.

An alert is a bulletin (not an opening or a closing) valid today, whose current
render stands approved, for named stations of the schedule or all of them. Once
recorded (and audited), the producing station's playout daemon airs it by itself;
each commune airs what its playlist says, so the alert is put first in each
commune's next slot and that day's playlists are published again. Today's plan
is made first if there is none; tomorrow's (for an alert raised after a commune's
last slot) only if already stored: planning that day places the alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from broadcaster import audit
from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import is_planned
from broadcaster.alerts import Alert, alerts_raised, check_approved, emergency, record_alert
from broadcaster.approval.review import audio_words
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.library.bulletins import Bulletin, Kind
from broadcaster.render.manifest import RenderRecord
from broadcaster.runtime import Runtime, Schedule


@dataclass(frozen=True)
class Raised:
    alert: Alert
    bulletin: Bulletin
    record: RenderRecord
    schedule: Schedule
    targets: tuple[alert_plan.Placement, ...]  # each commune's next slot, if any
    stored: dict[dt.date, bool] = field(default_factory=dict)  # day -> has a stored plan
    publish_error: BroadcasterError | None = None  # recorded, but not yet in a playlist


@dataclass(frozen=True)
class Preview:
    """What confirming would do: who airs the alert, and when."""

    bulletin: Bulletin
    record: RenderRecord
    producer_now: bool  # the producing station airs it at once
    targets: tuple[alert_plan.Placement, ...]  # each commune's next slot, if any
    stored: dict[dt.date, bool]  # day -> has a stored plan (today's is made if not)


def preview_alert(runtime: Runtime, bulletin_id: str, *, stations: Sequence[str] | None) -> Preview:
    """The confirmation step: every refusal ``raise_alert`` would give, and where it would go."""
    now = runtime.clock.now()
    schedule, chosen, bulletin, record = _checked(runtime, bulletin_id, stations, now)
    with runtime.engine.connect() as connection:
        check_approved(connection, record.sha256, bulletin_id)
    draft = Alert(
        0,
        bulletin_id,
        record.sha256,
        record.file,
        record.duration_s,
        bulletin.title,
        None if chosen is None else tuple(chosen),
        "",
        now,
    )
    zone = schedule.network.zone
    today = now.astimezone(zone).date()
    days = [today, today + dt.timedelta(days=1)]
    slots = alert_plan.slot_times(schedule.network, schedule.campaigns, days)
    targets = tuple(alert_plan.targets(draft, schedule.network, slots))
    stored = {day: day == today or is_planned(runtime.engine, day) for day in days}
    return Preview(bulletin, record, draft.concerns(schedule.network.producer.id), targets, stored)


def raise_alert(
    runtime: Runtime, bulletin_id: str, *, stations: Sequence[str] | None, by: str
) -> Raised:
    """Record an alert for ``stations`` (None: all) and place it; Refused when the rule says no."""
    now = runtime.clock.now()
    schedule, chosen, bulletin, record = _checked(runtime, bulletin_id, stations, now)
    alert_id = record_alert(
        runtime.engine,
        bulletin_id=bulletin_id,
        render_sha256=record.sha256,
        file=record.file,
        duration_s=record.duration_s,
        title=bulletin.title,
        station_ids=chosen,
        raised_by=by,
        now=now,
        form=bulletin.form,
    )
    alert = next(a for a in alerts_raised(runtime.engine, now) if a.id == alert_id)
    where = where_label(alert, schedule.names)
    detail = f"#{alert_id} khẩn cấp, {audio_words(record, runtime.settings.zone)}: {where}"
    audit.log(runtime.engine, audit.Entry(now, by, "alert", bulletin_id, detail))
    if chosen is not None:
        emergency.limit_to(runtime, bulletin_id, chosen)  # a typed warning: these stations
    return _into_playlists(runtime, schedule, alert, bulletin, record, now=now)


def _checked(
    runtime: Runtime, bulletin_id: str, stations: Sequence[str] | None, now: dt.datetime
) -> tuple[Schedule, list[str] | None, Bulletin, RenderRecord]:
    schedule = runtime.schedule()
    chosen = None if stations is None else list(dict.fromkeys(stations))
    if chosen is not None:
        unknown = [s for s in chosen if schedule.station(s) is None]
        if unknown:
            raise Refused(
                "alert-unknown-station",
                f"no station {', '.join(unknown)} in the schedule",
                field="stations",
                stations=unknown,
            )
        if not chosen:
            raise Refused("alert-no-station", "an alert needs a station, or all", field="stations")
    bulletin = _bulletin(runtime, bulletin_id, today=now.date())
    record = runtime.renders().get(bulletin_id)
    if record is None:
        raise Refused("alert-no-audio", f"{bulletin_id} has no audio: render and approve it")
    return schedule, chosen, bulletin, record


def where_label(alert: Alert, names: dict[str, str]) -> str:
    """Which stations an alert concerns, in Vietnamese (the audit trail and the panel)."""
    if alert.station_ids is None:
        return "tất cả các đài"
    shown = [names.get(s, s) for s in alert.station_ids]
    if len(shown) > 3:
        return f"{', '.join(shown[:3])} và {len(shown) - 3} đài khác"
    return ", ".join(shown)


def _bulletin(runtime: Runtime, bulletin_id: str, *, today: dt.date) -> Bulletin:
    try:
        bulletin = runtime.library().get(bulletin_id)
    except KeyError:
        raise Refused(
            "alert-unknown-bulletin",
            f"no bulletin {bulletin_id} in the library",
            field="bulletin_id",
        ) from None
    if bulletin.kind is not Kind.BULLETIN:
        raise Refused(
            "alert-not-a-bulletin",
            f"{bulletin_id} is an opening or a closing, not a bulletin",
            field="bulletin_id",
        )
    if bulletin.retired:  # kept for history and evidence, chosen for nothing new
        raise Refused("alert-retired", f"{bulletin_id} is retired", field="bulletin_id")
    if not bulletin.is_valid_on(today):
        raise Refused(
            "alert-not-valid", f"{bulletin_id} is not valid on {today}", field="bulletin_id"
        )
    return bulletin


def _into_playlists(
    runtime: Runtime,
    schedule: Schedule,
    alert: Alert,
    bulletin: Bulletin,
    record: RenderRecord,
    *,
    now: dt.datetime,
) -> Raised:
    zone = schedule.network.zone
    today = now.astimezone(zone).date()
    days = [today, today + dt.timedelta(days=1)]
    slots = alert_plan.slot_times(schedule.network, schedule.campaigns, days)
    targets = alert_plan.targets(alert, schedule.network, slots)
    landing = sorted({p.slot.start.date() for p in targets if p.slot is not None})
    stored = {day: is_planned(runtime.engine, day) for day in landing}
    failure = None
    try:
        for day in landing:
            fresh = False
            if not stored[day] and day == today:
                airplan.plan_range(runtime, today, 1, by=alert.raised_by)
                stored[day] = fresh = True
            if not stored[day]:
                continue  # tomorrow, not planned yet: planning it places the alert
            _, changed = alert_plan.update_stored_plan(
                runtime.engine, day, schedule.network, schedule.campaigns, now=now
            )
            if changed or fresh:
                airplan.publish_playlists(runtime, day)
    except BroadcasterError as error:
        failure = error
    return Raised(alert, bulletin, record, schedule, tuple(targets), stored, failure)
