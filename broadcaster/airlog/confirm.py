"""Confirming an airing: the one rule for every door (the panel, the API, the CLI).

A commune operator's "Đã phát", a smart-loudspeaker platform's POST and a
correction all come here and get the same answer. What an entry must satisfy:

- It may be recorded until ``CONFIRM_DAYS`` after the item's scheduled time;
  after that the item's record is closed (an entry written weeks later is weak
  evidence, and the period's reports have been drawn).
- ``aired`` and ``failed`` are claimed only once the item's slot has started
  (``CLOCK_SKEW`` allowed), and ``aired`` needs a start time: never in the future,
  never more than ``EARLY_START`` before the slot (a session started a little
  early), never more than ``CONFIRM_DAYS`` after the scheduled time; an end time,
  if given, is after the start and not in the future.
- ``missed`` has no start or end, and only once the item's time has passed.
- ``failed`` and ``missed`` need a reason; so does a correction.
- One item, one standing entry: a second entry must be a correction naming the
  latest standing one. The same request twice (a double tap, a platform's retry)
  returns the first entry instead of writing another.

Refusals carry a code and the field they concern; the panel and the API turn the
code into Vietnamese. Each entry written is also in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine

from broadcaster import airlog, audit
from broadcaster.airlog import ON_TIME_S, Airing, Outcome, Source
from broadcaster.airplan.store import StoredItem
from broadcaster.errors import Refused
from broadcaster.reports.coverage import OUTCOME_LABELS, supersessions

CONFIRM_DAYS = 7
CLOCK_SKEW = dt.timedelta(minutes=2)  # a platform's clock, or a minute typed a bit early
EARLY_START = dt.timedelta(minutes=15)  # a session may start this much before its slot
MAX_REASON = 500

_append_lock = threading.Lock()


@dataclass(frozen=True)
class Claim:
    """What a door says happened to one planned item, already parsed."""

    outcome: Outcome
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    reason: str = ""
    corrects: int | None = None  # the entry this one corrects


@dataclass(frozen=True)
class ItemLog:
    """What the airing log holds for one planned item, corrections resolved."""

    entries: tuple[Airing, ...]  # oldest first, superseded ones included
    superseded: dict[int, int] = field(default_factory=dict)  # entry id -> correction id

    @property
    def standing(self) -> list[Airing]:
        return [a for a in self.entries if a.id not in self.superseded]

    @property
    def latest(self) -> Airing | None:
        standing = self.standing
        return standing[-1] if standing else None


def item_log(entries: list[Airing]) -> ItemLog:
    return ItemLog(tuple(entries), supersessions((a.id, a.corrects) for a in entries))


@dataclass(frozen=True)
class Recorded:
    entry: Airing  # with its id
    created: bool  # False: the same request was already recorded


def confirm(
    engine: Engine,
    item: StoredItem,
    claim: Claim,
    *,
    source: Source,
    by: str,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> Recorded:
    """Record ``claim`` about ``item`` if it can be true; Refused (with a code) if not."""
    airing = entry_for(item, claim, source=source, by=by, now=now, zone=zone)
    with _append_lock:  # the database serialises processes; this, one process's threads
        entry_id, created = airlog.record_unless(
            engine, airing, lambda logged: _same(airing, [e for e in logged if is_about(e, item)])
        )
    entry = Airing(**{**airing.__dict__, "id": entry_id})
    if created:
        action = "correct" if claim.corrects else "confirm"
        # "bản tin 03" is the item's place in the day (as printed and in the file
        # names); only the log entry is "mục số", as in the reports and the CSV.
        named = f"“{item.title}”" if item.title else item.bulletin_id
        detail = f"{item.day:%d/%m/%Y} bản tin {item.position:02d} {named}: "
        detail += said(entry, zone)
        if claim.corrects:
            detail += f"; đính chính mục số {claim.corrects}"
        audit.log(engine, audit.Entry(now, by, action, target=item.station_id, detail=detail))
    return Recorded(entry, created)


def entry_for(
    item: StoredItem,
    claim: Claim,
    *,
    source: Source,
    by: str,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> Airing:
    """The entry ``claim`` asks for, checked against the clock (pure)."""
    check_open(item.starts_at, now)
    reason = clean_reason(claim.reason)
    started, ended = claim.started_at, claim.ended_at
    if claim.outcome is Outcome.MISSED:
        if started is not None or ended is not None:
            raise Refused(
                "missed-with-times",
                "a missed item has no start or end time",
                field="started_at" if started else "ended_at",
            )
        if now + CLOCK_SKEW < item.starts_at:
            raise Refused(
                "missed-too-early",
                "an item is missed only once its time has passed",
                field="outcome",
                scheduled_at=item.starts_at,
            )
    elif now + CLOCK_SKEW < item.slot_start:
        raise Refused(
            "before-slot",
            f"the slot of this item starts at {item.slot_start.isoformat()}: nothing aired yet",
            field="outcome",
            slot_start=item.slot_start,
        )
    if ended is not None and started is None:
        raise Refused("end-without-start", "an end time needs a start time", field="started_at")
    if claim.outcome is Outcome.AIRED and started is None:
        raise Refused("start-required", "an aired item needs its start time", field="started_at")
    if started is not None:
        check_times(item.starts_at, started, ended, now=now, zone=zone)
        if started < item.slot_start - EARLY_START:
            raise Refused(
                "start-before-slot",
                f"start {started.isoformat()} is before the slot of this item",
                field="started_at",
                started_at=started,
                slot_start=item.slot_start,
            )
    if claim.outcome is not Outcome.AIRED and not reason:
        raise Refused(
            "reason-required",
            f"say why the item was {claim.outcome.value}",
            field="reason",
            outcome=claim.outcome,
        )
    if claim.corrects is not None and not reason:
        raise Refused("correction-reason-required", "say why it is corrected", field="reason")
    return Airing(
        station_id=item.station_id,
        bulletin_id=item.bulletin_id,
        render_sha256=item.render_sha256,
        outcome=claim.outcome,
        source=source,
        recorded_by=by,
        recorded_at=now,
        form=item.form,
        scheduled_at=item.starts_at,
        started_at=started,
        ended_at=ended,
        late=claim.outcome is Outcome.AIRED and is_late(item.starts_at, started),
        reason=reason,
        corrects=claim.corrects,
    )


def is_late(scheduled_at: dt.datetime, started_at: dt.datetime | None) -> bool:
    """More than ON_TIME_S after the plan, and in a later minute: operators type only
    minutes, so 06:31 for an item planned at 06:30:55 is on time, as it would be from
    a platform that sends seconds."""
    if started_at is None:
        return False
    minute = dt.timedelta(minutes=1)
    floor = dt.datetime.min.replace(tzinfo=dt.UTC)
    later_minute = (started_at - floor) // minute > (scheduled_at - floor) // minute
    return later_minute and (started_at - scheduled_at).total_seconds() > ON_TIME_S


def check_open(scheduled_at: dt.datetime, now: dt.datetime) -> None:
    if now > scheduled_at + dt.timedelta(days=CONFIRM_DAYS):
        raise Refused(
            "closed",
            f"the record of this item closed {CONFIRM_DAYS} days after its scheduled time",
            field="scheduled_at",
            scheduled_at=scheduled_at,
            days=CONFIRM_DAYS,
        )


def check_times(
    scheduled_at: dt.datetime,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    *,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> None:
    local = scheduled_at.astimezone(zone)
    day_start = dt.datetime.combine(local.date(), dt.time.min, tzinfo=zone)
    if started_at > now + CLOCK_SKEW:
        raise Refused(
            "start-in-future",
            f"start {started_at.isoformat()} is in the future",
            field="started_at",
            started_at=started_at,
            now=now,
        )
    if started_at < day_start:
        raise Refused(
            "start-before-day",
            f"start {started_at.isoformat()} is before the item's day",
            field="started_at",
            started_at=started_at,
            day=local.date(),
        )
    if started_at > scheduled_at + dt.timedelta(days=CONFIRM_DAYS):
        raise Refused(
            "start-too-late",
            f"start {started_at.isoformat()} is more than {CONFIRM_DAYS} days after the plan",
            field="started_at",
            started_at=started_at,
            scheduled_at=scheduled_at,
            days=CONFIRM_DAYS,
        )
    if ended_at is not None:
        if ended_at < started_at:
            raise Refused("end-before-start", "the end is before the start", field="ended_at")
        if ended_at > now + CLOCK_SKEW:
            raise Refused(
                "end-in-future", "the end is in the future", field="ended_at", ended_at=ended_at
            )


def clean_reason(text: str | None) -> str:
    reason = " ".join((text or "").split())
    if len(reason) > MAX_REASON:
        raise Refused(
            "reason-too-long",
            f"the reason is longer than {MAX_REASON} characters",
            field="reason",
            limit=MAX_REASON,
        )
    return reason


def is_about(entry: Airing, item: StoredItem) -> bool:
    """The entry is about this very item, not another bulletin planned at the same time."""
    return (entry.bulletin_id, entry.render_sha256) == (item.bulletin_id, item.render_sha256)


def logged_for_item(engine: Engine, item: StoredItem) -> list[Airing]:
    """The entries about ``item``: its time, and its bulletin and audio, so that an entry
    never attaches to another bulletin a re-plan put at the same time."""
    logged = airlog.logged_for(engine, item.station_id, item.starts_at)
    return [entry for entry in logged if is_about(entry, item)]


def _same(airing: Airing, logged: list[Airing]) -> Airing | None:
    """Under the append lock: the same request reuses its entry; one item, one standing entry."""
    for earlier in logged:
        if (
            earlier.recorded_by == airing.recorded_by
            and earlier.outcome is airing.outcome
            and earlier.started_at == airing.started_at
            and earlier.reason == airing.reason
            and earlier.corrects == airing.corrects
        ):
            return earlier
    resolved = item_log(logged)
    if airing.corrects is None:
        latest = resolved.latest
        if latest is not None:
            raise Refused(
                "already-recorded",
                f"this item is already recorded (entry {latest.id}, {latest.outcome.value}): "
                "correct that entry instead",
                entry=latest.id,
                outcome=latest.outcome,
            )
        return None
    if airing.corrects not in {entry.id for entry in logged}:
        raise Refused(
            "correction-unknown", "the corrected entry is not this item's", field="corrects"
        )
    if airing.corrects in resolved.superseded:
        raise Refused(
            "correction-stale",
            f"entry {airing.corrects} was corrected already: correct the latest one",
            field="corrects",
            entry=airing.corrects,
            by=resolved.superseded[airing.corrects],
        )
    return None


def said(entry: Airing, zone: dt.tzinfo) -> str:
    """The entry in a few Vietnamese words, for the audit trail and the operator's notice."""
    if entry.outcome is Outcome.AIRED and entry.started_at is not None:
        return f"đã phát lúc {entry.started_at.astimezone(zone):%H:%M %d/%m/%Y}"
    return f"{OUTCOME_LABELS[entry.outcome].lower()} ({entry.reason})"
