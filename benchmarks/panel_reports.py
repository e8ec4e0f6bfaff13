"""Speed of the leadership reports on a national-size log. Run by hand:

    .venv/bin/python benchmarks/panel_reports.py [--rows 1000000] [--requests 20] [--keep DIR]

It seeds a temporary SQLite database (the project's schema, through
broadcaster.db.connect) with a year of airings at 3,321 stations, appended
through the trigger that keeps the log's running totals (broadcaster.db.rollup),
then times requests through Flask's test client, logged in as a leader: the
dashboard (default period = the running campaign's 28-day goal window; and a whole
year), pages of the matrix over a year, a station search, one commune's evidence
page and the coverage CSV. The CSV of the whole log is streamed in a child process
whose peak RSS is reported. As a baseline, the same aggregates run in plain sqlite3,
both from the log itself and from the running totals. A database kept with --keep
from before the totals existed gets them built on first connect (timed here).

Goals: p95 < 300 ms per page, export RSS < 200 MB. No figure is asserted:
this prints them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex

from broadcaster import accounts, db
from broadcaster.accounts import Role
from broadcaster.db import migrations
from broadcaster.reports.entries import AIRING_COLUMNS

REPO = Path(__file__).resolve().parent.parent
ZONE = dt.timezone(dt.timedelta(hours=7))  # Vietnam: no daylight saving
END = dt.date(2026, 11, 29)  # the last seeded day; the panel's clock is the next morning
NOW = dt.datetime.combine(END + dt.timedelta(days=1), dt.time(8, 0), ZONE)
PRODUCER = "nguon-tinh"

SYLLABLES = [
    "An",
    "Bình",
    "Cổ",
    "Am",
    "Đồng",
    "Minh",
    "Hòa",
    "Hưng",
    "Nhân",
    "Lạc",
    "Phú",
    "Quang",
    "Tân",
    "Thái",
    "Thắng",
    "Thủy",
    "Tiến",
    "Trung",
    "Vĩnh",
    "Xuân",
    "Yên",
    "Hải",
    "Sơn",
    "Long",
    "Phong",
    "Thịnh",
    "Cường",
    "Hiệp",
    "Liên",
    "Nghĩa",
    "Định",
    "Lộc",
    "Khánh",
    "Mỹ",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
]


# --- the data -------------------------------------------------------------------------------


def communes(count: int) -> list[tuple[str, str]]:
    rng = random.Random(3321)
    result = []
    for index in range(1, count + 1):
        kind = rng.choices(["Xã", "Phường", "Đặc khu"], weights=[80, 19, 1])[0]
        name = f"{kind} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {index:04d}"
        result.append((f"xa-{index:04d}", name))
    return result


def write_config(directory: Path, stations: list[tuple[str, str]], start: dt.date) -> dict:
    lines = [
        "timezone: Asia/Ho_Chi_Minh",
        "producer:",
        f"  id: {PRODUCER}",
        "  name: Hệ thống thông tin nguồn tỉnh",
        "  level: province",
        "  slots:",
        '    - {days: daily, start: "6:00", minutes: 30}',
        "commune_slots:",
        '  - {days: mon-fri, start: "6:30", minutes: 15}',
        '  - {days: mon-fri, start: "17:30", minutes: 15}',
        "communes:",
    ]
    lines += [f"  - {{id: {sid}, name: {name}}}" for sid, name in stations]
    (directory / "stations.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (directory / "campaign.yaml").write_text(
        "id: thuong-xuyen\n"
        "name: Tuyên truyền thường xuyên về 24 hình thức lừa đảo\n"
        f"from: {start.isoformat()}\n"
        "until: 2030-12-31\n"
        "bulletins: all-forms\n"
        "coverage: {times: 1, days: 28}\n",
        encoding="utf-8",
    )
    return {
        "schedule": {
            "stations": str(directory / "stations.yaml"),
            "campaigns": [str(directory / "campaign.yaml")],
        }
    }


def airings(count: int, station_ids: list[str], days: int) -> Iterator[tuple]:
    """Rows in AIRING_COLUMNS order, in recording order, times as UTC text; 0.2% of the
    aired entries are corrected into missed at the end of their day."""
    rng = random.Random(24)
    zone = dt.timezone(dt.timedelta(hours=7))
    sha = "5e" * 32
    first = END - dt.timedelta(days=days - 1)
    narrow = set(rng.sample(station_ids, len(station_ids) // 20))  # never air forms 19-24
    silent = set(rng.sample(station_ids, len(station_ids) // 50))  # quiet for the last 10 days
    per_day, extra = divmod(count, days)
    stamps: dict[dt.datetime, str] = {}

    def stamp(at: dt.datetime) -> str:
        text = stamps.get(at)
        if text is None:
            text = stamps[at] = at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return text

    next_id = 1
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        batch = []
        for _ in range(per_day + (1 if offset < extra else 0)):
            station = rng.choice(station_ids)
            if station in silent and (END - day).days < 10:
                station = PRODUCER
            form = rng.randrange(1, 25)
            if station in narrow and form > 18:
                form -= 18
            hour, minute = rng.choice([(6, 30), (17, 30)])
            scheduled = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            roll = rng.random()
            outcome = "aired" if roll < 0.92 else "missed" if roll < 0.97 else "failed"
            begin = scheduled + dt.timedelta(minutes=rng.randrange(3))
            played = outcome != "missed"
            batch.append(
                [
                    0,
                    station,
                    f"f{form:02d}",
                    form,
                    sha,
                    stamp(scheduled),
                    stamp(begin) if played else None,
                    stamp(begin + dt.timedelta(minutes=2)) if played else None,
                    outcome,
                    0,
                    "" if outcome == "aired" else "Mất điện",
                    "operator",
                    f"op-{station}",
                    stamp(scheduled + dt.timedelta(minutes=20)),
                    None,
                ]
            )
        batch.sort(key=lambda row: row[13])
        corrections = []
        for row in batch:
            row[0] = next_id
            next_id += 1
            if row[8] == "aired" and rng.random() < 0.002:
                fixed = list(row)
                fixed[6] = fixed[7] = None
                fixed[8], fixed[10], fixed[14] = "missed", "Nhầm: loa hỏng", row[0]
                corrections.append(fixed)
        for fixed in corrections:
            fixed[0] = next_id
            next_id += 1
        yield from map(tuple, batch + corrections)


def seed(path: Path, rows: int, station_ids: list[str], days: int) -> float:
    """A year of airings, appended day by day as the stations would (the trigger keeping
    the running totals included); returns seconds taken."""
    started = time.perf_counter()
    migrations.upgrade(f"sqlite:///{path}")  # the schema, indexes and triggers, as a deploy
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    for index in db.airings.indexes:  # faster to build them once at the end
        connection.execute(f"DROP INDEX {index.name}")
    marks = ",".join("?" * len(AIRING_COLUMNS))
    insert = f"INSERT INTO airings ({','.join(AIRING_COLUMNS)}) VALUES ({marks})"
    written = 0
    generated = airings(rows, station_ids, days)
    while batch := list(itertools.islice(generated, 10_000)):
        connection.executemany(insert, batch)
        written += len(batch)
    connection.commit()
    for index in db.airings.indexes:
        ddl = str(CreateIndex(index).compile(dialect=sqlite_dialect.dialect()))
        connection.execute(ddl)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    print(f"seeded {written:,} airings in {time.perf_counter() - started:.0f} s", flush=True)
    return time.perf_counter() - started


def todays_indexes(path: Path) -> None:
    """Back to exactly the indexes db.py creates (a kept database may hold others)."""
    wanted = {
        index.name: str(CreateIndex(index).compile(dialect=sqlite_dialect.dialect())).strip()
        for index in db.airings.indexes
    }
    connection = sqlite3.connect(path)
    found = dict(
        connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'airings' "
            "AND sql IS NOT NULL"
        ).fetchall()
    )
    for name, sql in found.items():
        if " ".join(sql.split()) != " ".join(wanted.get(name, "").split()):
            connection.execute(f"DROP INDEX {name}")
            found[name] = None
    for name, ddl in wanted.items():
        if not found.get(name):
            connection.execute(ddl)
    connection.commit()
    connection.close()


# --- the panel ---------------------------------------------------------------------------------


def leader_client(workdir: Path, overrides: dict):
    """Flask's test client of the panel over this configuration, logged in as a leader."""
    os.chdir(REPO)  # the library and defaults are found relative to the repository
    from broadcaster.runtime import FixedClock, build_runtime
    from web import create_app

    runtime = build_runtime(
        environ={"BROADCASTER_DATA_DIR": str(workdir / "var")},
        overrides=overrides,
        clock=FixedClock(NOW),
    )
    app = create_app({"BROADCASTER_RUNTIME": runtime, "SECRET_KEY": "benchmark"})
    user = next((u for u in accounts.list_users(runtime.engine) if u.username == "lanhdao"), None)
    if user is None:
        user = accounts.add_user(
            runtime.engine,
            username="lanhdao",
            full_name="Nguyễn Văn Lãnh",
            password="mat-khau-demo",
            role=Role.LEADER,
            now=NOW,
        )
    client = app.test_client()
    with client.session_transaction() as session:  # as web/auth.py's login leaves it
        session["user_id"] = user.id
        session["session_version"] = user.session_version
        session["login_at"] = NOW.timestamp()
    return client, runtime.engine


