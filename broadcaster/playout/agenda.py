"""What the daemon should do, as pure functions of the plan, the time and the log.

Nothing here reads a clock, a database or a file: the daemon passes ``now`` in,
so every rule (which slots to schedule, which items are due, when an item is
missed, when it is late) is tested with plain tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from broadcaster.airlog import ON_TIME_S
from broadcaster.airplan.store import StoredItem
from broadcaster.alerts import Alert

Key = tuple[str, dt.datetime]  # (station, scheduled time): one planned airing


@dataclass(frozen=True)
class Cue:
    """One thing to put on air: a planned item or an emergency alert."""

    station_id: str
    scheduled_at: dt.datetime  # aware; an alert's raise time
    bulletin_id: str
    render_sha256: str
    file: str  # in the renders folder
    duration_s: float
    form: int | None = None
    title: str = ""
    day: dt.date | None = None  # the plan's day; None for an alert
    alert_id: int | None = None
    retry_of: tuple[int, ...] = ()  # airing ids of this item's interrupted attempts

    @property
    def key(self) -> Key:
        return (self.station_id, self.scheduled_at)

    @property
    def emergency(self) -> bool:
        return self.alert_id is not None

    @property
    def label(self) -> str:
        kind = f"alert #{self.alert_id}" if self.emergency else "item"
        return f"{kind} {self.bulletin_id} @ {self.scheduled_at.isoformat(timespec='seconds')}"

    def retried(self, airing_id: int) -> Cue:
        return dataclasses.replace(self, retry_of=(*self.retry_of, airing_id))

    @classmethod
    def of_item(cls, item: StoredItem) -> Cue:
        return cls(
            station_id=item.station_id,
            scheduled_at=item.starts_at,
            bulletin_id=item.bulletin_id,
            render_sha256=item.render_sha256,
            file=item.file,
            duration_s=item.duration_s,
            form=item.form,
            title=item.title,
            day=item.day,
        )

    @classmethod
    def of_alert(cls, alert: Alert, station_id: str) -> Cue:
        return cls(
            station_id=station_id,
            scheduled_at=alert.raised_at,
            bulletin_id=alert.bulletin_id,
            render_sha256=alert.render_sha256,
            file=alert.file,
            duration_s=alert.duration_s,
            form=alert.form,
            title=alert.title,
            alert_id=alert.id,
        )


def local_day(now: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The stations' date at ``now``; the process's TZ plays no part."""
    return now.astimezone(zone).date()


def clock_label(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M:%S")


def future_slots(items: Iterable[StoredItem], now: dt.datetime) -> list[dt.datetime]:
    """Slot starts still ahead: each gets a scheduler job."""
    return sorted({item.slot_start for item in items if item.slot_start > now})


def started(items: Iterable[StoredItem], now: dt.datetime) -> list[StoredItem]:
    """Items of every slot that has begun, in airing order: cued now, aired or accounted for."""
    return sorted(
        (item for item in items if item.slot_start <= now),
        key=lambda item: (item.starts_at, item.position),
    )


def missed_reason(
    cue: Cue, now: dt.datetime, *, grace_s: float, running_since: dt.datetime, zone: dt.tzinfo
) -> str | None:
    """Why ``cue`` may no longer start at ``now``; None if it may.

    One rule for every cause: nothing starts more than ``grace_s`` after its time,
    whether the daemon was down (a restart) or busy (an overrunning slot, alerts).
    """
    if (now - cue.scheduled_at).total_seconds() <= grace_s:
        return None
    at = clock_label(cue.scheduled_at, zone)
    if cue.scheduled_at < running_since:
        return f"daemon was not running at {at}"
    return f"playout busy: could not start within {grace_s:g} s of {at}"


def is_late(scheduled_at: dt.datetime, started_at: dt.datetime) -> bool:
    return (started_at - scheduled_at).total_seconds() > ON_TIME_S


def aired_reason(
    cue: Cue,
    started_at: dt.datetime,
    *,
    running_since: dt.datetime,
    zone: dt.tzinfo,
    previous_end: dt.datetime | None = None,
) -> str:
    """The note an aired entry carries: why it was late, or what it replays.

    ``previous_end`` is when the item before it left the air, if it delayed this one.
    """
    notes = []
    if cue.emergency:
        notes.append(f"emergency alert #{cue.alert_id}")
    if cue.retry_of:
        notes.append(f"replay of interrupted airing #{cue.retry_of[-1]}")
    if is_late(cue.scheduled_at, started_at) and not cue.retry_of:  # a replay says why
        if cue.scheduled_at < running_since:
            notes.append(
                f"daemon was not running at {clock_label(cue.scheduled_at, zone)}: played late"
            )
        elif previous_end is not None and previous_end > cue.scheduled_at:
            notes.append(
                f"waited for the item before it, on air until {clock_label(previous_end, zone)}"
            )
        else:
            notes.append(f"started late (planned {clock_label(cue.scheduled_at, zone)})")
    return "; ".join(notes)


def slot_job_id(slot_start: dt.datetime) -> str:
    """A stable id: rescheduling the same slot replaces its job instead of adding one."""
    return "slot " + slot_start.astimezone(dt.UTC).isoformat()
