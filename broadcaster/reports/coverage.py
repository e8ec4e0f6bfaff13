"""Coverage of the 24 forms and per-commune evidence, from the airing log (pure).

Leadership asks one question of the log: has every commune aired every form, and
when? The rules the answer rests on live here, over plain data, so that the SQL
in :mod:`broadcaster.reports.queries` and these functions can be checked against
each other:

- A period is a run of local calendar days, both ends inclusive: an airing at
  23:30 on the last day counts although it is 16:30 UTC.
- A correction supersedes the entry it names (``corrects``); when several name
  the same entry, the latest stands and the earlier ones are superseded too.
  Superseded entries stay in the record but never count.
- An airing counts for a form when it is an ``aired`` entry with a start time,
  not superseded; it is placed in time by ``started_at``, as the planner's
  history does (:func:`broadcaster.airplan.service.history`). Listings place every
  entry by its start, else its scheduled time, else when it was recorded.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.library.bulletins import FORM_COUNT
from broadcaster.planning.campaigns import Campaign, active_campaign, slots_on
from broadcaster.planning.slots import local_datetime
from broadcaster.planning.stations import Station

FORMS = tuple(range(1, FORM_COUNT + 1))
FORMS_SET = frozenset(FORMS)
DEFAULT_DAYS = 28  # the period when no campaign is running
EARLIEST = dt.date(2000, 1, 1)  # dates outside these bounds are typing mistakes
LATEST = dt.date(2099, 12, 31)

# The one word per outcome, the same on the operator's buttons, badges, reports, CSV and
# refusals. "Không phát được" (not "Bỏ lỡ"): it is what the operator taps, and it states
# the fact (a power cut is not the operator "missing" anything).
OUTCOME_LABELS = {
    Outcome.AIRED: "Đã phát",
    Outcome.MISSED: "Không phát được",
    Outcome.FAILED: "Phát bị lỗi",
}
SOURCE_LABELS = {
    Source.PLAYOUT: "Máy phát tự động",
    Source.OPERATOR: "Cán bộ đài xác nhận",
    Source.API: "Hệ thống loa thông minh",
}


class PeriodError(ValueError):
    """A period the user typed cannot be read; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class Period:
    """Local calendar days ``first`` to ``last``, both inclusive, in ``zone``."""

    first: dt.date
    last: dt.date
    zone: dt.tzinfo

    @functools.cached_property
    def since(self) -> dt.datetime:
        return local_datetime(self.first, dt.time.min, self.zone)

    @functools.cached_property
    def until(self) -> dt.datetime:
        """Exclusive: local midnight after the last day."""
        return local_datetime(self.last + dt.timedelta(days=1), dt.time.min, self.zone)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __contains__(self, at: dt.datetime) -> bool:
        return self.since <= at < self.until


def default_period(today: dt.date, zone: dt.tzinfo, campaign: Campaign | None) -> Period:
    """The running campaign's goal window up to today (else the last 28 days).

    "Has every commune aired every form within the goal's N days?" is the
    question leadership asks; a standing campaign that began years ago would
    otherwise make the default span years.
    """
    if campaign is not None and campaign.start <= today:
        window_start = today - dt.timedelta(days=campaign.coverage.days - 1)
        return Period(max(campaign.start, window_start), today, zone)
    return Period(today - dt.timedelta(days=DEFAULT_DAYS - 1), today, zone)


def parse_period(raw_from: str | None, raw_to: str | None, default: Period) -> Period:
    """The period typed in the form; an empty field keeps the default's end."""
    first = parse_date(raw_from, "Từ ngày") if raw_from and raw_from.strip() else default.first
    last = parse_date(raw_to, "Đến ngày") if raw_to and raw_to.strip() else default.last
    if first > last:
        raise PeriodError(
            f"Ngày bắt đầu ({first:%d/%m/%Y}) sau ngày kết thúc ({last:%d/%m/%Y}). "
            "Vui lòng chọn lại khoảng thời gian."
        )
    return Period(first, last, default.zone)


def parse_date(raw: str, field: str) -> dt.date:
    """ISO (2026-11-30, what a date picker sends) or day/month/year (30/11/2026)."""
    text = raw.strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            value = dt.date(year, month, day)
        else:
            value = dt.date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            f"{field}: “{text[:40]}” không phải là ngày hợp lệ. "
            "Vui lòng nhập theo dạng ngày/tháng/năm, ví dụ 30/11/2026."
        ) from None
    if not EARLIEST <= value <= LATEST:
        raise PeriodError(
            f"{field}: ngày {value:%d/%m/%Y} nằm ngoài khoảng cho phép "
            f"({EARLIEST:%d/%m/%Y} – {LATEST:%d/%m/%Y})."
        )
    return value


