"""Campaigns: what every station must air, how often, and when airtime grows.

A campaign file holds::

    id: 24-hinh-thuc-2023                # ascii slug
    name: Tuyên truyền 24 hình thức lừa đảo trên không gian mạng
    from: 2023-08-01
    until: 2023-12-31
    bulletins: all-forms                 # every bulletin with a form, or a list of ids
    coverage: {times: 1, days: 14}       # each form >= once per station in any 14 days
    peak:                                # optional: the peak month (tháng cao điểm)
      from: 2023-11-01
      until: 2023-11-30
      extra_minutes: 15                  # every slot runs this much longer
      extra_slots:                       # and these slots are added
        - {days: sat, start: "7:00", minutes: 15}
      stations: [tam-cuong, co-am]       # optional: only these stations (default: all)
    notes: ...                           # optional, for staff

Which bulletin ids exist, and how long their audio is, are known only later:
:func:`check_bulletin_ids` and :func:`broadcaster.planning.stations.check_slot_lengths`
take them as arguments, and :func:`load_schedule` runs every check at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadcaster import yamlsource
from broadcaster.errors import Problem, ScheduleError
from broadcaster.library.bulletins import ID_PATTERN
from broadcaster.planning.slots import Slot, check_overlaps, parse_slots, unknown_keys
from broadcaster.planning.stations import (
    DEFAULT_TIMEZONE,
    Network,
    Station,
    check_slot_lengths,
    parse_network,
)

ALL_FORMS = "all-forms"
CAMPAIGN_KEYS = ("id", "name", "from", "until", "bulletins", "coverage", "peak", "notes")
PEAK_KEYS = ("from", "until", "extra_minutes", "extra_slots", "stations")


@dataclass(frozen=True)
class Coverage:
    """Each form must reach each station at least ``times`` times in any ``days`` days."""

    times: int = 1
    days: int = 14


@dataclass(frozen=True)
class Peak:
    start: dt.date
    end: dt.date
    extra_minutes: int = 0
    extra_slots: tuple[Slot, ...] = ()
    stations: frozenset[str] | None = None  # None: every station
    line: int | None = field(default=None, compare=False)

    def applies(self, day: dt.date, station_id: str) -> bool:
        in_stations = self.stations is None or station_id in self.stations
        return self.start <= day <= self.end and in_stations


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    start: dt.date
    end: dt.date
    bulletin_ids: tuple[str, ...] | None  # None: all forms
    coverage: Coverage
    peak: Peak | None = None
    notes: str | None = None
    source: str = field(default="", compare=False)
    id_lines: tuple[int | None, ...] = field(default=(), compare=False)

    def is_active(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def covers(self, bulletin_id: str, form: int | None) -> bool:
        if self.bulletin_ids is None:
            return form is not None
        return bulletin_id in self.bulletin_ids

    @property
    def days(self) -> list[dt.date]:
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(count)]


def slots_on(station: Station, day: dt.date, campaign: Campaign | None = None) -> tuple[Slot, ...]:
    """The slots ``station`` airs on ``day``, peak airtime included, in time order."""
    slots = [s for s in station.slots if s.runs_on(day)]
    peak = campaign.peak if campaign else None
    if peak and peak.applies(day, station.id):
        slots = [dataclasses.replace(s, minutes=s.minutes + peak.extra_minutes) for s in slots]
        slots += [s for s in peak.extra_slots if s.runs_on(day)]
    return tuple(sorted(slots, key=lambda s: (s.start, s.minutes)))


def load_campaign(path: Path) -> Campaign:
    problems: list[Problem] = []
    campaign = parse_campaign(yamlsource.load_file(path), problems)
    if problems or campaign is None:
        raise ScheduleError(problems)
    return campaign


def load_schedule(
    stations_file: Path,
    campaign_files: Sequence[Path],
    *,
    default_timezone: str = DEFAULT_TIMEZONE,
    known_ids: Collection[str] | None = None,
    durations: Mapping[str, float] | None = None,
) -> tuple[Network, tuple[Campaign, ...]]:
    """The stations, the campaigns and every cross-check; ScheduleError lists all problems.

    ``known_ids`` (the library's bulletin ids) and ``durations`` (bulletin id ->
    seconds of approved audio) enable the checks that need them.
    """
    network, campaigns, problems = check_schedule(
        yamlsource.load_file(stations_file),
        [yamlsource.load_file(path) for path in campaign_files],
        default_timezone=default_timezone,
        known_ids=known_ids,
        durations=durations,
    )
    if problems or network is None:
        raise ScheduleError(problems)
    return network, campaigns


def check_schedule(
    stations: yamlsource.Located,
    campaign_sources: Sequence[yamlsource.Located],
    *,
    default_timezone: str = DEFAULT_TIMEZONE,
    known_ids: Collection[str] | None = None,
    durations: Mapping[str, float] | None = None,
) -> tuple[Network | None, tuple[Campaign, ...], list[Problem]]:
    """Every check of the schedule, on parsed documents: the files' loader and the
    panel's forms (which check an edited document before writing it) share it."""
    problems: list[Problem] = []
    network = parse_network(stations, problems, default_timezone, partial=True)
    network_ok = not problems
    campaigns: list[Campaign] = []
    for located in campaign_sources:
        campaign = parse_campaign(located, problems)
        if campaign is None:
            continue
        campaigns.append(campaign)
        if known_ids is not None:
            problems += check_bulletin_ids(campaign, known_ids)
        if network is not None and network_ok:
            problems += check_campaign_slots(campaign, network)  # needs every station
        if network is not None and durations:
            problems += check_slot_lengths(network, durations, _peak_slots(campaign, network))
    if network is not None and durations and not campaign_sources:
        problems += check_slot_lengths(network, durations)
    problems += _duplicate_campaign_ids(campaigns)
    return network, tuple(campaigns), sorted(set(problems))


