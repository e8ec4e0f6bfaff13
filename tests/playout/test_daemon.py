"""The daemon run for real: slots a few seconds apart, a real ffmpeg player, real SQLite.

Times are asserted for order and bounds a loaded machine still meets (an item
starts at or after its time and within a generous second or two of it), never
for speed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy
from shifted_clock import SHIFTED_CHILD

from broadcaster import airlog, alerts, db
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.playout import PlayoutError, agenda, jobs, run_playout, state
from broadcaster.runtime import Runtime

from .studio import GRACE_S, PLAYER, by_bulletin, changes_to_log, now

ON_TIME = dt.timedelta(seconds=1.5)  # generous: the scheduler wakes, ffmpeg starts
S = dt.timedelta(seconds=1)


def assert_on_time(entry: Airing) -> None:
    assert entry.scheduled_at <= entry.started_at < entry.scheduled_at + ON_TIME, entry


def assert_back_to_back(entries: list[Airing]) -> None:
    """Each starts after the one before has ended: one voice on air."""
    for before, after in zip(entries, entries[1:], strict=False):
        assert before.ended_at <= after.started_at, (before, after)


def test_slots_air_at_their_time_in_order_and_are_logged(studio):
    a1, a2, b1 = (studio.render(name) for name in ("a1", "a2", "b1"))
    t0 = now()
    first, second = studio.slot(t0 + 2 * S, a1, a2), studio.slot(t0 + 5.5 * S, b1)
    studio.plan(first, second)

    with studio.running():
        log = studio.wait_for(3)

    assert [e.bulletin_id for e in log] == ["a1", "a2", "b1"]
    assert [e.scheduled_at for e in log] == [i.starts_at for i in first + second]
    for entry, render in zip(log, (a1, a2, b1), strict=True):
        assert entry.outcome is Outcome.AIRED
        assert entry.source is Source.PLAYOUT
        assert entry.recorded_by.startswith("playout@")
        assert entry.render_sha256 == render.sha256
        assert entry.form == 7
        assert not entry.late
        assert entry.ended_at - entry.started_at >= 0.8 * S  # played in real time
    for entry in log:
        assert_on_time(entry)  # each item at its planned time, the next slot at its own
    assert_back_to_back(log)


def test_twelve_items_in_a_row_each_start_within_a_second_of_their_time(studio):
    """The player's start-up is absorbed by the gap after each item: it never adds up."""
    tones = [studio.render(f"t{n:02d}") for n in range(1, 13)]
    slot = studio.slot(now() + 2 * S, *tones)
    studio.plan(slot)

    with studio.running():
        log = studio.wait_for(12, timeout_s=60)

    assert [e.scheduled_at for e in log] == [i.starts_at for i in slot]
    assert all(e.outcome is Outcome.AIRED and not e.late for e in log)
    lags = [(e.started_at - e.scheduled_at).total_seconds() for e in log]
    assert min(lags) >= 0, lags  # nothing starts early
    assert max(lags) < 1.0, lags
    assert_back_to_back(log)


def test_a_failing_item_is_logged_failed_and_the_slot_goes_on(studio):
    missing = studio.render("missing")
    (studio.renders / missing.file).unlink()
    tampered = studio.render("tampered")
    with (studio.renders / tampered.file).open("ab") as audio:
        audio.write(b"\0")  # still plays; no longer the audio that was approved
    broken = studio.undecodable("broken")  # approved as is, and the player rejects it
    good = studio.render("good")
    planned = studio.slot(now() + 2 * S, missing, tampered, broken, good)
    studio.plan(planned)

    with studio.running():
        log = studio.wait_for(4)

    entries = {e.bulletin_id: e for e in log}
    assert [e.bulletin_id for e in log] == ["missing", "tampered", "broken", "good"]
    assert entries["missing"].outcome is Outcome.FAILED
    assert "file missing" in entries["missing"].reason
    assert entries["tampered"].outcome is Outcome.FAILED
    assert "does not match the approved render" in entries["tampered"].reason
    assert entries["broken"].outcome is Outcome.FAILED
    assert entries["broken"].reason.startswith("player exited with status")
    assert entries["good"].outcome is Outcome.AIRED
    assert entries["good"].ended_at - entries["good"].started_at >= 0.8 * S
    # Nothing starts before its time, though the items before it failed at once.
    times = {item.bulletin_id: item.starts_at for item in planned}
    for entry in log:
        assert entry.started_at >= times[entry.bulletin_id] - 0.05 * S, entry.bulletin_id


