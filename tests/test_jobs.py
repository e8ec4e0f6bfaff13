"""The job table: a job started by one process is followed from another, and a job
whose process stopped beating reads as interrupted (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster import db, jobs

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def engines(database_url):
    """Two worker processes' engines on one database."""
    made = [db.connect(database_url), db.connect(database_url)]
    yield made
    for engine in made:
        engine.dispose()


def test_a_job_and_its_progress_are_seen_from_another_process(engines):
    one, two = engines
    job = jobs.start(one, "plan-week", owner="a", now=NOW, subject="2026-W49",
                     params={"stations": ["co-am"]}, by="canbo")  # fmt: skip
    jobs.begin(one, job.id, now=NOW)
    jobs.progress(one, job.id, now=NOW, fraction=0.5, message="Đã lập 3/6 ngày")
    seen = jobs.get(two, job.id, now=NOW)
    assert (seen.state, seen.progress, seen.message) == ("running", 0.5, "Đã lập 3/6 ngày")
    assert seen.params == {"stations": ["co-am"]} and seen.requested_by == "canbo"
    assert jobs.latest(two, "plan-week", "2026-W49", now=NOW).id == job.id

    jobs.finish(one, job.id, now=NOW + dt.timedelta(seconds=5), message="Xong")
    done = jobs.get(two, job.id, now=NOW + dt.timedelta(hours=1))
    assert (done.state, done.progress, done.finished) == ("done", 1.0, True)


def test_a_job_whose_process_stopped_beating_reads_as_interrupted(engines):
    one, two = engines
    alive = jobs.start(one, "render", owner="a", now=NOW, subject="x")
    dead = jobs.start(one, "render", owner="b", now=NOW, subject="y")
    later = NOW + jobs.STALE_AFTER + dt.timedelta(seconds=1)
    assert jobs.beat(one, "a", now=later) == 1  # only a's own unfinished jobs
    assert jobs.get(two, alive.id, now=later).state == "queued"
    gone = jobs.get(two, dead.id, now=later)
    assert gone.state == "interrupted" and gone.interrupted and gone.finished


def test_a_finished_job_is_never_interrupted(engines):
    one, _ = engines
    job = jobs.start(one, "render", owner="a", now=NOW)
    jobs.fail(one, job.id, now=NOW, message="Dựng không thành công", error="boom")
    failed = jobs.get(one, job.id, now=NOW + dt.timedelta(days=2))
    assert (failed.state, failed.error) == ("failed", "boom")


def test_old_jobs_are_forgotten(engines):
    one, _ = engines
    old = jobs.start(one, "render", owner="a", now=NOW - dt.timedelta(days=31))
    recent = jobs.start(one, "render", owner="a", now=NOW - dt.timedelta(days=29))
    assert jobs.prune(one, now=NOW) == 1
    assert jobs.get(one, old.id, now=NOW) is None
    assert jobs.get(one, recent.id, now=NOW) is not None


def test_a_page_shows_a_running_job_and_an_interrupted_one_for_a_day_but_not_a_done_one(engines):
    one, two = engines
    shown = jobs.unfinished_or_lately_interrupted
    running = jobs.start(one, "plan", owner="a", now=NOW, subject="network")
    assert shown(two, "plan", "network", now=NOW).id == running.id

    stopped = NOW + jobs.STALE_AFTER + dt.timedelta(seconds=1)  # its worker died
    assert shown(two, "plan", "network", now=stopped).state == "interrupted"
    a_day_on = NOW + jobs.SHOW_INTERRUPTED_FOR + dt.timedelta(seconds=1)
    assert shown(two, "plan", "network", now=a_day_on) is None

    done = jobs.start(one, "plan", owner="a", now=a_day_on, subject="network")
    jobs.finish(one, done.id, now=a_day_on, message="Xong")
    assert shown(two, "plan", "network", now=a_day_on) is None
