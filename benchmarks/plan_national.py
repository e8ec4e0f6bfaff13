"""A national day through the commands users run, on day 1 and on day 120. Run by hand:

    .venv/bin/python benchmarks/plan_national.py [--communes 3321] [--history-days 120] [--dir DIR]

In one run, in a fresh data directory: a schedule of 3,321 communes (slots of 10
to 30 minutes, two a day) and a province producer written as YAML; the shipped
library rendered with the offline voice and approved (the CLI, once); then
``broadcaster plan`` and ``broadcaster playlists --no-zips`` for one day, each a
separate process as a user runs them, timed with their peak memory:

1. day 1: a fresh database, nothing stored, no folders;
2. day 2, the baseline of every later day: the same day, not yet planned, today
   planned, one day of stored plans and airing entries (the first day's plan
   shifted back, one ``aired`` entry per item, built directly in the database),
   and an expired day's folders for ``playlists`` to prune, as every daily run does;
3. day N: the same, after N - 1 days of stored plans and entries.

Goals (issue "A national day in seconds"): both commands together under 10 s and
500 MB on every day, and day N within 20 % of day 2 with flat memory: the cost
does not grow with history. ``--dir`` keeps the data directory (and reuses its
renders on the next run). Creating thousands of folders costs what the filesystem
makes it cost: on ext4 without a journal each new inode is checked against recent
deletions, several times slower than with one.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ZONE = dt.timezone(dt.timedelta(hours=7))  # Vietnam keeps no daylight saving time
SAMPLE = ("Tam Cường", "Cổ Am", "Vĩnh Tiến", "Trấn Dương", "Hòa Bình", "Thắng Thủy", "Đồng Minh")


def stations_yaml(communes: int) -> str:
    lines = [
        "timezone: Asia/Ho_Chi_Minh",
        "producer:",
        "  id: nguon-tinh",
        "  name: Hệ thống thông tin nguồn tỉnh",
        "  level: province",
        "  slots:",
        '    - {days: daily, start: "6:00", minutes: 30}',
        '    - {days: daily, start: "17:00", minutes: 30}',
        "communes:",
    ]
    for n in range(communes):
        minutes = (10, 15, 20, 30)[n % 4]
        morning, evening = f"6:{n % 4 * 10:02d}", f"17:{n % 3 * 15:02d}"
        lines += [
            f"  - id: xa-{n:04d}",
            f"    name: Xã {SAMPLE[n % len(SAMPLE)]} {n}",
            "    slots:",
            f'      - {{days: daily, start: "{morning}", minutes: {minutes}}}',
            f'      - {{days: daily, start: "{evening}", minutes: {minutes}}}',
        ]
    return "\n".join(lines) + "\n"


def run(env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``broadcaster`` command."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "broadcaster"), *args], env=env, cwd=REPO, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"broadcaster {' '.join(args)} failed ({status})")
    return elapsed, usage.ru_maxrss / 1024


def measure(env: dict[str, str], day: dt.date, label: str) -> tuple[float, float]:
    plan_s, plan_mb = run(env, "plan", "--date", day.isoformat(), "--by", "bench")
    lists_s, lists_mb = run(env, "playlists", "--date", day.isoformat(), "--no-zips")
    total, peak = plan_s + lists_s, max(plan_mb, lists_mb)
    print(
        f"{label:>22}: plan {plan_s:5.1f} s {plan_mb:4.0f} MB, playlists {lists_s:5.1f} s "
        f"{lists_mb:4.0f} MB = {total:5.1f} s, peak {peak:4.0f} MB",
        flush=True,
    )
    return total, peak


def build_history(database: Path, day: dt.date, backs: range) -> int:
    """The days ``backs`` days before ``day``: its plan shifted back, and an aired entry per item.

    The items keep naming the day's segments and reasons (``plan_segments``,
    ``plan_reasons``), as a schedule that airs the same library every day does."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA cache_size = -1000000")  # 1 GB: the indexes stay in memory
    columns = [row[1] for row in connection.execute("PRAGMA table_info(plan_items)")]
    columns.remove("id")
    rows = connection.execute(
        f"SELECT {', '.join(columns)} FROM plan_items WHERE day = ?", (day.isoformat(),)
    ).fetchall()
    query = "SELECT id, bulletin_id, form, render_sha256 FROM plan_segments"
    segments = {id_: rest for id_, *rest in connection.execute(query)}
    index = {name: i for i, name in enumerate(columns)}
    made = 0
    for back in backs:
        with connection:  # a day at a time: the WAL is checkpointed as it goes
            shift = dt.timedelta(days=back)
            plans, entries = [], []
            for row in rows:
                row = list(row)
                for name in ("slot_start", "starts_at", "planned_at"):
                    row[index[name]] = _shifted(row[index[name]], shift)
                row[index["day"]] = (day - shift).isoformat()
                plans.append(row)
                at = row[index["starts_at"]]
                bulletin_id, form, sha256 = segments[row[index["segment_id"]]]
                entries.append(
                    (row[index["station_id"]], bulletin_id, form, sha256, at, at, "aired", 0, "",
                     "playout", "playout@bench", at)
                )  # fmt: skip
            connection.executemany(
                f"INSERT INTO plan_items ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                plans,
            )
            connection.executemany(
                "INSERT INTO airings (station_id, bulletin_id, form, render_sha256, "
                "scheduled_at, started_at, outcome, late, reason, source, recorded_by, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                entries,
            )
            made += len(entries)
    connection.close()
    return made


