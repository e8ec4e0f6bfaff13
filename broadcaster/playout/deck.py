"""The deck: the one thread that puts audio on air, one cue at a time.

Scheduler jobs and the alert poller only *cue*; the deck alone decides, at the
moment it reaches a cue, whether it still airs, and it alone starts players.
So there is never more than one voice on air, and every decision is taken with
the time and the log as they are then:

- an item already in the log is not played (restarts, a job that fires twice);
- an item more than ``grace_s`` past its time is logged missed;
- a file that is missing or not the approved render is logged failed;
- a planned item starts at its time or when the one before it ends, whichever is
  later: drift never accumulates and nothing starts early;
- the player is watched: non-zero exit, ending before ``PLAYED_SHARE`` of the
  audio, or overrunning ``duration + margin`` (killed) is logged failed, and the
  deck goes on with the next cue.

Emergency alerts jump the queue and cut the planned item on air; that item is
logged failed ("interrupted by emergency alert #N") and cued again behind the
alert, where the grace rule decides whether it still fits.

Every write about an item (its on-air marker before the player starts, its log
entry) passes the station's lease ``fence`` in the same transaction: once another
daemon has taken the lease, this deck neither starts a player nor logs, and its
thread ends (:class:`~broadcaster.playout.lease.LeaseLost`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine

from broadcaster import airlog
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.playout import agenda, state
from broadcaster.playout.agenda import Cue
from broadcaster.playout.lease import LeaseLost
from broadcaster.playout.player import Process, check_file, command
from broadcaster.playout.state import Fence

log = logging.getLogger(__name__)

WATCH_S = 0.25  # how often a playing item is checked for a cut
# An item is aired only if its player ran this share of its audio's length: a player
# that cannot open the sound device and exits 0 at once has aired nothing.
PLAYED_SHARE = 0.9


class Deck:
    def __init__(
        self,
        *,
        engine: Engine,
        player: Sequence[str],
        renders: Path,
        grace_s: float,
        margin_s: float,
        zone: dt.tzinfo,
        clock: Callable[[], dt.datetime],
        recorded_by: str,
        running_since: dt.datetime,
        lookup: Callable[[Cue], Cue | None],
        fence: Fence,
    ) -> None:
        self._engine = engine
        self._fence = fence
        self._player = tuple(player)
        self._renders = renders
        self._grace_s = grace_s
        self._margin_s = margin_s
        self._zone = zone
        self._clock = clock
        self._recorded_by = recorded_by
        self._running_since = running_since
        self._lookup = lookup  # the plan's current version of a planned cue, or None
        self._cond = threading.Condition()
        self._queue: list[tuple[int, float, int, Cue]] = []
        self._order = itertools.count()
        self._current: Cue | None = None
        self._interrupt: str | None = None  # why the current cue must end
        self._process: Process | None = None
        self._cut = False  # the current player was terminated by an interrupt
        self._stopping = False
        self._last_end: dt.datetime | None = None  # when the deck's last player ended
        self._thread = threading.Thread(target=self._run, name="playout-deck", daemon=True)

    # -- from other threads ---------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def cue(self, cue: Cue) -> None:
        """Queue ``cue``; an emergency cuts the planned item on air."""
        with self._cond:
            self._push(cue)
            current = self._current
            if cue.emergency and current is not None and not current.emergency:
                self._cut_current(f"interrupted by emergency alert #{cue.alert_id}")
            self._cond.notify_all()

    def stop(self, timeout_s: float | None = None) -> None:
        """Cut what is playing (logged failed: playout stopped) and end the thread."""
        with self._cond:
            self._stopping = True
            self._cut_current(state.INTERRUPTED)
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    # -- the deck's own thread ------------------------------------------------------

    def _push(self, cue: Cue) -> None:
        rank = 0 if cue.emergency else 1
        heapq.heappush(self._queue, (rank, cue.scheduled_at.timestamp(), next(self._order), cue))

    def _early_s(self, cue: Cue) -> float:
        """Seconds until a planned cue's time: it waits for them, never starts early."""
        return (cue.scheduled_at - self._clock()).total_seconds()

    def _cut_current(self, reason: str) -> None:
        """Under the lock: end the current cue, or keep it from starting."""
        if self._current is None:
            return
        if self._interrupt is None:
            self._interrupt = reason
        if self._process is not None and self._process.running:
            self._cut = True
            self._process.terminate()

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    while not self._queue and not self._stopping:
                        self._cond.wait()
                    if self._stopping:
                        return
                    first = self._queue[0][-1]
                    early_s = 0.0 if first.emergency else self._early_s(first)
                    if early_s <= 0:
                        break
                    self._cond.wait(min(early_s, 1.0))  # an alert may come meanwhile
                cue = heapq.heappop(self._queue)[-1]
                self._current, self._interrupt, self._cut = cue, None, False
            try:
                self._take(cue)
            except LeaseLost as lost:  # another daemon leads now: nothing more from this one
                log.warning("playout: %s not logged, and nothing more plays: %s", cue.label, lost)
                with self._cond:
                    self._stopping = True
                    self._current = self._process = None
                return
            except Exception:  # a database hiccup must not silence the station
                log.exception("playout: %s could not be handled", cue.label)
            finally:
                with self._cond:
                    self._current = self._process = None

    def _take(self, cue: Cue) -> None:
        if not cue.emergency:
            current = self._lookup(cue)
            if current is None:
                log.info("playout: %s is no longer in the plan", cue.label)
                return
            cue = dataclasses.replace(current, retry_of=cue.retry_of)
        logged = airlog.logged_for(self._engine, cue.station_id, cue.scheduled_at)
        if any(entry.id not in cue.retry_of for entry in logged):
            return  # aired, failed or missed already: never twice
        now = self._clock()
        missed = agenda.missed_reason(
            cue, now, grace_s=self._grace_s, running_since=self._running_since, zone=self._zone
        )
        if missed:
            if not cue.retry_of:  # a replay that no longer fits: its failure stands
                self._record(cue, Outcome.MISSED, reason=missed)
            return
        path = self._renders / cue.file
        problem = check_file(path, cue.render_sha256)
        if problem:
            self._record(cue, Outcome.FAILED, reason=problem, started=now, ended=self._clock())
            return
        self._play(cue, path)

    def _play(self, cue: Cue, path: Path) -> None:
        argv = command(self._player, path)
        started = self._clock()
        marker = state.mark(
            self._engine, cue, started_at=started, recorded_by=self._recorded_by, fence=self._fence
        )
        process = failure = None
        # From before the spawn: a thread set aside by a busy machine after it must not
        # read as a player that ended early (a false "failed" in the evidence).
        began = time.monotonic()
        with self._cond:
            preempted = self._interrupt is not None
            if not preempted:
                try:
                    process = self._process = Process(argv)
                except OSError as exc:
                    failure = f"player could not start: {exc}"
        if preempted:  # an alert or a stop came while the item got ready: nothing aired
            state.clear(self._engine, marker)
            with self._cond:
                if not self._stopping:
                    self._push(cue)
            return
        if process is None:
            self._record(cue, Outcome.FAILED, reason=failure, started=started, ended=self._clock())
            state.clear(self._engine, marker)
            return
        try:
            status, overran = self._watch(process, cue.duration_s + self._margin_s)
            played_s = time.monotonic() - began
            ended = self._clock()
            with self._cond:
                cut, interrupt = self._cut, self._interrupt
                self._process = None
            if cut:
                outcome, reason = Outcome.FAILED, interrupt
            elif overran:
                outcome = Outcome.FAILED
                reason = (
                    f"player still running {cue.duration_s + self._margin_s:g} s after start "
                    f"({cue.duration_s:g} s of audio): killed"
                )
            elif status != 0 or played_s < PLAYED_SHARE * cue.duration_s:
                outcome = Outcome.FAILED
                if status != 0:
                    reason = f"player exited with status {status}"
                else:
                    reason = f"player ended after {played_s:.1f} s of {cue.duration_s:g} s of audio"
                if detail := process.error_text():
                    reason += f": {detail}"
            else:
                outcome = Outcome.AIRED
                reason = agenda.aired_reason(
                    cue,
                    started,
                    running_since=self._running_since,
                    zone=self._zone,
                    previous_end=self._last_end,
                )
            self._last_end = ended  # whatever the outcome, the air was busy until then
            entry = self._record(
                cue,
                outcome,
                reason=reason,
                started=started,
                ended=ended,
                late=outcome is Outcome.AIRED and agenda.is_late(cue.scheduled_at, started),
            )
            state.clear(self._engine, marker)
        finally:
            process.close()
        if cut:
            with self._cond:
                if not self._stopping:
                    self._push(cue.retried(entry))

    def _watch(self, process: Process, limit_s: float) -> tuple[int, bool]:
        """Wait for the player; (exit status, overran). A cut or an overrun ends it."""
        deadline = time.monotonic() + limit_s
        while True:
            status = process.wait(min(WATCH_S, max(deadline - time.monotonic(), 0.0)))
            if status is not None:
                return status, False
            with self._cond:
                cut = self._cut
            overran = time.monotonic() >= deadline
            if cut or overran:
                return process.stop(), overran and not cut

    def _record(
        self,
        cue: Cue,
        outcome: Outcome,
        *,
        reason: str = "",
        started: dt.datetime | None = None,
        ended: dt.datetime | None = None,
        late: bool = False,
    ) -> int:
        airing = Airing(
            station_id=cue.station_id,
            bulletin_id=cue.bulletin_id,
            render_sha256=cue.render_sha256,
            outcome=outcome,
            source=Source.PLAYOUT,
            recorded_by=self._recorded_by,
            recorded_at=self._clock(),
            form=cue.form,
            scheduled_at=cue.scheduled_at,
            started_at=started,
            ended_at=ended,
            late=late,
            reason=reason,
        )
        with self._engine.begin() as connection:  # under the lease, or not at all
            self._fence(connection)
            entry = airlog.append(connection, airing)
        level = logging.INFO if outcome is Outcome.AIRED else logging.WARNING
        log.log(level, "playout: %s %s%s", cue.label, outcome.value, f" ({reason})" * bool(reason))
        return entry