def active_campaign(campaigns: Sequence[Campaign], day: dt.date) -> Campaign | None:
    """The campaign that plans ``day``: of those running, the one that started last,
    so a peak campaign takes over from a standing one while it lasts."""
    running = [c for c in campaigns if c.is_active(day)]
    return max(running, key=lambda c: (c.start, c.id)) if running else None


def _duplicate_campaign_ids(campaigns: Sequence[Campaign]) -> list[Problem]:
    seen: dict[str, Campaign] = {}
    problems = []
    for campaign in campaigns:
        if campaign.id in seen:
            problems.append(
                Problem(campaign.source, None, f"campaign id '{campaign.id}' is used twice")
            )
        seen[campaign.id] = campaign
    return problems


def check_bulletin_ids(campaign: Campaign, known_ids: Collection[str]) -> list[Problem]:
    """A problem for each bulletin id the campaign names that the library lacks."""
    if campaign.bulletin_ids is None:
        return []
    lines = campaign.id_lines or (None,) * len(campaign.bulletin_ids)
    return [
        Problem(campaign.source, line, f"unknown bulletin id '{bulletin_id}'", "bulletin-unknown")
        for bulletin_id, line in zip(campaign.bulletin_ids, lines, strict=True)
        if bulletin_id not in known_ids
    ]


def check_campaign_slots(campaign: Campaign, network: Network) -> list[Problem]:
    """Peak airtime must fit each station's day: known stations, no overlaps, none past midnight."""
    peak = campaign.peak
    if peak is None:
        return []
    problems = []
    known = {s.id for s in network.stations}
    for station_id in sorted((peak.stations or set()) - known):
        problems.append(
            Problem(
                campaign.source,
                peak.line,
                f"peak: unknown station '{station_id}'",
                "station-unknown",
            )
        )
    for station in network.stations:
        if peak.stations is not None and station.id not in peak.stations:
            continue
        longer = [
            dataclasses.replace(s, minutes=s.minutes + peak.extra_minutes) for s in station.slots
        ]
        for slot in longer:
            if slot.end_minute > 24 * 60:
                problems.append(
                    Problem(
                        campaign.source,
                        peak.line,
                        f"peak: slot {slot.label} at '{station.id}' would run past midnight",
                        "peak-past-midnight",
                    )
                )
        for problem in check_overlaps([*longer, *peak.extra_slots], f"at station '{station.id}'"):
            ours = problem.source == campaign.source and problem.line
            line = problem.line if ours else peak.line
            problems.append(
                Problem(campaign.source, line, f"peak: {problem.message}", "peak-overlap")
            )
    return problems


def _peak_slots(campaign: Campaign | None, network: Network) -> dict[str, tuple[Slot, ...]]:
    if campaign is None or campaign.peak is None:
        return {}
    peak = campaign.peak
    return {
        s.id: peak.extra_slots
        for s in network.stations
        if peak.stations is None or s.id in peak.stations
    }


