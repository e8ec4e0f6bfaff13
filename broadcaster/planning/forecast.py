"""Coverage forecast: will every station air every form often enough during a campaign?

The campaign is planned day by day (each day's plan becomes the next day's
history), then every window of ``coverage.days`` consecutive campaign days is
checked: each form the campaign covers must reach each station at least
``coverage.times`` times in it. Leadership reads this before the campaign
starts; the misses name the station, the form and the first window that fails.

A retired bulletin counts nowhere; a bulletin limited to some stations is owed
only at those (a form no segment of which may air at a station is not a miss there).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from broadcaster.library.bulletins import FORM_COUNT, Kind
from broadcaster.planning.campaigns import Campaign
from broadcaster.planning.planner import (
    DEFAULT_UNDERFILL_BELOW,
    Aired,
    DayPlan,
    Segment,
    Topic,
    plan_days,
)
from broadcaster.planning.stations import Network


@dataclass(frozen=True)
class FormCoverage:
    station_id: str
    form: Topic  # a form number; a bulletin id for a campaign bulletin without a form
    dates: tuple[dt.date, ...]  # one per airing, so a date repeats when aired twice that day


@dataclass(frozen=True)
class Miss:
    """A station that would not hear a form often enough within the goal window."""

    station_id: str
    form: Topic
    window_start: dt.date  # the first window that fails
    window_end: dt.date
    aired: int
    needed: int
    windows: int = 1  # how many windows fail in all

    def __str__(self) -> str:
        what = f"form {self.form}" if isinstance(self.form, int) else str(self.form)
        text = (
            f"{self.station_id}: {what} aired {self.aired} of {self.needed} times "
            f"in {self.window_start}..{self.window_end}"
        )
        if self.windows > 1:
            text += f" (and in {self.windows - 1} later windows)"
        return text


@dataclass(frozen=True)
class Forecast:
    campaign_id: str
    days: tuple[DayPlan, ...]
    coverage: tuple[FormCoverage, ...]
    misses: tuple[Miss, ...]
    unavailable: tuple[Topic, ...]  # covered forms (or ids) with no airable segment at all

    @property
    def met(self) -> bool:
        return not self.misses and not self.unavailable

    def missing_by_station(self) -> dict[str, list[Topic]]:
        missing: dict[str, list[Topic]] = defaultdict(list)
        for miss in self.misses:
            missing[miss.station_id].append(miss.form)
        return dict(missing)


def forecast(
    campaign: Campaign,
    network: Network,
    segments: Iterable[Segment],
    history: Iterable[Aired] = (),
    *,
    start: dt.date | None = None,
    underfill_below: float = DEFAULT_UNDERFILL_BELOW,
) -> Forecast:
    """Plan the campaign from ``start`` (default: its first day) and check its coverage goal.

    History before ``start`` steers the rotation; the part of it inside the
    campaign also counts towards the goal, so a running campaign can be re-forecast.
    """
    segments = list(segments)
    history = list(history)
    first = max(start or campaign.start, campaign.start)
    days = plan_days(
        first,
        campaign.end,
        network,
        campaign,
        segments,
        history,
        underfill_below=underfill_below,
    )
    campaign_bulletins = [
        s
        for s in segments
        if s.kind is Kind.BULLETIN and not s.retired and campaign.covers(s.bulletin_id, s.form)
    ]
    topics = _campaign_topics(campaign, campaign_bulletins)
    airable = {
        t
        for t in topics
        if any(s.topic == t and _valid_any(s, campaign) for s in campaign_bulletins)
    }

    aired: dict[tuple[str, Topic], list[dt.date]] = defaultdict(list)
    earlier = [a for a in history if campaign.start <= a.day < first]
    for record in [*earlier, *(a for plan in days for a in plan.aired())]:
        if record.topic in airable:
            aired[(record.station_id, record.topic)].append(record.day)

    # A form is owed in a window only if one of its segments is valid all through it
    # (and, for a station, may air there): computed once per set of such segments.
    windows = _windows(campaign)
    by_topic = {t: [s for s in campaign_bulletins if s.topic == t] for t in airable}
    required: dict[tuple[int, ...], list[tuple[dt.date, dt.date]]] = {}
    coverage, misses = [], []
    for station in network.stations:
        for topic in topics:
            dates = sorted(aired.get((station.id, topic), []))
            coverage.append(FormCoverage(station.id, topic, tuple(dates)))
            if topic in airable:
                here = tuple(id(s) for s in by_topic[topic] if s.airs_at(station.id))
                if here not in required:
                    owed = [s for s in by_topic[topic] if id(s) in here]
                    required[here] = [
                        w for w in windows if any(_valid_throughout(s, *w) for s in owed)
                    ]
                needed = campaign.coverage.times
                miss = _first_miss(station.id, topic, dates, required[here], needed)
                misses += [miss] if miss else []
    unavailable = tuple(t for t in topics if t not in airable)
    return Forecast(campaign.id, tuple(days), tuple(coverage), tuple(misses), unavailable)


def _campaign_topics(campaign: Campaign, bulletins: list[Segment]) -> list[Topic]:
    if campaign.bulletin_ids is None:
        return list(range(1, FORM_COUNT + 1))
    by_id = {s.bulletin_id: s.topic for s in bulletins}
    topics: list[Topic] = []
    for bulletin_id in campaign.bulletin_ids:
        topic = by_id.get(bulletin_id, bulletin_id)  # an id without a segment stays an id
        if topic not in topics:
            topics.append(topic)
    return topics


def _windows(campaign: Campaign) -> list[tuple[dt.date, dt.date]]:
    """Every run of ``coverage.days`` days inside the campaign; a short campaign is one window."""
    span = dt.timedelta(days=campaign.coverage.days - 1)
    if campaign.start + span >= campaign.end:
        return [(campaign.start, campaign.end)]
    count = (campaign.end - span - campaign.start).days + 1
    return [
        (campaign.start + dt.timedelta(days=i), campaign.start + dt.timedelta(days=i) + span)
        for i in range(count)
    ]


def _first_miss(
    station_id: str,
    topic: Topic,
    dates: list[dt.date],
    windows: list[tuple[dt.date, dt.date]],
    needed: int,
) -> Miss | None:
    failing = []
    for first, last in windows:
        count = bisect.bisect_right(dates, last) - bisect.bisect_left(dates, first)
        if count < needed:
            failing.append((first, last, count))
    if not failing:
        return None
    first, last, count = failing[0]
    return Miss(station_id, topic, first, last, count, needed, len(failing))


def _valid_any(segment: Segment, campaign: Campaign) -> bool:
    return segment.valid_from <= campaign.end and (
        segment.valid_until is None or segment.valid_until >= campaign.start
    )


def _valid_throughout(segment: Segment, first: dt.date, last: dt.date) -> bool:
    return segment.is_valid_on(first) and segment.is_valid_on(last)
