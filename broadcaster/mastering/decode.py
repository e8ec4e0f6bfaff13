"""Audio in: any file ffmpeg can read, as mono float32 samples at the mastering rate.

ffmpeg decodes, down-mixes and resamples in one run and hands raw float32
through a pipe, so no temporary file is written and nothing is clipped on the
way (values above full scale survive until the limiter deals with them).
"""

from __future__ import annotations

import functools
import math
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from broadcaster.errors import AudioError, path_label
from broadcaster.mastering.loudness import ABSOLUTE_GATE_LUFS, integrated_loudness
from broadcaster.probe import require_tool

DECODE_TIMEOUT_S = 300


def decode_file(path: Path, rate: int) -> np.ndarray:
    """Mono float32 samples of ``path`` at ``rate``; AudioError if it is not readable audio."""
    label = path_label(path)
    if not path.is_file():
        raise AudioError(f"{label}: file not found")
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
    samples = np.frombuffer(done.stdout, dtype="<f4")
    if not np.isfinite(samples).all():
        raise AudioError(f"{label}: contains invalid (NaN or infinite) samples")
    return samples


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
    samples = _read_plain_wav(path, rate)
    if samples is None:
        samples = decode_file(path, rate)
    lufs = integrated_loudness(samples, rate) if samples.size else -math.inf
    if lufs < ABSOLUTE_GATE_LUFS:
        raise AudioError(f"{path_label(path)}: sound asset is silent")
    samples.setflags(write=False)
    return Tune(samples, lufs)


def _read_plain_wav(path: Path, rate: int) -> np.ndarray | None:
    """16-bit PCM WAV already at ``rate`` (our own assets), read without starting ffmpeg."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2 or wav.getframerate() != rate:
                return None
            channels = wav.getnchannels()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError):
        return None
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1, dtype=np.float32)
    return samples
