"""What the reports area reads besides the log: stations, campaigns, titles; and its query args.

Reading the stations file of 3,321 communes and the library takes over a second,
so the parsed result is kept per app and read again only when one of the files
changes (their size and modification time are the key).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from flask import request

from broadcaster.planning.campaigns import active_campaign
from broadcaster.reports.coverage import (
    Bucket,
    Period,
    PeriodError,
    Step,
    default_period,
    parse_period,
)
from broadcaster.runtime import Schedule
from web import fields
from web.context import now, runtime

PAGE_SIZE = 50  # matrix rows per page
QUIET_DAYS = 3
MAX_QUIET_DAYS = 60
MAX_QUERY = 100  # characters of a station search


class BadArgument(Exception):
    """A query argument the user can fix; the message is shown as is (Vietnamese)."""


def schedule() -> Schedule:
    """The network, campaigns and titles; parsed again only when a file changed."""
    return runtime().schedule()


def today(sched: Schedule) -> dt.date:
    return now().astimezone(sched.network.zone).date()


def period(sched: Schedule) -> Period:
    """From the ``from`` and ``to`` arguments; missing ones take the default."""
    day = today(sched)
    default = default_period(day, sched.network.zone, active_campaign(sched.campaigns, day))
    try:
        first, last = (fields.slashed(request.args.get(name)) for name in ("from", "to"))
        return parse_period(first, last, default)
    except PeriodError as exc:
        raise BadArgument(str(exc)) from None


def whole_number(name: str, default: int, low: int, high: int, label: str) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadArgument(f"{label} phải là số nguyên từ {low} đến {high}; nhận được “{raw[:20]}”.")
    return int(raw)


def search_text() -> str:
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY:
        raise BadArgument(f"Từ khóa tìm đài dài quá {MAX_QUERY} ký tự.")
    return query


def period_args(p: Period) -> dict[str, str]:
    return {"from": p.first.isoformat(), "to": p.last.isoformat()}


class Fmt:
    """Times shown to people: local, day first (dd/mm/yyyy HH:MM)."""

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone

    def dt(self, at: dt.datetime | None) -> str:
        return "" if at is None else f"{at.astimezone(self.zone):%d/%m/%Y %H:%M}"

    def date(self, at: dt.datetime | dt.date | None) -> str:
        if at is None:
            return ""
        day = at.astimezone(self.zone).date() if isinstance(at, dt.datetime) else at
        return f"{day:%d/%m/%Y}"

    def day(self, at: dt.datetime | None) -> str:
        return "" if at is None else f"{at.astimezone(self.zone):%d/%m}"

    @staticmethod
    def num(value: int) -> str:
        """Vietnamese digit grouping: 3.321."""
        return f"{value:,}".replace(",", ".")


PLOT_LEFT, PLOT_TOP, PLOT_HEIGHT = 44, 10, 150  # room for the axis labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar, when show_label
    days: str  # the days it counts, for its tooltip and the table
    count: int
    show_label: bool

    @property
    def title(self) -> str:
        return f"{self.days}: {Fmt.num(self.count)} lượt phát"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    top: int  # the axis' highest value
    bars: list[Bar]
    step: Step
    ticks: tuple[tuple[int, float], ...] = ()  # (value, y): each label at its own height
    plot_left: int = PLOT_LEFT
    plot_top: int = PLOT_TOP
    plot_height: int = PLOT_HEIGHT


def chart(bars: list[Bucket], step: Step) -> Chart:
    """A bar chart laid out for inline SVG; the scale ends on a round number."""
    slot = 16 if len(bars) <= 40 else 12
    top = _round_up(max((bar.count for bar in bars), default=0))
    every = max(1, math.ceil(len(bars) / 16))  # about 16 labels, whatever the bar count
    laid = []
    for index, bar in enumerate(bars):
        height = PLOT_HEIGHT * bar.count / top
        days = f"{bar.first:%d/%m/%Y}"
        if bar.last != bar.first:
            days += f" – {bar.last:%d/%m/%Y}"
        laid.append(
            Bar(
                x=PLOT_LEFT + index * slot + 2,
                y=PLOT_TOP + PLOT_HEIGHT - height,
                width=slot - 4,
                height=height,
                label=bar.label(step),
                days=days,
                count=bar.count,
                show_label=index % every == 0,
            )
        )
    width = PLOT_LEFT + max(len(bars), 1) * slot + 10
    ticks = tuple(
        (value, PLOT_TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top) for value in tick_values(top)
    )
    return Chart(width, PLOT_TOP + PLOT_HEIGHT + 40, top, laid, step, ticks)


def tick_values(top: int) -> list[int]:
    """0 to ``top`` in the fewest equal whole steps (at least two): 0, 5, 10 for 10;
    0, 1, ... 5 for 5. A label always names the height it stands at (no "2" halfway to 5)."""
    for parts in range(2, 11):
        if top % parts == 0 and _nice(top // parts):
            return [top // parts * i for i in range(parts + 1)]
    return [0, top]


def _nice(step: int) -> bool:
    """1, 2 or 5 times a power of ten: steps a reader adds up without effort."""
    while step % 10 == 0:
        step //= 10
    return step in (1, 2, 5)


def _round_up(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def page_count(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))
