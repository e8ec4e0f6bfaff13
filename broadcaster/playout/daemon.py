"""The playout daemon: one station's plan on air, led by one daemon across machines.

A daemon plays only while it holds its station's lease
(:mod:`broadcaster.playout.lease`). Another one for the same station, on another
machine with the same database (and the same renders), is a hot standby, as
radio stations expect (Rivendell's): it looks at the lease ten times a lease
period and leads once the lease lapses. Each leadership is a
:class:`~broadcaster.playout.term.Term`, whose scheduler and deck start from the
stored plan and the airing log and end when the lease is given up or lost:

- the leader renews the lease three times a lease period; when it finds the
  lease taken (it was frozen past ``lease_s``) it steps down at once: its player
  is cut, nothing it played is logged, and it stands by;
- a clean stop (SIGTERM, SIGINT) logs the item on air as interrupted, then lets
  the lease lapse, so a standby leads within a poll;
- a restart from the same data directory leads at once: the lock file names the
  daemon before it, which the lock proves has ended.

Times are aware throughout and the scheduler runs in the settings' zone, so
the process's TZ changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from broadcaster.config import Settings
from broadcaster.errors import BroadcasterError
from broadcaster.playout.lease import Lease, holding, instance_id
from broadcaster.playout.term import Term
from broadcaster.runtime import Runtime
from broadcaster.runtime.paths import DataPaths

log = logging.getLogger(__name__)

POLL_S = 2.0  # alerts are looked for this often
REFRESH_S = 30.0  # the plan is re-read this often
MARGIN_S = 15.0  # a player may run this much longer than its audio before it is killed


class PlayoutError(BroadcasterError):
    """The daemon cannot run (another one runs this station from this data directory)."""


class Playout:
    """One station's daemon: :meth:`start`, :meth:`tick` every :attr:`tick_s`, :meth:`stop`."""

    def __init__(
        self,
        settings: Settings,
        *,
        station_id: str,
        engine: Engine,
        clock: Callable[[], dt.datetime],
        plan_day: Callable[[dt.date], None] | None = None,
        poll_s: float = POLL_S,
        refresh_s: float = REFRESH_S,
        margin_s: float = MARGIN_S,
        instance: str | None = None,
    ) -> None:
        self.settings = settings
        self.station_id = station_id
        self.engine = engine
        self.instance = instance or instance_id()
        self.recorded_by = f"playout@{self.instance}"  # on its log entries and markers
        self.lease = Lease(
            engine, station_id, self.instance, lease_s=settings.playout.lease_s, clock=clock
        )
        self._clock = clock
        self._plan_day = plan_day
        self._intervals = {"poll_s": poll_s, "refresh_s": refresh_s, "margin_s": margin_s}
        self._unplanned: set[dt.date] = set()  # days found without a plan (said once)
        self._predecessor: str | None = None  # the daemon this one restarts, known ended
        self._standing_by: str | None = None  # the leader last reported (said once)
        self._lock_file: IO[str] | None = None
        self.term: Term | None = None

    @property
    def leading(self) -> bool:
        return self.term is not None

    @property
    def tick_s(self) -> float:
        """A leader renews three times a lease period, a standby looks ten times: it
        leads within about one lease period of the leader's last renewal."""
        return self.lease.lease_s / (3 if self.leading else 10)

    def start(self) -> None:
        """Lock the station's data directory, then lead at once or stand by."""
        path = DataPaths(self.settings.data_dir).playout_lock(self.station_id)
        self._lock_file, self._predecessor = _exclusive(path, self.instance)
        try:
            self.tick()
        except BaseException:
            self.stop()
            raise

    def tick(self) -> None:
        """Renew the lease while leading (stepping down if it was taken), else try to take it."""
        if self.leading:
            try:
                kept = self.lease.renew()
            except SQLAlchemyError as error:  # unreachable: lead on until the lease runs out
                kept = not self.lease.lapsed()
                log.warning("playout: lease not renewed (%s)", error)
            if not kept:
                log.error("playout for %s: lease lost: standing by", self.station_id)
                self.lease.forget()
                self._step_down()
            return
        try:
            acquired = self.lease.acquire(dead=self._predecessor)
        except SQLAlchemyError as error:
            log.warning("playout: lease not looked at (%s)", error)
            return
        if not acquired:
            self._say_standing_by()
            return
        self._standing_by = None
        log.info(
            "playout for %s leading as %s (lease token %s, %s)",
            self.station_id,
            self.instance,
            self.lease.token,
            self.settings.zone,
        )
        self.term = Term(
            self.settings,
            station_id=self.station_id,
            engine=self.engine,
            clock=self._clock,
            recorded_by=self.recorded_by,
            fence=self.lease.fence,
            renders=DataPaths(self.settings.data_dir).renders.resolve(),
            plan_day=self._plan_day,
            unplanned=self._unplanned,
            **self._intervals,
        )
        predecessor = f"playout@{self._predecessor}" if self._predecessor else None
        try:
            self.term.start(predecessor=predecessor)
        except BaseException:
            self._step_down()
            raise

    def stop(self) -> None:
        """The term ended (the item on air logged), then the lease let go, then the lock."""
        self._step_down()
        try:
            self.lease.release()
        except SQLAlchemyError as error:
            log.warning("playout: lease not released: it lapses by itself (%s)", error)
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        log.info("playout for %s stopped", self.station_id)

    def _step_down(self) -> None:
        if self.term is not None:
            self.term.stop()
            self.term = None

    def _say_standing_by(self) -> None:
        try:
            current = holding(self.engine, self.station_id)
        except SQLAlchemyError:
            return
        leader = current.holder if current else "nobody"
        if leader != self._standing_by:
            self._standing_by = leader
            log.info("playout for %s standing by: %s leads", self.station_id, leader)