def plan_bytes(database: Path) -> int:
    """Bytes of the stored plans (tables and indexes), from SQLite's page counts."""
    with sqlite3.connect(database) as connection:
        try:
            return (
                connection.execute(
                    "SELECT sum(pgsize) FROM dbstat "
                    "WHERE name LIKE 'plan_%' OR name LIKE 'ix_plan_%'"
                ).fetchone()[0]
                or 0
            )
        except sqlite3.OperationalError:  # SQLite built without dbstat
            return 0


def _shifted(stored: str, shift: dt.timedelta) -> str:
    return str(dt.datetime.fromisoformat(stored) - shift)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--history-days", type=int, default=120)
    parser.add_argument("--dir", type=Path, help="keep the data here (renders are reused)")
    options = parser.parse_args()

    root = options.dir or Path(tempfile.mkdtemp(prefix="plan-national-"))
    root.mkdir(parents=True, exist_ok=True)
    stations = root / "stations.yaml"
    stations.write_text(stations_yaml(options.communes), encoding="utf-8")
    data = root / "var"
    env = {
        **os.environ,
        "BROADCASTER_DATA_DIR": str(data),
        "BROADCASTER_SCHEDULE__STATIONS": str(stations),
    }
    database = data / "broadcaster.db"
    for stale in (database, data / "broadcaster.db-wal", data / "broadcaster.db-shm"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(data / "playlists", ignore_errors=True)  # day 1 has no folders yet
    day = dt.datetime.now(ZONE).date() + dt.timedelta(days=1)
    print(f"{options.communes} communes, {day}, data in {root}", flush=True)

    started = time.perf_counter()
    run(env, "render", "--engine", "espeak")
    run(env, "approve", "--all", "--by", "bench")
    print(f"rendered and approved the library in {time.perf_counter() - started:.0f} s")

    first_s, first_mb = measure(env, day, "day 1 (fresh database)")
    base_s, base_mb = later_day(env, data, day, range(1, 2), options.history_days)
    last = options.history_days + 1
    later_s, later_mb = later_day(env, data, day, range(2, last), options.history_days)
    print(f"database {database.stat().st_size / 2**20:.0f} MB; plans "
          f"{plan_bytes(database) / 2**20 / last:.1f} MB a day")  # fmt: skip
    print(f"time on day {last} / day 2:   {later_s / base_s:.2f} (goal <= 1.20)")
    print(f"memory on day {last} / day 2: {later_mb / base_mb:.2f} (flat)")
    print(f"time on day {last} / day 1:   {later_s / first_s:.2f} (a fresh database)")
    print(f"against the 10 s goal: {max(first_s, base_s, later_s) / 10:.2f}; "
          f"against 500 MB: {max(first_mb, base_mb, later_mb) / 500:.2f}")  # fmt: skip


def later_day(
    env: dict[str, str], data: Path, day: dt.date, backs: range, expired: int
) -> tuple[float, float]:
    """``day`` measured again after storing the days ``backs`` days before it."""
    database = data / "broadcaster.db"
    started = time.perf_counter()
    # In a process of its own: a child forked from a large parent reports the parent's
    # peak memory as its own (Linux keeps it across exec), so this one stays small.
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as builder:
        made = builder.submit(build_history, database, day, backs).result()
    print(f"stored {len(backs)} more day(s) of history ({made:,} airings) "
          f"in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    # As on any later day: today is planned (which folded the closed days, one a day
    # in real life), the day is not, and an expired day's folders are there for
    # `playlists` to prune (one day's, as each daily run removes one).
    run(env, "plan", "--date", (day - dt.timedelta(days=1)).isoformat(), "--by", "bench")
    playlists = data / "playlists"
    stale = playlists / (day - dt.timedelta(days=expired)).isoformat()
    shutil.rmtree(stale, ignore_errors=True)  # left by an earlier run with the same --dir
    subprocess.run(["cp", "-al", str(playlists / day.isoformat()), str(stale)], check=True)
    shutil.rmtree(playlists / day.isoformat())
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM plan_items WHERE day = ?", (day.isoformat(),))
    return measure(env, day, f"day {backs.stop}")


if __name__ == "__main__":
    main()
