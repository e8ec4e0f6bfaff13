"""One playout leader per station across machines: two real daemons on one database.

Each daemon runs in a process of its own with its own data directory (as on two
machines), the renders shared, on SQLite and on PostgreSQL. The player is the
studio's ffmpeg behind a line that writes which daemon started it to a journal,
so "played" is seen apart from "logged". Lease periods are 2 s; times are
asserted for order and generous bounds, never for speed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from shifted_clock import SHIFTED_CHILD

from broadcaster import airlog
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.config import load_settings
from broadcaster.playout import lease, state
from broadcaster.playout.lease import Lease, LeaseLost
from broadcaster.runtime import FixedClock

from .conftest import STATIONS
from .studio import GRACE_S, PLAYER, STATION, Studio, now

LEASE_S = 2.0
LOOK_S = LEASE_S / 10  # how often a standby looks at the lease
S = dt.timedelta(seconds=1)
ON_TIME = dt.timedelta(seconds=1.5)

DAEMON = (
    SHIFTED_CHILD
    + """
import logging, sys
from broadcaster.playout import run_playout
from broadcaster.runtime import build_runtime
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
logging.getLogger("apscheduler").setLevel(logging.WARNING)
run_playout(build_runtime(), station_id=sys.argv[1], poll_s=0.2, refresh_s=0.5)
"""
)


class Pair:
    """A station's database and renders, and its daemons as processes ("machines")."""

    def __init__(self, studio: Studio, tmp_path: Path, database_url: str) -> None:
        self.studio = studio
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.journal = tmp_path / "played.txt"  # "<daemon pid> <file>" per player start
        self.journal.touch()
        self.stderr: dict[int, Path] = {}

    def start(self, name: str) -> subprocess.Popen:
        data_dir = self.tmp_path / name
        data_dir.mkdir(exist_ok=True)
        if not (data_dir / "renders").exists():  # the storage both machines mount
            (data_dir / "renders").symlink_to(self.studio.renders)
        journal = f'echo "$PPID $1" >> {self.journal}; shift; exec "$@"'
        player = ["sh", "-c", journal, "player", "{file}", *PLAYER]
        env = {
            **os.environ,
            "BROADCASTER_CONFIG": "",
            "BROADCASTER_DATA_DIR": str(data_dir),
            "BROADCASTER_DATABASE_URL": self.database_url,
            "BROADCASTER_PLAYOUT__PLAYER": json.dumps(player),
            "BROADCASTER_PLAYOUT__GRACE_S": str(GRACE_S),
            "BROADCASTER_PLAYOUT__LEASE_S": str(LEASE_S),
            "BROADCASTER_SCHEDULE__STATIONS": str(self.studio.settings.schedule.stations),
            "BROADCASTER_SCHEDULE__CAMPAIGNS": "[]",
        }
        errors = self.tmp_path / f"{name}.log"
        with errors.open("w") as stderr:
            daemon = subprocess.Popen(
                [sys.executable, "-c", DAEMON, STATION], env=env, stderr=stderr, text=True
            )
        self.stderr[daemon.pid] = errors
        self.studio.processes.append(daemon)  # killed at teardown if a test fails
        return daemon

    def said(self, daemon: subprocess.Popen) -> str:
        return self.stderr[daemon.pid].read_text()

    def leader(self) -> lease.Holding | None:
        return lease.holding(self.studio.engine, STATION)

    def wait_leading(self, daemon: subprocess.Popen, timeout_s: float = 20) -> str:
        """Until ``daemon`` holds the lease; its instance id."""
        self.studio.wait_until(
            lambda: (
                (held := self.leader()) is not None
                and held.holder.rsplit(":", 2)[1] == str(daemon.pid)
            ),
            timeout_s,
            f"daemon {daemon.pid} to lead",
        )
        return self.leader().holder

    def wait_standing_by(self, daemon: subprocess.Popen, timeout_s: float = 20) -> None:
        self.studio.wait_until(
            lambda: "standing by" in self.said(daemon), timeout_s, f"{daemon.pid} standing by"
        )

    def freeze(self, daemon: subprocess.Popen) -> None:
        """Suspend ``daemon`` (a stalled VM: alive, but frozen) outside a write.

        On SQLite a process frozen inside a write transaction holds the file's one
        write lock until it wakes: no standby can take over then, which is SQLite's
        limit on one machine, not the lease's. So when the freeze caught a write, the
        daemon is let go on and frozen again a moment later."""
        path = self.database_url.removeprefix("sqlite:///")
        for _ in range(50):
            daemon.send_signal(signal.SIGSTOP)
            if not self.database_url.startswith("sqlite:///") or _writable(path):
                return
            daemon.send_signal(signal.SIGCONT)
            time.sleep(0.05)
        pytest.fail(f"daemon {daemon.pid} was always inside a write when frozen")

    def played(self) -> list[tuple[int, str]]:
        """(daemon pid, file name) for every player started, in order."""
        lines = [line.split(" ", 1) for line in self.journal.read_text().splitlines()]
        return [(int(pid), Path(file).name) for pid, file in lines]

    def stop(self, *daemons: subprocess.Popen) -> None:
        for daemon in daemons:
            daemon.send_signal(signal.SIGTERM)
        for daemon in daemons:
            assert daemon.wait(20) == 0, self.said(daemon)