def _exclusive(path: Path, instance: str) -> tuple[IO[str], str | None]:
    """Hold ``path`` locked while the daemon runs: two daemons for one station from one
    data directory are a mistake, not a standby. The lock goes with the process,
    however it ends, so the instance the file names (returned) has ended."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise PlayoutError(
            f"playout for this station is already running ({holder}): {path}"
        ) from None
    handle.seek(0)
    previous = handle.read().strip()
    handle.truncate(0)
    handle.write(f"{instance}\n")
    handle.flush()
    return handle, previous if previous.count(":") == 2 else None  # an instance id


def run_playout(
    runtime: Runtime,
    *,
    station_id: str | None = None,
    stop_event: threading.Event | None = None,
    poll_s: float = POLL_S,
    refresh_s: float = REFRESH_S,
    margin_s: float = MARGIN_S,
) -> None:
    """Play ``station_id``'s plan (default: the producer) until SIGTERM, SIGINT or ``stop_event``.

    The runtime's clock stamps the log and decides lateness; the scheduler fires on
    the system clock, so that clock must keep real time. A station the schedule does
    not name is an error, not a daemon that waits forever airing nothing.
    """
    schedule = runtime.schedule()
    station_id = station_id or schedule.network.producer.id
    if schedule.station(station_id) is None:
        raise PlayoutError(
            f"no station '{station_id}' in {runtime.settings.schedule.stations}: "
            f"known stations are {', '.join(sorted(schedule.names)[:10])}..."
        )
    stop_event = stop_event or threading.Event()
    instance = instance_id()
    playout = Playout(
        runtime.settings,
        station_id=station_id,
        engine=runtime.engine,
        clock=runtime.clock.now,
        plan_day=functools.partial(_plan_day, runtime, by=f"playout@{instance}"),
        poll_s=poll_s,
        refresh_s=refresh_s,
        margin_s=margin_s,
        instance=instance,
    )
    with _stop_on_signals(stop_event):
        playout.start()
        try:
            while not stop_event.wait(playout.tick_s):
                playout.tick()
        finally:
            playout.stop()


def _plan_day(runtime: Runtime, day: dt.date, *, by: str) -> None:
    from broadcaster.airplan import service as airplan  # the planner: only when needed

    airplan.plan_range(runtime, day, 1, by=by)


@contextlib.contextmanager
def _stop_on_signals(stop_event: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set the event (only the main thread may install handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, lambda *_: stop_event.set()) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
