"""Our own sound assets: rebuilt by the script, byte for byte, small, and clean at the edges."""

from __future__ import annotations

import runpy
import wave
from pathlib import Path

import numpy as np
import pytest
from audio_checks import read_wav

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "make_sound_assets.py"
LENGTHS_S = {
    "nhac-hieu.wav": (4.0, 6.0),
    "nhac-ket.wav": (1.5, 3.0),
    "chuong-bao-dong.wav": (2.0, 3.0),
}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The script run twice into fresh folders."""
    main = runpy.run_path(str(SCRIPT))["main"]
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    main(["--out-dir", str(first)])
    main(["--out-dir", str(second)])
    return first, second


def test_the_script_writes_the_same_bytes_every_run(rebuilt):
    first, second = rebuilt
    for name in LENGTHS_S:
        assert (first / name).read_bytes() == (second / name).read_bytes()


@pytest.mark.parametrize("name", sorted(LENGTHS_S))
def test_committed_asset_is_what_the_script_makes(rebuilt, name):
    fresh, committed = read_wav(rebuilt[0] / name), read_wav(REPO / "audio" / name)
    assert fresh.shape == committed.shape
    assert np.max(np.abs(fresh - committed)) <= 1 / 32768  # one LSB: other CPUs may round apart


@pytest.mark.parametrize("name", sorted(LENGTHS_S))
def test_asset_format_length_and_edges(name):
    path = REPO / "audio" / name
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (44100, 1, 2)
        seconds = wav.getnframes() / wav.getframerate()
    low, high = LENGTHS_S[name]
    assert low <= seconds <= high
    x = read_wav(path)
    assert abs(x[0]) < 1e-3 and np.all(x[-100:] == 0)  # starts and ends without a click
    assert np.max(np.abs(x)) < 1.0  # never clipped


def test_assets_are_small_enough_to_commit():
    assert sum((REPO / "audio" / name).stat().st_size for name in LENGTHS_S) < 1_000_000
