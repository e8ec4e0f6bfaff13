"""The playout daemon: the stored plan, on air at its time, every airing logged.

A persistent APScheduler 3 job store in the project's database holds one job
per slot (date trigger at the slot's start) and two interval jobs: re-reading
the plan and polling for emergency alerts. Jobs only *cue*; the deck
(:mod:`broadcaster.playout.deck`) plays. The plan and the airing log are the
truth; the job store is reconciled against them at start and at every refresh:

- start: items the last run left on air are logged failed (their markers), then
  every started slot of yesterday and today is cued, so whatever has no entry
  yet airs late within ``grace_s`` or is logged missed; future slots of today
  and tomorrow get jobs, stale ones are removed;
- every ``refresh_s``: the same again, so a re-stored plan, tomorrow's plan
  stored later, and the change of day at midnight are all picked up, and a
  slot job that never ran (a suspended machine) is made good;
- every ``poll_s``: alerts newer than the last one seen are cued at once.

Times are aware throughout and the scheduler runs in the settings' zone, so
the process's TZ changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from broadcaster import alerts
from broadcaster.airplan.store import StoredItem, is_planned, load_plan
from broadcaster.config import Settings
from broadcaster.errors import BroadcasterError
from broadcaster.playout import agenda, jobs, state
from broadcaster.playout.agenda import Cue, Key
from broadcaster.playout.deck import Deck
from broadcaster.runtime import Runtime
from broadcaster.runtime.paths import DataPaths

log = logging.getLogger(__name__)

POLL_S = 2.0  # alerts are looked for this often
REFRESH_S = 30.0  # the plan is re-read this often
MARGIN_S = 15.0  # a player may run this much longer than its audio before it is killed
REFRESH_JOB = "refresh plan"
ALERTS_JOB = "poll alerts"
DAY = dt.timedelta(days=1)


class PlayoutError(BroadcasterError):
    """The daemon cannot run (another one already plays this station)."""


def _job(method):
    """A method the scheduler's jobs call: skipped once stopping, counted while it runs.

    APScheduler 3's ``shutdown(wait=True)`` waits for running jobs while holding
    the job-store lock, and a refresh job takes that lock to reschedule slots: stop
    therefore pauses the scheduler and waits for these itself before shutting down.
    """

    @functools.wraps(method)
    def guarded(self: Playout, *args):
        with self._jobs_idle:
            if self._stopping:
                return None
            self._jobs_running += 1
        try:
            return method(self, *args)
        finally:
            with self._jobs_idle:
                self._jobs_running -= 1
                self._jobs_idle.notify_all()

    return guarded


class Playout:
    """One station's daemon; :func:`run_playout` runs it until told to stop."""

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
    ) -> None:
        self.settings = settings
        self._plan_day = plan_day  # makes a day's plan when none is stored
        self.station_id = station_id
        self.engine = engine
        self.zone = settings.zone
        self.recorded_by = f"playout@{socket.gethostname()}"
        self._clock = clock
        self._poll_s = poll_s
        self._refresh_s = refresh_s
        self._margin_s = margin_s
        self._lock = threading.Lock()
        self._jobs_idle = threading.Condition()
        self._jobs_running = 0
        self._stopping = False
        self._cued: set[Key] = set()
        self._last_alert = 0
        self._unplanned: set[dt.date] = set()  # days found without a plan (said once)
        self._alert_floor: dt.datetime | None = None
        self._deck: Deck | None = None
        self._scheduler: BackgroundScheduler | None = None
        self._lock_file: IO[str] | None = None
        self.running_since: dt.datetime | None = None

    # -- life cycle -----------------------------------------------------------------

    def start(self) -> None:
        self._lock_file = _exclusive(
            DataPaths(self.settings.data_dir).playout_lock(self.station_id)
        )
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        log.info("playout for %s running (%s)", self.station_id, self.zone)

    def _start(self) -> None:
        now = self._clock()
        self.running_since = now
        today = agenda.local_day(now, self.zone)
        # Alerts older than the window the plan sweep covers belong to before this
        # station's daemon existed, or were accounted for already.
        self._alert_floor = dt.datetime.combine(today - DAY, dt.time(), tzinfo=self.zone)
        for entry in state.recover(
            self.engine, self.station_id, recorded_by=self.recorded_by, now=now
        ):
            log.warning("playout: item cut off by the last run's end logged failed (#%s)", entry)
        self._deck = Deck(
            engine=self.engine,
            player=self.settings.playout.player,
            renders=DataPaths(self.settings.data_dir).renders.resolve(),
            grace_s=self.settings.playout.grace_s,
            margin_s=self._margin_s,
            zone=self.zone,
            clock=self._clock,
            recorded_by=self.recorded_by,
            running_since=now,
            lookup=self._lookup,
        )
        self._scheduler = BackgroundScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(
                    engine=self.engine, tablename=agenda.job_table(self.station_id)
                )
            },
            executors={"default": ThreadPoolExecutor(max_workers=4)},
            # Lateness is the deck's decision (grace_s, with the log at hand), so the
            # scheduler runs a late job however late, once.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=self.zone,
        )
        self._scheduler.start(paused=True)  # reconcile the stored jobs before any runs
        jobs.register(self.station_id, self)
        self._scheduler.add_job(
            jobs.refresh_plan,
            IntervalTrigger(seconds=self._refresh_s, timezone=self.zone),
            args=[self.station_id],
            id=REFRESH_JOB,
            replace_existing=True,
        )
        self._scheduler.add_job(
            jobs.poll_alerts,
            IntervalTrigger(seconds=self._poll_s, timezone=self.zone),
            args=[self.station_id],
            id=ALERTS_JOB,
            replace_existing=True,
        )
        self._deck.start()
        self.poll_alerts()  # an alert waiting at start goes first
        self.refresh()
        self._scheduler.resume()

    def stop(self) -> None:
        """No new jobs, then the player stopped and its airing logged."""
        with self._jobs_idle:
            self._stopping = True
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.pause()
            with self._jobs_idle:
                self._jobs_idle.wait_for(lambda: self._jobs_running == 0)
            self._scheduler.shutdown(wait=True)
        jobs.unregister(self.station_id, self)
        if self._deck is not None:
            self._deck.stop()
        if self._lock_file is not None:
            self._lock_file.close()
        log.info("playout for %s stopped", self.station_id)

    # -- called by the jobs ---------------------------------------------------------

    @_job
    def refresh(self) -> None:
        now = self._clock()
        today = agenda.local_day(now, self.zone)
        self._ensure_planned(today)
        plans = {day: self._plan(day) for day in (today - DAY, today, today + DAY)}
        self._schedule_slots(agenda.future_slots([*plans[today], *plans[today + DAY]], now))
        for item in agenda.started([*plans[today - DAY], *plans[today]], now):
            self._cue(Cue.of_item(item))
        with self._lock:  # keys older than the sweep's window can never come back
            floor = dt.datetime.combine(today - DAY, dt.time(), tzinfo=self.zone)
            self._cued = {key for key in self._cued if key[1] >= floor}

    @_job
    def cue_slot(self, slot_start: dt.datetime) -> None:
        items = self._plan(agenda.local_day(slot_start, self.zone))
        for item in sorted(items, key=lambda item: (item.starts_at, item.position)):
            if item.slot_start == slot_start:
                self._cue(Cue.of_item(item))

    @_job
    def poll_alerts(self) -> None:
        for alert in alerts.pending_alerts(self.engine, self.station_id, self._last_alert):
            self._last_alert = alert.id
            if alert.raised_at >= self._alert_floor:
                self._cue(Cue.of_alert(alert, self.station_id))

    # -- inside ---------------------------------------------------------------------

    def _ensure_planned(self, day: dt.date) -> None:
        """No plan stored for the day at all: plan it, rather than air nothing in silence.

        Only approved audio is planned, as by ``broadcaster plan``; when nothing can
        be planned the error is logged once a day, and the slots stay empty.
        """
        if day in self._unplanned or is_planned(self.engine, day):
            return
        self._unplanned.add(day)
        if self._plan_day is None:
            log.error("playout: no plan stored for %s: nothing will air (broadcaster plan)", day)
            return
        try:
            self._plan_day(day)
        except BroadcasterError as error:
            log.error("playout: no plan stored for %s and none could be made: %s", day, error)
            return
        log.warning("playout: no plan was stored for %s: planned it now", day)

    def _plan(self, day: dt.date) -> list[StoredItem]:
        return load_plan(self.engine, day, self.zone, self.station_id)

    def _cue(self, cue: Cue) -> None:
        with self._lock:
            if cue.key in self._cued:
                return
            self._cued.add(cue.key)
        self._deck.cue(cue)

    def _lookup(self, cue: Cue) -> Cue | None:
        """The plan as stored now decides what a queued item is, or that it is gone."""
        for item in self._plan(cue.day):
            if item.starts_at == cue.scheduled_at:
                return Cue.of_item(item)
        return None

    def _schedule_slots(self, starts: list[dt.datetime]) -> None:
        wanted = {agenda.slot_job_id(start): start for start in starts}
        stored = set()
        for job in self._scheduler.get_jobs():
            if not job.id.startswith("slot "):
                continue
            if job.id in wanted:
                stored.add(job.id)
            else:  # re-planned away, or left by an earlier run
                with contextlib.suppress(JobLookupError):
                    job.remove()
        for job_id, start in wanted.items():
            if job_id not in stored:
                self._scheduler.add_job(
                    jobs.air_slot,
                    DateTrigger(run_date=start, timezone=self.zone),
                    args=[self.station_id, start.isoformat()],
                    id=job_id,
                    name=f"slot {start.astimezone(self.zone):%Y-%m-%d %H:%M:%S}",
                    replace_existing=True,
                )


def _exclusive(path: Path) -> IO[str]:
    """Hold ``path`` locked while the daemon runs: two daemons for one station would
    both play every item. The lock goes with the process, however it ends."""
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
    handle.truncate(0)
    handle.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
    handle.flush()
    return handle


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
    playout = Playout(
        runtime.settings,
        station_id=station_id,
        engine=runtime.engine,
        clock=runtime.clock.now,
        plan_day=functools.partial(_plan_day, runtime, by=f"playout@{socket.gethostname()}"),
        poll_s=poll_s,
        refresh_s=refresh_s,
        margin_s=margin_s,
    )
    with _stop_on_signals(stop_event):
        playout.start()
        try:
            while not stop_event.wait(1.0):
                pass
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
