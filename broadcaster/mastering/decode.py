"""Audio in: any audio file, as mono float32 samples at the mastering rate.

What libsndfile reads (WAV, FLAC, OGG, MP3: every engine's output and our own
MP3s) is decoded in-process and resampled with libsoxr; anything
else (a phone's M4A, say) goes through ffmpeg, which decodes, down-mixes and
resamples in one run and hands raw float32 through a pipe. Either way nothing
is clipped on the way: values above full scale survive until the limiter.
"""

from __future__ import annotations

import functools
import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
import soxr

from broadcaster.errors import AudioError, path_label
from broadcaster.mastering.loudness import ABSOLUTE_GATE_LUFS, integrated_loudness
from broadcaster.probe import require_tool

DECODE_TIMEOUT_S = 300


def decode_file(path: Path, rate: int) -> np.ndarray:
    """Mono float32 samples of ``path`` at ``rate``; AudioError if it is not readable audio."""
    label = path_label(path)
    if not path.is_file():
        raise AudioError(f"{label}: file not found")
    samples = _read_in_process(path, rate)
    if samples is None:
        samples = _read_with_ffmpeg(path, rate, label)
    if not np.isfinite(samples).all():
        raise AudioError(f"{label}: contains invalid (NaN or infinite) samples")
    return samples


def _read_in_process(path: Path, rate: int) -> np.ndarray | None:
    """The samples through libsndfile, or None when it does not know the format.

    Saves starting ffmpeg (about 80 ms of CPU before it decodes anything) twice
    per render: once for the speech, once for checking the encoded MP3.
    """
    try:
        with soundfile.SoundFile(path) as audio:
            source_rate = audio.samplerate
            frames = audio.read(dtype="float32", always_2d=True)
    except soundfile.SoundFileError:
        return None
    samples = frames.mean(axis=1, dtype=np.float32) if frames.shape[1] > 1 else frames[:, 0]
    if source_rate != rate and samples.size:
        samples = soxr.resample(samples, source_rate, rate)  # SoX's resampler, "HQ"
    return np.ascontiguousarray(samples, dtype=np.float32)


def _read_with_ffmpeg(path: Path, rate: int, label: str) -> np.ndarray:
    argv = [
        require_tool("ffmpeg"),
        *("-nostdin", "-hide_banner", "-v", "error"),
        *("-i", f"file:{path.resolve()}"),  # "file:" so no name is taken for a protocol or option
        *("-vn", "-ac", "1", "-ar", str(rate), "-c:a", "pcm_f32le", "-f", "f32le", "pipe:1"),
    ]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=DECODE_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise AudioError(f"{label}: decoding took over {DECODE_TIMEOUT_S} s") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AudioError(f"{label}: not readable audio ({lines[-1] if lines else 'ffmpeg failed'})")
    return np.frombuffer(done.stdout, dtype="<f4")


@dataclass(frozen=True)
class Tune:
    """A programme's signature tune or sting, decoded and measured once per process."""

    samples: np.ndarray
    lufs: float


def load_tune(path: Path, rate: int) -> Tune:
    """The tune at ``path``; AudioError if it is missing, unreadable or silent."""
    if not path.is_file():
        raise AudioError(f"{path_label(path)}: sound asset not found")
    stat = path.stat()
    return _load_tune(path.resolve(), stat.st_mtime_ns, stat.st_size, rate)


@functools.lru_cache(maxsize=16)
def _load_tune(path: Path, _mtime_ns: int, _size: int, rate: int) -> Tune:
    """Cached by file identity: the same few tunes wrap every bulletin in a run."""
    samples = decode_file(path, rate)
    lufs = integrated_loudness(samples, rate) if samples.size else -math.inf
    if lufs < ABSOLUTE_GATE_LUFS:
        raise AudioError(f"{path_label(path)}: sound asset is silent")
    samples.setflags(write=False)
    return Tune(samples, lufs)
