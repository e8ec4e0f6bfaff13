"""One alert, one airing per station: which item a report about an alert settles.

A loudspeaker learns of an alert twice: at once from the station API's alerts, and
again as the first item of its next slot in its playlist
(:mod:`broadcaster.airplan.alerts`). Both carry the alert's id (the alerts' ``id``,
the playlist item's ``alert_id``), so a device that aired it at once skips it in the
playlist. The log says the same thing: a report about the alert, under its raise time
(aired at once) or under its plan item, is recorded against the plan item when the
station's stored plan has one. The plan item is then settled, and a second report of
the same alert is about the same item (a retry, or "already recorded"), never a
second airing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import Engine

from broadcaster.airplan import alerts as alert_plan
from broadcaster.airplan.store import StoredItem, load_plan
from broadcaster.alerts import Alert, alert_by_id


def planned_item(engine: Engine, alert: Alert, station_id: str, zone: dt.tzinfo):
    """The alert's item in the station's stored plan (the raise day or the next), or None."""
    raised = alert.raised_at.astimezone(zone).date()
    for day in (raised, raised + dt.timedelta(days=1)):
        for item in load_plan(engine, day, zone, station_id):
            if alert_plan.alert_id_of(item) == alert.id:
                return item
    return None


def settled_item(engine: Engine, item: StoredItem, zone: dt.tzinfo) -> StoredItem:
    """The item a report about ``item`` is recorded against.

    For an alert (aired at once, or its plan item): the plan item, which may be
    claimed from the moment the alert was raised (its slot then counts from the
    raise). The airing log's day check would refuse an airing on the day before its
    item, so an alert raised after a commune's last slot, planned into the next
    day, keeps its two identities.
    """
    alert_id = alert_plan.alert_id_of(item)
    alert = alert_by_id(engine, alert_id) if alert_id is not None else None
    if alert is None:
        return item
    planned = planned_item(engine, alert, item.station_id, zone)
    if planned is None:
        return item
    if planned.starts_at.astimezone(zone).date() != alert.raised_at.astimezone(zone).date():
        return item
    return dataclasses.replace(planned, slot_start=min(planned.slot_start, alert.raised_at))
