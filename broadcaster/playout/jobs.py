"""The scheduler's jobs: importable top-level functions with plain arguments.

Each job names its station, and the term leading that station in this process
registers itself here, so a job never holds the running daemon: a job fired
after its term ended (the lease was lost, the daemon stopped) finds nobody and
does nothing; the next term accounts for its items from the plan and the log.
The jobs live in the term's own scheduler, in memory: schedulers never share a
job store.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class Station(Protocol):
    def cue_slot(self, slot_start: dt.datetime) -> None: ...
    def refresh(self) -> None: ...
    def poll_alerts(self) -> None: ...


_lock = threading.Lock()
_running: dict[str, Station] = {}


def register(station_id: str, daemon: Station) -> None:
    with _lock:
        if station_id in _running:
            raise RuntimeError(f"playout for {station_id} is already running in this process")
        _running[station_id] = daemon


def unregister(station_id: str, daemon: Station) -> None:
    with _lock:
        if _running.get(station_id) is daemon:
            del _running[station_id]


def running(station_id: str) -> Station | None:
    """The term leading ``station_id`` in this process, if any."""
    with _lock:
        return _running.get(station_id)


def _daemon(station_id: str) -> Station | None:
    with _lock:
        daemon = _running.get(station_id)
    if daemon is None:
        log.warning("playout: no daemon running for %s; job skipped", station_id)
    return daemon


def air_slot(station_id: str, slot_start: str) -> None:
    """A slot begins: cue its items (``slot_start`` in ISO 8601 with its offset)."""
    if daemon := _daemon(station_id):
        daemon.cue_slot(dt.datetime.fromisoformat(slot_start))


def refresh_plan(station_id: str) -> None:
    """Re-read the plan: reschedule slots of today and tomorrow, cue anything due."""
    if daemon := _daemon(station_id):
        daemon.refresh()


def poll_alerts(station_id: str) -> None:
    if daemon := _daemon(station_id):
        daemon.poll_alerts()
