"""The airing rule itself, door-free: what a claim about a planned item must satisfy."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster.airlog import Outcome, Source
from broadcaster.airlog.confirm import Claim, check_open, check_times, entry_for, is_late
from broadcaster.airplan.store import StoredItem
from broadcaster.errors import Refused

ZONE = dt.timezone(dt.timedelta(hours=7))
SCHEDULED = dt.datetime(2026, 11, 23, 17, 30, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("started", "now", "refused"),
    [
        (SCHEDULED, SCHEDULED + dt.timedelta(minutes=5), None),
        (SCHEDULED + dt.timedelta(minutes=1), SCHEDULED, None),  # clock skew allowed
        (SCHEDULED + dt.timedelta(minutes=10), SCHEDULED, "start-in-future"),
        (
            SCHEDULED.replace(hour=0, minute=0) - dt.timedelta(minutes=1),
            SCHEDULED,
            "start-before-day",
        ),
        (SCHEDULED + dt.timedelta(days=7), SCHEDULED + dt.timedelta(days=7), None),
        (
            SCHEDULED + dt.timedelta(days=7, minutes=1),
            SCHEDULED + dt.timedelta(days=8),
            "start-too-late",
        ),
    ],
)
def test_start_time_rules(started, now, refused):
    if refused is None:
        check_times(SCHEDULED, started, None, now=now, zone=ZONE)
    else:
        with pytest.raises(Refused) as caught:
            check_times(SCHEDULED, started, None, now=now, zone=ZONE)
        assert (caught.value.code, caught.value.field) == (refused, "started_at")


def test_the_record_closes_seven_days_after_the_item():
    check_open(SCHEDULED, SCHEDULED + dt.timedelta(days=7))
    with pytest.raises(Refused) as caught:
        check_open(SCHEDULED, SCHEDULED + dt.timedelta(days=7, seconds=1))
    assert caught.value.code == "closed" and caught.value.params["days"] == 7


@pytest.mark.parametrize(
    ("scheduled", "started", "late"),
    [
        ("06:30:00", "06:30:00", False),
        ("06:30:55", "06:31:00", False),  # an operator types minutes: on time
        ("06:32:13", "06:33:00", True),  # the minute after, 47 s late
        ("06:30:00", "06:30:09", False),  # a platform's seconds within ON_TIME_S
        ("06:30:00", "06:31:30", True),
    ],
)
def test_late_is_one_rule_for_typed_minutes_and_sent_seconds(scheduled, started, late):
    def at(text: str) -> dt.datetime:
        return dt.datetime.combine(SCHEDULED.date(), dt.time.fromisoformat(text), ZONE)

    assert is_late(at(scheduled), at(started)) is late


SLOT = dt.datetime(2026, 11, 30, 17, 30, tzinfo=ZONE)
EVENING_ITEM = StoredItem(
    day=SLOT.date(),
    station_id="co-am",
    slot_start=SLOT,
    position=6,
    starts_at=SLOT + dt.timedelta(seconds=40),
    bulletin_id="f07",
    render_sha256="7" * 64,
    file="f07.mp3",
    duration_s=90.0,
    priority="thuong",
    reason="rotation",
)


def at(hhmm: str) -> dt.datetime:
    return dt.datetime.combine(SLOT.date(), dt.time.fromisoformat(hhmm), ZONE)


@pytest.mark.parametrize(
    ("now", "outcome", "started", "refused"),
    [
        # claimed hours before the slot: nothing can have aired (or failed) yet
        ("08:00", Outcome.AIRED, "07:55", "before-slot"),
        ("08:00", Outcome.FAILED, None, "before-slot"),
        ("08:00", Outcome.MISSED, None, "missed-too-early"),
        ("17:29", Outcome.AIRED, "17:29", None),  # within the clock skew of the slot
        ("17:31", Outcome.FAILED, None, None),
        # a session started a little early is fine; hours early is another airing
        ("18:00", Outcome.AIRED, "17:20", None),
        ("18:00", Outcome.AIRED, "16:00", "start-before-slot"),
    ],
)
def test_nothing_is_claimed_aired_or_failed_before_its_slot(now, outcome, started, refused):
    claim = Claim(outcome, at(started) if started else None, reason="mất điện")
    if refused is None:
        entry = entry_for(
            EVENING_ITEM, claim, source=Source.OPERATOR, by="op", now=at(now), zone=ZONE
        )
        assert entry.outcome is outcome
        return
    with pytest.raises(Refused) as caught:
        entry_for(EVENING_ITEM, claim, source=Source.OPERATOR, by="op", now=at(now), zone=ZONE)
    assert caught.value.code == refused


def test_an_entry_about_another_bulletin_at_the_same_time_is_not_this_items(tmp_path):
    """A re-plan that put another bulletin at a logged time: the old entry stays the old
    bulletin's; the new item is confirmed on its own, and cannot 'correct' the old one."""
    from broadcaster import airlog, db
    from broadcaster.airlog.confirm import confirm

    engine = db.connect(f"sqlite:///{tmp_path / 'log.db'}")
    now = SLOT + dt.timedelta(hours=1)
    old = airlog.record(
        engine,
        airlog.Airing(
            station_id="co-am",
            bulletin_id="f14",
            render_sha256="e" * 64,
            outcome=Outcome.AIRED,
            source=Source.OPERATOR,
            recorded_by="op",
            recorded_at=now,
            scheduled_at=EVENING_ITEM.starts_at,
            started_at=EVENING_ITEM.starts_at,
        ),
    )
    aired = Claim(Outcome.AIRED, EVENING_ITEM.starts_at)
    recorded = confirm(
        engine, EVENING_ITEM, aired, source=Source.OPERATOR, by="op", now=now, zone=ZONE
    )
    assert recorded.created and recorded.entry.bulletin_id == "f07"
    with pytest.raises(Refused) as caught:
        confirm(
            engine,
            EVENING_ITEM,
            Claim(Outcome.FAILED, reason="sai", corrects=old),
            source=Source.OPERATOR,
            by="op",
            now=now,
            zone=ZONE,
        )
    assert caught.value.code == "correction-unknown"
