"""Decoding: libsndfile in-process where it can, ffmpeg otherwise, and both hear the same."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from audio_checks import RATE

from broadcaster.errors import AudioError
from broadcaster.mastering.decode import _read_in_process, _read_with_ffmpeg, decode_file

pytest_plugins = ["mastering_fixtures"]


@pytest.mark.parametrize("suffix", [".wav", ".mp3", ".flac"])
def test_both_decoders_give_the_same_samples(espeak_wav, tmp_path, suffix):
    """espeak's 22.05 kHz speech, resampled to the mastering rate either way."""
    path = tmp_path / f"speech{suffix}"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(espeak_wav), str(path)], check=True)
    ours = _read_in_process(path, RATE)
    theirs = _read_with_ffmpeg(path, RATE, path.name)
    assert ours is not None
    assert abs(len(ours) - len(theirs)) <= 2
    n = min(len(ours), len(theirs))
    difference = ours[:n] - theirs[:n]
    # Resamplers differ in their filters: far below the speech, not audible.
    assert np.sqrt(np.mean(difference**2)) < 0.01 * np.sqrt(np.mean(theirs[:n] ** 2))


def test_formats_libsndfile_lacks_go_through_ffmpeg(espeak_wav, tmp_path):
    path = tmp_path / "phone.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(espeak_wav), "-c:a", "aac", str(path)], check=True
    )
    assert _read_in_process(path, RATE) is None
    assert len(decode_file(path, RATE)) == pytest.approx(
        len(decode_file(espeak_wav, RATE)), abs=0.05 * RATE
    )


def test_text_in_an_audio_name_is_refused_by_name(tmp_path):
    path = tmp_path / "ban-tin.wav"
    path.write_text("not audio", "utf-8")
    with pytest.raises(AudioError, match="ban-tin.wav: not readable audio"):
        decode_file(path, RATE)
