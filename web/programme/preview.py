"""The coverage forecast of an edit beside the current one, before it is saved.

Both come from the forecast page's own computation (:mod:`web.schedule.forecast`):
the current schedule's is the page's cached one, the edited schedule's is planned
the same way over the same horizon, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster.errors import BroadcasterError
from broadcaster.planning.editing import Edit
from broadcaster.runtime import Runtime, Schedule
from web.schedule import forecast as schedule_forecast
from web.schedule.forecast import CampaignForecast


@dataclass(frozen=True)
class Side:
    forecast: CampaignForecast | None
    stations: int

    @property
    def reaching(self) -> int | None:
        """Stations meeting the goal over the forecast days; None when not forecast."""
        found = self.forecast
        if found is None or found.result is None:
            return None
        return self.stations - found.stations_missing

    @property
    def misses(self) -> int | None:
        found = self.forecast
        return None if found is None or found.result is None else len(found.result.misses)


@dataclass(frozen=True)
class Row:
    name: str
    now: Side
    edited: Side

    @property
    def changed(self) -> bool:
        return (self.now.reaching, self.now.misses) != (self.edited.reaching, self.edited.misses)


@dataclass(frozen=True)
class Preview:
    rows: tuple[Row, ...]
    first: dt.date
    last: dt.date
    error: str = ""


def compare(rt: Runtime, current: Schedule, edit: Edit, today: dt.date) -> Preview:
    last = today + dt.timedelta(days=schedule_forecast.HORIZON_DAYS - 1)
    edited = Schedule(edit.network, edit.campaigns, current.form_titles, current.bulletin_titles)
    try:
        before = schedule_forecast.forecasts(rt, current, today)
        after = schedule_forecast.compute(rt, edited, today)
    except BroadcasterError:
        return Preview((), today, last, "Chưa có bản tin nào được duyệt: chưa dự báo được.")
    now_by_id = {cf.campaign.id: cf for cf in before.campaigns}
    after_by_id = {cf.campaign.id: cf for cf in after.campaigns}
    rows = []
    for campaign_id in dict.fromkeys([*now_by_id, *after_by_id]):
        cf = after_by_id.get(campaign_id) or now_by_id[campaign_id]
        rows.append(
            Row(
                cf.campaign.name,
                Side(now_by_id.get(campaign_id), len(current.network.stations)),
                Side(after_by_id.get(campaign_id), len(edit.network.stations)),
            )
        )
    return Preview(tuple(rows), today, last)
