"""Fixtures for playout tests: tones made once, a studio per test, SQL seen."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from broadcaster.config import load_settings

from .studio import GRACE_S, PLAYER, STATION, Studio


@pytest.fixture(scope="session")
def tones(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Sine tones of 1 and 2 seconds, encoded to MP3 once per session."""
    folder = tmp_path_factory.mktemp("tones")
    made = {}
    for seconds in (1, 2):
        path = folder / f"tone-{seconds}s.mp3"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
             f"sine=frequency={330 * seconds}:sample_rate=22050:duration={seconds}",
             "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", str(path)],
            check=True,
        )  # fmt: skip
        made[seconds] = path
    return made


# The studio's own station: the daemon refuses one the schedule does not name.
STATIONS = f"""\
timezone: Asia/Ho_Chi_Minh
producer:
  id: {STATION}
  name: Đài thử nghiệm
  level: district
  slots:
    - {{days: daily, start: "6:00", minutes: 30}}
communes:
  - id: xa-thu-nghiem
    name: Xã thử nghiệm
    slots:
      - {{days: daily, start: "7:00", minutes: 15}}
"""


@pytest.fixture
def studio(repo: Path, tmp_path: Path, tones: dict[int, Path]) -> Iterator[Studio]:
    stations = tmp_path / "stations.yaml"
    stations.write_text(STATIONS, encoding="utf-8")
    settings = load_settings(
        environ={"BROADCASTER_DATA_DIR": str(tmp_path / "var")},
        overrides={
            "playout.player": PLAYER,
            "playout.grace_s": GRACE_S,
            "schedule.stations": str(stations),
            "schedule.campaigns": [],
        },
    )
    made = Studio(settings, tones)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs during the test."""
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", listen)
    yield seen
    event.remove(Engine, "before_cursor_execute", listen)
