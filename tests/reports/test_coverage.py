"""The rules of the leadership reports, as tables; and the SQL held to them on the same log."""

from __future__ import annotations

import datetime as dt
import random
import re
import zoneinfo

import pytest

from broadcaster import airlog, db
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.planning.campaigns import Campaign, Coverage
from broadcaster.planning.slots import Slot
from broadcaster.planning.stations import Level, Station
from broadcaster.reports import entries, queries
from broadcaster.reports.coverage import (
    EMPTY,
    FORMS,
    Cell,
    Period,
    PeriodError,
    Step,
    buckets,
    count_into,
    counts,
    coverage,
    default_period,
    evidence,
    fold,
    form_summary,
    matrix,
    parse_period,
    quiet_stations,
    search,
    supersessions,
)

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), VN)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    """A local time in Vietnam, November 2026 unless told."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN)


def entry(
    entry_id: int,
    station: str = "co-am",
    form: int | None = 7,
    outcome: Outcome = Outcome.AIRED,
    started: dt.datetime | None = None,
    scheduled: dt.datetime | None = None,
    corrects: int | None = None,
) -> Airing:
    return Airing(
        station_id=station,
        bulletin_id=f"f{form or 0:02d}",
        render_sha256="ab" * 32,
        outcome=outcome,
        source=Source.OPERATOR,
        recorded_by="xa-co-am",
        recorded_at=(started or scheduled or at(30, 8)) + dt.timedelta(minutes=5),
        form=form,
        scheduled_at=scheduled,
        started_at=started,
        corrects=corrects,
        id=entry_id,
    )


# --- periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (at(1, 0, 0), True),  # local midnight opening the first day (17:00 UTC the day before)
        (at(31, 23, 59, month=10), False),  # the minute before
        (at(30, 23, 30), True),  # 23:30 on the last day is 16:30 UTC: still in
        (dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC), True),  # the same instant, in UTC
        (at(1, 0, 0, month=12), False),  # local midnight closing the period
        (dt.datetime(2026, 11, 30, 17, 0, tzinfo=UTC), False),  # the same instant, in UTC
    ],
)
def test_period_ends_are_local_days_both_inclusive(moment, inside):
    assert (moment in NOVEMBER) is inside
    assert counts(entry(1, started=moment), NOVEMBER, {}) is inside


def test_period_bounds_are_local_midnights():
    assert NOVEMBER.since == dt.datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert NOVEMBER.until == dt.datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert NOVEMBER.days == 30


@pytest.mark.parametrize(
    ("raw_from", "raw_to", "first", "last"),
    [
        ("2026-11-01", "2026-11-30", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ("01/11/2026", "30/11/2026", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        (" 5/11/2026 ", "", dt.date(2026, 11, 5), dt.date(2026, 11, 30)),  # empty: the default
        (None, None, dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ("2026-11-30", "2026-11-30", dt.date(2026, 11, 30), dt.date(2026, 11, 30)),
    ],
)
def test_parse_period_reads_iso_and_day_first_dates(raw_from, raw_to, first, last):
    assert parse_period(raw_from, raw_to, NOVEMBER) == Period(first, last, VN)


@pytest.mark.parametrize(
    ("raw_from", "raw_to", "message"),
    [
        ("abc", "", "Từ ngày: “abc” không phải là ngày hợp lệ"),
        ("2026-11-01", "31/02/2026", "Đến ngày: “31/02/2026” không phải là ngày hợp lệ"),
        ("2026-12-01", "2026-11-01", "Ngày bắt đầu (01/12/2026) sau ngày kết thúc (01/11/2026)"),
        ("1900-01-01", "", "nằm ngoài khoảng cho phép"),
        ("", "9999-12-31", "nằm ngoài khoảng cho phép"),
    ],
)
def test_bad_periods_are_explained_in_vietnamese(raw_from, raw_to, message):
    with pytest.raises(PeriodError, match=re.escape(message)):
        parse_period(raw_from, raw_to, NOVEMBER)


def campaign(start: dt.date, end: dt.date = dt.date(2030, 12, 31)) -> Campaign:
    return Campaign("c", "Chiến dịch", start, end, None, Coverage())


@pytest.mark.parametrize(
    ("running", "first"),
    [
        (campaign(dt.date(2026, 11, 25)), dt.date(2026, 11, 25)),  # begun 6 days ago
        (campaign(dt.date(2024, 1, 1)), dt.date(2026, 11, 17)),  # standing: its 14-day window
        (None, dt.date(2026, 11, 3)),  # no campaign: the last 28 days, today included
    ],
)
def test_default_period_is_the_campaigns_goal_window_up_to_today(running, first):
    assert default_period(dt.date(2026, 11, 30), VN, running) == Period(
        first, dt.date(2026, 11, 30), VN
    )


# --- corrections ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], {}),
        ([(5, 1)], {1: 5}),  # a correction supersedes the entry it names
        ([(5, 1), (9, 5)], {1: 5, 5: 9}),  # a correction of a correction
        ([(5, 1), (7, 1)], {1: 7, 5: 7}),  # two corrections of one entry: the latest stands
        ([(7, 1), (5, 1)], {1: 7, 5: 7}),  # whatever order they are read in
        ([(3, 3)], {}),  # an entry naming itself changes nothing
    ],
)
def test_supersessions(pairs, expected):
    assert supersessions(pairs) == expected


def test_a_correction_of_aired_into_missed_removes_the_airing():
    wrong = entry(1, started=at(28, 17, 30))
    fixed = entry(2, outcome=Outcome.MISSED, scheduled=at(28, 17, 30), corrects=1)
    superseded = supersessions([(2, 1)])
    assert coverage([wrong], NOVEMBER, {}) == {
        ("co-am", 7): Cell(1, wrong.started_at, wrong.started_at)
    }
    assert coverage([wrong, fixed], NOVEMBER, superseded) == {}


def test_a_correction_of_missed_into_aired_adds_the_airing():
    wrong = entry(1, outcome=Outcome.MISSED, scheduled=at(28, 17, 30))
    fixed = entry(2, started=at(28, 17, 32), corrects=1)
    cells = coverage([wrong, fixed], NOVEMBER, supersessions([(2, 1)]))
    assert cells == {("co-am", 7): Cell(1, at(28, 17, 32), at(28, 17, 32))}


# --- the matrix -------------------------------------------------------------------------


def test_coverage_counts_aired_entries_with_first_and_last_dates():
    log = [
        entry(1, started=at(3, 6, 30)),
        entry(2, started=at(20, 17, 30)),
        entry(3, started=at(12, 6, 30)),
        entry(4, form=1, started=at(5, 6, 30)),
        entry(5, station="tam-cuong", started=at(6, 6, 15)),
        entry(6, outcome=Outcome.MISSED, scheduled=at(7, 6, 30)),  # not an airing
        entry(7, outcome=Outcome.FAILED, started=at(8, 6, 30)),  # not an airing
        entry(8, started=at(31, 6, 30, month=10)),  # before the period
        entry(9, form=None, started=at(9, 6, 30)),  # an opening: no form
        entry(10, started=None, scheduled=at(10, 6, 30)),  # aired without a start time
    ]
    assert coverage(log, NOVEMBER, {}) == {
        ("co-am", 7): Cell(3, at(3, 6, 30), at(20, 17, 30)),
        ("co-am", 1): Cell(1, at(5, 6, 30), at(5, 6, 30)),
        ("tam-cuong", 7): Cell(1, at(6, 6, 15), at(6, 6, 15)),
    }


def test_matrix_rows_mark_every_form_never_aired():
    cells = {("co-am", 7): Cell(2, at(3, 6, 30), at(20, 17, 30))}
    producer, co_am = matrix([("huyen", "Đài huyện"), ("co-am", "Xã Cổ Am")], cells)
    assert producer.covered == 0 and producer.missing == FORMS
    assert co_am.cells[6] == Cell(2, at(3, 6, 30), at(20, 17, 30))
    assert co_am.cells[0] is EMPTY and not co_am.cells[0].aired
    assert co_am.covered == 1 and 7 not in co_am.missing and len(co_am.missing) == 23


# --- the chart ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "step", "bars", "first_bar", "last_bar"),
    [
        ("2026-11-01", "2026-11-30", Step.DAY, 30, ("2026-11-01", "2026-11-01"), None),
        # weeks start on Monday; the first and last are clipped to the period
        (
            "2026-09-02",
            "2026-11-30",
            Step.WEEK,
            14,
            ("2026-09-02", "2026-09-06"),
            ("2026-11-30", "2026-11-30"),
        ),
        (
            "2024-01-15",
            "2026-11-30",
            Step.MONTH,
            35,
            ("2024-01-15", "2024-01-31"),
            ("2026-11-01", "2026-11-30"),
        ),
    ],
)
def test_chart_buckets(first, last, step, bars, first_bar, last_bar):
    period = Period(dt.date.fromisoformat(first), dt.date.fromisoformat(last), VN)
    found_step, found = buckets(period)
    assert found_step is step and len(found) == bars
    assert (found[0].first.isoformat(), found[0].last.isoformat()) == first_bar
    if last_bar:
        assert (found[-1].first.isoformat(), found[-1].last.isoformat()) == last_bar
    days = sum((bar.last - bar.first).days + 1 for bar in found)
    assert days == period.days


def test_count_into_places_times_by_local_day():
    _, bars = buckets(Period(dt.date(2026, 11, 29), dt.date(2026, 11, 30), VN))
    times = [at(29, 23, 30), dt.datetime(2026, 11, 29, 17, 30, tzinfo=UTC), at(1, 0, 5, month=12)]
    counted = count_into(bars, times, VN)
    assert [bar.count for bar in counted] == [1, 1]  # 17:30 UTC on the 29th is the 30th here


# --- stations gone quiet -------------------------------------------------------------------


def station(station_id: str, days: set[int]) -> Station:
    slots = (Slot(frozenset(days), dt.time(6, 30), 15), Slot(frozenset(days), dt.time(17, 30), 15))
    return Station(station_id, station_id.title(), Level.COMMUNE, slots)


def test_quiet_stations_are_those_due_to_air_that_confirmed_nothing():
    weekdays, daily = {0, 1, 2, 3, 4}, set(range(7))
    stations = [station("a", daily), station("b", daily), station("c", weekdays)]
    saturday, monday = at(28, 8), at(30, 8)  # Sat 08:00 to Mon 08:00
    quiet = quiet_stations(stations, {"a"}, saturday, monday, VN, ())
    # b had four sessions and aired none; c airs on weekdays, so only Monday 06:30 was due
    assert [(q.station_id, q.expected) for q in quiet] == [("b", 4), ("c", 1)]
    sunday = at(29, 8)
    assert [q.station_id for q in quiet_stations(stations, {"a"}, saturday, sunday, VN, ())] == [
        "b"
    ]  # c was not due at all on the weekend


# --- one commune's evidence -------------------------------------------------------------------


def test_evidence_lists_every_entry_in_time_order_and_keeps_corrected_ones():
    log = [
        entry(3, started=at(28, 17, 30)),
        entry(1, started=at(27, 17, 30)),
        entry(2, outcome=Outcome.MISSED, scheduled=at(27, 17, 30), corrects=1),
        entry(4, form=3, outcome=Outcome.FAILED, started=at(29, 6, 30)),
        entry(5, started=at(31, 6, 30, month=10)),  # outside the period
    ]
    lines = evidence(log, NOVEMBER, supersessions([(2, 1)]))
    assert [(line.airing.id, line.counted, line.superseded_by) for line in lines] == [
        (1, False, 2),  # still listed, marked as corrected
        (2, False, None),
        (3, True, None),
        (4, False, None),
    ]
    summary = form_summary(lines)
    assert list(summary) == list(FORMS)
    assert summary[7] == Cell(1, at(28, 17, 30), at(28, 17, 30))
    assert summary[3] is EMPTY  # failed: still "chưa phát"


# --- finding stations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("co am", ["co-am"]),
        ("Cổ Am", ["co-am"]),
        ("dong", ["dong-minh"]),
        ("xã", ["co-am", "dong-minh"]),
        ("vinh bao", []),
    ],
)
def test_search_ignores_case_and_diacritics(query, found):
    stations = [
        Station("co-am", "Xã Cổ Am", Level.COMMUNE, ()),
        Station("dong-minh", "Xã Đồng Minh", Level.COMMUNE, ()),
    ]
    assert [s.id for s in search(stations, query)] == found
    assert fold("  Xã  ĐỒNG Minh ") == "xa dong minh"


# --- the SQL, held to the rules on the same log ------------------------------------------------


# A database made before the reporting indexes existed (create_all adds no index
# to an existing table): the queries must give the same answers on it.
OLDER_INDEXES = [
    "DROP INDEX ix_airings_form",
    "DROP INDEX ix_airings_time",
    "DROP INDEX ix_airings_corrects",
    "CREATE INDEX ix_airings_form ON airings (station_id, form, started_at)",
]


@pytest.fixture(params=["current indexes", "older indexes"])
def engine(request):
    engine = db.connect("sqlite:///:memory:")  # one connection, kept: the log lives in it
    if request.param == "older indexes":
        with engine.begin() as connection:
            for statement in OLDER_INDEXES:
                connection.exec_driver_sql(statement)
    assert queries.has_time_index(engine) is (request.param == "current indexes")
    return engine


def seed(engine, count: int = 400) -> list[Airing]:
    """A varied log: stations, forms, outcomes, times at the period's edges, corrections."""
    rng = random.Random(24)
    edges = [at(1, 0, 0), at(30, 23, 30), at(31, 23, 59, month=10), at(1, 0, 0, month=12)]
    log: list[Airing] = []
    for _ in range(count):
        moment = rng.choice(edges) if rng.random() < 0.1 else at(rng.randint(1, 30), 6, 30)
        outcome = rng.choices(list(Outcome), weights=[8, 1, 1])[0]
        corrects = None
        if log and rng.random() < 0.08:
            corrects = rng.choice(log).id
        started = None if outcome is Outcome.MISSED or rng.random() < 0.03 else moment
        airing = entry(
            0,
            station=rng.choice(["co-am", "tam-cuong", "huyen"]),
            form=rng.choice([*FORMS[:6], None]),
            outcome=outcome,
            started=started,
            scheduled=moment,
            corrects=corrects,
        )
        entry_id = airlog.record(engine, airing)
        log.append(Airing(**{**airing.__dict__, "id": entry_id}))
    return log


