"""Leadership reports on PostgreSQL against SQLite, over the same national log. Run by hand:

    .venv/bin/python benchmarks/report_backends.py [--airings 1000000] [--requests 10]

It writes one year of airings at 3,321 stations (the data of benchmarks/panel_reports.py)
straight into a temporary SQLite file and into a private PostgreSQL cluster (started
as the tests start theirs, tests/pg.py): bulk inserts without indexes or totals, then
the indexes, then ``rollup.install`` builds the running totals from the log, as it does
for a database from before them. PostgreSQL is vacuumed and analysed, as autovacuum
leaves a live server. Then the year dashboard and the coverage page are timed as users
run them, through Flask's test client logged in as a leader, the two databases taking
turns request by request; first with PostgreSQL before its totals are installed (the
reports then read the log), then after.

With ``--keep DIR`` the databases stay in DIR, and a later run with the same DIR only
times the pages again (with the totals): the way to compare two versions of the code.

Goal: PostgreSQL within 1.5x of SQLite. No figure is asserted: this prints them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from panel_reports import END, PRODUCER, airings, communes, leader_client, pages, write_config

from broadcaster import db
from broadcaster.db import migrations, rollup
from broadcaster.reports.entries import AIRING_COLUMNS as COLUMNS

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
import pg  # noqa: E402  (tests/pg.py: the private cluster the tests use)

PAGES = (
    "dashboard (default: campaign's 28-day window)",
    "dashboard, 1 year",
    "matrix: coverage page 1 (1 year)",
)


def schema(url: str):
    """The schema as a deploy makes it (the migrations: tables, triggers, empty totals)."""
    migrations.upgrade(url)
    return db.connect(url)


def load_sqlite(path: Path, rows: list[tuple]) -> float:
    started = time.perf_counter()
    engine = schema(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TRIGGER {rollup.TRIGGER}")  # rebuilt by install
        for index in db.airings.indexes:
            index.drop(connection)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    marks = ",".join("?" * len(COLUMNS))
    connection.executemany(f"INSERT INTO airings ({','.join(COLUMNS)}) VALUES ({marks})", rows)
    connection.commit()
    connection.close()
    with engine.begin() as connection:
        for index in db.airings.indexes:
            index.create(connection)
    rollup.install(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return time.perf_counter() - started


def load_postgresql(url: str, rows: list[tuple]) -> float:
    """COPY, then the indexes; the totals are installed later (see main)."""
    started = time.perf_counter()
    engine = schema(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TRIGGER {rollup.TRIGGER} ON airings")
        for index in db.airings.indexes:
            index.drop(connection)
    raw = engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()
        with cursor.copy(f"COPY airings ({','.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('airings', 'id'), max(id)) FROM airings"
        )
        raw.driver_connection.commit()
    finally:
        raw.close()
    with engine.begin() as connection:
        for index in db.airings.indexes:
            index.create(connection)
    vacuum(engine)
    engine.dispose()
    return time.perf_counter() - started


def vacuum(engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def one(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    response.get_data()
    assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - started) * 1000


def time_pages(workdir: Path, urls: dict, overrides: dict, databases: dict, count: int) -> dict:
    """name -> {totals, page -> p50/p95}. The databases take turns request by request, so
    that the other work on a shared machine weighs on each alike."""
    clients = {
        name: leader_client(workdir, {**overrides, "database_url": url})
        for name, url in databases.items()
    }
    found = {name: {"totals": rollup.present(engine)} for name, (_, engine) in clients.items()}
    for label in PAGES:
        times: dict[str, list[float]] = {name: [] for name in clients}
        for client, _ in clients.values():
            one(client, urls[label])  # warm: the stations file is parsed once per app
        for _ in range(count):
            for name, (client, _) in clients.items():
                times[name].append(one(client, urls[label]))
        for name, samples in times.items():
            samples.sort()
            p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
            found[name][label] = {"p50": statistics.median(samples), "p95": p95}
    for _, engine in clients.values():
        engine.dispose()
    return found


def show(title: str, figures: dict) -> None:
    print(f"\n{title} (running totals: {'yes' if figures['totals'] else 'no'})")
    for label in PAGES:
        values = figures[label]
        print(f"  {label:<46} p50 {values['p50']:8.1f} ms   p95 {values['p95']:8.1f} ms")


def ratios(title: str, figures: dict) -> None:
    print(f"\n{title}")
    for label in PAGES:
        ratio = figures["PostgreSQL"][label]["p50"] / figures["SQLite"][label]["p50"]
        print(f"  {label:<46} {ratio:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--airings", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=3321)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument(
        "--keep", metavar="DIR", help="keep both databases in DIR; a later run times them again"
    )
    args = parser.parse_args()

    binaries = pg.server_binaries()
    if binaries is None:
        sys.exit("error: PostgreSQL is not installed: run scripts/install-system-deps --for-tests")
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="report-backends-"))
    workdir.mkdir(parents=True, exist_ok=True)
    fresh = not (workdir / "pgdata").exists()
    commune_list = communes(args.stations - 1)
    station_ids = [PRODUCER] + [sid for sid, _ in commune_list]
    overrides = write_config(workdir, commune_list, END - dt.timedelta(days=args.days - 1))
    search = commune_list[1234 % len(commune_list)][1].split()[1]
    urls = pages(commune_list[0][0], search)

    owner = pg._owner()
    if owner is not None:
        shutil.chown(workdir, user=owner)
    cluster = pg.Cluster(binaries, workdir / "pgdata", pg._free_port(), owner)
    if fresh:
        cluster.run("initdb", "-D", str(cluster.data), "-U", pg.SUPERUSER, "-A", "trust",
                    "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
    cluster.start()
    try:
        pg_url = cluster.url("reports")
        sqlite_url = f"sqlite:///{workdir / 'airings.db'}"
        databases = {"SQLite": sqlite_url, "PostgreSQL": pg_url}
        if fresh:
            cluster.admin("CREATE DATABASE reports")
            load_both(workdir, pg_url, station_ids, args)
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            before = time_pages(workdir, urls, overrides, databases, max(3, args.requests // 2))
            show("SQLite", before["SQLite"])
            show("PostgreSQL, before rollup.install", before["PostgreSQL"])
            ratios("PostgreSQL / SQLite before the totals on PostgreSQL (p50)", before)

            engine = db.connect(pg_url)
            started = time.perf_counter()
            rollup.install(engine)
            seconds = time.perf_counter() - started
            vacuum(engine)  # the new tables analysed, as autovacuum would
            engine.dispose()
            print(f"\nPostgreSQL: totals built from the log by rollup.install in {seconds:.1f} s")

        load = os.getloadavg()[0]
        after = time_pages(workdir, urls, overrides, databases, args.requests)
        show("SQLite", after["SQLite"])
        show("PostgreSQL", after["PostgreSQL"])
        ratios(f"PostgreSQL / SQLite at {args.airings:,} airings (p50; goal <= 1.5)", after)
        print(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    finally:
        cluster.stop("immediate")
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def load_both(workdir: Path, pg_url: str, station_ids: list[str], args) -> None:
    started = time.perf_counter()
    rows = list(airings(args.airings, station_ids, args.days))
    print(f"{len(rows):,} airings generated in {time.perf_counter() - started:.0f} s")
    seconds = load_sqlite(workdir / "airings.db", rows)
    print(f"SQLite: loaded, indexed and totals built in {seconds:.0f} s", flush=True)
    seconds = load_postgresql(pg_url, rows)
    print(f"PostgreSQL: copied, indexed and analysed in {seconds:.0f} s", flush=True)


if __name__ == "__main__":
    main()
