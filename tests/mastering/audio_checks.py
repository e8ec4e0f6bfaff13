"""Listening to audio the way a player does, with tools independent of the code under test:
ffmpeg decodes, pyloudnorm's Meter measures loudness, scipy's resampler finds true peak.
"""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyloudnorm
from scipy import signal

RATE = 44100
TITLE = "Giả danh công an, viện kiểm sát, tòa án"
SPOKEN = (
    "Thưa bà con, kẻ gian giả danh công an gọi điện, yêu cầu chuyển tiền để điều tra. "
    "Bà con tuyệt đối không chuyển tiền, không đọc mã OTP, hãy báo ngay cho công an xã."
)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """16-bit PCM; ``samples`` is (n,) or (n, channels) in [-1, 1] (clipped)."""
    frames = np.atleast_2d(samples.T).T
    pcm = np.round(np.clip(frames, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(frames.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
    return np.frombuffer(frames, "<i2").astype(np.float64) / 32768


def decoded(path: Path) -> np.ndarray:
    """What a player hears: the MP3 decoded by ffmpeg, mono float64 at 44.1 kHz."""
    argv = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path)]
    argv += ["-ac", "1", "-ar", str(RATE), "-f", "f32le", "pipe:1"]
    raw = subprocess.run(argv, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).astype(np.float64)


@dataclass(frozen=True)
class Measured:
    lufs: float
    true_peak_dbtp: float
    duration_s: float


_METER = pyloudnorm.Meter(RATE)


def measure(path: Path) -> Measured:
    x = decoded(path)
    peak = np.max(np.abs(signal.resample_poly(x, 4, 1)))
    return Measured(_METER.integrated_loudness(x), 20 * np.log10(peak), len(x) / RATE)


def syllables(seconds: float) -> np.ndarray:
    """Speech-like sound for exactly ``seconds``: voiced bursts with a 0.5 s pause inside."""
    t = np.arange(int(seconds * RATE)) / RATE
    voiced = np.sin(2 * np.pi * 150 * t) + 0.5 * np.sin(2 * np.pi * 450 * t)
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t - np.pi / 2)  # 4 syllables a second
    sound = 0.3 * voiced * envelope
    middle = len(t) // 2
    sound[middle - RATE // 4 : middle + RATE // 4] = 0.0
    sound[0] = sound[-1] = 0.25  # the sound reaches both ends exactly
    return sound
