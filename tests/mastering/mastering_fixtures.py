"""Fixtures for mastering: real espeak-ng speech, real ffmpeg, our own sound assets.

Loaded by the test modules through ``pytest_plugins`` rather than a conftest.py,
so ``pytest --noconftest tests/mastering`` works while the shared conftest is
being changed. The names are specific because any conftest fixture of the same
name (``settings`` in tests/conftest.py, say) would win over a plugin's.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from audio_checks import RATE, SPOKEN, TITLE

from broadcaster.config import MasteringSettings, ProgrammeSettings
from broadcaster.mastering import Mastered, Tags, master

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def espeak_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About eight seconds of Vietnamese from espeak-ng, 22.05 kHz mono, as engines give it."""
    path = tmp_path_factory.mktemp("speech") / "espeak.wav"
    subprocess.run(["espeak-ng", "-v", "vi", "-s", "150", "-w", str(path), SPOKEN], check=True)
    return path


@pytest.fixture
def mastering_settings() -> MasteringSettings:
    return MasteringSettings(
        loudness_lufs=-16.0, true_peak_dbtp=-1.0, bitrate_kbps=96, sample_rate=RATE
    )


@pytest.fixture
def programme_settings() -> ProgrammeSettings:
    return ProgrammeSettings(
        title="Chuyên mục phòng, chống lừa đảo trên không gian mạng",
        intro=REPO / "audio" / "nhac-hieu.wav",
        outro=REPO / "audio" / "nhac-ket.wav",
        pause_before_s=0.8,
        pause_after_s=1.0,
        fade_s=0.02,
    )


@pytest.fixture
def bulletin_tags(programme_settings: ProgrammeSettings) -> Tags:
    return Tags(
        title=TITLE,
        bulletin_id="f14-gia-danh-cong-an",
        programme=programme_settings.title,
        render_date=dt.date(2025, 7, 1),
        engine="espeak",
        voice="vi",
    )


@pytest.fixture
def renders_dir(tmp_path: Path) -> Path:
    return tmp_path / "renders"


@pytest.fixture
def master_to(
    renders_dir: Path,
    programme_settings: ProgrammeSettings,
    mastering_settings: MasteringSettings,
    bulletin_tags: Tags,
) -> Callable[..., Mastered]:
    """``master()`` with the fixtures' arguments; keywords override them."""

    def run(speech: Path, **overrides) -> Mastered:
        arguments = {
            "programme": programme_settings,
            "settings": mastering_settings,
            "tags": bulletin_tags,
            "out_dir": renders_dir,
            **overrides,
        }
        return master(speech, **arguments)

    return run