def make_client(workdir: Path, database: Path):
    overrides = json.loads((workdir / "overrides.json").read_text(encoding="utf-8"))
    overrides["database_url"] = f"sqlite:///{database}"
    client, _engine = leader_client(workdir, overrides)
    gc.collect()  # as `broadcaster serve` does once the app is built
    gc.freeze()
    return client


def timed(client, url: str, count: int) -> dict:
    response = client.get(url)  # warm: the stations file is parsed once per app
    assert response.status_code == 200, (url, response.status_code)
    size = len(response.get_data())
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50": statistics.median(times), "p95": p95, "kb": size / 1024}


def pages(first_commune: str, search: str) -> dict[str, str]:
    year = f"from={(END - dt.timedelta(days=364)).isoformat()}&to={END.isoformat()}"
    return {
        "dashboard (default: campaign's 28-day window)": "/reports/",
        "dashboard, 1 year": f"/reports/?{year}",
        "matrix: coverage page 1 (1 year)": f"/reports/coverage?{year}",
        "matrix: page 40 of 67 (1 year)": f"/reports/coverage?page=40&{year}",
        "matrix: only stations with gaps (1 year)": f"/reports/coverage?only=gaps&{year}",
        f"matrix: search '{search}' (1 year)": (
            f"/reports/coverage?q={search.replace(' ', '+')}&{year}"
        ),
        "matrix: page 40 (default: 28 days)": "/reports/coverage?page=40",
        "evidence page of one commune (1 year)": f"/reports/station/{first_commune}?{year}",
        "coverage.csv, all 3,321 stations (1 year)": f"/reports/export/coverage.csv?{year}",
    }


