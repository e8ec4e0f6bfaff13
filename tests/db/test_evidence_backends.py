"""The evidence guarantees on both backends: SQLite, and PostgreSQL when installed.

The airing log and the audit trail cannot be changed after the fact by any
statement, and one planned item gets one standing entry however many
confirmations race for it from several processes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from airlog.test_confirm import EVENING_ITEM, SLOT, ZONE
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from broadcaster import airlog, audit, db
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.airlog import confirm as confirming
from broadcaster.errors import Refused

ITEM = dataclasses.replace(EVENING_ITEM, form=7)  # the same evening item, of form 7
NOW = SLOT + dt.timedelta(hours=1)

CHANGES = {
    "update": {
        "airings": "UPDATE airings SET outcome = 'missed'",
        "audit": "UPDATE audit SET actor = 'ai-do'",
    },
    "delete": {
        "airings": "DELETE FROM airings WHERE id > 0",
        "audit": "DELETE FROM audit WHERE id > 0",
    },
    # SQLite has no TRUNCATE: its 'truncate optimisation' is DELETE without WHERE.
    "truncate": {"airings": "TRUNCATE airings", "audit": "TRUNCATE audit"},
    # An upsert that hits an existing row is an UPDATE of it. (WHERE true: SQLite's parser.)
    "upsert": {
        table: f"INSERT INTO {table} SELECT * FROM {table} WHERE true "
        f"ON CONFLICT (id) DO UPDATE SET {column} = 'doi-lai'"
        for table, column in (("airings", "reason"), ("audit", "detail"))
    },
}


def _fill(engine) -> dict[str, list]:
    airlog.record(
        engine,
        Airing(
            station_id="co-am",
            bulletin_id="f07",
            render_sha256="7" * 64,
            outcome=Outcome.AIRED,
            source=Source.OPERATOR,
            recorded_by="xa-co-am",
            recorded_at=NOW,
            form=7,
            scheduled_at=ITEM.starts_at,
            started_at=ITEM.starts_at,
        ),
    )
    audit.log(engine, audit.Entry(NOW, "xa-co-am", "confirm", "co-am", "đã phát lúc 17:30"))
    return _rows(engine)


def _rows(engine) -> dict[str, list]:
    with engine.connect() as connection:
        return {
            table: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            ]
            for table in ("airings", "audit")
        }


@pytest.mark.parametrize("table", ["airings", "audit"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_the_log_and_the_audit_trail_refuse_every_change(database_url, table, change):
    engine = db.connect(database_url)
    before = _fill(engine)
    statement = CHANGES[change][table]
    if engine.dialect.name == "sqlite" and change == "truncate":
        statement = f"DELETE FROM {table}"
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert _rows(engine) == before
    engine.dispose()


def test_connecting_again_keeps_one_set_of_triggers(database_url):
    """Every process start runs connect(): the triggers are refreshed, not doubled or lost."""
    db.connect(database_url).dispose()
    engine = db.connect(database_url)
    _fill(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM airings"))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            names = (
                connection.execute(  # the append-only ones (the totals have their own)
                    text(
                        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                        "AND tgname NOT LIKE 'airings_rollup%' ORDER BY tgname"
                    )
                )
                .scalars()
                .all()
            )
        assert names == [
            "airings_append_only",
            "airings_no_truncate",
            "audit_append_only",
            "audit_no_truncate",
        ]
    engine.dispose()


PER_PROCESS = 15


def _confirm_from_a_process(url: str, by: str, barrier, results) -> None:
    """One panel or API worker: its own engine, PER_PROCESS identical requests at once."""
    engine = db.connect(url)
    check = confirming._same

    def slow_check(airing, logged):
        time.sleep(0.05)  # a slow check: the moment two requests could overtake each other
        return check(airing, logged)

    confirming._same = slow_check  # this forked process only
    claim = confirming.Claim(Outcome.AIRED, ITEM.starts_at)

    def one():
        try:
            recorded = confirming.confirm(
                engine, ITEM, claim, source=Source.API, by=by, now=NOW, zone=ZONE
            )
        except Refused as refused:
            return ("refused", refused.code, by)
        return ("recorded", recorded.entry.id, recorded.created, by)

    barrier.wait()
    with ThreadPoolExecutor(PER_PROCESS) as pool:
        answers = list(pool.map(lambda _: one(), range(PER_PROCESS)))
    engine.dispose()
    results.put(answers)


def test_identical_confirmations_racing_from_two_processes_make_one_entry(database_url):
    """Two smart-loudspeaker platforms (or two panel workers) confirm one item 30 times at
    once: one entry; its own platform's retries get that entry back, the other platform
    is told the item is already recorded. Never a second standing entry."""
    db.connect(database_url).dispose()  # the schema, before the race; no connection forked
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_confirm_from_a_process, args=(database_url, by, barrier, results))
        for by in ("loa-thong-minh-1", "loa-thong-minh-2")
    ]
    for worker in workers:
        worker.start()
    answers = [answer for _ in workers for answer in results.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=30)

    engine = db.connect(database_url)
    logged = airlog.logged_for(engine, ITEM.station_id, ITEM.starts_at)
    assert len(logged) == 1, f"{len(logged)} standing entries for one item"
    winner = logged[0].recorded_by
    assert len(answers) == 2 * PER_PROCESS
    assert sorted(a[2] for a in answers if a[0] == "recorded") == [False] * (PER_PROCESS - 1) + [
        True
    ]
    assert {a[1] for a in answers if a[0] == "recorded"} == {logged[0].id}
    assert {a[-1] for a in answers if a[0] == "recorded"} == {winner}
    assert {(a[1], a[2]) for a in answers if a[0] == "refused"} == {
        ("already-recorded", by) for by in ("loa-thong-minh-1", "loa-thong-minh-2") if by != winner
    }
    with engine.connect() as connection:
        confirmations = connection.scalar(
            select(func.count()).select_from(db.audit).where(db.audit.c.action == "confirm")
        )
    assert confirmations == 1  # the audit trail says it once too
    engine.dispose()


def test_a_database_restart_does_not_fail_the_next_request(postgresql_url, postgresql_cluster):
    """The panel's pooled connections die with the server; the next request reconnects."""
    engine = db.connect(postgresql_url)
    assert airlog.logged_for(engine, ITEM.station_id, ITEM.starts_at) == []
    postgresql_cluster.restart()
    assert airlog.logged_for(engine, ITEM.station_id, ITEM.starts_at) == []
    engine.dispose()


