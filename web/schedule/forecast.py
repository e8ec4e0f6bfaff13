"""The coverage forecast page: will each campaign's goal be met, over a horizon we can afford.

A standing campaign runs for years: the page forecasts at most ``HORIZON_DAYS`` days
from today, through :func:`broadcaster.airplan.service.forecast_from` like ``plan --check``.
That plans months ahead (a second or more): the page is kept until something it
depends on changes (:func:`fingerprint`).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from broadcaster.airplan import service as airplan
from broadcaster.db import airings, approvals, audit, plan_items
from broadcaster.library.bulletins import Kind
from broadcaster.planning.campaigns import Campaign
from broadcaster.planning.forecast import Forecast, Miss
from broadcaster.runtime import Runtime
from web.schedule import text
from web.schedule.data import Schedule

HORIZON_DAYS = 90  # the forecast plans at most this many days ahead
MISSES_SHOWN = 200


@dataclass(frozen=True)
class MissRow:
    station: str
    what: str
    window: str
    aired: str
    later: int


@dataclass(frozen=True)
class CampaignForecast:
    campaign: Campaign
    first: dt.date | None  # the days forecast; None: the campaign starts beyond the horizon
    last: dt.date | None
    result: Forecast | None = None
    misses: tuple[MissRow, ...] = ()
    more_misses: int = 0
    unavailable: tuple[str, ...] = ()
    stations_missing: int = 0

    @property
    def met(self) -> bool:
        return self.result is not None and self.result.met


@dataclass
class ForecastPage:
    today: dt.date
    horizon_end: dt.date
    campaigns: list[CampaignForecast] = field(default_factory=list)


_CACHE = "schedule.forecast"  # app.extensions: (fingerprint, schedule, page) of the last one
_LOCK = threading.Lock()  # one forecast at a time: a second request waits and reuses it


def forecasts(rt: Runtime, sched: Schedule, today: dt.date) -> ForecastPage:
    """The forecast page, computed again only when its inputs changed."""
    with _LOCK:
        key = fingerprint(rt, sched, today)
        kept = current_app.extensions.get(_CACHE)
        if kept is not None and kept[0] == key and kept[1] is sched:
            return kept[2]
        page = compute(rt, sched, today)
        current_app.extensions[_CACHE] = (key, sched, page)
        return page


def fingerprint(rt: Runtime, sched: Schedule, today: dt.date) -> tuple:
    """What the forecast reads, cheaply: the day, the library and manifest files, and
    the newest row of the decisions, plans, log and audit trail (every plan, withdrawal
    and alert is audited; the playout daemon appends to the log). The schedule is
    compared by identity: its cache hands out the same object until a file changes."""
    library = sorted(
        (path.name, path.stat().st_mtime_ns) for path in Path(rt.settings.library_dir).glob("*")
    )
    manifest = rt.paths.manifest
    stamp = manifest.stat().st_mtime_ns if manifest.exists() else None
    newest = select(*(select(func.max(t.c.id)).scalar_subquery() for t in _WATCHED))
    with rt.engine.connect() as connection:
        rows = tuple(connection.execute(newest).one())
    return (today, tuple(library), stamp, rows)


_WATCHED = (approvals, plan_items, airings, audit)


def compute(rt: Runtime, sched: Schedule, today: dt.date) -> ForecastPage:
    """``forecast_from`` (:mod:`broadcaster.airplan.service`) to ``HORIZON_DAYS``, as rows."""
    outlooks = airplan.forecast_from(
        rt, today, horizon_days=HORIZON_DAYS, schedule=(sched.network, sched.campaigns)
    )
    topics = _Topics.of(rt.library())
    page = ForecastPage(today, today + dt.timedelta(days=HORIZON_DAYS - 1))
    for outlook in outlooks:
        result = outlook.forecast
        if result is None:
            page.campaigns.append(CampaignForecast(outlook.campaign, None, None))
            continue
        rows = [_miss_row(m, sched.names, topics) for m in result.misses]
        page.campaigns.append(
            CampaignForecast(
                outlook.campaign,
                outlook.first,
                outlook.last,
                result,
                tuple(rows[:MISSES_SHOWN]),
                max(len(rows) - MISSES_SHOWN, 0),
                tuple(topics.label(t) for t in result.unavailable),
                len({m.station_id for m in result.misses}),
            )
        )
    return page


@dataclass(frozen=True)
class _Topics:
    """Names a forecast's topics: a form number, or the id of a campaign's bulletin."""

    titles: dict[int | str, str]  # form number or bulletin id -> title
    forms: dict[str, int]  # bulletin id -> its form

    @classmethod
    def of(cls, library) -> _Topics:
        titles: dict[int | str, str] = {}
        forms: dict[str, int] = {}
        for bulletin in library:
            if bulletin.kind is Kind.BULLETIN:
                titles[bulletin.id] = bulletin.title
                if bulletin.form is not None:
                    titles.setdefault(bulletin.form, bulletin.title)
                    forms[bulletin.id] = bulletin.form
        return cls(titles, forms)

    def label(self, topic: int | str) -> str:
        """``Hình thức 7 – <title>``; a bulletin the library lacks is named by its id."""
        form = topic if isinstance(topic, int) else self.forms.get(topic)
        what = f"Hình thức {form}" if form is not None else f"Bản tin {topic}"
        title = self.titles.get(topic, "")
        return f"{what} – {title}" if title else what


def _miss_row(miss: Miss, names: dict[str, str], topics: _Topics) -> MissRow:
    return MissRow(
        station=names.get(miss.station_id, miss.station_id),
        what=topics.label(miss.form),
        window=f"{text.fmt_date(miss.window_start)} – {text.fmt_date(miss.window_end)}",
        aired=f"{miss.aired}/{miss.needed} lần",
        later=miss.windows - 1,
    )