def test_sql_aggregates_agree_with_the_rules(engine):
    log = seed(engine)
    superseded = queries.corrections(engine)
    assert superseded == supersessions((a.id, a.corrects) for a in log if a.corrects)
    assert superseded  # the seed has corrections

    expected = coverage(log, NOVEMBER, superseded)
    assert queries.cells(engine, NOVEMBER, superseded) == expected
    assert queries.cells(engine, NOVEMBER, superseded, {"co-am"}) == {
        key: cell for key, cell in expected.items() if key[0] == "co-am"
    }
    forms = {}
    for station_id, _form in expected:
        forms[station_id] = forms.get(station_id, 0) + 1
    stations = ["co-am", "tam-cuong", "huyen", "nowhere"]
    found = queries.forms_aired(engine, NOVEMBER.since, NOVEMBER.until, superseded, stations)
    assert found == forms

    _, bars = buckets(NOVEMBER)
    counted = queries.aired_per_bucket(engine, bars, VN, superseded)
    times = [a.started_at for a in log if counts(a, NOVEMBER, superseded)]
    assert [b.count for b in counted] == [b.count for b in count_into(bars, times, VN)]
    assert sum(b.count for b in counted) == sum(cell.count for cell in expected.values())

    placed = [line for line in evidence(log, NOVEMBER, superseded) if line.superseded_by is None]
    problems = queries.outcome_counts(
        engine, NOVEMBER, superseded, (Outcome.MISSED, Outcome.FAILED)
    )
    assert problems == {
        outcome: sum(1 for line in placed if line.airing.outcome is outcome)
        for outcome in (Outcome.MISSED, Outcome.FAILED)
    }
    latest = entries.latest(engine, NOVEMBER, superseded, (Outcome.MISSED,), 5)
    missed = sorted(
        (line.airing.id for line in placed if line.airing.outcome is Outcome.MISSED), reverse=True
    )
    assert [a.id for a in latest] == missed[:5]  # the last recorded first

    for station_id in ("co-am", "tam-cuong", "huyen"):
        mine = [a for a in log if a.station_id == station_id]
        assert evidence(
            entries.station_entries(engine, station_id, NOVEMBER), NOVEMBER, superseded
        ) == evidence(mine, NOVEMBER, superseded)


