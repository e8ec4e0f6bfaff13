"""Background work started from the panel, kept in the database (``jobs``).

A job is started by one panel worker and polled through any other (the reverse
proxy picks), so its state lives in the database, not in the worker's memory. The
worker running a job beats its heartbeat; a job whose worker died (a restart, a
crash, a deploy) stops beating and reads as ``interrupted`` after
:data:`STALE_AFTER`, so the page can say so and offer to run it again instead of
spinning forever. Nothing resumes by itself: the results a job writes (renders, the
manifest, plans) are what last, and running a job again is always safe.

Generic on purpose: ``kind`` names the work (``render``), ``subject`` what it is
about (a bulletin's id, a week), ``params`` anything else, as JSON. Times come from
the caller's clock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

from broadcaster.db.schema import jobs as table

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
INTERRUPTED = "interrupted"  # read only: queued or running, but its worker stopped beating
UNFINISHED = (QUEUED, RUNNING)
HEARTBEAT_EVERY = dt.timedelta(seconds=15)
KEEP = dt.timedelta(days=30)  # older jobs are forgotten: what they made is what lasts
STALE_AFTER = dt.timedelta(seconds=90)  # several beats missed: the worker is gone
SHOW_INTERRUPTED_FOR = dt.timedelta(days=1)  # on its page, unasked


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    subject: str
    params: dict[str, Any]
    state: str
    progress: float  # 0..1
    message: str
    error: str
    requested_by: str
    owner: str
    heartbeat_at: dt.datetime
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED

    @property
    def interrupted(self) -> bool:
        return self.state == INTERRUPTED


def instance_id() -> str:
    """Names this process in ``owner``: host and pid for a person reading the table,
    a random tail because pids are reused across restarts."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


def start(
    engine: Engine,
    kind: str,
    *,
    owner: str,
    now: dt.datetime,
    subject: str = "",
    params: dict[str, Any] | None = None,
    by: str = "",
    message: str = "",
) -> Job:
    """Record a queued job that ``owner`` will run."""
    job_id = secrets.token_urlsafe(12)
    with engine.begin() as connection:
        connection.execute(
            insert(table).values(
                id=job_id,
                kind=kind,
                subject=subject,
                params=json.dumps(params or {}, ensure_ascii=False, sort_keys=True),
                state=QUEUED,
                progress=0.0,
                message=message,
                error="",
                requested_by=by,
                owner=owner,
                heartbeat_at=now,
                created_at=now,
            )
        )
    found = get(engine, job_id, now=now)
    assert found is not None
    return found


def begin(engine: Engine, job_id: str, *, now: dt.datetime, message: str | None = None) -> None:
    """The owner starts working on it."""
    _set(engine, job_id, now, state=RUNNING, started_at=now, message=message)


def progress(
    engine: Engine,
    job_id: str,
    *,
    now: dt.datetime,
    fraction: float | None = None,
    message: str | None = None,
) -> None:
    done = None if fraction is None else min(1.0, max(0.0, fraction))
    _set(engine, job_id, now, progress=done, message=message)


def finish(engine: Engine, job_id: str, *, now: dt.datetime, message: str = "") -> None:
    _set(engine, job_id, now, state=DONE, progress=1.0, finished_at=now, message=message)


def fail(engine: Engine, job_id: str, *, now: dt.datetime, message: str, error: str = "") -> None:
    """``message`` for the page (Vietnamese); ``error`` the technical detail, if any."""
    _set(engine, job_id, now, state=FAILED, finished_at=now, message=message, error=error)


def beat(engine: Engine, owner: str, *, now: dt.datetime) -> int:
    """Refresh the heartbeat of every unfinished job of ``owner``; how many there are."""
    with engine.begin() as connection:
        result = connection.execute(
            update(table)
            .where(table.c.owner == owner, table.c.state.in_(UNFINISHED))
            .values(heartbeat_at=now)
        )
    return result.rowcount


def get(engine: Engine, job_id: str, *, now: dt.datetime) -> Job | None:
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == job_id)).mappings().first()
    return _job(row, now) if row else None


def latest(engine: Engine, kind: str, subject: str, *, now: dt.datetime) -> Job | None:
    """The most recent job of ``kind`` about ``subject``."""
    query = (
        select(table)
        .where(table.c.kind == kind, table.c.subject == subject)
        .order_by(table.c.created_at.desc(), table.c.id.desc())
        .limit(1)
    )
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    return _job(row, now) if row else None


def unfinished_or_lately_interrupted(
    engine: Engine, kind: str, subject: str, *, now: dt.datetime
) -> Job | None:
    """The latest job about ``subject`` while it runs, or if it was interrupted within
    :data:`SHOW_INTERRUPTED_FOR`: what a page shows unasked, so that staff learn that
    their work was not all done."""
    job = latest(engine, kind, subject, now=now)
    if job is None or (job.finished and not job.interrupted):
        return None
    if job.interrupted and job.created_at < now - SHOW_INTERRUPTED_FOR:
        return None
    return job


def prune(engine: Engine, *, now: dt.datetime, keep: dt.timedelta = KEEP) -> int:
    """Forget the jobs started more than ``keep`` ago; how many went."""
    with engine.begin() as connection:
        return connection.execute(delete(table).where(table.c.created_at < now - keep)).rowcount


def _set(engine: Engine, job_id: str, now: dt.datetime, **values: Any) -> None:
    """Update a job with the given values (None: leave as is); every write is a beat."""
    changes = {key: value for key, value in values.items() if value is not None}
    with engine.begin() as connection:
        connection.execute(
            update(table).where(table.c.id == job_id).values(heartbeat_at=now, **changes)
        )


def _job(row, now: dt.datetime) -> Job:
    state = row["state"]
    if state in UNFINISHED and row["heartbeat_at"] < now - STALE_AFTER:
        state = INTERRUPTED
    return Job(
        id=row["id"],
        kind=row["kind"],
        subject=row["subject"],
        params=json.loads(row["params"] or "{}"),
        state=state,
        progress=row["progress"],
        message=row["message"],
        error=row["error"],
        requested_by=row["requested_by"],
        owner=row["owner"],
        heartbeat_at=row["heartbeat_at"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )
