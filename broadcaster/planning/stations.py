"""Stations and their slots: who airs the bulletins, and when.

A stations file describes one producing station (a district radio as in the
2023 plan, or a province's source system since 2025) and the receiving
stations, one per commune::

    timezone: Asia/Ho_Chi_Minh      # optional; the settings' zone otherwise
    producer:
      id: dai-huyen-vinh-bao        # ascii slug
      name: Đài Truyền thanh huyện Vĩnh Bảo
      level: district               # district | province
      slots:
        - {days: daily, start: "6:00", minutes: 30}
    commune_slots:                  # optional: for communes that list none
      - {days: mon-fri, start: "6:30", minutes: 15}
    communes:
      - {id: tam-cuong, name: Xã Tam Cường}
      - id: co-am
        name: Xã Cổ Am
        police_phone: "0225 3884 113"   # optional, any station: printed on the leaflet
        slots: [{days: [mon, wed, fri], start: "17h30", minutes: 20}]

Times are local wall-clock times in the zone; write them in quotes ("6:30" or
"6h30"), because unquoted YAML 1.1 reads 6:30 as the number 390 (see slots.py).
"""

from __future__ import annotations

import enum
import re
import unicodedata
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadcaster import yamlsource
from broadcaster.errors import Problem, ScheduleError
from broadcaster.library.bulletins import ID_PATTERN
from broadcaster.planning.slots import (
    Slot,
    check_overlaps,
    check_timezone,
    parse_slots,
    unknown_keys,
)

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 .()-]{1,22}[0-9]$")


class Level(enum.StrEnum):
    PROVINCE = "province"  # a province's source system (since 2025)
    DISTRICT = "district"  # a district radio (the 2023 plan)
    COMMUNE = "commune"  # a commune, ward or town loudspeaker system


@dataclass(frozen=True)
class Station:
    id: str
    name: str  # Vietnamese, NFC
    level: Level
    slots: tuple[Slot, ...]
    source: str = field(default="", compare=False)
    line: int | None = field(default=None, compare=False)
    police_phone: str | None = None  # the local police's number, for the leaflet


@dataclass(frozen=True)
class Network:
    """The producing station and the communes it feeds, in one time zone."""

    producer: Station
    communes: tuple[Station, ...]
    timezone: str = DEFAULT_TIMEZONE
    source: str = field(default="", compare=False)

    @property
    def stations(self) -> tuple[Station, ...]:
        return (self.producer, *self.communes)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def get(self, station_id: str) -> Station:
        for station in self.stations:
            if station.id == station_id:
                return station
        raise KeyError(station_id)


def load_network(path: Path, *, default_timezone: str = DEFAULT_TIMEZONE) -> Network:
    """Read and check a stations file; ScheduleError lists every problem."""
    problems: list[Problem] = []
    network = parse_network(yamlsource.load_file(path), problems, default_timezone)
    if problems or network is None:
        raise ScheduleError(problems)
    return network


def parse_network(
    located: yamlsource.Located,
    problems: list[Problem],
    default_timezone: str = DEFAULT_TIMEZONE,
    *,
    partial: bool = False,
) -> Network | None:
    """A network, or None; every problem found is appended to ``problems``.

    With ``partial``, a file with problems still gives the network of its valid
    stations (if the producer is one), so that checks across files can run too.
    """
    problems += located.problems
    if located.problems:
        return None
    data = located.data
    if not isinstance(data, dict):
        problems.append(Problem(located.source, 1, "expected a mapping with producer and communes"))
        return None
    before = len(problems)
    known = ("timezone", "producer", "commune_slots", "communes")
    unknown_keys(data, known, (), located, problems)

    timezone = data.get("timezone", default_timezone)
    zone_problem = check_timezone(timezone)
    if zone_problem:
        line = located.line("timezone") if "timezone" in data else None
        where = located.source if "timezone" in data else "settings: timezone"
        problems.append(Problem(where, line, zone_problem))

    producer = None
    if not isinstance(data.get("producer"), dict):
        problems.append(located.problem(("producer",), "a 'producer' mapping is needed"))
    else:
        producer = _station(data["producer"], ("producer",), None, located, problems)

    default_slots = None
    if "commune_slots" in data:
        default_slots = parse_slots(data["commune_slots"], ("commune_slots",), located, problems)
        problems += check_overlaps(default_slots, "in commune_slots")

    communes: list[Station] = []
    raw_communes = data.get("communes")
    if not isinstance(raw_communes, list) or not raw_communes:
        problems.append(located.problem(("communes",), "a non-empty 'communes' list is needed"))
        raw_communes = []
    for index, raw in enumerate(raw_communes):
        path = ("communes", str(index))
        if not isinstance(raw, dict):
            problems.append(located.problem(path, "each commune must be a mapping (id, name, ...)"))
            continue
        station = _station(raw, path, default_slots, located, problems)
        if station is not None:
            communes.append(station)

    problems += _duplicate_ids(data, located)
    if len(problems) > before and not partial:
        return None
    if producer is None:
        if not partial:
            return None
        producer = Station("", "", Level.DISTRICT, ())  # stands in for checks across files
    return Network(producer, tuple(communes), str(timezone), located.source)