def parse_campaign(located: yamlsource.Located, problems: list[Problem]) -> Campaign | None:
    """A campaign, or None; every problem found is appended to ``problems``."""
    problems += located.problems
    if located.problems:
        return None
    data = located.data
    if not isinstance(data, dict):
        problems.append(Problem(located.source, 1, "expected a mapping of campaign fields"))
        return None
    before = len(problems)

    def bad(path: tuple[str, ...], message: str, code: str = "") -> None:
        problems.append(located.problem(path, message, code))

    unknown_keys(data, CAMPAIGN_KEYS, (), located, problems)
    for key in ("id", "name", "from", "until", "bulletins", "coverage"):
        if data.get(key) in (None, ""):
            bad((key,), f"missing field '{key}'", "field-missing")
    campaign_id = data.get("id")
    if campaign_id is not None and not (
        isinstance(campaign_id, str) and ID_PATTERN.match(campaign_id)
    ):
        bad(("id",), f"id must be lowercase ascii letters, digits and dashes; got {campaign_id!r}")
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        bad(("name",), "name must be text")
    start = _date(data.get("from"), ("from",), bad)
    end = _date(data.get("until"), ("until",), bad)
    if start and end and end < start:
        bad(("until",), f"until {end} is before from {start}", "dates-reversed")

    bulletin_ids, id_lines = _bulletins(data.get("bulletins"), located, bad)
    coverage = _coverage(data.get("coverage"), bad)
    peak = None
    if data.get("peak") is not None:
        peak = _peak(data["peak"], located, problems, bad)
        if peak and start and end and not (start <= peak.start and peak.end <= end):
            outside = f"peak {peak.start}..{peak.end} is outside the campaign {start}..{end}"
            bad(("peak",), outside, "peak-outside")
    notes = data.get("notes")
    if notes is not None and not isinstance(notes, str):
        bad(("notes",), "notes must be text")
    if len(problems) > before:
        return None
    return Campaign(
        id=campaign_id,
        name=unicodedata.normalize("NFC", name).strip(),
        start=start,
        end=end,
        bulletin_ids=bulletin_ids,
        coverage=coverage,
        peak=peak,
        notes=notes,
        source=located.source,
        id_lines=id_lines,
    )


def _bulletins(raw: Any, located: yamlsource.Located, bad):
    if raw is None or raw == ALL_FORMS:
        return None, ()
    if not isinstance(raw, list) or not raw:
        said = f"bulletins must be '{ALL_FORMS}' or a non-empty list of bulletin ids"
        bad(("bulletins",), said, "bulletins-invalid")
        return None, ()
    ids, lines = [], []
    for index, item in enumerate(raw):
        path = ("bulletins", str(index))
        if not isinstance(item, str) or not ID_PATTERN.match(item):
            bad(
                path,
                f"bulletin id must be lowercase ascii letters, digits and dashes; got {item!r}",
                "bulletin-unknown",
            )
        elif item in ids:
            bad(path, f"bulletin '{item}' is listed twice", "bulletin-twice")
        else:
            ids.append(item)
            lines.append(located.line(*path))
    return tuple(ids), tuple(lines)


def _coverage(raw: Any, bad) -> Coverage:
    if raw is None:
        return Coverage()
    if not isinstance(raw, dict):
        bad(("coverage",), "coverage is a mapping: {times: 1, days: 14}")
        return Coverage()
    for key in raw:
        if key not in ("times", "days"):
            bad(("coverage", key), f"unknown field '{key}' (known: times, days)")
    values = {}
    for key, low, high in (("times", 1, 100), ("days", 1, 366)):
        value = raw.get(key, getattr(Coverage, key))
        if not _whole(value) or not low <= value <= high:
            bad(
                ("coverage", key),
                f"coverage {key} must be a whole number {low}..{high}; got {value!r}",
                "coverage-invalid",
            )
        else:
            values[key] = value
    return Coverage(**values)


def _peak(raw: Any, located: yamlsource.Located, problems: list[Problem], bad) -> Peak | None:
    if not isinstance(raw, dict):
        bad(("peak",), "peak is a mapping: {from, until, extra_minutes, extra_slots}")
        return None
    before = len(problems)
    unknown_keys(raw, PEAK_KEYS, ("peak",), located, problems)
    for key in ("from", "until"):
        if raw.get(key) is None:
            bad(("peak",), f"peak is missing '{key}'")
    start = _date(raw.get("from"), ("peak", "from"), bad)
    end = _date(raw.get("until"), ("peak", "until"), bad)
    if start and end and end < start:
        bad(("peak", "until"), f"peak until {end} is before from {start}", "dates-reversed")
    extra_minutes = raw.get("extra_minutes", 0)
    if not _whole(extra_minutes) or not 0 <= extra_minutes <= 120:
        said = f"extra_minutes must be 0..120; got {extra_minutes!r}"
        bad(("peak", "extra_minutes"), said, "peak-minutes-invalid")
    extra_slots: tuple[Slot, ...] = ()
    if "extra_slots" in raw:
        extra_slots = parse_slots(raw["extra_slots"], ("peak", "extra_slots"), located, problems)
    if not extra_slots and not extra_minutes and len(problems) == before:
        bad(
            ("peak",), "a peak needs extra_minutes or extra_slots (more airtime)", "peak-no-airtime"
        )
    stations = raw.get("stations")
    if stations is not None and not (
        isinstance(stations, list) and stations and all(isinstance(s, str) for s in stations)
    ):
        bad(("peak", "stations"), "peak stations must be a list of station ids")
        stations = None
    if len(problems) > before:
        return None
    return Peak(
        start,
        end,
        extra_minutes,
        extra_slots,
        frozenset(stations) if stations is not None else None,
        located.line("peak"),
    )


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _date(value: Any, path: tuple[str, ...], bad) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    bad(path, f"{path[-1]} must be a date written YYYY-MM-DD; got {value!r}", "date-invalid")
    return None
