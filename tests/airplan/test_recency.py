"""The planner's history from folded totals: the same as reading every stored day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from broadcaster import db
from broadcaster.airplan import recency
from broadcaster.airplan.service import history
from broadcaster.airplan.store import load_plan
from broadcaster.config import load_settings

ZONE = dt.timezone(dt.timedelta(hours=7))
D = dt.timedelta(days=1)
FIRST = dt.date(2026, 12, 1)


@pytest.fixture
def engine(repo, rendered):
    settings = load_settings(environ={"BROADCASTER_DATA_DIR": str(rendered)})
    return db.connect(settings.database)


def latest(records) -> dict:
    """The latest (day, time) of each (station, topic): all the rotation reads."""
    found: dict = {}
    for aired in records:
        key, when = (aired.station_id, aired.topic), (aired.day, aired.time)
        found[key] = max(found.get(key, when), when)
    return found


def plan_each_morning(run_cli, clock, days: int) -> dt.date:
    """Plan each day at 05:00 that day, as a daily job would; return the next day."""
    assert run_cli("approve", "--all", "--by", "lan").exit_code == 0
    day = FIRST
    for _ in range(days):
        clock.set(dt.datetime.combine(day, dt.time(5, 0), ZONE))
        result = run_cli("plan", "--by", "lan")
        assert result.exit_code == 0, result.output
        day += D
    return day


def folded_through(engine) -> dt.date | None:
    with engine.connect() as connection:
        day = connection.execute(select(db.last_aired_folded.c.through)).scalar()
    return dt.date.fromisoformat(day) if day else None


def test_folded_history_is_the_latest_of_every_stored_day(run_cli, rendered, engine, clock):
    tomorrow = plan_each_morning(run_cli, clock, 10)
    today = tomorrow - D
    clock.set(dt.datetime.combine(today, dt.time(7, 0), ZONE))
    # Aired later than planned: the log's time is the latest, not the plan's.
    late = run_cli("confirm", "co-am", str(today), "2", "--outcome", "aired",
                   "--at", "06:40", "--by", "xa-co-am")  # fmt: skip
    assert late.exit_code == 0, late.output
    planned_tomorrow = run_cli("plan", "--date", str(tomorrow), "--by", "lan")
    assert planned_tomorrow.exit_code == 0, planned_tomorrow.output

    assert folded_through(engine) == tomorrow - 2 * D  # every closed day, once
    folded = latest(recency.history_before(engine, ZONE, tomorrow))
    assert folded == latest(history(engine, ZONE, tomorrow))
    assert len(folded) > 20  # every station has its forms and its opening and closing
    assert (today, dt.time(6, 40)) in {when for (s, _), when in folded.items() if s == "co-am"}


def test_the_plan_of_a_day_does_not_depend_on_the_fold(run_cli, rendered, engine, clock):
    tomorrow = plan_each_morning(run_cli, clock, 8)
    assert run_cli("plan", "--date", str(tomorrow), "--by", "lan").exit_code == 0
    from_folds = load_plan(engine, tomorrow, ZONE)
    with engine.begin() as connection:  # as a database made before the table
        connection.execute(db.last_aired.delete())
        connection.execute(db.last_aired_folded.delete())
    assert recency.history_before(engine, ZONE, tomorrow)  # read from the plans themselves
    assert run_cli("plan", "--date", str(tomorrow), "--by", "lan").exit_code == 0
    assert load_plan(engine, tomorrow, ZONE) == from_folds
    assert any("last aired" in item.reason for item in from_folds)  # history steered it


def test_forcing_a_folded_day_starts_the_fold_again(run_cli, rendered, engine, clock):
    tomorrow = plan_each_morning(run_cli, clock, 6)
    past = FIRST + 2 * D
    forced = run_cli("plan", "--date", str(past), "--force", "--by", "lan")
    assert forced.exit_code == 0, forced.output
    assert folded_through(engine) is None
    assert run_cli("plan", "--date", str(tomorrow), "--by", "lan").exit_code == 0
    assert folded_through(engine) == tomorrow - 2 * D
    assert latest(recency.history_before(engine, ZONE, tomorrow)) == latest(
        history(engine, ZONE, tomorrow)
    )


def test_old_plans_go_but_what_the_log_points_to_stays(
    run_cli, rendered, engine, clock, monkeypatch
):
    monkeypatch.setattr("broadcaster.airplan.service.KEEP_DAYS", 3)
    clock.set(dt.datetime.combine(FIRST, dt.time(7, 0), ZONE))
    assert run_cli("approve", "--all", "--by", "lan").exit_code == 0
    assert run_cli("plan", "--by", "lan").exit_code == 0
    confirmed = run_cli("confirm", "co-am", str(FIRST), "2", "--outcome", "aired",
                        "--at", "06:31", "--by", "xa-co-am")  # fmt: skip
    assert confirmed.exit_code == 0, confirmed.output
    whole_first_day = load_plan(engine, FIRST, ZONE)
    tomorrow = plan_each_morning(run_cli, clock, 8)

    (kept,) = load_plan(engine, FIRST, ZONE)  # the one item the log has an entry about
    assert (kept.station_id, kept.position) == ("co-am", 2)
    assert kept in whole_first_day
    for day in (FIRST + n * D for n in range(1, 4)):  # closed more than 3 days ago
        assert load_plan(engine, day, ZONE) == []
    for day in (tomorrow - n * D for n in range(1, 5)):  # the last 3 closed days and today
        assert load_plan(engine, day, ZONE) != []
