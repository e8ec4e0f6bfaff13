"""Withdrawing an emergency alert: the one rule for the panel and the CLI.

A withdrawal is recorded beside the alert (``alert_withdrawals``; the alert row is
evidence and stays as raised) and audited. From then on the playout daemon no longer
cues it, the station API no longer offers it, and the plans keep it only where it
aired already: :mod:`broadcaster.airplan.alerts` places a withdrawn alert only in
slots that started before the withdrawal, so the days it may land on are placed
again and their playlists published again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from broadcaster import audit
from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.alerts import Alert, alert_by_id, stated_reason
from broadcaster.db.schema import alert_withdrawals
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.runtime import Runtime


@dataclass(frozen=True)
class Withdrawn:
    alert: Alert  # as it is now: withdrawn_at set
    republished: tuple[dt.date, ...]  # days whose stored plan lost the alert
    publish_error: BroadcasterError | None = None  # recorded, playlists not yet written


def withdraw_alert(
    runtime: Runtime, alert_id: int, *, by: str, reason: str, now: dt.datetime | None = None
) -> Withdrawn:
    """Take alert ``alert_id`` off the air wherever it has not aired yet."""
    now = now or runtime.clock.now()
    alert = alert_by_id(runtime.engine, alert_id)
    if alert is None:
        raise Refused("alert-unknown", f"no alert #{alert_id}", field="alert_id", alert_id=alert_id)
    if alert.withdrawn_at is not None:
        raise _already(alert)
    reason = stated_reason(
        reason, code="alert-withdraw-reason", missing="say why the alert is withdrawn"
    )
    try:
        with runtime.engine.begin() as connection:
            connection.execute(
                alert_withdrawals.insert().values(
                    alert_id=alert_id, withdrawn_by=by, withdrawn_at=now, reason=reason
                )
            )
    except IntegrityError:  # withdrawn meanwhile, through another door
        raise _already(alert_by_id(runtime.engine, alert_id) or alert) from None
    detail = f"#{alert_id} thu hồi thông báo khẩn cấp: {reason}"
    audit.log(runtime.engine, audit.Entry(now, by, "alert_withdraw", alert.bulletin_id, detail))
    withdrawn = alert_by_id(runtime.engine, alert_id) or alert
    return _out_of_plans(runtime, withdrawn, now=now)


def _already(alert: Alert) -> Refused:
    return Refused(
        "alert-already-withdrawn",
        f"alert #{alert.id} was withdrawn at {alert.withdrawn_at}",
        alert_id=alert.id,
        withdrawn_at=alert.withdrawn_at,
    )


def _out_of_plans(runtime: Runtime, alert: Alert, *, now: dt.datetime) -> Withdrawn:
    """Place the days the alert may land on again; publish those that changed."""
    schedule = runtime.schedule()
    zone = schedule.network.zone
    first = alert.raised_at.astimezone(zone).date()
    days = [first + dt.timedelta(days=i) for i in range(alert_plan.ALERT_REACH.days + 1)]
    changed_days = []
    failure = None
    try:
        for day in days:
            if not load_plan(runtime.engine, day, zone):
                continue  # planning that day will leave the alert out
            _, changed = alert_plan.update_stored_plan(
                runtime.engine, day, schedule.network, schedule.campaigns, now=now
            )
            if changed:
                changed_days.append(day)
                airplan.publish_playlists(runtime, day)
    except BroadcasterError as error:
        failure = error
    return Withdrawn(alert, tuple(changed_days), failure)
