"""Render jobs started from the panel: a small in-process registry with one worker thread.

One worker per app keeps panel renders in order and never lets two of them write the
manifest at once (render_library rewrites it whole at the end). The registry is in
memory: a restart forgets finished jobs, and a render that was running is simply
asked for again; the manifest and the audit trail are what last.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app

from broadcaster.errors import BroadcasterError, LibraryError
from broadcaster.runtime import Runtime
from web.content.text import fmt_seconds, problems_text, voice_label

if TYPE_CHECKING:  # rendering pulls in numpy and scipy: loaded by the first render only
    from broadcaster.render.pipeline import Outcome

log = logging.getLogger(__name__)

EXTENSION = "content.jobs"  # where create_app keeps this app's board
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
KEEP = 200  # finished jobs remembered, for pages that poll late


@dataclass
class Job:
    id: str
    bulletin_id: str
    requested_by: str
    state: str = QUEUED
    message: str = "Đang chờ đến lượt dựng…"
    outcome: Outcome | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "bulletin_id": self.bulletin_id,
            "state": self.state,
            "message": self.message,
            "finished": self.finished,
        }


class JobBoard:
    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="panel-render")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def active_for(self, bulletin_id: str) -> Job | None:
        with self._lock:
            for job in reversed(self._jobs.values()):
                if job.bulletin_id == bulletin_id and not job.finished:
                    return job
        return None

    def render(self, runtime: Runtime, bulletin_id: str, *, by: str) -> Job:
        """Queue a render of one bulletin; a request for one already queued joins that job."""
        with self._lock:
            for job in self._jobs.values():
                if job.bulletin_id == bulletin_id and job.state == QUEUED:
                    return job
            job = Job(secrets.token_urlsafe(9), bulletin_id, by)
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                oldest = next(iter(self._jobs))
                if not self._jobs[oldest].finished:
                    break
                del self._jobs[oldest]
        self._pool.submit(_run, job, runtime)
        return job


def _run(job: Job, runtime: Runtime) -> None:
    from broadcaster.render.pipeline import render_library

    job.state, job.message = RUNNING, "Đang dựng âm thanh…"
    try:
        # Read afresh: the text may have been edited while the job waited.
        library = runtime.library()
        bulletin = library.get(job.bulletin_id)
        report = render_library(
            [bulletin],
            settings=runtime.settings,
            lexicon=runtime.lexicon,
            workers=1,
            progress=lambda outcome: setattr(job, "outcome", outcome),
            clock=runtime.clock,
        )
    except KeyError:
        job.state, job.message = FAILED, "Không tìm thấy bản tin trong thư viện."
        return
    except LibraryError as exc:
        job.state = FAILED
        job.message = "Thư viện bản tin đang có lỗi, chưa dựng được:\n" + problems_text(exc)
        return
    except BroadcasterError as exc:
        job.state, job.message = FAILED, f"Dựng không thành công: {exc}"
        return
    except Exception as exc:  # a bug: keep the panel alive, the traceback in the log
        log.exception("render job %s for %s", job.id, job.bulletin_id)
        job.state, job.message = FAILED, f"Lỗi không mong đợi khi dựng: {exc!r}"
        return
    outcome = report.outcomes[0] if report.outcomes else None
    job.outcome = outcome
    if outcome is None or outcome.status == "failed":
        job.state = FAILED
        reason = outcome.error if outcome else "không có kết quả"
        job.message = f"Dựng không thành công. Thông báo của bộ dựng: {reason}"
        return
    record = outcome.record
    voice = voice_label(record.engine, record.voice)
    if outcome.status == "unchanged":
        job.message = f"Âm thanh hiện tại ({voice}) đã đúng với nội dung: không cần dựng lại."
    else:
        fallback = " — giọng dự phòng" if record.fallback else ""
        job.message = (
            f"Đã dựng xong bản âm thanh ({voice}{fallback}), dài {fmt_seconds(record.duration_s)}."
        )
    job.state = DONE


def board() -> JobBoard:
    """The current app's board (one worker per app)."""
    return current_app.extensions[EXTENSION]
