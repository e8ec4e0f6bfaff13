"""From "confirm" to every loudspeaker holding the audio, and to the producer airing it.
Run by hand:

    .venv/bin/python benchmarks/alert_reach.py [--communes 3321] [--period 10] [--dir DIR]

In one run, in a fresh data directory: a schedule of N communes (the national one of
benchmarks/plan_national.py), one bulletin rendered with the offline voice and
approved with the opening and closing, today planned, and one station token per
station (the package's ``tokens.issue``). The panel is served by waitress on
127.0.0.1 in its own process; simulated devices poll ``GET .../alerts`` every
``--period`` seconds each (N/period requests a second, spread evenly, with
``If-None-Match``). The producer's real playout daemon (``broadcaster playout``) runs
beside it with a player that notes when it starts and what. After a warm-up the alert
is raised to all through the package rule (:func:`broadcaster.alerts.raising.raise_alert`,
what "Xác nhận" calls) in a process of its own, as a panel worker would; a device that
sees it fetches its audio from the URL given and checks the sha256, and only then counts
as reached. The run records when the last
station held the audio and when the producer's player started it. Then, warm, the same
devices poll the alerts endpoint for 15 s (with the per-process cache), the same
endpoint for 15 s on a second server without it (the code before the cache), and fetch
their playlist for 15 s (the baseline), all at the same rate.

Goals (issue 16): every station holds the audio, and the producer airs it, within
60 s; the alerts endpoint under 20 ms p95 at that rate. With a 10 s period the reach
is bounded below by the period (a device learns of an alert at its next poll), and
the producer's by the daemon's 2 s look for alerts.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import http.client
import itertools
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan_national import stations_yaml  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BULLETIN = "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"
PORT = 18765  # the panel as it ships
PORT_UNCACHED = 18766  # the same panel, the alerts route as it was before its cache
WARMUP_S = 12.0
REAL_TIME_PLAYER = ["ffmpeg", "-v", "error", "-nostdin", "-re", "-i", "{file}", "-f", "null", "-"]
BASELINE_S = 15.0


def _serve(env: dict[str, str], port: int, cached: bool) -> None:
    os.environ.update(env)
    import logging

    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # saturation shows in p95

    from web import create_app

    if not cached:
        import web.api
        from broadcaster import alerts
        from broadcaster.airplan.alerts import ALERT_REACH
        from web.context import now, runtime

        def on_air(station_id: str) -> list:  # the per-station query of every poll
            return alerts.on_air_for(runtime().engine, station_id, now() - ALERT_REACH)

        web.api._on_air = on_air
    waitress.serve(create_app(), host="127.0.0.1", port=port, threads=8, _quiet=True)


def _raise(env: dict[str, str], answers) -> None:
    """Raise the alert to all as "Xác nhận" does; put (when, id, file, seconds taken)."""
    from broadcaster.alerts.raising import raise_alert

    runtime = _runtime(env)
    runtime.schedule()  # loaded before the click, as in a running panel worker
    started, began = time.time(), time.perf_counter()
    raised = raise_alert(runtime, BULLETIN, stations=None, by="bench")
    answers.put((started, raised.alert.id, raised.alert.file, time.perf_counter() - began))


def _runtime(env: dict[str, str]):
    os.environ.update(env)
    from broadcaster.runtime import build_runtime

    return build_runtime()


class Pollers:
    """Devices polling at a fixed total rate, round robin over the stations.

    A device that sees an alert fetches its audio and checks its sha256; it has been
    reached when the hash matches (until then it keeps polling without an ETag).
    """

    def __init__(self, stations: list[tuple[str, str]], period_s: float, workers: int) -> None:
        self.stations, self.period_s, self.workers = stations, period_s, workers
        self.path, self.port = "alerts", PORT
        self.etags: dict[str, str] = {}
        self.listed: dict[str, float] = {}  # station -> first time its poll listed an alert
        self.seen: dict[str, float] = {}  # station -> first time it held the checked audio
        self.latencies: list[tuple[str, int, float]] = []  # (path, port, seconds)
        self.audio: list[float] = []  # seconds per audio fetch
        self.errors: collections.Counter[str] = collections.Counter()  # kind -> count
        self.bad_audio = 0
        self._next = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._start = time.perf_counter()

    def run(self) -> None:
        self._threads = [threading.Thread(target=self._work) for _ in range(self.workers)]
        for thread in self._threads:
            thread.start()

    def switch(self, path: str, port: int) -> int:
        """Poll ``path`` on ``port`` from now on; the number of latencies so far."""
        with self._lock:
            self.path, self.port = path, port
            return len(self.latencies)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _work(self) -> None:
        port = PORT
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        rate = len(self.stations) / self.period_s
        while not self._stop.is_set():
            with self._lock:
                k = self._next
                self._next += 1
                path = self.path
                if self.port != port:
                    port = self.port
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
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
            except (OSError, http.client.HTTPException) as error:
                self.errors[type(error).__name__] += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            ended = time.perf_counter()
            with self._lock:
                self.latencies.append((path, port, ended - began))
            if response.status not in (200, 304):
                self.errors[f"{path} {response.status}"] += 1
                continue
            if path != "alerts" or response.status != 200:
                continue
            found = json.loads(body)["alerts"]
            if found and station not in self.seen:
                self.listed.setdefault(station, ended)
                try:
                    held = all(self._fetch(connection, a, headers) for a in found)
                except (OSError, http.client.HTTPException) as error:
                    self.errors[f"audio {type(error).__name__}"] += 1
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    continue
                if not held:
                    continue  # no ETag kept: the next poll asks again
                self.seen[station] = time.perf_counter()
            self.etags[station] = response.getheader("ETag", "")

    def _fetch(self, connection: http.client.HTTPConnection, alert: dict, headers) -> bool:
        """Fetch an alert's audio as a device would; whether it hashes to the sha256 given."""
        headers = {k: v for k, v in headers.items() if k != "If-None-Match"}
        began = time.perf_counter()
        connection.request("GET", urllib.parse.urlsplit(alert["url"]).path, headers=headers)
        response = connection.getresponse()
        audio = response.read()
        with self._lock:
            self.audio.append(time.perf_counter() - began)
        good = response.status == 200 and hashlib.sha256(audio).hexdigest() == alert["sha256"]
        self.bad_audio += not good
        return good


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

    runtime = _runtime(env)
    station_ids = [s.id for s in runtime.schedule().network.stations]
    started = time.perf_counter()
    now = runtime.clock.now()
    stations = [
        (s, tokens.issue(runtime.engine, s, by="bench", now=now).secret) for s in station_ids
    ]
    print(f"{len(stations)} station tokens issued in {time.perf_counter() - started:.0f} s")

    journal = root / "played.txt"  # "<wall clock> <file>" per player start
    journal.touch()
    note = f'echo "$(date +%s.%N) $1" >> {journal}; shift; exec "$@"'
    player = ["sh", "-c", note, "player", "{file}", *REAL_TIME_PLAYER]
    producer_env = {**full_env, "BROADCASTER_PLAYOUT__PLAYER": json.dumps(player)}
    producer = subprocess.Popen(
        [str(BIN / "broadcaster"), "playout"],
        env=producer_env,
        stdout=subprocess.DEVNULL,
        stderr=(root / "playout.log").open("w"),
    )
    spawn = multiprocessing.get_context("spawn")
    servers = [
        spawn.Process(target=_serve, args=(env, port, port == PORT))
        for port in (PORT, PORT_UNCACHED)
    ]
    for server in servers:
        server.start()
    for port in (PORT, PORT_UNCACHED):
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login")
                break
            except OSError:
                time.sleep(0.1)
    try:
        for port in (PORT, PORT_UNCACHED):  # each server loads the schedule once, before timing
            _warm(port, stations[:50])
        pollers = Pollers(stations, options.period, options.workers)
        pollers.run()
        time.sleep(WARMUP_S)
        steady = [s for p, _, s in pollers.latencies if p == "alerts"]
        # "Xác nhận" runs in a panel worker, not among the devices: in a process of its own,
        # or its placement (seconds of Python) would starve the pollers' threads of the GIL.
        answers = spawn.Queue()
        raiser = spawn.Process(target=_raise, args=(env, answers))
        raiser.start()
        confirmed_wall, alert_id, alert_file, placed = answers.get(timeout=300)
        confirmed = confirmed_wall - (time.time() - time.perf_counter())
        raiser.join()
        deadline = confirmed + max(90.0, 3 * options.period)
        while len(pollers.seen) < len(stations) and time.perf_counter() < deadline:
            time.sleep(0.2)
        reach = max(pollers.seen.values()) - confirmed if pollers.seen else float("nan")
        listed = max(pollers.listed.values()) - confirmed if pollers.listed else float("nan")
        aired = _player_started(journal, alert_file, confirmed_wall)
        marks = [pollers.switch("alerts", PORT)]  # warm now: cached, uncached, playlist
        time.sleep(BASELINE_S)
        marks.append(pollers.switch("alerts", PORT_UNCACHED))
        time.sleep(BASELINE_S)
        marks.append(pollers.switch("playlist", PORT))
        time.sleep(BASELINE_S)
        pollers.stop()
        marks.append(len(pollers.latencies))
        wanted = [("alerts", PORT), ("alerts", PORT_UNCACHED), ("playlist", PORT)]
        cached, uncached, baseline = (
            [s for p, port, s in pollers.latencies[a:b] if (p, port) == phase]
            for (a, b), phase in zip(itertools.pairwise(marks), wanted, strict=True)
        )
    finally:
        for server in servers:
            server.terminate()
            server.join()
        producer.terminate()
        producer.wait(timeout=30)

    rate = len(stations) / options.period
    cached_p95, uncached_p95, playlist_p95 = p95(cached), p95(uncached), p95(baseline)
    print(f"alert #{alert_id} to all: recorded, placed and published in {placed:.1f} s")
    if pollers.listed:
        first = sorted(t - confirmed for t in pollers.listed.values())
        print(
            f"listed first by a station after {first[0]:.1f} s, by half of them after "
            f"{first[len(first) // 2]:.1f} s"
        )
    print(
        f"polling at {rate:.0f} req/s ({options.period:g} s per device), "
        f"errors {dict(pollers.errors) or 'none'}"
    )
    print(
        f"stations that listed it: {len(pollers.listed)}, that hold its checked audio: "
        f"{len(pollers.seen)} / {len(stations)}; audio fetches {len(pollers.audio)}, "
        f"p95 {p95(pollers.audio) * 1000:.0f} ms, bad hashes {pollers.bad_audio}"
    )
    print(f"confirm -> listed on every station's endpoint: {listed:.1f} s")
    print(
        f"confirm -> audio fetched and checked by every station: {reach:.1f} s "
        f"(goal < 60 s; bound below by the poll period, {options.period:g} s)"
    )
    print(
        f"confirm -> producer's player starts the alert: {aired:.1f} s "
        f"(goal < 60 s; the daemon looks every 2 s)"
    )
    print(f"alerts p95 in the warm-up (cold server): {p95(steady) * 1000:.1f} ms")
    print(
        f"alerts p95, warm, cached: {cached_p95 * 1000:.1f} ms over {len(cached)}; "
        f"before the cache: {uncached_p95 * 1000:.1f} ms over {len(uncached)} (goal < 20 ms)"
    )
    print(f"playlist p95 (baseline): {playlist_p95 * 1000:.1f} ms over {len(baseline)}")
    print(
        f"alerts / playlist p95: cached {cached_p95 / playlist_p95:.2f}, "
        f"before {uncached_p95 / playlist_p95:.2f}; cached / before {cached_p95 / uncached_p95:.2f}"
    )
    print(
        f"reach / 60 s goal: {reach / 60:.2f}; producer / 60 s goal: {aired / 60:.2f}; "
        f"alerts p95 / 20 ms goal: {cached_p95 / 0.020:.2f}"
    )


def _warm(port: int, stations: list[tuple[str, str]]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for station, secret in stations:
        for path in ("alerts", "playlist"):
            url = f"/api/v1/stations/{station}/{path}"
            connection.request("GET", url, headers={"Authorization": f"Bearer {secret}"})
            connection.getresponse().read()


def _player_started(journal: Path, file: str, since: float, wait_s: float = 60.0) -> float:
    """Seconds from ``since`` (wall clock) until the player first started ``file``."""
    deadline = time.time() + wait_s
    while time.time() < deadline:
        for line in journal.read_text().splitlines():
            stamp, _, played = line.partition(" ")
            if played.endswith(file) and float(stamp) >= since:
                return float(stamp) - since
        time.sleep(0.2)
    return float("nan")


if __name__ == "__main__":
    main()
