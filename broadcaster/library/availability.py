"""Where and whether a bulletin may still be aired: its station limit and its retirement.

Two optional fields of a bulletin file::

    stations: [tien-lang-ngu-phuc, tien-lang-dong-hung]   # only these stations air it
    retired: true                                         # no longer planned anywhere
    retired_on: 2026-11-30

A retired bulletin stays in the library, so the plans, the airing log and past
evidence still name it; only the planner and the forecast leave it out. A station
limit names stations of the schedule: the loader checks them when it is given the
schedule's station ids (``broadcaster validate`` and the panel do), naming the file
and the line of each unknown id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from broadcaster import yamlsource
from broadcaster.errors import Problem

# The same form as a bulletin id and a station id (see broadcaster.library.bulletins).
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
AVAILABILITY_FIELDS = ("stations", "retired", "retired_on")


@dataclass(frozen=True)
class Availability:
    stations: tuple[str, ...] | None = None  # None: every station of the schedule
    retired: bool = False
    retired_on: dt.date | None = None


def parse_availability(
    data: dict[str, Any],
    located: yamlsource.Located,
    problems: list[Problem],
    station_ids: Collection[str] | None = None,
) -> Availability | None:
    """The ``stations``, ``retired`` and ``retired_on`` fields; None if any is wrong."""
    before = len(problems)

    def bad(path: tuple[str, ...], message: str) -> None:
        problems.append(located.problem(path, message))

    stations = _stations(data.get("stations"), station_ids, bad)
    retired = data.get("retired")
    if retired is not None and not isinstance(retired, bool):
        bad(("retired",), f"retired must be true or false; got {retired!r}")
    retired_on = data.get("retired_on")
    if isinstance(retired_on, dt.datetime):
        retired_on = retired_on.date()
    elif isinstance(retired_on, str):
        with contextlib.suppress(ValueError):
            retired_on = dt.date.fromisoformat(retired_on.strip())
    if retired_on is not None and not isinstance(retired_on, dt.date):
        bad(("retired_on",), f"retired_on must be a date written YYYY-MM-DD; got {retired_on!r}")
    elif retired_on is not None and retired is not True:
        bad(("retired_on",), "retired_on is set but retired is not true")
    if len(problems) > before:
        return None
    return Availability(stations, retired is True, retired_on)


def _stations(raw: Any, station_ids: Collection[str] | None, bad) -> tuple[str, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not raw:
        bad(("stations",), "stations must be a list of station ids (or left out: every station)")
        return None
    seen: list[str] = []
    for index, value in enumerate(raw):
        path = ("stations", str(index))
        if not isinstance(value, str) or not _ID.match(value):
            bad(
                path,
                f"station id must be lowercase ascii letters, digits and dashes; got {value!r}",
            )
        elif value in seen:
            bad(path, f"station '{value}' is listed twice")
        elif station_ids is not None and value not in station_ids:
            bad(path, f"unknown station '{value}' (not in the schedule's stations)")
        else:
            seen.append(value)
    return tuple(seen)