def export_in_child(workdir: Path, database: Path) -> dict:
    """The whole log as CSV, in a fresh process so that its peak RSS is the export's own."""
    output = subprocess.run(
        [sys.executable, __file__, "--export", str(workdir), str(database)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def export_main(workdir: Path, database: Path) -> None:
    client = make_client(workdir, database)
    client.get("/reports/station/xa-0001")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.get(f"/reports/export/airings.csv?from=2000-01-01&to={END.isoformat()}")
    size = lines = 0
    first_chunk_s = None
    for chunk in response.response:
        if first_chunk_s is None:
            first_chunk_s = time.perf_counter() - started
        data = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")
        size += len(data)
        lines += data.count(b"\r\n")
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Python's own allocations while streaming the last 30 days (tracemalloc slows it down)
    tracemalloc.start()
    month = f"from={(END - dt.timedelta(days=29)).isoformat()}&to={END.isoformat()}"
    for _chunk in client.get(f"/reports/export/airings.csv?{month}").response:
        pass
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    result = {
        "seconds": seconds,
        "first_chunk_s": first_chunk_s,
        "rows": lines - 1,
        "mb": size / 1e6,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": after / 1024,
        "traced_peak_mb": traced_peak / 1e6,
    }
    print(json.dumps(result))


# --- the baseline: the same aggregates in plain sqlite3 ------------------------------------


def baseline(database: Path, station_ids: list[str], count: int) -> dict[str, dict]:
    first = END - dt.timedelta(days=364)
    since = dt.datetime.combine(first, dt.time.min, ZONE).astimezone(dt.UTC)
    until = dt.datetime.combine(END + dt.timedelta(days=1), dt.time.min, ZONE).astimezone(dt.UTC)
    bounds = (since.strftime("%Y-%m-%d %H:%M:%S.%f"), until.strftime("%Y-%m-%d %H:%M:%S.%f"))
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    micros = [(at - epoch) // dt.timedelta(microseconds=1) for at in (since, until)]
    page = station_ids[1950:2000]
    aired = "outcome = 'aired' AND started_at >= ? AND started_at < ? AND form BETWEEN 1 AND 24"
    marks = ",".join("?" * len(page))
    stations = json.dumps(station_ids)
    forms = json.dumps(list(range(1, 25)))
    in_aggregates = (
        "SELECT station_id, form, count(CASE WHEN outcome = 'aired' THEN 1 END), "
        "min(CASE WHEN outcome = 'aired' THEN started_at END), "
        "max(CASE WHEN outcome = 'aired' THEN started_at END) FROM airings "
        f"WHERE station_id IN ({marks}) AND started_at >= ? AND started_at < ? "
        "AND form BETWEEN 1 AND 24 GROUP BY station_id, form"
    )
    queries = {
        "matrix page, 50 stations (the panel's)": (in_aggregates, (*page, *bounds)),
        "matrix page, outcome in WHERE instead": (
            f"SELECT station_id, form, count(*), min(started_at), max(started_at) FROM airings "
            f"WHERE station_id IN ({marks}) AND {aired} GROUP BY station_id, form",
            (*page, *bounds),
        ),
        "forms aired per station: from the totals (the panel's)": (
            "SELECT station_id, count(CASE WHEN last_us >= :low AND first_us < :high AND "
            "(first_us >= :low OR last_us < :high) THEN 1 END), "
            "count(CASE WHEN first_us < :low AND last_us >= :high THEN 1 END) "
            "FROM form_spans GROUP BY station_id",
            {"low": micros[0], "high": micros[1]},
        ),
        "forms aired per station: probes into the log (before)": (
            "SELECT s.value, (SELECT count(*) FROM json_each(?) f WHERE EXISTS (SELECT 1 "
            "FROM airings a WHERE a.station_id = s.value AND a.form = f.value AND "
            "a.outcome = 'aired' AND a.started_at >= ? AND a.started_at < ?)) "
            "FROM json_each(?) s",
            (forms, *bounds, stations),
        ),
        "forms aired per station: GROUP BY instead": (
            f"SELECT station_id, count(DISTINCT form) FROM airings WHERE {aired} "
            "GROUP BY station_id",
            bounds,
        ),
        "airings per quarter hour, chart: from the totals (the panel's)": (
            "SELECT quarter, entries FROM airing_quarters WHERE outcome = 'aired' "
            "AND countable = 1 AND quarter >= ? AND quarter < ?",
            (micros[0] // 900_000_000, micros[1] // 900_000_000),
        ),
        "airings in the year, chart: counted in the log (before)": (
            f"SELECT count(*) FROM airings WHERE {aired}",
            bounds,
        ),
        "full matrix, all stations (coverage.csv)": (
            f"SELECT station_id, form, count(*), max(started_at) FROM airings "
            f"WHERE {aired} GROUP BY station_id, form",
            bounds,
        ),
    }
    connection = sqlite3.connect(database)
    results = {}
    for label, (sql, params) in queries.items():
        connection.execute(sql, params).fetchall()
        times = []
        for _ in range(max(3, count // 4)):
            started = time.perf_counter()
            connection.execute(sql, params).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        results[label] = {"p50": statistics.median(times), "p95": max(times)}
    connection.close()
    return results


def report(title: str, figures: dict[str, dict]) -> None:
    print(f"\n{title}")
    for label, values in figures.items():
        size = f"  {values['kb']:7.0f} KB" if "kb" in values else ""
        print(f"  {label:<48} p50 {values['p50']:8.1f} ms   p95 {values['p95']:8.1f} ms{size}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--export":
        export_main(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=3321)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="reports-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    commune_list = communes(args.stations - 1)
    station_ids = [PRODUCER] + [sid for sid, _ in commune_list]
    start = END - dt.timedelta(days=args.days - 1)
    overrides = write_config(workdir, commune_list, start)
    (workdir / "overrides.json").write_text(json.dumps(overrides), encoding="utf-8")
    database = workdir / "airings.db"
    if database.exists():
        todays_indexes(database)
        started = time.perf_counter()
        db.connect(f"sqlite:///{database}").dispose()  # builds the totals if it has none
        print(f"first connect (totals built if missing): {time.perf_counter() - started:.1f} s")
    else:
        seed(database, args.rows, station_ids, args.days)
    print(f"database {database.stat().st_size / 1e6:.0f} MB in {workdir}")

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    search = commune_list[1234][1].split()[1]
    for stage in ("the indexes of db.py",):
        client = make_client(workdir, database)
        figures = {
            label: timed(client, url, args.requests)
            for label, url in pages(commune_list[0][0], search).items()
        }
        report(
            f"Panel, {stage} ({args.requests} requests each; "
            f"load average {os.getloadavg()[0]:.1f})",
            figures,
        )
        report(f"Plain sqlite3, {stage}", baseline(database, station_ids, args.requests))
        export = export_in_child(workdir, database)
        print(
            f"  airings.csv, whole log: {export['rows']:,} rows, {export['mb']:.0f} MB in "
            f"{export['seconds']:.1f} s (first bytes after {export['first_chunk_s'] * 1000:.0f} "
            f"ms); peak RSS {export['rss_peak_mb']:.0f} MB "
            f"(process before the export: {export['rss_before_mb']:.0f} MB); "
            f"Python heap peak while streaming 30 days: {export['traced_peak_mb']:.1f} MB"
        )
    if not args.keep:
        print(f"\n(temporary files left in {workdir}; delete them when done)")


if __name__ == "__main__":
    main()