APPLICATION_ROLE = """
CREATE ROLE broadcaster_app LOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO broadcaster_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO broadcaster_app;
REVOKE UPDATE, DELETE ON airings, audit FROM broadcaster_app;
"""  # as in the README


def test_the_application_role_appends_but_cannot_unprotect_the_log(postgresql_url):
    """The README's least-privilege role: the panel runs, confirms, and cannot drop or
    disable the triggers, nor change the log itself."""
    owner = db.connect(postgresql_url)  # the owner creates the tables and triggers
    with owner.begin() as connection:
        connection.execute(text("DROP ROLE IF EXISTS broadcaster_app"))
        connection.execute(text(APPLICATION_ROLE))
    owner.dispose()
    engine = db.connect(postgresql_url.replace("postgres@", "broadcaster_app@"))
    recorded = confirming.confirm(
        engine, ITEM, confirming.Claim(Outcome.AIRED, ITEM.starts_at),
        source=Source.OPERATOR, by="xa-co-am", now=NOW, zone=ZONE,
    )  # fmt: skip
    assert recorded.created
    for statement in (
        "DROP TRIGGER airings_append_only ON airings",
        "ALTER TABLE audit DISABLE TRIGGER ALL",
        "UPDATE airings SET outcome = 'missed'",
        "TRUNCATE audit",
    ):
        denied = pytest.raises(DBAPIError, match="must be owner|permission denied")
        with denied, engine.begin() as connection:
            connection.execute(text(statement))
    assert [e.id for e in airlog.logged_for(engine, ITEM.station_id, ITEM.starts_at)] == [
        recorded.entry.id
    ]
    engine.dispose()
