"""The staff panel's slow moments, as staff meet them, on the shipped schedule. Run by hand:

    .venv/bin/python benchmarks/panel_pages.py [--requests 20] [--dir DIR]

In a data directory (fresh, or ``--dir`` kept between runs): the shipped library
rendered with the offline voice and approved, and the demo accounts, all through
the CLI. Then ``broadcaster serve`` is started as a user starts it and driven over
HTTP, logged in as the demo staff account:

- the first page after start: from launching the process to the login page, and
  the first page after logging in (goal: under 1 s; the baseline is the same page
  once warm);
- "Lập kế hoạch" for one day of the shipped stations (goal: under 1 s; baseline:
  the plan page it redirects to);
- "Lập kế hoạch" for seven days: the answer, and until the plan page no longer
  shows the planning job running (the week's plans all stored and published);
- the forecast page: its first computation, then ``--requests`` times (goal: p95
  under 300 ms);
- the alert form (from an approved bulletin) and the emergency page, ``--requests``
  times each (goal: p95 under 300 ms).

Ratios are against the warm plan page in the same run. No figure is asserted.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STAFF = ("canbo", "demo-2026")
# The alert form from an approved bulletin, and the emergency page (a new text, rendered).
ALERT_FORMS = (("alert form", "/schedule/alert"), ("emergency page", "/schedule/emergency"))
PLANNING = 'data-plan-job-state="'  # the plan page while a planning job runs
WEEK_TIMEOUT_S = 600


def cli(data: Path, *args: str) -> None:
    subprocess.run(
        [str(BIN / "broadcaster"), "--data-dir", str(data), "--create", *args],
        check=True,
        capture_output=True,
    )


def prepare(data: Path) -> None:
    if (data / "renders" / "manifest.json").exists():
        cli(data, "db", "upgrade")  # a kept directory from before a migration
        return
    print("rendering and approving the shipped library with the offline voice ...", flush=True)
    cli(data, "render", "--engine", "espeak", "--by", "bench-render")
    cli(data, "approve", "--all", "--by", "bench-approve")
    cli(data, "user", "demo")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(call) -> tuple[float, requests.Response]:
    start = time.perf_counter()
    response = call()
    return time.perf_counter() - start, response


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def post(session: requests.Session, base: str, form_page: str, url: str, data: dict):
    token = CSRF.search(session.get(base + form_page).text).group(1)
    return session.post(base + url, data={**data, "csrf_token": token})


def wait_for_planning(session: requests.Session, base: str) -> float:
    """Seconds until the plan page no longer shows a planning job running."""
    start = time.perf_counter()
    while time.perf_counter() - start < WEEK_TIMEOUT_S:
        page = session.get(f"{base}/schedule/plan").text
        if PLANNING + "running" not in page and PLANNING + "queued" not in page:
            return time.perf_counter() - start
        time.sleep(0.2)
    sys.exit("error: the week's planning did not finish")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--dir", type=Path, help="Keep the data directory here.")
    args = parser.parse_args()
    scratch = None if args.dir else Path(tempfile.mkdtemp(prefix="bench-panel-"))
    data = args.dir or scratch / "data"
    try:
        prepare(data)
        run(data, args.requests)
    finally:
        if scratch:
            shutil.rmtree(scratch)


def run(data: Path, count: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "broadcaster"), "--data-dir", str(data), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        session = requests.Session()
        while True:
            try:
                login = session.get(f"{base}/login", timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.02)
        first_login = time.perf_counter() - started
        token = CSRF.search(login.text).group(1)
        user, password = STAFF
        logged_in = session.post(
            f"{base}/login", data={"username": user, "password": password, "csrf_token": token}
        )
        if logged_in.url.endswith("/login"):
            sys.exit("error: the demo staff account could not log in")
        first_page, _ = timed(lambda: session.get(f"{base}/schedule/plan"))
        warm = [timed(lambda: session.get(f"{base}/schedule/plan"))[0] for _ in range(count)]
        baseline = statistics.median(warm)
        report = [
            ("first page (login) from launch", first_login, "< 1 s"),
            ("first page after login", first_page, "< 1 s"),
        ]

        day, answer = timed(
            lambda: post(session, base, "/schedule/plan", "/schedule/plan", {"days": "1"})
        )
        answer.raise_for_status()
        report.append(("plan one day (Lập kế hoạch)", day, "< 1 s"))
        week, answer = timed(
            lambda: post(session, base, "/schedule/plan", "/schedule/plan", {"days": "7"})
        )
        answer.raise_for_status()
        report.append(("plan seven days: the answer", week, "at once, then progress"))
        stored = week + wait_for_planning(session, base)
        report.append(("plan seven days: all stored", stored, "in the background"))

        first_forecast, _ = timed(lambda: session.get(f"{base}/schedule/forecast"))
        report.append(("forecast, first computation", first_forecast, "-"))
        forecasts = [
            timed(lambda: session.get(f"{base}/schedule/forecast"))[0] for _ in range(count)
        ]
        report.append(("forecast p95", p95(forecasts), "< 0.3 s"))
        for name, url in ALERT_FORMS:
            session.get(base + url).raise_for_status()
            pages = [timed(lambda url=url: session.get(base + url))[0] for _ in range(count)]
            report.append((f"{name} p95", p95(pages), "< 0.3 s"))
    finally:
        server.terminate()
        server.wait()
    print(f"{'plan page, warm median (baseline)':40} {baseline:7.3f} s")
    for name, seconds, goal in report:
        print(f"{name:40} {seconds:7.3f} s  ratio {seconds / baseline:6.1f}  goal {goal}")


if __name__ == "__main__":
    main()