def test_a_player_that_ends_at_once_aired_nothing(studio):
    """ffplay with no sound device says "audio open failed" and exits 0 at once."""
    tone = studio.render("tone", 2)
    studio.plan(studio.slot(now() + 2 * S, tone))
    silent = [sys.executable, "-c", "import sys; print('audio open failed', file=sys.stderr)"]
    settings = dataclasses.replace(
        studio.settings,
        playout=dataclasses.replace(studio.settings.playout, player=(*silent, "{file}")),
    )
    studio.settings = settings
    with studio.running():
        (entry,) = studio.wait_for(1)
    assert entry.outcome is Outcome.FAILED
    assert entry.reason.startswith("player ended after")
    assert "audio open failed" in entry.reason


def test_a_player_that_hangs_is_killed_and_logged_failed(studio):
    studio.settings = dataclasses.replace(
        studio.settings,
        playout=dataclasses.replace(
            studio.settings.playout,
            player=(sys.executable, "-c", "import time; time.sleep(60)", "{file}"),
        ),
    )
    stuck = studio.render("stuck")
    studio.plan(studio.slot(now() + 2 * S, stuck))

    with studio.running(margin_s=1.0):
        (entry,) = studio.wait_for(1)

    assert entry.outcome is Outcome.FAILED
    assert "killed" in entry.reason
    assert 2 * S <= entry.ended_at - entry.started_at < 10 * S  # 1 s of audio + 1 s margin
    assert state.markers(studio.engine, studio.station) == []


def test_at_start_what_passed_is_played_late_within_grace_or_logged_missed(studio):
    too_old, recent, operator, cut = (studio.render(n) for n in ("old", "recent", "op", "cut"))
    t0 = now()
    old_slot = studio.slot(t0 - 120 * S, too_old)  # grace is 60 s
    recent_slot = studio.slot(t0 - 20 * S, recent)
    operator_slot = studio.slot(t0 - 30 * S, operator)
    cut_slot = studio.slot(t0 - 40 * S, cut)
    studio.plan(old_slot, recent_slot, operator_slot, cut_slot)
    # A commune operator already confirmed one; the last run died while playing another.
    airlog.record(
        studio.engine,
        Airing(
            studio.station, "op", operator.sha256, Outcome.AIRED, Source.OPERATOR, "op1", t0,
            scheduled_at=operator_slot[0].starts_at,
        ),
    )  # fmt: skip
    cue = agenda.Cue.of_item(cut_slot[0])
    state.mark(studio.engine, cue, started_at=cut_slot[0].starts_at, recorded_by="playout@old")

    with studio.running():
        studio.wait_for(4)
        time.sleep(0.5)  # nothing else comes

    entries = by_bulletin(studio.log())
    assert len(studio.log()) == 4
    (missed,) = entries["old"]
    assert missed.outcome is Outcome.MISSED
    local = old_slot[0].starts_at.astimezone(studio.zone)
    assert missed.reason == f"daemon was not running at {local:%H:%M:%S}"
    assert missed.started_at is None
    (late,) = entries["recent"]
    assert late.outcome is Outcome.AIRED and late.late
    assert late.started_at > late.scheduled_at + 10 * S
    assert "daemon was not running" in late.reason
    assert [e.source for e in entries["op"]] == [Source.OPERATOR]  # not played again
    (interrupted,) = entries["cut"]
    assert interrupted.outcome is Outcome.FAILED
    assert interrupted.reason.startswith("interrupted: playout stopped")
    assert interrupted.started_at == cut_slot[0].starts_at
    assert state.markers(studio.engine, studio.station) == []


def test_restarts_mid_slot_never_air_an_item_twice_and_only_append_to_the_log(studio, statements):
    renders = [studio.render(name) for name in ("r1", "r2", "r3")]
    slot = studio.slot(now() + 2 * S, *renders)
    studio.plan(slot)

    with studio.running():
        studio.wait_until(lambda: len(studio.log()) == 1, 20, "r1 aired")
        studio.wait_on_air(slot[1])
    # stopped while r2 played: r2 is cut and logged; r3 was still queued
    with studio.running():
        studio.wait_for(3)
    with studio.running():  # and once more: everything is accounted for
        time.sleep(1.0)

    log = studio.log()
    assert [(e.bulletin_id, e.outcome) for e in log] == [
        ("r1", Outcome.AIRED),
        ("r2", Outcome.FAILED),
        ("r3", Outcome.AIRED),
    ]
    assert log[1].reason == "interrupted: playout stopped"
    assert log[1].ended_at is not None
    per_item = Counter((e.station_id, e.scheduled_at) for e in log)
    assert set(per_item.values()) == {1}
    assert changes_to_log(statements) == []  # the daemon only appends...
    for change in (sqlalchemy.update(db.airings).values(outcome="missed"), db.airings.delete()):
        with (  # ...and the database would refuse anything else
            pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"),
            studio.engine.begin() as connection,
        ):
            connection.execute(change)
    assert studio.log() == log


