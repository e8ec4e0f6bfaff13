"""Confirming airings: what an operator's or a platform's entry must satisfy, and the append.

The rules are the same for the panel and the API; the messages are Vietnamese and
name the field, so the API can return them as they are.

- An entry may be recorded until ``CONFIRM_DAYS`` after the item's scheduled time;
  after that the item's record is closed: an entry written weeks later is weak
  evidence, and the period's reports have been drawn.
- An item is missed only once its time has passed.
- A start time is never in the future (a little clock skew allowed), never before
  the item's day, never more than ``CONFIRM_DAYS`` after the scheduled time.
- The append and the look for an earlier entry happen under one lock, so a double
  tap or a platform's retry cannot write the same entry twice.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping

from broadcaster import airlog
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.coverage_report import OUTCOME_LABELS
from broadcaster.planstore import StoredItem
from web.station_day import item_log as resolve

CONFIRM_DAYS = 7
CLOCK_SKEW = dt.timedelta(minutes=2)  # a platform's clock, or a minute typed a bit early
MAX_REASON = 500
OUTCOMES = {outcome.value: outcome for outcome in Outcome}

_append_lock = threading.Lock()


class Refused(ValueError):
    """An entry that cannot be recorded; ``message`` is for the user, ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def when(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return f"{moment.astimezone(zone):%H:%M ngày %d/%m/%Y}"


def check_open(scheduled_at: dt.datetime, now: dt.datetime, zone: dt.tzinfo) -> None:
    if now > scheduled_at + dt.timedelta(days=CONFIRM_DAYS):
        raise Refused(
            f"Đã quá {CONFIRM_DAYS} ngày kể từ giờ phát theo lịch ({when(scheduled_at, zone)}): "
            "không thể ghi nhận thêm cho bản tin này.",
            "scheduled_at",
            status=422,
        )


def check_missed(scheduled_at: dt.datetime, now: dt.datetime, zone: dt.tzinfo) -> None:
    """An item is missed once its time has passed, not before."""
    if now + CLOCK_SKEW < scheduled_at:
        raise Refused(
            f"Chưa đến giờ phát của bản tin này ({when(scheduled_at, zone)}): chỉ ghi “bỏ lỡ” "
            "sau giờ phát.",
            "outcome",
            status=422,
        )


def check_times(
    *,
    scheduled_at: dt.datetime,
    started_at: dt.datetime,
    ended_at: dt.datetime | None = None,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> None:
    local = scheduled_at.astimezone(zone)
    day_start = dt.datetime.combine(local.date(), dt.time.min, tzinfo=zone)
    latest = scheduled_at + dt.timedelta(days=CONFIRM_DAYS)
    if started_at > now + CLOCK_SKEW:
        raise Refused(
            f"Giờ phát {when(started_at, zone)} là thời điểm trong tương lai "
            f"(bây giờ là {when(now, zone)}).",
            "started_at",
        )
    if started_at < day_start:
        raise Refused(
            f"Giờ phát {when(started_at, zone)} trước ngày của bản tin ({local:%d/%m/%Y}).",
            "started_at",
        )
    if started_at > latest:
        raise Refused(
            f"Giờ phát {when(started_at, zone)} muộn hơn {CONFIRM_DAYS} ngày sau giờ theo lịch "
            f"({when(scheduled_at, zone)}).",
            "started_at",
        )
    if ended_at is not None:
        if ended_at < started_at:
            raise Refused("Giờ kết thúc trước giờ bắt đầu phát.", "ended_at")
        if ended_at > now + CLOCK_SKEW:
            raise Refused(
                f"Giờ kết thúc {when(ended_at, zone)} là thời điểm trong tương lai.", "ended_at"
            )


def clean_reason(text: str | None, field: str = "reason") -> str:
    reason = " ".join((text or "").split())
    if len(reason) > MAX_REASON:
        raise Refused(f"Lý do dài quá {MAX_REASON} ký tự.", field)
    return reason


def append(
    engine, airing: Airing, check: Callable[[list[Airing]], Airing | None]
) -> tuple[int, bool]:
    """Record ``airing`` unless ``check`` (given the item's log) returns an entry to reuse.

    ``check`` may raise :class:`Refused`. Returns (entry id, True when newly written).
    The database serialises the read and the write across processes; the lock
    does it between this process's threads on databases that cannot.
    """
    with _append_lock:
        return airlog.record_unless(engine, airing, check)


# ---------------------------------------------------------------- an operator's form


def operator_entry(
    item: StoredItem, form: Mapping[str, str], *, by: str, now: dt.datetime, zone: dt.tzinfo
) -> Airing:
    """The entry an operator's form asks for, or Refused with the reason in Vietnamese.

    ``form`` holds ``outcome``, ``started_at`` (a wall-clock ``2026-11-30T06:31`` in
    ``zone``, for an aired item), ``reason`` and ``corrects`` (an entry id, or empty).
    """
    outcome = OUTCOMES.get(form["outcome"])
    if outcome is None:
        raise Refused("Hãy chọn kết quả: đã phát hay không phát được.", "outcome")
    corrects = None
    if form["corrects"]:
        if not form["corrects"].isdigit():
            raise Refused("Mục cần đính chính không hợp lệ.", "corrects")
        corrects = int(form["corrects"])
    check_open(item.starts_at, now, zone)
    reason = clean_reason(form["reason"])
    started, late = None, False
    if outcome is Outcome.AIRED:
        started = local_time(form["started_at"], zone)
        check_times(scheduled_at=item.starts_at, started_at=started, now=now, zone=zone)
        # minutes are all an operator types: late when the minute is later than planned
        late = started.replace(second=0, microsecond=0) > item.starts_at.replace(
            second=0, microsecond=0
        )
    elif not reason:
        raise Refused("Hãy ghi lý do không phát được.", "reason")
    if outcome is Outcome.MISSED:
        check_missed(item.starts_at, now, zone)
    if corrects is not None and not reason:
        raise Refused("Hãy ghi lý do đính chính.", "reason")
    return Airing(
        station_id=item.station_id,
        bulletin_id=item.bulletin_id,
        render_sha256=item.render_sha256,
        outcome=outcome,
        source=Source.OPERATOR,
        recorded_by=by,
        recorded_at=now,
        form=item.form,
        scheduled_at=item.starts_at,
        started_at=started,
        late=late,
        reason=reason,
        corrects=corrects,
    )


def local_time(text: str, zone: dt.tzinfo) -> dt.datetime:
    """``2026-11-30T06:31`` (an <input type="datetime-local">), a wall-clock time in ``zone``."""
    text = text.strip()
    if not text:
        raise Refused("Hãy nhập giờ phát.", "started_at")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Refused("Giờ phát không hợp lệ; hãy chọn lại ngày và giờ.", "started_at") from None
    if moment.tzinfo is not None:
        return moment.astimezone(zone)
    return moment.replace(tzinfo=zone)


def operator_check(airing: Airing, logged: list[Airing]) -> Airing | None:
    """Under the append lock: a double tap reuses its entry; one item, one standing entry."""
    for earlier in logged:
        if (
            earlier.recorded_by == airing.recorded_by
            and earlier.outcome is airing.outcome
            and earlier.started_at == airing.started_at
            and earlier.reason == airing.reason
            and earlier.corrects == airing.corrects
        ):
            return earlier
    item_log = resolve(logged)
    if airing.corrects is None:
        latest = item_log.latest
        if latest is not None:
            raise Refused(
                f"Bản tin này đã được ghi nhận (mục số {latest.id}: "
                f"{OUTCOME_LABELS[latest.outcome].lower()}). Nếu chưa đúng, hãy bấm "
                "“Đính chính” ở mục đó.",
                status=409,
            )
        return None
    if airing.corrects not in {entry.id for entry in logged}:
        raise Refused("Mục cần đính chính không thuộc bản tin này.", "corrects", status=422)
    if airing.corrects in item_log.superseded:
        raise Refused(
            f"Mục số {airing.corrects} đã được đính chính bởi mục số "
            f"{item_log.superseded[airing.corrects]}; hãy đính chính mục mới nhất.",
            "corrects",
            status=409,
        )
    return None


def said(airing: Airing, zone: dt.tzinfo) -> str:
    if airing.outcome is Outcome.AIRED:
        return f"đã phát lúc {airing.started_at.astimezone(zone):%H:%M %d/%m/%Y}"
    return f"{OUTCOME_LABELS[airing.outcome].lower()} ({airing.reason})"
