"""The one clock: every "now" and "today" in the package comes from here.

Commands, the panel and the playout daemon get a :class:`Clock` from the
:class:`~broadcaster.runtime.Runtime`; nothing else reads the wall clock for
calendar purposes. Tests pin a :class:`FixedClock` instead of depending on the
calendar (the build once went red when a hard-coded Monday slipped into the past).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Aware local time in the stations' zone."""

    zone: dt.tzinfo

    def now(self) -> dt.datetime: ...

    def today(self) -> dt.date: ...


class SystemClock:
    """The wall clock, read in the stations' zone whatever the server's TZ."""

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.zone)

    def today(self) -> dt.date:
        return self.now().date()

    def __repr__(self) -> str:
        return f"SystemClock({self.zone})"


class FixedClock:
    """A clock that stands still until moved: for tests and reproducible runs."""

    def __init__(self, moment: dt.datetime, zone: dt.tzinfo | None = None) -> None:
        if moment.tzinfo is None:
            raise ValueError(f"naive datetime {moment!r}: pass an aware one")
        self.zone = zone or moment.tzinfo
        self._moment = moment.astimezone(self.zone)

    def now(self) -> dt.datetime:
        return self._moment

    def today(self) -> dt.date:
        return self._moment.date()

    def set(self, moment: dt.datetime) -> None:
        self._moment = moment.astimezone(self.zone)

    def advance(self, delta: dt.timedelta) -> None:
        self._moment += delta

    def __repr__(self) -> str:
        return f"FixedClock({self._moment.isoformat()})"
