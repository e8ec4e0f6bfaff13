"""The airing log: one entry per confirmation, even when two processes confirm at once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time

import pytest

from broadcaster import airlog, db
from broadcaster.airlog import Airing, Outcome, Source

ZONE = dt.timezone(dt.timedelta(hours=7))
SLOT = dt.datetime(2026, 11, 30, 17, 30, tzinfo=ZONE)


def confirmation(by: str) -> Airing:
    return Airing(
        station_id="co-am",
        bulletin_id="f07",
        render_sha256="a" * 64,
        outcome=Outcome.AIRED,
        source=Source.API,
        recorded_by=by,
        recorded_at=SLOT + dt.timedelta(minutes=5),
        form=7,
        scheduled_at=SLOT,
        started_at=SLOT,
    )


def same_aired(logged: list[Airing]) -> Airing | None:
    """The platform's retry rule: an item already confirmed aired is not confirmed again."""
    time.sleep(0.3)  # a slow check: the moment two requests could overtake each other
    return next((entry for entry in logged if entry.outcome is Outcome.AIRED), None)


def confirm_in_a_process(url: str, by: str, results) -> None:
    entry_id, written = airlog.record_unless(db.connect(url), confirmation(by), same_aired)
    results.put((entry_id, written))


def test_two_processes_confirming_one_item_write_one_entry(tmp_path):
    url = f"sqlite:///{tmp_path / 'broadcaster.db'}"
    db.connect(url).dispose()  # the schema, before the race
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=confirm_in_a_process, args=(url, who, results))
        for who in ("loa-thong-minh-1", "loa-thong-minh-2")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    outcomes = sorted(results.get(timeout=5) for _ in workers)

    logged = airlog.logged_for(db.connect(url), "co-am", SLOT)
    assert len(logged) == 1
    assert [written for _, written in outcomes] == [False, True]
    assert {entry_id for entry_id, _ in outcomes} == {logged[0].id}


def test_a_refused_check_writes_nothing(tmp_path):
    engine = db.connect(f"sqlite:///{tmp_path / 'broadcaster.db'}")

    def refuse(_logged):
        raise ValueError("the time is in the future")

    with pytest.raises(ValueError):
        airlog.record_unless(engine, confirmation("xa-co-am"), refuse)
    assert airlog.logged_for(engine, "co-am", SLOT) == []
    entry_id, written = airlog.record_unless(engine, confirmation("xa-co-am"), same_aired)
    assert written and [e.id for e in airlog.logged_for(engine, "co-am", SLOT)] == [entry_id]