def test_an_emergency_alert_cuts_the_item_on_air_and_airs_at_once(studio):
    long, short, siren = studio.render("long", 2), studio.render("short"), studio.render("siren")
    studio.approve(siren)
    slot = studio.slot(now() + 2 * S, long, short)
    studio.plan(slot)

    with studio.running():
        studio.wait_on_air(slot[0])
        time.sleep(0.4)
        raised = now()
        alert_id = alerts.record_alert(
            studio.engine,
            bulletin_id="siren",
            render_sha256=siren.sha256,
            file=siren.file,
            duration_s=siren.duration_s,
            title="Cảnh báo khẩn",
            station_ids=[studio.station],
            raised_by="bien-tap",
            now=raised,
        )
        log = studio.wait_for(4)

    assert [(e.bulletin_id, e.outcome) for e in log] == [
        ("long", Outcome.FAILED),
        ("siren", Outcome.AIRED),
        ("long", Outcome.AIRED),
        ("short", Outcome.AIRED),
    ]
    cut, alert, replay, after = log
    assert cut.reason == f"interrupted by emergency alert #{alert_id}"
    assert cut.ended_at - cut.started_at < 1.9 * S  # cut before its 2 s ended
    assert alert.scheduled_at == raised
    assert raised < alert.started_at < raised + 2 * S  # at once: poll interval + start-up
    assert "emergency alert" in alert.reason
    assert replay.scheduled_at == cut.scheduled_at
    assert replay.reason == f"replay of interrupted airing #{cut.id}"
    assert_back_to_back([cut, alert, replay, after])


def test_a_re_stored_plan_is_picked_up_while_running(studio):
    old, gone, new, added = (studio.render(n) for n in ("old", "gone", "new", "added"))
    t0 = now()
    studio.plan(studio.slot(t0 + 2.5 * S, old), studio.slot(t0 + 5 * S, gone))

    with studio.running():
        time.sleep(1.0)
        # Re-planned: another bulletin at 2.5 s, the 5 s slot dropped, a new slot at 4 s.
        studio.plan(studio.slot(t0 + 2.5 * S, new), studio.slot(t0 + 4 * S, added))
        studio.wait_for(2)
        studio.wait_until(lambda: now() > t0 + 5.5 * S, 10, "the dropped slot's time")

    log = studio.log()
    assert [e.bulletin_id for e in log] == ["new", "added"]
    assert all(e.outcome is Outcome.AIRED for e in log)
    assert_on_time(log[0])
    assert_on_time(log[1])


@pytest.fixture
def process_in_utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_process_in_utc_keeps_vietnam_times_and_schedules_tomorrow(studio, process_in_utc):
    assert time.localtime().tm_gmtoff == 0
    today, tomorrow = studio.render("today"), studio.render("tomorrow")
    start = now() + 2 * S
    next_day = studio.slot(start + dt.timedelta(days=1), tomorrow)
    studio.plan(studio.slot(start, today), next_day)

    with studio.running():
        (entry,) = studio.wait_for(1)
        # Tomorrow's slot waits in the leader's scheduler, at the plan's instant.
        (job,) = jobs.running(studio.station).slot_jobs()

    assert entry.bulletin_id == "today"
    assert_on_time(entry)
    assert job.id == agenda.slot_job_id(next_day[0].slot_start)
    assert job.next_run_time == next_day[0].slot_start
    assert job.next_run_time.astimezone(studio.zone).hour == start.astimezone(studio.zone).hour
    assert str(job.trigger.run_date.tzinfo) == "Asia/Ho_Chi_Minh"


DAEMON = (
    SHIFTED_CHILD
    + """
import sys
from broadcaster.playout import run_playout
from broadcaster.runtime import build_runtime
run_playout(build_runtime(), station_id=sys.argv[1], poll_s=0.2, refresh_s=0.5)
"""
)


