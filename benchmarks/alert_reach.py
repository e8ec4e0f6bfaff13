"""From "confirm" to every loudspeaker knowing: the alerts endpoint under national polling.
Run by hand:

    .venv/bin/python benchmarks/alert_reach.py [--communes 3321] [--period 10] [--dir DIR]

In one run, in a fresh data directory: a schedule of N communes (the national one of
benchmarks/plan_national.py), one bulletin rendered with the offline voice and
approved with the opening and closing, today planned, and one station token per
station (the package's ``tokens.issue``). The panel is served by waitress on
127.0.0.1 in its own process; simulated devices poll ``GET .../alerts`` every
``--period`` seconds each (N/period requests a second, spread evenly, with
``If-None-Match``). After a warm-up the alert is raised to all through the package
rule (:func:`broadcaster.alerts.raising.raise_alert`, what "Xác nhận" calls) and
the run records when each station first sees it; then, warm, the same devices poll
the alerts endpoint for 15 s and fetch their playlist for 15 s (the baseline), at the
same rate.

Goals (issue 16): every station knows within 60 s, the alerts endpoint under 20 ms
p95 at that rate. With a 10 s period the reach is bounded below by the period: a
device learns of an alert at its next poll.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan_national import stations_yaml  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BULLETIN = "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"
PORT = 18765
WARMUP_S = 12.0
BASELINE_S = 15.0


def _serve(env: dict[str, str]) -> None:
    os.environ.update(env)
    import logging

    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # saturation shows in p95

    from web import create_app

    waitress.serve(create_app(), host="127.0.0.1", port=PORT, threads=8, _quiet=True)


def _runtime(env: dict[str, str]):
    os.environ.update(env)
    from broadcaster.runtime import build_runtime

    return build_runtime()


class Pollers:
    """Devices polling at a fixed total rate, round robin over the stations."""

    def __init__(self, stations: list[tuple[str, str]], period_s: float, workers: int) -> None:
        self.stations, self.period_s, self.workers = stations, period_s, workers
        self.path = "alerts"
        self.etags: dict[str, str] = {}
        self.seen: dict[str, float] = {}  # station -> first time it saw an alert
        self.latencies: list[tuple[str, float]] = []
        self.errors = 0
        self._next = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._start = time.perf_counter()

    def run(self) -> None:
        self._threads = [threading.Thread(target=self._work) for _ in range(self.workers)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _work(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        rate = len(self.stations) / self.period_s
        while not self._stop.is_set():
            with self._lock:
                k = self._next
                self._next += 1
                path = self.path
            due = self._start + k / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            station, secret = self.stations[k % len(self.stations)]
            headers = {"Authorization": f"Bearer {secret}"}
            if path == "alerts" and station in self.etags:
                headers["If-None-Match"] = self.etags[station]
            url = f"/api/v1/stations/{station}/{path}"
            began = time.perf_counter()
            try:
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                self.errors += 1
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                continue
            ended = time.perf_counter()
            with self._lock:
                self.latencies.append((path, ended - began))
            if response.status not in (200, 304):
                self.errors += 1
                continue
            if path == "alerts" and response.status == 200:
                self.etags[station] = response.getheader("ETag", "")
                if json.loads(body)["alerts"] and station not in self.seen:
                    self.seen[station] = ended


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument(
        "--period", type=float, default=10.0, help="seconds between a device's polls"
    )
    parser.add_argument("--workers", type=int, default=16, help="client threads")
    parser.add_argument("--dir", type=Path, help="keep the data here")
    options = parser.parse_args()

    root = options.dir or Path(tempfile.mkdtemp(prefix="alert-reach-"))
    root.mkdir(parents=True, exist_ok=True)
    stations_file = root / "stations.yaml"
    stations_file.write_text(stations_yaml(options.communes), encoding="utf-8")
    env = {
        "BROADCASTER_DATA_DIR": str(root / "var"),
        "BROADCASTER_SCHEDULE__STATIONS": str(stations_file),
        "BROADCASTER_CONFIG": "",
    }
    full_env = {**os.environ, **env}
    started = time.perf_counter()
    for args in (
        [
            "render",
            "--engine",
            "espeak",
            "--only",
            BULLETIN,
            "--only",
            "mo-dau",
            "--only",
            "ket-thuc",
        ],
        ["approve", BULLETIN, "mo-dau", "ket-thuc", "--by", "bench"],
        ["plan", "--by", "bench"],
    ):
        subprocess.run(
            [str(BIN / "broadcaster"), *args], env=full_env, check=True, capture_output=True
        )
    print(f"rendered, approved and planned today in {time.perf_counter() - started:.0f} s")

    from broadcaster.accounts import tokens
    from broadcaster.alerts.raising import raise_alert

    runtime = _runtime(env)
    station_ids = [s.id for s in runtime.schedule().network.stations]
    started = time.perf_counter()
    now = runtime.clock.now()
    stations = [
        (s, tokens.issue(runtime.engine, s, by="bench", now=now).secret) for s in station_ids
    ]
    print(f"{len(stations)} station tokens issued in {time.perf_counter() - started:.0f} s")

    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(env,))
    server.start()
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/login")
            break
        except OSError:
            time.sleep(0.1)
    try:
        pollers = Pollers(stations, options.period, options.workers)
        pollers.run()
        time.sleep(WARMUP_S)
        steady = [s for p, s in pollers.latencies if p == "alerts"]
        confirmed = time.perf_counter()
        raised = raise_alert(runtime, BULLETIN, stations=None, by="bench")
        placed = time.perf_counter() - confirmed
        deadline = confirmed + max(90.0, 3 * options.period)
        while len(pollers.seen) < len(stations) and time.perf_counter() < deadline:
            time.sleep(0.2)
        reach = max(pollers.seen.values()) - confirmed if pollers.seen else float("nan")
        with pollers._lock:  # warm now: the alerts endpoint, then the playlist, same rate
            mark = len(pollers.latencies)
        time.sleep(BASELINE_S)
        with pollers._lock:
            pollers.path = "playlist"
            middle = len(pollers.latencies)
        time.sleep(BASELINE_S)
        pollers.stop()
        during = [s for p, s in pollers.latencies[mark:middle] if p == "alerts"]
        baseline = [s for p, s in pollers.latencies[middle:] if p == "playlist"]
    finally:
        server.terminate()
        server.join()

    rate = len(stations) / options.period
    alerts_p95, playlist_p95 = p95(during), p95(baseline)
    print(f"alert #{raised.alert.id} to all: recorded, placed and published in {placed:.1f} s")
    print(f"stations that saw it: {len(pollers.seen)} / {len(stations)}")
    print(f"confirm -> visible on every station's endpoint: {reach:.1f} s (goal < 60 s)")
    print(f"polling at {rate:.0f} req/s ({options.period:g} s per device), errors {pollers.errors}")
    print(f"alerts p95 in the warm-up (cold server): {p95(steady) * 1000:.1f} ms")
    print(f"alerts p95, warm: {alerts_p95 * 1000:.1f} ms over {len(during)} (goal < 20 ms)")
    print(f"playlist p95 (baseline): {playlist_p95 * 1000:.1f} ms over {len(baseline)}")
    print(f"alerts / playlist p95: {alerts_p95 / playlist_p95:.2f}")
    print(f"reach / 60 s goal: {reach / 60:.2f}; alerts p95 / 20 ms goal: {alerts_p95 / 0.020:.2f}")


if __name__ == "__main__":
    main()
