"""Fixtures for the playlist stage: real short MP3s made by ffmpeg stand in for the
renders, and the real planner plans the shipped Vĩnh Bảo schedule with the real library."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from broadcaster.airplan.store import StoredItem, items_from_plan
from broadcaster.library.bulletins import Library, load_library
from broadcaster.planning.campaigns import Campaign, active_campaign, load_campaign
from broadcaster.planning.planner import Segment, plan_day
from broadcaster.planning.stations import Network, load_network
from broadcaster.render.manifest import RenderRecord, file_sha256

REPO = Path(__file__).resolve().parents[2]


def make_mp3s(specs: list[tuple[Path, float, int]]) -> None:
    """Real MP3s of known lengths, (path, seconds, frequency) each, in one ffmpeg run."""
    inputs, outputs = [], []
    for index, (path, seconds, frequency) in enumerate(specs):
        inputs += ["-f", "lavfi", "-i", f"sine=frequency={frequency}:d={seconds}"]
        outputs += ["-map", f"{index}:a", "-ac", "1", "-b:a", "64k", str(path)]
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, *outputs], check=True)


def record(bulletin_id: str, file: str, sha256: str, seconds: float) -> RenderRecord:
    return RenderRecord(
        bulletin_id=bulletin_id,
        file=file,
        sha256=sha256,
        duration_s=seconds,
        speech_duration_s=seconds,
        loudness_lufs=-16.0,
        true_peak_dbtp=-1.0,
        engine="espeak",
        voice="vi",
        fallback=False,
        text_hash="0" * 64,
        render_key="0" * 64,
        programme="default",
        rendered_at="2023-07-31T08:00:00+07:00",
    )


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(REPO / "bulletins")


@pytest.fixture(scope="session")
def render_set(tmp_path_factory, library) -> tuple[Path, dict[str, RenderRecord]]:
    """One content-addressed MP3 per bulletin, 1 to 2.5 s long, made once per session."""
    folder = tmp_path_factory.mktemp("renders")
    seconds = {b.id: 1.0 + (index % 4) * 0.5 for index, b in enumerate(library)}
    make_mp3s(
        [(folder / f"{b.id}.mp3", seconds[b.id], 300 + 25 * i) for i, b in enumerate(library)]
    )
    records = {}
    for bulletin in library:
        made = folder / f"{bulletin.id}.mp3"
        sha = file_sha256(made)
        name = f"{bulletin.id}-{sha[:12]}.mp3"  # content-addressed, as the renderer names them
        made.rename(folder / name)
        records[bulletin.id] = record(bulletin.id, name, sha, seconds[bulletin.id])
    return folder, records


@pytest.fixture
def renders(tmp_path, render_set) -> Path:
    """A copy of the renders for one test, free to break."""
    copy = tmp_path / "renders"
    shutil.copytree(render_set[0], copy)
    return copy


@pytest.fixture
def records(render_set) -> dict[str, RenderRecord]:
    return render_set[1]


@pytest.fixture(scope="session")
def network() -> Network:
    return load_network(REPO / "schedules" / "vinh-bao.yaml")


@pytest.fixture(scope="session")
def campaigns() -> tuple[Campaign, ...]:
    return (load_campaign(REPO / "schedules" / "campaigns" / "24-hinh-thuc-2023.yaml"),)


@pytest.fixture(scope="session")
def plan_items(library, render_set, network, campaigns):
    """The stored items of a day, as the real planner plans it."""
    records = render_set[1]
    segments = [Segment.of(b, records[b.id].duration_s) for b in library]

    def plan(day: dt.date) -> list[StoredItem]:
        day_plan = plan_day(day, network, active_campaign(campaigns, day), segments)
        return items_from_plan(day_plan, records)

    return plan


@pytest.fixture
def out_root(tmp_path) -> Path:
    return tmp_path / "playlists"