def start_daemon_process(studio) -> subprocess.Popen:
    """``run_playout`` in a process of its own, in its main thread, as the CLI runs it."""
    env = {
        **os.environ,
        "BROADCASTER_CONFIG": "",
        "BROADCASTER_DATA_DIR": str(studio.settings.data_dir),
        "BROADCASTER_PLAYOUT__PLAYER": json.dumps(PLAYER),
        "BROADCASTER_PLAYOUT__GRACE_S": str(GRACE_S),
        "BROADCASTER_SCHEDULE__STATIONS": str(studio.settings.schedule.stations),
        "BROADCASTER_SCHEDULE__CAMPAIGNS": "[]",
    }
    daemon = subprocess.Popen(
        [sys.executable, "-c", DAEMON, studio.station], env=env, stderr=subprocess.PIPE, text=True
    )
    studio.processes.append(daemon)  # killed at teardown if a failing test leaves it running
    return daemon


def players_of(path: Path) -> list[int]:
    """Processes whose command line names ``path``: a player left running."""
    found = []
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if proc.name.isdigit() and str(path) in (proc / "cmdline").read_text():
                found.append(int(proc.name))
    return found


def test_sigterm_stops_cleanly_and_a_killed_daemon_is_accounted_for_at_restart(studio):
    first, second, third = studio.render("s1", 2), studio.render("s2", 2), studio.render("s3")
    slot = studio.slot(now() + 2 * S, first, second, third)
    studio.plan(slot)

    daemon = start_daemon_process(studio)
    studio.wait_on_air(slot[0])
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(15) == 0, daemon.stderr.read()
    (stopped,) = studio.log()
    assert (stopped.bulletin_id, stopped.outcome) == ("s1", Outcome.FAILED)
    assert stopped.reason == "interrupted: playout stopped"
    assert players_of(studio.renders / first.file) == []  # the player went with it

    daemon = start_daemon_process(studio)  # s2 is due again: played late, within grace
    studio.wait_on_air(slot[1])
    daemon.kill()  # no chance to log anything
    daemon.wait(15)
    # The player died with it (its 2 s of audio would still be playing otherwise).
    studio.wait_until(lambda: players_of(studio.renders / second.file) == [], 0.5, "no player")
    with studio.running():  # s2 was cut: logged failed, not replayed; s3 airs
        studio.wait_for(3)

    log = studio.log()
    assert [(e.bulletin_id, e.outcome) for e in log] == [
        ("s1", Outcome.FAILED),
        ("s2", Outcome.FAILED),
        ("s3", Outcome.AIRED),
    ]
    assert log[1].reason.startswith("interrupted: playout stopped")
    assert "found at restart" in log[1].reason
    assert log[1].ended_at is None  # nobody saw it end


def test_stopping_while_the_plan_is_being_re_read_does_not_hang(studio):
    # APScheduler's shutdown waits for running jobs while holding the job-store
    # lock that a refresh needs: stop must not deadlock with a refresh in flight.
    t0 = now()
    studio.plan(*(studio.slot(t0 + (60 + i) * S, studio.render(f"later{i}")) for i in range(3)))
    for _ in range(5):
        started = time.monotonic()
        with studio.running(refresh_s=0.02):
            time.sleep(0.2)
        assert time.monotonic() - started < 10
    assert studio.log() == []


def test_a_second_daemon_for_the_same_station_refuses_to_start(studio):
    already_stopped = threading.Event()
    already_stopped.set()
    with studio.running():
        lock = studio.settings.data_dir / f"playout-{studio.station}.lock"
        studio.wait_until(lambda: lock.exists() and lock.read_text(), 10, "the first daemon")
        with pytest.raises(PlayoutError, match="already running"):
            run_playout(
                Runtime(studio.settings), station_id=studio.station, stop_event=already_stopped
            )
    run_playout(Runtime(studio.settings), station_id=studio.station, stop_event=already_stopped)


def test_a_day_without_a_plan_is_said_not_silent(studio, caplog):
    """No stored plan and nothing approved to plan: an error, once, not hours of silence."""
    with caplog.at_level(logging.ERROR, logger="broadcaster.playout.daemon"), studio.running():
        studio.wait_until(
            lambda: any("no plan stored for" in r.getMessage() for r in caplog.records),
            10,
            "the daemon to say there is no plan",
        )
        time.sleep(1.2)  # two more refreshes: said once a day, not every 0.5 s
    said = [r.getMessage() for r in caplog.records if "no plan stored for" in r.getMessage()]
    assert len(said) == 1
    assert "none could be made: no approved audio to plan" in said[0]
    assert studio.log() == []


def test_a_station_the_schedule_does_not_name_is_an_error(studio):
    """`playout --station <typo>` used to run forever, airing nothing."""
    with pytest.raises(PlayoutError, match="no station 'dai-go-nham'.*known stations are"):
        run_playout(Runtime(studio.settings), station_id="dai-go-nham")