def _writable(path: str) -> bool:
    """Whether a write transaction on the SQLite file can begin now."""
    connection = sqlite3.connect(path, timeout=0.5, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # "database is locked"
        return False
    finally:
        connection.close()


@pytest.fixture(scope="session")
def long_tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight seconds: long enough for a second daemon to start while it plays."""
    path = tmp_path_factory.mktemp("long") / "tone-8s.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi",
         "-i", "sine=frequency=440:sample_rate=22050:duration=8",
         "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def pair(repo, tmp_path, tones, long_tone, database_url):
    stations = tmp_path / "stations.yaml"
    stations.write_text(STATIONS, encoding="utf-8")
    settings = load_settings(
        environ={"BROADCASTER_DATA_DIR": str(tmp_path / "var")},
        overrides={
            "database_url": database_url,
            "playout.player": PLAYER,
            "playout.grace_s": GRACE_S,
            "playout.lease_s": LEASE_S,
            "schedule.stations": str(stations),
            "schedule.campaigns": [],
        },
    )
    studio = Studio(settings, {**tones, 8: long_tone})
    try:
        yield Pair(studio, tmp_path, database_url)
    finally:
        studio.close()


def test_two_daemons_air_each_item_once_and_the_standby_leaves_the_item_on_air_alone(pair):
    studio = pair.studio
    long, short, later = studio.render("long", 8), studio.render("short"), studio.render("later")
    leader = pair.start("machine-a")
    leader_id = pair.wait_leading(leader)
    t0 = now()
    first, second = studio.slot(t0 + 1.5 * S, long, short), studio.slot(t0 + 12.5 * S, later)
    studio.plan(first, second)
    studio.wait_on_air(first[0])
    standby = pair.start("machine-b")  # starts up while the leader's item is on air
    pair.wait_standing_by(standby)
    assert [m.scheduled_at for m in state.markers(studio.engine, STATION)] == [
        first[0].starts_at
    ], "the standby came up after the item ended: the test proves nothing"
    log = studio.wait_for(3, timeout_s=25)
    time.sleep(1.0)  # and nothing more comes
    pair.stop(leader, standby)

    log = studio.log()
    assert [(e.bulletin_id, e.outcome) for e in log] == [
        ("long", Outcome.AIRED),  # not "failed" by the standby's start-up
        ("short", Outcome.AIRED),
        ("later", Outcome.AIRED),
    ]
    assert {e.recorded_by for e in log} == {f"playout@{leader_id}"}
    assert set(Counter((e.station_id, e.scheduled_at) for e in log).values()) == {1}
    assert pair.played() == [
        (leader.pid, long.file),
        (leader.pid, short.file),
        (leader.pid, later.file),
    ]
    for entry in log:
        assert entry.scheduled_at <= entry.started_at < entry.scheduled_at + ON_TIME, entry


def test_the_standby_takes_over_within_a_lease_period_when_the_leader_is_killed(pair):
    studio = pair.studio
    first, cut = studio.render("a"), studio.render("b", 2)
    next1, next2 = studio.render("c"), studio.render("d")
    leader = pair.start("machine-a")
    leader_id = pair.wait_leading(leader)
    standby = pair.start("machine-b")
    pair.wait_standing_by(standby)
    t0 = now()
    opening = studio.slot(t0 + 1.5 * S, first, cut)
    after = studio.slot(t0 + 9 * S, next1, next2)
    studio.plan(opening, after)
    studio.wait_until(
        lambda: (leader.pid, cut.file) in pair.played(), 20, "the leader's player for b"
    )
    leader.kill()  # no chance to log, renew or let go
    killed_at = now()
    standby_id = pair.wait_leading(standby, timeout_s=3 * LEASE_S)
    studio.wait_for(4, timeout_s=20)
    pair.stop(standby)
    leader.wait(5)

    taken = pair.leader()
    assert taken.holder == standby_id and taken.token == 2
    # The leader renewed at most a third of a lease before it died; the standby looks
    # every LOOK_S: it leads within one lease period of the kill (and one look).
    assert taken.acquired_at - killed_at < dt.timedelta(seconds=LEASE_S + LOOK_S + 0.5)
    log = studio.log()
    assert [(e.bulletin_id, e.outcome, e.recorded_by) for e in log] == [
        ("a", Outcome.AIRED, f"playout@{leader_id}"),
        ("b", Outcome.FAILED, f"playout@{standby_id}"),  # cut off by the kill
        ("c", Outcome.AIRED, f"playout@{standby_id}"),
        ("d", Outcome.AIRED, f"playout@{standby_id}"),
    ]
    assert log[1].reason == (
        f"interrupted: playout stopped (playout@{leader_id} lost its lease while it played; "
        "found at takeover)"
    )
    for entry in log[2:]:  # on time unless the takeover came after their time
        assert entry.started_at >= entry.scheduled_at, entry
    assert [pid for pid, _ in pair.played()] == [leader.pid, leader.pid, standby.pid, standby.pid]


def test_a_leader_frozen_past_its_lease_neither_plays_nor_logs_once_it_wakes(pair):
    studio = pair.studio
    a, b, c = studio.render("a"), studio.render("b", 2), studio.render("c")
    leader = pair.start("machine-a")
    leader_id = pair.wait_leading(leader)
    standby = pair.start("machine-b")
    pair.wait_standing_by(standby)
    opening = studio.slot(now() + 1.5 * S, a)
    studio.plan(opening)
    studio.wait_for(1)
    pair.freeze(leader)  # a suspended VM, a stalled disk: alive, but frozen
    standby_id = pair.wait_leading(standby, timeout_s=3 * LEASE_S)
    later = studio.slot(now() + 1.5 * S, b), studio.slot(now() + 5 * S, c)
    studio.plan(opening, *later)
    # It wakes while b, due by the plan it reads again at once, is on air by the standby.
    studio.wait_on_air(later[0][0])
    leader.send_signal(signal.SIGCONT)
    studio.wait_for(3, timeout_s=20)
    time.sleep(1.5)  # whatever the woken leader would still do

    log = studio.log()
    assert [(e.bulletin_id, e.outcome, e.recorded_by) for e in log] == [
        ("a", Outcome.AIRED, f"playout@{leader_id}"),
        ("b", Outcome.AIRED, f"playout@{standby_id}"),
        ("c", Outcome.AIRED, f"playout@{standby_id}"),
    ]
    assert pair.played() == [(leader.pid, a.file), (standby.pid, b.file), (standby.pid, c.file)]
    assert state.markers(studio.engine, STATION) == []
    assert "lease lost" in pair.said(leader)
    assert leader.poll() is None  # it stands by now, ready to lead again
    pair.stop(leader, standby)
    assert pair.leader().holder == standby_id


T0 = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def test_the_lease_passes_only_once_it_lapses_and_fences_off_the_old_holder(pair):
    engine, clock = pair.studio.engine, FixedClock(T0)
    a = Lease(engine, STATION, "may-a:101:aaaaaa", lease_s=15, clock=clock.now)
    b = Lease(engine, STATION, "may-b:202:bbbbbb", lease_s=15, clock=clock.now)
    assert a.acquire() and a.token == 1
    assert not b.acquire()
    clock.advance(10 * S)
    assert a.renew()
    clock.advance(14 * S)  # 24 s in: renewed at 10 s, so held until 25 s
    assert not b.acquire()
    clock.advance(1 * S)
    assert b.acquire() and b.token == 2

    # a was frozen meanwhile: what it would log now is refused, in the same transaction.
    entry = Airing(STATION, "x", "0" * 64, Outcome.AIRED, Source.PLAYOUT, "playout@a", T0)
    with pytest.raises(LeaseLost), engine.begin() as connection:
        a.fence(connection)
        airlog.append(connection, entry)
    assert list(airlog.entries(engine, station_id=STATION)) == []
    assert not a.renew()
    assert lease.holding(engine, STATION).holder == "may-b:202:bbbbbb"

    b.release()  # a clean stop: no waiting for the lease to run out
    assert a.acquire() and a.token == 3
    c = Lease(engine, STATION, "may-a:303:cccccc", lease_s=15, clock=clock.now)
    assert c.acquire(dead="may-a:101:aaaaaa")  # its restart knows it has ended
    assert c.token == 4
