"""One term as leader: the scheduler and the deck, from taking the lease to losing it.

A term starts only once the daemon holds its station's lease, and everything it
knows it reads from the stored plan and the airing log, never from an earlier
term or another daemon: its scheduler keeps its jobs in memory (APScheduler 3,
one job per slot, a date trigger at the slot's start, and two interval jobs:
re-reading the plan and polling for emergency alerts). Jobs only *cue*; the deck
(:mod:`broadcaster.playout.deck`) plays and logs, under the lease's fence.

- start: items a lapsed leader left on air are logged failed (their markers),
  then every started slot of yesterday and today is cued, so whatever has no
  entry yet airs late within ``grace_s`` or is logged missed; future slots of
  today and tomorrow get jobs;
- every ``refresh_s``: the same again, so a re-stored plan, tomorrow's plan
  stored later, and the change of day at midnight are all picked up, and a
  slot job that never ran (a suspended machine) is made good;
- every ``poll_s``: alerts newer than the last one seen are cued at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
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

log = logging.getLogger(__name__)

REFRESH_JOB = "refresh plan"
ALERTS_JOB = "poll alerts"
DAY = dt.timedelta(days=1)


def _job(method):
    """A method the scheduler's jobs call: skipped once stopping, counted while it runs.

    APScheduler 3's ``shutdown(wait=True)`` waits for running jobs while holding
    the job-store lock, and a refresh job takes that lock to reschedule slots: stop
    therefore pauses the scheduler and waits for these itself before shutting down.
    """

    @functools.wraps(method)
    def guarded(self: Term, *args):
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


class Term:
    """The scheduler and the deck of one leadership; :meth:`start`, then :meth:`stop`."""

    def __init__(
        self,
        settings: Settings,
        *,
        station_id: str,
        engine: Engine,
        clock: Callable[[], dt.datetime],
        recorded_by: str,
        fence: state.Fence,
        renders: Path,
        plan_day: Callable[[dt.date], None] | None,
        unplanned: set[dt.date],
        poll_s: float,
        refresh_s: float,
        margin_s: float,
    ) -> None:
        self.settings = settings
        self.station_id = station_id
        self.engine = engine
        self.zone = settings.zone
        self.recorded_by = recorded_by
        self._clock = clock
        self._fence = fence
        self._renders = renders
        self._plan_day = plan_day  # makes a day's plan when none is stored
        self._unplanned = unplanned  # days found without a plan (said once), kept by the daemon
        self._poll_s = poll_s
        self._refresh_s = refresh_s
        self._margin_s = margin_s
        self._lock = threading.Lock()
        self._jobs_idle = threading.Condition()
        self._jobs_running = 0
        self._stopping = False
        self._cued: set[Key] = set()
        self._last_alert = 0
        self._alert_floor: dt.datetime | None = None
        self._deck: Deck | None = None
        self._scheduler: BackgroundScheduler | None = None
        self.running_since: dt.datetime | None = None

    def start(self, *, predecessor: str | None = None) -> None:
        """Account for a lapsed leader's item on air, then cue and schedule from the plan."""
        now = self._clock()
        self.running_since = now
        today = agenda.local_day(now, self.zone)
        # Alerts older than the window the plan sweep covers belong to before this
        # station's daemon existed, or were accounted for already.
        self._alert_floor = dt.datetime.combine(today - DAY, dt.time(), tzinfo=self.zone)
        for entry in state.recover(
            self.engine,
            self.station_id,
            recorded_by=self.recorded_by,
            now=now,
            fence=self._fence,
            predecessor=predecessor,
        ):
            log.warning("playout: item cut off by the last leader's end logged failed (#%s)", entry)
        self._deck = Deck(
            engine=self.engine,
            player=self.settings.playout.player,
            renders=self._renders,
            grace_s=self.settings.playout.grace_s,
            margin_s=self._margin_s,
            zone=self.zone,
            clock=self._clock,
            recorded_by=self.recorded_by,
            running_since=now,
            lookup=self._lookup,
            fence=self._fence,
        )
        self._scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},  # never shared: the plan is the truth
            executors={"default": ThreadPoolExecutor(max_workers=4)},
            # Lateness is the deck's decision (grace_s, with the log at hand), so the
            # scheduler runs a late job however late, once.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=self.zone,
        )
        self._scheduler.start(paused=True)  # the jobs are in place before any runs
        jobs.register(self.station_id, self)
        self._scheduler.add_job(
            jobs.refresh_plan,
            IntervalTrigger(seconds=self._refresh_s, timezone=self.zone),
            args=[self.station_id],
            id=REFRESH_JOB,
        )
        self._scheduler.add_job(
            jobs.poll_alerts,
            IntervalTrigger(seconds=self._poll_s, timezone=self.zone),
            args=[self.station_id],
            id=ALERTS_JOB,
        )
        self._deck.start()
        self.poll_alerts()  # an alert waiting at start goes first
        self.refresh()
        self._scheduler.resume()

    def stop(self) -> None:
        """No new jobs, then the player stopped and its airing logged (if the lease
        is still this daemon's: a deposed leader logs nothing)."""
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

    def slot_jobs(self) -> list[Job]:
        """The scheduler's slot jobs: what will fire, and when."""
        if self._scheduler is None:
            return []
        return [job for job in self._scheduler.get_jobs() if job.id.startswith("slot ")]

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
            else:  # re-planned away
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