# --- corrections ---------------------------------------------------------------


def supersessions(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Superseded entry id -> the id of the correction that stands instead.

    ``pairs`` are (entry id, id it corrects). A named entry is superseded by the
    latest correction naming it; earlier corrections of the same entry are
    superseded by that one as well (two operators corrected the same mistake).
    A correction of a correction supersedes it in turn.
    """
    by_target: dict[int, list[int]] = defaultdict(list)
    for entry_id, target in pairs:
        if target is not None and target != entry_id:
            by_target[target].append(entry_id)
    result = {}
    for target, corrections in by_target.items():
        latest = max(corrections)
        result[target] = latest
        for earlier in corrections:
            if earlier != latest:
                result[earlier] = latest
    return result


# --- what counts ---------------------------------------------------------------


def entry_time(airing: Airing) -> dt.datetime:
    """When an entry happened: its start, else its scheduled time, else its recording."""
    return airing.started_at or airing.scheduled_at or airing.recorded_at


def counts(airing: Airing, period: Period, superseded: Mapping[int, int]) -> bool:
    """Whether this entry is evidence that its form aired in the period."""
    return counts_fields(
        airing.id, airing.outcome, airing.form, airing.started_at, period, superseded
    )


def counts_fields(
    entry_id: int | None,
    outcome: str,
    form: int | None,
    started_at: dt.datetime | None,
    period: Period,
    superseded: Mapping[int, int],
) -> bool:
    """:func:`counts` over bare fields, for rows streamed without building an Airing."""
    return (
        outcome == Outcome.AIRED
        and started_at is not None
        and entry_id not in superseded
        and form in FORMS_SET
        and started_at in period
    )


@dataclass(frozen=True)
class Cell:
    """One station and one form in a period: how many airings counted, first and last."""

    count: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    @property
    def aired(self) -> bool:
        return self.count > 0

    def plus(self, at: dt.datetime) -> Cell:
        first = at if self.first is None or at < self.first else self.first
        last = at if self.last is None or at > self.last else self.last
        return Cell(self.count + 1, first, last)


EMPTY = Cell()


def coverage(
    entries: Iterable[Airing], period: Period, superseded: Mapping[int, int]
) -> dict[tuple[str, int], Cell]:
    """(station id, form) -> Cell, for every cell that has at least one counted airing."""
    cells: dict[tuple[str, int], Cell] = {}
    for airing in entries:
        if counts(airing, period, superseded):
            key = (airing.station_id, airing.form)
            cells[key] = cells.get(key, EMPTY).plus(airing.started_at)
    return cells


@dataclass(frozen=True)
class StationRow:
    """A row of the coverage matrix."""

    station_id: str
    name: str
    cells: tuple[Cell, ...]  # cells[form - 1]

    @property
    def covered(self) -> int:
        return sum(1 for cell in self.cells if cell.aired)

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(form for form, cell in zip(FORMS, self.cells, strict=True) if not cell.aired)


def matrix(
    stations: Iterable[tuple[str, str]], cells: Mapping[tuple[str, int], Cell]
) -> list[StationRow]:
    """Rows for (station id, name) in the order given; a cell never aired is EMPTY."""
    return [
        StationRow(sid, name, tuple(cells.get((sid, form), EMPTY) for form in FORMS))
        for sid, name in stations
    ]


# --- airings over time -----------------------------------------------------------


class Step(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def label(self) -> str:
        return {"day": "ngày", "week": "tuần", "month": "tháng"}[self.value]


DAILY_UP_TO = 62  # days; beyond that a bar per day is too thin to read
WEEKLY_UP_TO = 2 * 366


@dataclass(frozen=True)
class Bucket:
    """One bar of the chart: local days ``first`` to ``last`` (inclusive)."""

    first: dt.date
    last: dt.date
    count: int = 0

    def label(self, step: Step) -> str:
        if step is Step.DAY:
            return f"{self.first:%d/%m}"
        if step is Step.WEEK:
            return f"{self.first:%d/%m}–{self.last:%d/%m}"
        return f"{self.first:%m/%Y}"


def chart_step(period: Period) -> Step:
    if period.days <= DAILY_UP_TO:
        return Step.DAY
    return Step.WEEK if period.days <= WEEKLY_UP_TO else Step.MONTH


def buckets(period: Period) -> tuple[Step, list[Bucket]]:
    """Bars covering the period: per day, per week (Monday first) or per calendar month,
    the first and last clipped to the period."""
    step = chart_step(period)
    result = []
    day = period.first
    while day <= period.last:
        if step is Step.DAY:
            end = day
        elif step is Step.WEEK:
            end = day + dt.timedelta(days=6 - day.weekday())
        else:
            next_month = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            end = next_month - dt.timedelta(days=1)
        end = min(end, period.last)
        result.append(Bucket(day, end))
        day = end + dt.timedelta(days=1)
    return step, result


def bucket_bounds(bucket: Bucket, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    return (
        local_datetime(bucket.first, dt.time.min, zone),
        local_datetime(bucket.last + dt.timedelta(days=1), dt.time.min, zone),
    )


def count_into(
    bars: Sequence[Bucket], times: Iterable[dt.datetime], zone: dt.tzinfo, sign: int = 1
) -> list[Bucket]:
    """The bars with each time (aware) added to (or, with sign -1, taken from) its bar."""
    return tally(bars, ((at, sign) for at in times), zone)


def tally(
    bars: Sequence[Bucket], weighted: Iterable[tuple[dt.datetime, int]], zone: dt.tzinfo
) -> list[Bucket]:
    """The bars with each (aware time, count) added to the bar of its local day."""
    totals = [bar.count for bar in bars]
    index = {}
    for position, bar in enumerate(bars):
        day = bar.first
        while day <= bar.last:
            index[day] = position
            day += dt.timedelta(days=1)
    for at, weight in weighted:
        position = index.get(at.astimezone(zone).date())
        if position is not None:
            totals[position] += weight
    return [Bucket(bar.first, bar.last, total) for bar, total in zip(bars, totals, strict=True)]


# --- stations gone quiet ---------------------------------------------------------


@dataclass(frozen=True)
class Quiet:
    """A station with slots in the window that confirmed no airing in it."""

    station_id: str
    name: str
    expected: int  # slot starts in the window
    last_aired: dt.datetime | None = None


def _campaign_days(
    since: dt.datetime, until: dt.datetime, zone: dt.tzinfo, campaigns: Sequence[Campaign]
) -> list[tuple[dt.date, Campaign | None]]:
    first, last = since.astimezone(zone).date(), until.astimezone(zone).date()
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [(day, active_campaign(campaigns, day)) for day in days]


def _slot_starts(
    station: Station,
    since: dt.datetime,
    until: dt.datetime,
    zone: dt.tzinfo,
    days: Sequence[tuple[dt.date, Campaign | None]],
) -> int:
    return sum(
        1
        for day, campaign in days
        for slot in slots_on(station, day, campaign)
        if since <= local_datetime(day, slot.start, zone) < until
    )


def quiet_stations(
    stations: Iterable[Station],
    aired: set[str],
    since: dt.datetime,
    until: dt.datetime,
    zone: dt.tzinfo,
    campaigns: Sequence[Campaign],
) -> list[Quiet]:
    """Stations that were due to air in [since, until) and are not in ``aired``."""
    days = _campaign_days(since, until, zone, campaigns)
    known: dict[tuple, int] = {}  # most communes share the same slots: count once
    result = []
    for station in stations:
        if station.id in aired:
            continue
        peaks = tuple(bool(c and c.peak and c.peak.applies(day, station.id)) for day, c in days)
        key = (station.slots, peaks)
        if key not in known:
            known[key] = _slot_starts(station, since, until, zone, days)
        if known[key]:
            result.append(Quiet(station.id, station.name, known[key]))
    return result


# --- one commune's evidence ------------------------------------------------------


@dataclass(frozen=True)
class EvidenceLine:
    airing: Airing
    at: dt.datetime
    counted: bool
    superseded_by: int | None = None  # shown as such, never hidden


def evidence(
    entries: Iterable[Airing], period: Period, superseded: Mapping[int, int]
) -> list[EvidenceLine]:
    """Every entry placed in the period, in time order, with whether it counts."""
    lines = [
        EvidenceLine(
            airing,
            entry_time(airing),
            counts(airing, period, superseded),
            superseded.get(airing.id),
        )
        for airing in entries
        if entry_time(airing) in period
    ]
    return sorted(lines, key=lambda line: (line.at, line.airing.id or 0))


def form_summary(lines: Iterable[EvidenceLine]) -> dict[int, Cell]:
    """Form -> Cell over the counted lines; every form present, EMPTY when never aired."""
    summary = dict.fromkeys(FORMS, EMPTY)
    for line in lines:
        if line.counted:
            summary[line.airing.form] = summary[line.airing.form].plus(line.airing.started_at)
    return summary


# --- finding a station by name ---------------------------------------------------


def fold(text: str) -> str:
    """Lowercase without diacritics, so "co am" finds "Xã Cổ Am"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def search(stations: Iterable[Station], query: str) -> Iterator[Station]:
    """Stations whose name or id holds every word of the query (diacritics optional)."""
    words = fold(query).split()
    for station in stations:
        haystack = f"{fold(station.name)} {station.id}"
        if all(word in haystack for word in words):
            yield station
