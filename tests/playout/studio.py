"""A studio for playout tests: real SQLite, short real MP3s made by ffmpeg, plans
stored through planstore, the daemon run for real in a thread with a stop event,
and the airing log read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from broadcaster import airlog, db
from broadcaster.airlog import Airing
from broadcaster.airplan.store import StoredItem, save_plan
from broadcaster.approval import Verdict, decide
from broadcaster.config import Settings
from broadcaster.planning.plans import footprint_s
from broadcaster.playout import run_playout, state
from broadcaster.render.manifest import RenderRecord, renders_dir
from broadcaster.runtime import Runtime

STATION = "dai-thu-nghiem"
# Plays the file to a null output in real time, as a studio player would.
PLAYER = ["ffmpeg", "-v", "error", "-nostdin", "-re", "-i", "{file}", "-f", "null", "-"]
GRACE_S = 60
FAST = {"poll_s": 0.2, "refresh_s": 0.5}  # the daemon's intervals, shortened for tests


@dataclass(frozen=True)
class Render:
    bulletin_id: str
    file: str
    sha256: str
    duration_s: float


class Studio:
    """One station's data directory and database, and the daemon to run over them."""

    station = STATION

    def __init__(self, settings: Settings, tones: dict[int, Path]) -> None:
        self.settings = settings
        self.zone = settings.zone
        self.engine = db.connect(settings.database)
        self.renders = renders_dir(settings.data_dir)
        self.renders.mkdir(parents=True, exist_ok=True)
        self._tones = tones
        self.processes: list[subprocess.Popen] = []  # daemons a test started in processes

    def close(self) -> None:
        """Stop what a test left running (a failed assertion skips its own clean-up)."""
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(15)
        self.engine.dispose()

    # -- audio and plans ---------------------------------------------------------------

    def render(self, bulletin_id: str, seconds: int = 1) -> Render:
        path = self.renders / f"{bulletin_id}.mp3"
        shutil.copyfile(self._tones[seconds], path)
        return self._render(bulletin_id, path, seconds)

    def undecodable(self, bulletin_id: str) -> Render:
        """Approved bytes that are not audio: the player itself fails on them."""
        path = self.renders / f"{bulletin_id}.mp3"
        path.write_bytes(b"this is not an mp3 file\n" * 64)
        return self._render(bulletin_id, path, 1)

    def _render(self, bulletin_id: str, path: Path, seconds: float) -> Render:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        return Render(bulletin_id, path.name, sha, float(seconds))

    def slot(self, start: dt.datetime, *renders: Render) -> list[StoredItem]:
        """A slot at ``start`` with ``renders`` one after another, as the planner makes them."""
        start = start.astimezone(self.zone)
        items, offset = [], 0.0
        for render in renders:
            items.append(
                StoredItem(
                    day=start.date(),
                    station_id=self.station,
                    slot_start=start,
                    position=0,
                    starts_at=start + dt.timedelta(seconds=offset),
                    bulletin_id=render.bulletin_id,
                    render_sha256=render.sha256,
                    file=render.file,
                    duration_s=render.duration_s,
                    priority="thuong",
                    reason="test",
                    title=render.bulletin_id,
                    form=7,
                )
            )
            offset += footprint_s(render.duration_s)
        return items

    def plan(self, *slots: list[StoredItem]) -> None:
        """Store each day of the given slots (replacing what that day held)."""
        by_day: dict[dt.date, list[StoredItem]] = {}
        for item in sorted((i for s in slots for i in s), key=lambda i: i.starts_at):
            day = by_day.setdefault(item.day, [])
            day.append(dataclasses.replace(item, position=len(day) + 1))
        for day, items in by_day.items():
            save_plan(self.engine, day, items, now=now())

    def approve(self, render: Render) -> None:
        record = RenderRecord(
            render.bulletin_id, render.file, render.sha256, render.duration_s,
            render.duration_s, -16.0, -1.0, "espeak", "vi", False, "0" * 64, "0" * 64,
            "khan_cap", now().isoformat(),
        )  # fmt: skip
        decide(self.engine, record, verdict=Verdict.APPROVED, by="bien-tap", now=now())

    # -- the daemon ----------------------------------------------------------------------

    @contextmanager
    def running(self, **options) -> Iterator[threading.Event]:
        """The daemon in a thread; stopped (and checked for errors) on leaving."""
        stop = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            try:
                run_playout(Runtime(self.settings), station_id=self.station, stop_event=stop,
                            **{**FAST, **options})  # fmt: skip
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test
                errors.append(exc)

        thread = threading.Thread(target=run, name="playout-under-test")
        thread.start()
        try:
            yield stop
        finally:
            stop.set()
            thread.join(30)
            assert not thread.is_alive(), "the daemon did not stop"
            if errors:
                raise errors[0]

    # -- what happened -------------------------------------------------------------------

    def log(self) -> list[Airing]:
        return list(airlog.entries(self.engine, station_id=self.station))

    def wait_for(self, count: int, timeout_s: float = 20.0) -> list[Airing]:
        self.wait_until(lambda: len(self.log()) >= count, timeout_s, f"{count} log entries")
        return self.log()

    def wait_on_air(self, item: StoredItem, timeout_s: float = 20.0) -> None:
        """Until the daemon has started the player for ``item``."""

        def on_air() -> bool:
            markers = state.markers(self.engine, self.station)
            return any(m.scheduled_at == item.starts_at for m in markers)

        self.wait_until(on_air, timeout_s, f"{item.bulletin_id} on air")

    def wait_until(self, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; log: {self.log()}")
            time.sleep(0.05)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def by_bulletin(entries: list[Airing]) -> dict[str, list[Airing]]:
    grouped: dict[str, list[Airing]] = {}
    for entry in entries:
        grouped.setdefault(entry.bulletin_id, []).append(entry)
    return grouped


def changes_to_log(statements: list[str]) -> list[str]:
    pattern = re.compile(r"^\s*(UPDATE|DELETE\s+FROM)\s+\"?airings\b", re.IGNORECASE)
    return [s for s in statements if pattern.match(s)]