def test_sql_finds_recent_and_last_airings(engine):
    log = seed(engine, 200)
    superseded = queries.corrections(engine)
    since, until = at(29, 0), at(30, 12)
    window = Period(dt.date(2026, 11, 29), dt.date(2026, 11, 30), VN)
    recent = {
        a.station_id for a in log if counts(a, window, superseded) and since <= a.started_at < until
    }
    stations = ["co-am", "tam-cuong", "huyen", "nowhere"]
    assert queries.aired_stations(engine, since, until, superseded, stations) == recent
    everything = Period(dt.date(2000, 1, 1), dt.date(2026, 11, 29), VN)
    last = {}
    for a in log:
        if counts(a, everything, superseded):
            last[a.station_id] = max(last.get(a.station_id, a.started_at), a.started_at)
    assert (
        queries.last_aired(
            engine, {"co-am", "tam-cuong", "huyen", "nowhere"}, at(30, 0), superseded
        )
        == last
    )
    assert entries.has_entries(engine, "co-am") and not entries.has_entries(engine, "nowhere")


def test_streaming_the_log_reads_every_placed_entry_once(engine):
    log = seed(engine, 150)
    rows = list(entries.stream(engine, NOVEMBER))
    by_id = {a.id: a for a in log}
    assert all(queries.utc(row["started_at"]) == by_id[row["id"]].started_at for row in rows)
    assert all(queries.utc(row["recorded_at"]) == by_id[row["id"]].recorded_at for row in rows)
    streamed = [row["id"] for row in rows]
    assert streamed == sorted(
        a.id for a in log if NOVEMBER.since <= (a.started_at or a.scheduled_at) < NOVEMBER.until
    )
    one = [row["station_id"] for row in entries.stream(engine, NOVEMBER, "co-am")]
    assert one and set(one) == {"co-am"}
