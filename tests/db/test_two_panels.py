"""One confirmation, one entry, with two panel processes on one database (both backends).

A commune's operator taps "Đã phát" twice, a platform retries its post, a reverse
proxy sends the copies to different workers: the log must still hold one standing
entry per planned item. Two real panels (waitress, each its own process and engine)
receive every confirmation at the same instant, once each.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import multiprocessing
import os
import re
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from broadcaster import accounts, airlog, approval
from broadcaster.accounts import Role
from broadcaster.accounts import tokens as station_tokens
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.runtime import FixedClock, build_runtime

VN = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 30, 20, 0, tzinfo=VN)  # every slot of the day has aired
KEY = "two-panels-" + "k" * 30
PASSWORD = "mat-khau-demo"
ITEMS = 60
REPO = Path(__file__).resolve().parents[2]


def _environ(data_dir: str, library_dir: str) -> dict[str, str]:
    return {
        "BROADCASTER_DATA_DIR": data_dir,
        "BROADCASTER_LIBRARY_DIR": library_dir,
        "BROADCASTER_SPEECH__ENGINES": "espeak",
    }


def _runtime(url: str, data_dir: str, library_dir: str):
    return build_runtime(
        environ=_environ(data_dir, library_dir),
        overrides={"database_url": url},
        clock=FixedClock(NOW),
    )


def _serve(url: str, data_dir: str, library_dir: str, port: int) -> None:
    """One panel worker as deployed: its own process, engine and pool, served by waitress."""
    import logging

    import waitress

    from web import create_app

    os.chdir(REPO)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    runtime = _runtime(url, data_dir, library_dir)
    app = create_app({"BROADCASTER_RUNTIME": runtime, "SECRET_KEY": KEY})
    waitress.serve(app, host="127.0.0.1", port=port, threads=8, _quiet=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert process.is_alive(), "a panel process died while starting"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "the panel did not start"
            time.sleep(0.2)


@pytest.fixture
def network(database_url, rendered, library_copy):
    """Sixty aired items planned at Cổ Am and Tam Cường over the last days, an operator
    for each, two panels on the database; yields (ports, items, runtime)."""
    runtime = _runtime(database_url, str(rendered), str(library_copy))
    for record in runtime.renders().values():
        approval.decide(
            runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo", now=NOW
        )
    first = NOW.date() - dt.timedelta(days=5)
    airplan.plan_range(runtime, first, 6, by="canbo", force=True)
    items = [
        item
        for day in range(6)
        for station_id in ("co-am", "tam-cuong")
        for item in load_plan(runtime.engine, first + dt.timedelta(days=day), VN, station_id)
        if item.starts_at < NOW
    ]
    assert len(items) >= ITEMS, len(items)
    for station_id in ("co-am", "tam-cuong"):
        accounts.add_user(
            runtime.engine,
            username=f"xa-{station_id}",
            full_name="Phạm Văn Loa",
            password=PASSWORD,
            role=Role.OPERATOR,
            station_id=station_id,
            now=NOW,
        )
    context = multiprocessing.get_context("spawn")
    ports = [_free_port(), _free_port()]
    panels = [
        context.Process(target=_serve, args=(database_url, str(rendered), str(library_copy), port))
        for port in ports
    ]
    for panel in panels:
        panel.start()
    try:
        for port, panel in zip(ports, panels, strict=True):
            _wait_for(port, panel)
        yield ports, items[:ITEMS], runtime
    finally:
        for panel in panels:
            panel.terminate()
            panel.join()
        runtime.engine.dispose()


def _send(port: int, method: str, path: str, body: bytes, headers: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _at_once(ports: list[int], requests: list[tuple[str, bytes, dict]]) -> list[int]:
    """Every request sent to both panels, all at the same instant; their statuses."""
    start = threading.Barrier(len(requests) * len(ports))

    def one(port: int, path: str, body: bytes, headers: dict) -> int:
        start.wait()
        return _send(port, "POST", path, body, headers)

    with ThreadPoolExecutor(max_workers=len(requests) * len(ports)) as pool:
        futures = [pool.submit(one, port, *request) for request in requests for port in ports]
        return [future.result() for future in futures]


def _standing_per_item(runtime) -> Counter:
    entries = list(airlog.entries(runtime.engine))
    superseded = {e.corrects for e in entries if e.corrects is not None}
    return Counter(
        (e.station_id, e.scheduled_at.astimezone(dt.UTC), e.bulletin_id)
        for e in entries
        if e.id not in superseded
    )


def _planned(items) -> Counter:
    return Counter((i.station_id, i.starts_at.astimezone(dt.UTC), i.bulletin_id) for i in items)


def _login(port: int, username: str) -> tuple[str, str]:
    """A real login at one panel: (its session cookie, the form's CSRF token)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urlencode({"csrf_token": token, "username": username, "password": PASSWORD})
        connection.request(
            "POST",
            "/login",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = connection.getresponse()
        response.read()
        assert response.status == 302, response.status
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        # Logging in starts a new session: the token the confirmations carry is read again.
        connection.request("GET", "/login", headers={"Cookie": cookie})
        response = connection.getresponse()
        page = response.read().decode()
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        fresh = response.getheader("Set-Cookie")
        return (fresh.split(";", 1)[0] if fresh else cookie), found.group(1)
    finally:
        connection.close()


def test_sixty_operator_confirmations_sent_to_both_panels_make_sixty_entries(network):
    ports, items, runtime = network
    sessions = {sid: _login(ports[0], f"xa-{sid}") for sid in ("co-am", "tam-cuong")}
    requests = []
    for item in items:
        cookie, token = sessions[item.station_id]
        started = item.starts_at.astimezone(VN)
        form = {"csrf_token": token, "outcome": "aired", "started_at": f"{started:%Y-%m-%dT%H:%M}"}
        path = f"/station/{item.station_id}/day/{item.day.isoformat()}/{item.position}/confirm"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        requests.append((path, urlencode(form).encode(), headers))

    statuses = _at_once(ports, requests)

    assert statuses == [302] * (2 * ITEMS)
    assert _standing_per_item(runtime) == _planned(items)  # one each, none twice


def test_sixty_identical_api_posts_sent_to_both_panels_make_sixty_entries(network):
    ports, items, runtime = network
    secrets = {
        sid: station_tokens.issue(runtime.engine, sid, by="quantri", now=NOW).secret
        for sid in ("co-am", "tam-cuong")
    }
    requests = []
    for item in items:
        body = {
            "outcome": "aired",
            "scheduled_at": item.starts_at.isoformat(),
            "started_at": item.starts_at.isoformat(),
            "position": item.position,
        }
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {secrets[item.station_id]}",
        }
        path = f"/api/v1/stations/{item.station_id}/airings"
        requests.append((path, json.dumps(body).encode(), headers))

    statuses = _at_once(ports, requests)

    assert sorted(statuses) == [200] * ITEMS + [201] * ITEMS  # one made it, one found it
    assert _standing_per_item(runtime) == _planned(items)