def _station(
    raw: dict,
    path: tuple[str, ...],
    default_slots: tuple[Slot, ...] | None,
    located: yamlsource.Located,
    problems: list[Problem],
) -> Station | None:
    producing = path == ("producer",)
    before = len(problems)
    known = ("id", "name", "level", "slots") if producing else ("id", "name", "slots")
    known += ("police_phone",)
    unknown_keys(raw, known, path, located, problems)

    station_id = raw.get("id")
    if not isinstance(station_id, str) or not ID_PATTERN.match(station_id):
        problems.append(
            located.problem(
                (*path, "id"),
                f"id must be lowercase ascii letters, digits and dashes; got {station_id!r}",
            )
        )
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(
            located.problem((*path, "name"), "a Vietnamese name is needed", "name-missing")
        )
    level = Level.COMMUNE
    if producing:
        allowed = (Level.DISTRICT.value, Level.PROVINCE.value)
        if raw.get("level") not in allowed:
            problems.append(
                located.problem(
                    (*path, "level"),
                    f"level must be district or province; got {raw.get('level')!r}",
                    "level-invalid",
                )
            )
        else:
            level = Level(raw["level"])

    phone = raw.get("police_phone")
    if phone is not None and not (isinstance(phone, str) and PHONE_PATTERN.match(phone.strip())):
        hint = " (in quotes, or YAML drops its leading 0)" if isinstance(phone, int) else ""
        problems.append(
            located.problem((*path, "police_phone"), f"police_phone must be a phone number{hint}")
        )

    overlaps: list[Problem] = []
    if "slots" in raw:
        slots = parse_slots(raw["slots"], (*path, "slots"), located, problems)
        overlaps = check_overlaps(slots, f"at station '{station_id}'")
    elif default_slots is not None:
        slots = default_slots  # their overlaps are reported once, for commune_slots
    else:
        hint = "" if producing else " (or give commune_slots for every commune)"
        problems.append(located.problem(path, f"no slots{hint}", "slots-empty"))
        slots = ()
    well_formed = len(problems) == before
    # Overlapping slots are each well-formed: the station stands (for checks across
    # files) while the file as a whole still fails.
    problems += overlaps
    if not well_formed:
        return None
    name = unicodedata.normalize("NFC", name).strip()
    phone = phone.strip() if isinstance(phone, str) else None
    return Station(station_id, name, level, slots, located.source, located.line(*path), phone)


def check_slot_lengths(
    network: Network,
    durations: Mapping[str, float],
    extra: Mapping[str, Sequence[Slot]] | None = None,
) -> list[Problem]:
    """Slots too short for even the shortest segment (``durations``: bulletin id -> seconds).

    ``extra`` adds slots by station id (a campaign's peak slots), checked alike.
    """
    if not durations:
        return []
    shortest_id = min(durations, key=lambda key: (durations[key], key))
    shortest = durations[shortest_id]
    problems = []
    for station in network.stations:
        for slot in (*station.slots, *(extra or {}).get(station.id, ())):
            if slot.minutes * 60 < shortest:
                problems.append(
                    Problem(
                        slot.source,
                        slot.line,
                        f"slot {slot.label} at station '{station.id}' lasts {slot.minutes} min, "
                        f"shorter than the shortest segment ('{shortest_id}', {shortest:.0f} s)",
                        "slot-too-short",
                    )
                )
    return problems


def _duplicate_ids(data: dict, located: yamlsource.Located) -> list[Problem]:
    """Read from the raw mappings, so a station with other problems still takes part."""
    paths = [("producer",)] if isinstance(data.get("producer"), dict) else []
    communes = data.get("communes")
    if isinstance(communes, list):
        paths += [("communes", str(i)) for i, c in enumerate(communes) if isinstance(c, dict)]
    first_line: dict[str, int | None] = {}
    problems = []
    for path in paths:
        station_id = _get(data, path).get("id")
        if not isinstance(station_id, str):
            continue
        line = located.line(*path, "id")
        if station_id in first_line:
            where = f" (also on line {first_line[station_id]})" if first_line[station_id] else ""
            problems.append(
                Problem(located.source, line, f"duplicate station id '{station_id}'{where}")
            )
        else:
            first_line[station_id] = line
    return problems


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data
