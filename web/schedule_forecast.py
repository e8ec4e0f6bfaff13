"""The coverage forecast page: will each campaign's goal be met, over a horizon we can afford.

:func:`broadcaster.airplan.forecast_from` plans a campaign to its last day; a standing
campaign runs for years. The page forecasts at most ``HORIZON_DAYS`` days from today.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from broadcaster import airplan
from broadcaster.bulletins import Kind
from broadcaster.planning.campaigns import Campaign
from broadcaster.planning.coverage import Forecast, Miss, forecast
from broadcaster.runtime import Runtime
from web import schedule_text as text
from web.schedule_data import Schedule

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


def forecasts(rt: Runtime, sched: Schedule, today: dt.date) -> ForecastPage:
    """:func:`broadcaster.airplan.forecast_from`, over at most ``HORIZON_DAYS`` days from today.

    Each campaign is forecast on a copy running from today to the horizon at the latest.
    Starting the copy today matters as much as ending it early: on the campaign itself,
    the goal's windows start on its first day, and a standing campaign begun in 2024
    would "miss" every window before the history the planner reads (120 days).
    """
    horizon_end = today + dt.timedelta(days=HORIZON_DAYS - 1)
    page = ForecastPage(today, horizon_end)
    library = rt.library()
    found = airplan.airable(library, rt.renders(), rt.engine)
    if not found.segments:
        raise airplan.NothingApproved()
    past = airplan.history(rt.engine, sched.network.zone, today)
    topics = _Topics.of(library)
    for campaign in sched.campaigns:
        if campaign.end < today:
            continue
        first, last = max(campaign.start, today), min(campaign.end, horizon_end)
        if first > last:
            page.campaigns.append(CampaignForecast(campaign, None, None))
            continue
        window = dataclasses.replace(campaign, start=first, end=last)
        result = forecast(window, sched.network, found.segments, past, start=first)
        rows = [_miss_row(m, sched.names, topics) for m in result.misses]
        page.campaigns.append(
            CampaignForecast(
                campaign,
                first,
                last,
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
