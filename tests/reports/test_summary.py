"""The totals kept beside the airing log never disagree with it.

A random log (corrections of corrections, airings a microsecond either side of
local midnight, entries with no start, forms outside the 24) is appended through
the real trigger; the reports' figures read from the totals must equal the rules
of coverage_report applied to the raw entries, in Vietnam and in zones whose
midnight is not on a whole hour (or not even on a quarter hour: then the log is read),
on SQLite and on PostgreSQL, whose trigger must also stay exact under concurrent appends.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from broadcaster import airlog, db
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.db import rollup as airlog_rollup
from broadcaster.reports import entries, summary
from broadcaster.reports import queries as log_queries
from broadcaster.reports.coverage import (
    FORMS,
    Period,
    buckets,
    count_into,
    counts,
    coverage,
    entry_time,
    supersessions,
)

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
STATIONS = ["co-am", "tam-cuong", "vinh-tien", "huyen", "dong-minh"]  # the last: see below
EVERYTHING = Period(dt.date(2000, 1, 1), dt.date(2099, 12, 31), VN)
ZONES = {
    "Asia/Ho_Chi_Minh": VN,
    "UTC": UTC,
    "Asia/Kathmandu (+05:45)": zoneinfo.ZoneInfo("Asia/Kathmandu"),
    "+07:06:40, not on a quarter hour": dt.timezone(dt.timedelta(hours=7, minutes=6, seconds=40)),
}


def moment(rng: random.Random, zone: dt.tzinfo) -> dt.datetime:
    """Mostly slot times in Nov-Dec 2026; often right at a local midnight or a quarter
    hour, a microsecond either side; sometimes a year earlier."""
    day = dt.date(2026, 11, 1) + dt.timedelta(days=rng.randrange(45))
    if rng.random() < 0.05:
        day -= dt.timedelta(days=365)
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    roll = rng.random()
    if roll < 0.3:
        return midnight + dt.timedelta(microseconds=rng.choice([-1, 0, 1]))
    if roll < 0.4:
        quarter = dt.datetime.combine(day, dt.time(rng.randrange(24), 15 * rng.randrange(4)), UTC)
        return quarter + dt.timedelta(microseconds=rng.choice([-1, 0]))
    return midnight + dt.timedelta(hours=rng.choice([6, 17]), minutes=30 + rng.randrange(3))


def append_random_log(engine, zone: dt.tzinfo, count: int, seed: int = 5) -> list[Airing]:
    rng = random.Random(seed)
    log: list[Airing] = []
    for _ in range(count):
        at = moment(rng, zone)
        outcome = rng.choices(list(Outcome), weights=[7, 2, 1])[0]
        corrects = None
        if log and rng.random() < 0.12:
            # often a correction of a correction, or of an entry corrected already
            earlier = [e for e in log if e.corrects] if rng.random() < 0.4 else log
            corrects = rng.choice(earlier or log).id
        started = None if outcome is Outcome.MISSED or rng.random() < 0.05 else at
        airing = Airing(
            station_id=rng.choice(STATIONS[:-1]),
            bulletin_id="f",
            render_sha256="ab" * 32,
            outcome=outcome,
            source=Source.OPERATOR,
            recorded_by="xa",
            recorded_at=at + dt.timedelta(minutes=rng.choice([0, 20, 600])),
            form=rng.choice([*FORMS[:5], 24, None, 0, 25]),
            scheduled_at=None if rng.random() < 0.1 else at,
            started_at=started,
            corrects=corrects,
        )
        log.append(Airing(**{**airing.__dict__, "id": airlog.record(engine, airing)}))
    # Đồng Minh aired form 3 on the 10th and the 28th, and the 28th was corrected into
    # missed: its last airing, and its only one in the last days, no longer counts. Its
    # only airing of form 4, on the 12th, was corrected too.
    for day, form, outcome, corrects in [
        (10, 3, Outcome.AIRED, False),
        (28, 3, Outcome.AIRED, False),
        (28, 3, Outcome.MISSED, True),
        (12, 4, Outcome.AIRED, False),
        (12, 4, Outcome.MISSED, True),
    ]:
        at = dt.datetime(2026, 11, day, 6, 30, tzinfo=zone)
        airing = Airing(
            station_id="dong-minh",
            bulletin_id="f",
            render_sha256="ab" * 32,
            outcome=outcome,
            source=Source.OPERATOR,
            recorded_by="xa",
            recorded_at=at,
            form=form,
            scheduled_at=at,
            started_at=None if outcome is Outcome.MISSED else at,
            corrects=log[-1].id if corrects else None,
        )
        log.append(Airing(**{**airing.__dict__, "id": airlog.record(engine, airing)}))
    return log


@pytest.fixture
def engine(database_url):
    """A database on each backend, with the totals installed as a migration would."""
    engine = db.connect(database_url)
    airlog_rollup.install(engine)
    yield engine
    engine.dispose()


def expected_totals(log: list[Airing]) -> tuple[Counter, dict, dict]:
    """The tables as they must be, computed in Python from the entries."""
    us = airlog_rollup.us
    quarters: Counter = Counter()
    spans: dict = {}
    for e in log:
        countable = e.outcome is Outcome.AIRED and e.started_at is not None and e.form in FORMS
        quarter = (entry_time(e) - airlog_rollup.EPOCH) // airlog_rollup.QUARTER
        quarters[(quarter, e.outcome.value, int(countable))] += 1
        if countable:
            first, last, n = spans.get((e.station_id, e.form), (e.started_at, e.started_at, 0))
            spans[(e.station_id, e.form)] = (
                min(first, e.started_at),
                max(last, e.started_at),
                n + 1,
            )
    spans = {pair: (us(first), us(last), n) for pair, (first, last, n) in spans.items()}
    named = {e.corrects for e in log if e.corrects} | {e.id for e in log if e.corrects}
    corrected = {
        e.id: (
            e.station_id,
            e.form,
            e.outcome.value,
            None if e.started_at is None else us(e.started_at),
            us(entry_time(e)),
        )
        for e in log
        if e.id in named
    }
    return quarters, spans, corrected


def stored_totals(engine) -> tuple[Counter, dict, dict]:
    with engine.connect() as connection:
        quarters = Counter(
            {
                (quarter, outcome, countable): entries
                for quarter, outcome, countable, entries in connection.execute(
                    db.airing_quarters.select()
                )
            }
        )
        spans = {
            (sid, form): (first, last, n)
            for sid, form, first, last, n in connection.execute(db.form_spans.select())
        }
        corrected = {
            row[0]: tuple(row[1:]) for row in connection.execute(db.corrected_entries.select())
        }
    return quarters, spans, corrected


def assert_figures_match_the_log(engine, log: list[Airing], zone: dt.tzinfo) -> None:
    superseded = log_queries.corrections(engine)
    assert superseded == supersessions((e.id, e.corrects) for e in log if e.corrects)
    periods = [
        Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), zone),  # a month
        Period(dt.date(2026, 11, 18), dt.date(2026, 11, 18), zone),  # one day, inside the log
        Period(dt.date(2026, 11, 10), dt.date(2026, 11, 16), zone),  # aired before and after
        Period(dt.date(2026, 11, 20), dt.date(2027, 1, 31), zone),  # ends after the log: weeks
        Period(dt.date(2025, 6, 1), dt.date(2026, 12, 31), zone),  # everything: months
        Period(dt.date(2025, 11, 20), dt.date(2026, 12, 31), zone),  # a few aired before
    ]
    for period in periods:
        cells = coverage(log, period, superseded)
        forms = Counter(station_id for station_id, _form in cells)
        found = summary.forms_aired(engine, period.since, period.until, superseded, STATIONS)
        assert found == dict(forms), period
        matrix_cells = summary.cells(engine, period, superseded, STATIONS)
        assert matrix_cells == {pair: cell for pair, cell in cells.items() if pair[0] in STATIONS}

        step, bars = buckets(period)
        times = [e.started_at for e in log if counts(e, period, superseded)]
        counted = summary.aired_per_bucket(engine, bars, zone, superseded)
        assert counted == count_into(bars, times, zone), (period, step)

        problems = (Outcome.MISSED, Outcome.FAILED)
        placed = [e for e in log if e.id not in superseded and entry_time(e) in period]
        assert summary.outcome_counts(engine, period, superseded, problems) == {
            outcome: sum(1 for e in placed if e.outcome is outcome) for outcome in problems
        }, period
        listed = [e.id for e in entries.latest(engine, period, superseded, problems, 20)]
        assert listed == sorted((e.id for e in placed if e.outcome in problems), reverse=True)[:20]

    counted = [e for e in log if counts(e, EVERYTHING, superseded)]
    for since, until in [
        (dt.datetime(2026, 11, 27, 17, tzinfo=UTC), dt.datetime(2026, 11, 30, 1, tzinfo=UTC)),
        (dt.datetime(2026, 12, 1, 0, tzinfo=zone), dt.datetime(2026, 12, 1, 0, 1, tzinfo=zone)),
        (dt.datetime(2026, 11, 12, tzinfo=UTC), dt.datetime(2026, 11, 13, tzinfo=UTC)),
        (dt.datetime(2026, 11, 1, tzinfo=zone), dt.datetime(2026, 12, 1, tzinfo=zone)),
    ]:
        aired = {e.station_id for e in counted if since <= e.started_at < until}
        assert summary.aired_stations(engine, since, until, superseded, STATIONS) == aired
        last = {}
        for e in counted:
            if e.started_at < until:
                last[e.station_id] = max(last.get(e.station_id, e.started_at), e.started_at)
        assert summary.last_aired(engine, set(STATIONS), until, superseded) == last


@pytest.mark.parametrize("zone_name", list(ZONES))
def test_the_reports_figures_equal_the_rules_applied_to_the_raw_log(engine, zone_name):
    zone = ZONES[zone_name]
    log = append_random_log(engine, zone, 700)
    assert airlog_rollup.present(engine)
    assert stored_totals(engine) == expected_totals(log)
    assert_figures_match_the_log(engine, log, zone)


_STALE = {  # how an older version may have left the totals: dropped, partial, of an older kind
    "sqlite": [
        f"DROP TRIGGER {airlog_rollup.TRIGGER}",
        "CREATE TRIGGER airings_rollup_v0 AFTER INSERT ON airings BEGIN SELECT 1; END",
    ],
    "postgresql": [
        f"DROP TRIGGER {airlog_rollup.TRIGGER} ON airings",
        "CREATE FUNCTION airings_rollup_v0() RETURNS trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RETURN NULL; END $$",
        "CREATE TRIGGER airings_rollup_v0 AFTER INSERT ON airings"
        " FOR EACH STATEMENT EXECUTE FUNCTION airings_rollup_v0()",
    ],
}
_ROLLUP_TRIGGERS = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%rollup%'",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE tgname LIKE '%rollup%'",
}


def test_a_database_from_before_the_totals_gets_them_built_on_install(database_url):
    engine = db.connect(database_url)
    airlog_rollup.install(engine)
    log = append_random_log(engine, VN, 400, seed=9)
    backend = engine.dialect.name
    # back to how an older version left it: no totals at all, or stale ones of an older kind
    with engine.begin() as connection:
        for statement in _STALE[backend]:
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql("DELETE FROM form_spans")
        connection.exec_driver_sql("DELETE FROM corrected_entries WHERE mod(id, 2) = 0")
        connection.exec_driver_sql("UPDATE airing_quarters SET entries = entries + 1000")
    log += append_random_log(engine, VN, 30, seed=11)  # appended while the totals were off
    engine.dispose()

    engine = db.connect(database_url)
    airlog_rollup.install(engine)
    assert airlog_rollup.present(engine)
    assert stored_totals(engine) == expected_totals(log)
    assert_figures_match_the_log(engine, log, VN)
    with engine.connect() as connection:
        triggers = connection.execute(text(_ROLLUP_TRIGGERS[backend])).scalars()
        kept = {"sqlite": [f"{airlog_rollup.TRIGGER}_corrections"], "postgresql": []}[backend]
        assert sorted(triggers) == sorted([airlog_rollup.TRIGGER, *kept])
    # and it keeps them from then on
    log += append_random_log(engine, VN, 50, seed=10)
    assert stored_totals(engine) == expected_totals(log)
    engine.dispose()


def test_a_log_written_before_any_totals_gets_them_on_install_in_a_migration(database_url):
    """A PostgreSQL database of the previous release has a log and no totals at all; a
    migration installs them inside its own transaction (a Connection)."""
    engine = db.connect(database_url)
    with engine.begin() as connection:
        for table in db.ROLLUP_TABLES:
            table.drop(connection, checkfirst=True)
        for name in connection.execute(text(_ROLLUP_TRIGGERS[engine.dialect.name])).scalars().all():
            on = " ON airings" if engine.dialect.name == "postgresql" else ""
            connection.exec_driver_sql(f"DROP TRIGGER {name}{on}")
    log = append_random_log(engine, UTC, 300, seed=12)
    assert not airlog_rollup.engine_has_trigger(engine)

    with engine.begin() as connection:
        airlog_rollup.install(connection)
    assert airlog_rollup.present(engine)
    assert stored_totals(engine) == expected_totals(log)
    log += append_random_log(engine, UTC, 40, seed=13)
    assert stored_totals(engine) == expected_totals(log)
    assert_figures_match_the_log(engine, log, UTC)
    engine.dispose()


def test_the_log_refuses_a_replacement_that_would_escape_the_totals(tmp_path):
    engine = db.connect(f"sqlite:///{tmp_path / 'broadcaster.db'}")  # SQLite's INSERT OR REPLACE
    log = append_random_log(engine, VN, 20)
    statement = text(
        "INSERT OR REPLACE INTO airings (id, station_id, bulletin_id, render_sha256, outcome,"
        " late, reason, source, recorded_by, recorded_at)"
        " VALUES (:id, 'co-am', 'f', 'ab', 'aired', 0, '', 'api', 'x', '2026-11-30 01:00:00')"
    )
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as connection:
        connection.execute(statement, {"id": log[3].id})
    assert [e.id for e in airlog.entries(engine)] == [e.id for e in log]
    assert stored_totals(engine) == expected_totals(log)


def _entry(station_id: str, form: int, at: dt.datetime, corrects: int | None = None) -> Airing:
    return Airing(
        station_id=station_id,
        bulletin_id="f",
        render_sha256="ab" * 32,
        outcome=Outcome.MISSED if corrects else Outcome.AIRED,
        source=Source.PLAYOUT,
        recorded_by="playout",
        recorded_at=at,
        form=form,
        scheduled_at=at,
        started_at=None if corrects else at,
        corrects=corrects,
    )


def _values(airing: Airing) -> dict:
    values = {**airing.__dict__, "outcome": airing.outcome.value, "source": airing.source.value}
    del values["id"]
    return values


MICRO = dt.timedelta(microseconds=1)


def test_two_connections_appending_at_once_keep_the_totals_exact_on_postgresql(postgresql_url):
    """Two panel workers (or daemons) append to the same quarter hours and the same
    (station, form) at once: no total loses an append, none fails on a duplicate key."""
    engine = db.connect(postgresql_url)
    airlog_rollup.install(engine)
    at = dt.datetime(2026, 11, 30, 6, 30, tzinfo=VN)

    # the first's append to a key no total has yet is not committed when the second's
    # starts: the second waits for it, then adds to it rather than inserting beside it
    holder = engine.connect()
    holder.begin()
    holder.execute(db.airings.insert(), _values(_entry("co-am", 3, at)))
    with ThreadPoolExecutor(1) as pool:
        second = pool.submit(airlog.record, engine, _entry("co-am", 3, at + 2 * MICRO))
        time.sleep(0.5)
        assert not second.done()  # waiting on the first's row, not racing past it
        holder.commit()
        second.result(timeout=10)
    holder.close()

    # then both hammer the same keys, one entry at a time and as multi-entry statements
    def append(worker: int) -> None:
        rng = random.Random(worker)
        for n in range(120):
            stations = rng.sample(STATIONS[:3], 2)
            minutes = rng.randrange(40)
            rows = [_entry(sid, rng.choice([1, 2, 24]), at + dt.timedelta(minutes=minutes))
                    for sid in stations]  # fmt: skip
            if n % 10 == 9:
                rows.append(_entry(stations[0], 1, at, corrects=rng.randrange(1, 3)))
            if n % 3:
                airlog.record(engine, rows[0])
                continue
            with engine.begin() as connection:
                connection.execute(db.airings.insert(), [_values(row) for row in rows])

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(append, worker) for worker in (1, 2)]:
            done.result(timeout=120)

    log = list(airlog.entries(engine))
    assert len(log) > 300
    assert stored_totals(engine) == expected_totals(log)
    engine.dispose()


def test_a_matrix_page_asks_the_log_only_about_pairs_across_the_periods_bounds(engine):
    """Most pairs aired only inside the period (their cells are their totals); one aired
    before it too, one was corrected: those two are read from the log."""
    start = dt.datetime(2026, 11, 2, 6, 30, tzinfo=VN)
    for form in range(1, 8):
        for day in range(3):
            airlog.record(engine, _entry("co-am", form, start + dt.timedelta(days=day, hours=form)))
    airlog.record(engine, _entry("co-am", 8, start - dt.timedelta(days=40)))
    airlog.record(engine, _entry("co-am", 8, start + dt.timedelta(days=1)))
    first = next(iter(airlog.entries(engine)))
    airlog.record(engine, _entry("co-am", first.form, start + dt.timedelta(days=5), first.id))
    log = list(airlog.entries(engine))
    superseded = log_queries.corrections(engine)
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), VN)
    expected = coverage(log, period, superseded)
    assert summary.cells(engine, period, superseded, STATIONS) == expected
    assert expected[first.station_id, first.form].count == 2
    assert expected["co-am", 8].count == 1
