"""Render jobs started from the panel: queued in the database, run by one thread per worker.

The job's state is in the ``jobs`` table (:mod:`broadcaster.jobs`), so a page polled
through another worker behind the proxy still finds it, and a worker that stops (a
restart, a crash) leaves its job reading as interrupted, with a way to run it again.
One thread per worker keeps that worker's renders in order; renders from several
workers may overlap, which the manifest's lock allows (it merges under a file lock).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import current_app

from broadcaster import jobs
from broadcaster.errors import BroadcasterError, LibraryError
from broadcaster.runtime import Runtime
from web.content.text import fmt_seconds, problems_text, voice_label
from web.context import runtime

log = logging.getLogger(__name__)

EXTENSION = "content.jobs"  # where create_app keeps this app's board
KIND = "render"
QUEUED, RUNNING, DONE, FAILED = jobs.QUEUED, jobs.RUNNING, jobs.DONE, jobs.FAILED
INTERRUPTED = jobs.INTERRUPTED
WAITING = "Đang chờ đến lượt dựng…"
INTERRUPTED_TEXT = (
    "Việc dựng âm thanh bị gián đoạn: tiến trình máy chủ đang chạy nó đã dừng (khởi động lại "
    "hoặc gặp sự cố) trước khi xong. Bấm nút dựng ở mục Âm thanh để chạy lại."
)


@dataclass(frozen=True)
class Job:
    """A render job as the page and its poller show it."""

    id: str
    bulletin_id: str
    state: str
    message: str

    @property
    def finished(self) -> bool:
        return self.state not in (QUEUED, RUNNING)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "bulletin_id": self.bulletin_id,
            "state": self.state,
            "message": self.message,
            "finished": self.finished,
        }


def _shown(job: jobs.Job) -> Job:
    message = INTERRUPTED_TEXT if job.interrupted else job.message
    return Job(job.id, job.subject, job.state, message)


class JobBoard:
    """One worker's view of the render jobs: it runs its own, it reads everyone's."""

    def __init__(self) -> None:
        self.owner = jobs.instance_id()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="panel-render")
        self._heart = _Heartbeat(self.owner)

    def get(self, job_id: str) -> Job | None:
        rt = runtime()
        job = jobs.get(rt.engine, job_id, now=rt.clock.now())
        return _shown(job) if job and job.kind == KIND else None

    def active_for(self, bulletin_id: str) -> Job | None:
        """The bulletin's render in progress, or its last one if that was interrupted lately."""
        rt = runtime()
        job = jobs.unfinished_or_lately_interrupted(
            rt.engine, KIND, bulletin_id, now=rt.clock.now()
        )
        return _shown(job) if job else None

    def render(self, runtime: Runtime, bulletin_id: str, *, by: str) -> Job:
        """Queue a render of one bulletin; a request for one already queued joins that job."""
        now = runtime.clock.now()
        last = jobs.latest(runtime.engine, KIND, bulletin_id, now=now)
        if last is not None and last.state == QUEUED:
            return _shown(last)
        jobs.prune(runtime.engine, now=now)
        job = jobs.start(
            runtime.engine, KIND, owner=self.owner, now=now, subject=bulletin_id, by=by,
            message=WAITING,
        )  # fmt: skip
        self._heart.carry(runtime)
        future = self._pool.submit(_run, job.id, bulletin_id, runtime)
        future.add_done_callback(lambda _: self._heart.drop())
        return _shown(job)


class _Heartbeat:
    """Beats for this worker's unfinished jobs while there are any, then stops."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._lock = threading.Lock()
        self._carried = 0
        self._thread: threading.Thread | None = None

    def carry(self, runtime: Runtime) -> None:
        with self._lock:
            self._carried += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._beat, args=(runtime,), name="panel-jobs-heartbeat", daemon=True
                )
                self._thread.start()

    def drop(self) -> None:
        with self._lock:
            self._carried -= 1

    def _beat(self, runtime: Runtime) -> None:
        while True:
            with self._lock:
                if self._carried <= 0:
                    self._thread = None
                    return
            try:
                jobs.beat(runtime.engine, self.owner, now=runtime.clock.now())
            except Exception:  # a database hiccup: the next beat may pass
                log.exception("render jobs heartbeat")
            threading.Event().wait(jobs.HEARTBEAT_EVERY.total_seconds())


def _run(job_id: str, bulletin_id: str, runtime: Runtime) -> None:
    engine, clock = runtime.engine, runtime.clock
    try:
        jobs.begin(engine, job_id, now=clock.now(), message="Đang dựng âm thanh…")
        outcome, failure = _render(bulletin_id, runtime)
    except Exception as exc:  # a bug: keep the panel alive, the traceback in the log
        log.exception("render job %s for %s", job_id, bulletin_id)
        outcome, failure = None, f"Lỗi không mong đợi khi dựng: {exc!r}"
    try:
        if failure is not None:
            jobs.fail(engine, job_id, now=clock.now(), message=failure)
        else:
            jobs.finish(engine, job_id, now=clock.now(), message=outcome)
    except Exception:  # the database is gone: the job will read as interrupted
        log.exception("recording the end of render job %s", job_id)


def _render(bulletin_id: str, runtime: Runtime) -> tuple[str | None, str | None]:
    """(the message for a render that went well, None) or (None, why it did not)."""
    from broadcaster.render.pipeline import render_library  # numpy: the first render loads it

    try:
        # Read afresh: the text may have been edited while the job waited.
        bulletin = runtime.library().get(bulletin_id)
        report = render_library(
            [bulletin],
            settings=runtime.settings,
            lexicon=runtime.lexicon,
            workers=1,
            clock=runtime.clock,
        )
    except KeyError:
        return None, "Không tìm thấy bản tin trong thư viện."
    except LibraryError as exc:
        return None, "Thư viện bản tin đang có lỗi, chưa dựng được:\n" + problems_text(exc)
    except BroadcasterError as exc:
        return None, f"Dựng không thành công: {exc}"
    outcome = report.outcomes[0] if report.outcomes else None
    if outcome is None or outcome.status == "failed":
        reason = outcome.error if outcome else "không có kết quả"
        return None, f"Dựng không thành công. Thông báo của bộ dựng: {reason}"
    record = outcome.record
    voice = voice_label(record.engine, record.voice)
    if outcome.status == "unchanged":
        return f"Âm thanh hiện tại ({voice}) đã đúng với nội dung: không cần dựng lại.", None
    fallback = " — giọng dự phòng" if record.fallback else ""
    return (
        f"Đã dựng xong bản âm thanh ({voice}{fallback}), dài {fmt_seconds(record.duration_s)}.",
        None,
    )


def board() -> JobBoard:
    """The current app's board (one render thread per app)."""
    return current_app.extensions[EXTENSION]
