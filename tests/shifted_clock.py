"""The suite on another day: ``make test`` runs it a year ahead and just before midnight.

SUITE_CLOCK (not BROADCASTER_*: those are settings) moves the whole run in time,
ticking: "+365d" (a year ahead), "23:59:30" (today, 30 s before local midnight),
or both ("+365d 23:59:30").
Processes a test starts get the same shift: they run :data:`SHIFTED_CHILD` first,
which reads SUITE_CLOCK_OFFSET_S.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

SHIFT_VARIABLE = "SUITE_CLOCK"
OFFSET_VARIABLE = "SUITE_CLOCK_OFFSET_S"
STATIONS_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# Python a child process runs before anything else, so that it shares the shift.
SHIFTED_CHILD = f"""
import datetime as _dt, os as _os
_offset = _os.environ.get({OFFSET_VARIABLE!r})
if _offset:
    import time_machine as _tm
    _now = _dt.datetime.now(_dt.UTC) + _dt.timedelta(seconds=float(_offset))
    _tm.travel(_now, tick=True).start()
"""


def destination(spec: str, real_now: dt.datetime) -> dt.datetime:
    """Where ``spec`` moves ``real_now``, in the stations' zone."""
    local = real_now.astimezone(STATIONS_ZONE)
    day, at = local.date(), local.time()
    for word in spec.split():
        if word.startswith("+") and word.endswith("d"):
            day += dt.timedelta(days=int(word[1:-1]))
        else:
            at = dt.time.fromisoformat(word)
    return dt.datetime.combine(day, at, STATIONS_ZONE)


def start_from_environment():
    """Start travelling if SUITE_CLOCK asks; the traveller, to stop, or None."""
    spec = os.environ.get(SHIFT_VARIABLE, "").strip()
    if not spec:
        return None
    import time_machine

    real_now = dt.datetime.now(dt.UTC)
    moved = destination(spec, real_now)
    os.environ[OFFSET_VARIABLE] = str((moved - real_now).total_seconds())
    traveller = time_machine.travel(moved, tick=True)
    traveller.start()
    return traveller


def describe() -> str | None:
    spec = os.environ.get(SHIFT_VARIABLE, "").strip()
    if not spec:
        return None
    return f"clock moved ({SHIFT_VARIABLE}={spec!r}): now is {dt.datetime.now(STATIONS_ZONE)}"
