"""Planning several days from the panel: in the background, with its progress shown.

Planning and publishing the shipped stations' playlists takes about half a second
a day, so a week or two would hold a request (and a proxy's timeout) for many
seconds. The plan page's POST records a job instead (:mod:`broadcaster.jobs`), one
thread per panel worker runs it, and the plan page shows "Đang lập kế hoạch: ngày
3/7…" until it is done, through whichever worker answers.

Each day's progress is written to the job, and every write beats its heartbeat; a
day takes about a second, far less than :data:`broadcaster.jobs.STALE_AFTER`, so a
worker that dies leaves its job reading as interrupted without a heartbeat thread.
One planning at a time for the whole network: each day's rotation follows from the
days before it, so a second request (another staff member, a second tab) is refused
until the first is done.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import current_app

from broadcaster import jobs
from broadcaster.airplan import service as airplan
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.planning.planner import DayPlan
from broadcaster.runtime import Runtime
from web import refusals
from web.schedule import text

log = logging.getLogger(__name__)

EXTENSION = "schedule.planning"  # where create_app keeps this app's planner
KIND = "plan"
SUBJECT = "network"  # one planning at a time, whatever the days
INTERRUPTED_TEXT = (
    "Lần lập kế hoạch trước bị gián đoạn: tiến trình máy chủ chạy nó đã dừng (khởi động lại "
    "hoặc gặp sự cố) trước khi xong. Các ngày đã lập xong vẫn được lưu; hãy bấm “Lập kế "
    "hoạch” để lập lại."
)


class Busy(Exception):
    """A planning job is running: the form is refused with :attr:`message`."""

    def __init__(self, job: PlanJob) -> None:
        super().__init__(job.id)
        now = job.message.rstrip("….")
        self.message = (
            f"Đang có một lần lập kế hoạch chạy ({job.span}, {now[:1].lower()}{now[1:]}). "
            "Hãy chờ lần này xong rồi mới lập kế hoạch tiếp."
        )


@dataclass(frozen=True)
class PlanJob:
    """A planning job as the plan page and its poller show it."""

    id: str
    state: str
    message: str
    progress: float
    first: dt.date
    days: int

    @property
    def finished(self) -> bool:
        return self.state not in jobs.UNFINISHED

    @property
    def span(self) -> str:
        return span(self.first, self.days)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "state": self.state,
            "message": self.message,
            "progress": round(self.progress, 3),
            "finished": self.finished,
        }


def _shown(job: jobs.Job) -> PlanJob:
    message = INTERRUPTED_TEXT if job.interrupted else job.message
    first = dt.date.fromisoformat(job.params["first"])
    return PlanJob(job.id, job.state, message, job.progress, first, int(job.params["days"]))


def span(first: dt.date, days: int) -> str:
    if days == 1:
        return text.fmt_date(first)
    return f"{text.fmt_date(first)} – {text.fmt_date(first + dt.timedelta(days=days - 1))}"


def summary(first: dt.date, days: int, plans: Sequence[DayPlan]) -> str:
    slots = [slot for p in plans for slot in p.slots]
    items = sum(len(slot.items) for slot in slots)
    under = sum(1 for slot in slots if slot.underfilled)
    over = sum(1 for slot in slots if slot.overfilled)
    return (
        f"Đã lập kế hoạch {days} ngày ({span(first, days)}): {items} mục phát trong "
        f"{len(slots)} buổi phát; {under} buổi phát dùng dưới một nửa thời lượng, {over} buổi "
        "phát không đủ chỗ cho bản tin bắt buộc."
    )


def step(day: int, days: int) -> str:
    return f"Đang lập kế hoạch: ngày {day}/{days}…"


class Planner:
    """One worker's planning jobs: it runs its own, it reads everyone's."""

    def __init__(self) -> None:
        self.owner = jobs.instance_id()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="panel-plan")
        self._lock = threading.Lock()  # this worker's check-then-start

    def get(self, runtime: Runtime, job_id: str) -> PlanJob | None:
        job = jobs.get(runtime.engine, job_id, now=runtime.clock.now())
        return _shown(job) if job and job.kind == KIND else None

    def running(self, runtime: Runtime) -> PlanJob | None:
        job = jobs.latest(runtime.engine, KIND, SUBJECT, now=runtime.clock.now())
        return _shown(job) if job and not job.finished else None

    def shown(self, runtime: Runtime, job_id: str | None) -> PlanJob | None:
        """The job the page was sent to follow, else the one running, else the last one if
        it was interrupted lately (so that staff learn their week was not all planned)."""
        asked = self.get(runtime, job_id) if job_id else None
        if asked is not None:
            return asked
        job = jobs.unfinished_or_lately_interrupted(
            runtime.engine, KIND, SUBJECT, now=runtime.clock.now()
        )
        return _shown(job) if job else None

    def refuse_if_busy(self, runtime: Runtime) -> None:
        running = self.running(runtime)
        if running is not None:
            raise Busy(running)

    def start(self, runtime: Runtime, first: dt.date, days: int, *, by: str) -> PlanJob:
        """Queue the planning of ``days`` days from ``first``; :class:`Busy` while one runs."""
        with self._lock:
            self.refuse_if_busy(runtime)
            now = runtime.clock.now()
            jobs.prune(runtime.engine, now=now)
            job = jobs.start(
                runtime.engine, KIND, owner=self.owner, now=now, subject=SUBJECT, by=by,
                params={"first": first.isoformat(), "days": days}, message=step(1, days),
            )  # fmt: skip
        self._pool.submit(_run, runtime, job.id, first, days, by)
        return _shown(job)


def _run(runtime: Runtime, job_id: str, first: dt.date, days: int, by: str) -> None:
    engine, clock = runtime.engine, runtime.clock
    unpublished: list[BroadcasterError] = []

    def on_day(done: int, plan: DayPlan) -> None:
        try:
            airplan.publish_playlists(runtime, plan.day, zips=False)
        except BroadcasterError as error:  # the plan is stored: say so, go on with the days
            unpublished.append(error)
        following = step(done + 1, days) if done < days else "Đang hoàn tất…"
        jobs.progress(engine, job_id, now=clock.now(), fraction=done / days, message=following)

    try:
        jobs.begin(engine, job_id, now=clock.now(), message=step(1, days))
        plans = airplan.plan_range(runtime, first, days, by=by, on_day=on_day)
        outcome, failure = summary(first, days, plans), None
        if unpublished:
            headline, details = text.error_text(unpublished[0])
            failure = f"{outcome} Chưa xuất được danh sách phát: {headline} {' '.join(details)}"
    except Refused as refused:
        outcome, failure = None, refusals.text(refused, runtime.settings.zone)
    except BroadcasterError as error:
        headline, details = text.error_text(error)
        outcome, failure = None, f"Chưa lập được kế hoạch: {headline} {' '.join(details)}"
    except Exception as exc:  # a bug: keep the panel alive, the traceback in the log
        log.exception("planning job %s", job_id)
        outcome, failure = None, f"Lỗi không mong đợi khi lập kế hoạch: {exc!r}"
    try:
        if failure is not None:
            jobs.fail(engine, job_id, now=clock.now(), message=failure.strip())
        else:
            jobs.finish(engine, job_id, now=clock.now(), message=outcome)
    except Exception:  # the database is gone: the job will read as interrupted
        log.exception("recording the end of planning job %s", job_id)


def planner() -> Planner:
    """The current app's planner (one planning thread per app)."""
    return current_app.extensions[EXTENSION]
