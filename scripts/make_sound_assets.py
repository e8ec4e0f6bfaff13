#!/usr/bin/env python3
"""Synthesise the station's own sound assets: signature tune, closing sting, alert chime.

Everything is computed here from sine partials with numpy: no samples, no
third-party music, so the files carry no rights questions and can be rebuilt
byte for byte (``python scripts/make_sound_assets.py``). Mastering levels
every part by loudness, so only the shape of these sounds matters, not their
absolute level.

The tunes use the pentatonic scale (C D E G A) that Vietnamese listeners hear
as their own; the timbres are struck bars and bells with exponential decays,
which stay clear on horn loudspeakers and never click (every note has a short
raised-cosine attack and every file ends in silence).
"""

from __future__ import annotations

import argparse
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 44100
PEAK_DBFS = -3.0  # file level; mastering re-levels by loudness anyway
OUT_DIR = Path(__file__).resolve().parent.parent / "audio"

# Equal temperament, A4 = 440 Hz.
NOTE = {
    "A2": 110.00,
    "C3": 130.81,
    "G3": 196.00,
    "C4": 261.63,
    "E4": 329.63,
    "G4": 392.00,
    "A4": 440.00,
    "C5": 523.25,
    "D5": 587.33,
    "E5": 659.26,
    "G5": 783.99,
    "A5": 880.00,
    "E6": 1318.51,
}


@dataclass(frozen=True)
class Timbre:
    """Partials as (frequency ratio, amplitude, decay time constant in seconds at A4)."""

    partials: tuple[tuple[float, float, float], ...]
    attack_s: float


# Struck wooden bar: the 1 : 4 : 10 tuning of a marimba, upper partials dying fast.
MARIMBA = Timbre(
    partials=((1.0, 1.0, 0.9), (2.0, 0.10, 0.4), (3.93, 0.22, 0.18), (9.2, 0.05, 0.06)),
    attack_s=0.004,
)
# Small bell: brighter and near-harmonic, for the alert; no partial above ~6 kHz.
BELL = Timbre(
    partials=((1.0, 1.0, 0.55), (2.0, 0.30, 0.30), (3.0, 0.14, 0.18), (4.16, 0.07, 0.10)),
    attack_s=0.003,
)
# Soft low tone under the tune, for warmth on the radio (horn speakers barely show it).
PAD = Timbre(partials=((1.0, 1.0, 1.6), (2.0, 0.25, 0.8)), attack_s=0.03)


def strike(timbre: Timbre, freq: float, length_s: float) -> np.ndarray:
    """One note: decaying partials, a raised-cosine attack; higher notes decay sooner."""
    t = np.arange(int(length_s * RATE)) / RATE
    scale = (440.0 / freq) ** 0.3
    tone = np.zeros_like(t)
    for ratio, amp, decay in timbre.partials:
        if freq * ratio >= RATE / 2 * 0.9:
            continue
        tone += amp * np.exp(-t / (decay * scale)) * np.sin(2 * np.pi * freq * ratio * t)
    attack = min(len(t), int(timbre.attack_s * RATE))
    tone[:attack] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    return tone


def score(
    events: list[tuple[float, Timbre, str, float]], length_s: float, ring_s: float
) -> np.ndarray:
    """Mix (onset s, timbre, note, velocity) events into a buffer of ``length_s``."""
    out = np.zeros(int(length_s * RATE))
    for onset, timbre, name, velocity in events:
        start = int(onset * RATE)
        note = strike(timbre, NOTE[name], min(ring_s, length_s - onset))
        out[start : start + len(note)] += velocity * note
    return out


def hash_noise(n: int, seed: int) -> np.ndarray:
    """Deterministic white noise in [-1, 1) from an integer hash: identical on every platform."""
    x = (np.arange(n, dtype=np.uint64) + np.uint64(seed)) * np.uint64(2654435761)
    x &= np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x45D9F3B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    return x.astype(np.float64) / 2**31 - 1.0


def room(dry: np.ndarray, rt60_s: float, wet: float, seed: int) -> np.ndarray:
    """A small hall: convolution with exponentially decaying, softened noise."""
    length = int(rt60_s * RATE)
    t = np.arange(length) / RATE
    ir = hash_noise(length, seed) * np.exp(-6.91 * t / rt60_s)
    ir = np.convolve(ir, [1, 4, 6, 4, 1], mode="same") / 16  # dull the highs a little
    ir[: int(0.012 * RATE)] = 0.0  # pre-delay keeps the attack clean
    ir /= np.sqrt(np.sum(ir**2))
    n = len(dry) + length - 1
    tail = np.fft.irfft(np.fft.rfft(dry, n) * np.fft.rfft(ir, n), n)[: len(dry)]
    return dry + wet * tail


def finish(x: np.ndarray, fade_out_s: float) -> np.ndarray:
    """Fade the tail to true silence, remove DC, and set the peak level."""
    x = x - np.mean(x)
    fade = int(fade_out_s * RATE)
    x[-fade:] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(fade) / fade)
    x[-int(0.02 * RATE) :] = 0.0
    return x * (10 ** (PEAK_DBFS / 20) / np.max(np.abs(x)))


def signature_tune() -> np.ndarray:
    """Nhạc hiệu, 5 s: a rising then settling pentatonic phrase that comes home to C."""
    m = MARIMBA
    events = [
        (0.00, PAD, "C3", 0.35),
        (0.00, m, "G4", 0.75),
        (0.28, m, "A4", 0.75),
        (0.56, m, "C5", 0.80),
        (0.84, m, "D5", 0.80),
        (1.26, PAD, "A2", 0.30),
        (1.26, m, "E5", 1.00),
        (1.68, m, "D5", 0.75),
        (1.96, m, "C5", 0.75),
        (2.24, m, "A4", 0.75),
        (2.66, PAD, "C3", 0.35),
        (2.66, m, "C4", 0.45),
        (2.66, m, "G4", 0.50),
        (2.66, m, "C5", 0.90),
        (2.70, m, "E5", 0.35),
    ]
    return finish(room(score(events, 5.0, ring_s=2.34), 1.1, 0.16, seed=1), 0.6)


def closing_sting() -> np.ndarray:
    """Nhạc kết, 2.4 s: two falling notes onto the home chord."""
    m = MARIMBA
    events = [
        (0.00, m, "E5", 0.85),
        (0.22, m, "D5", 0.80),
        (0.48, PAD, "C3", 0.35),
        (0.48, m, "C4", 0.45),
        (0.48, m, "G4", 0.50),
        (0.48, m, "C5", 0.95),
    ]
    return finish(room(score(events, 2.4, ring_s=1.92), 0.9, 0.16, seed=2), 0.45)


def alert_chime() -> np.ndarray:
    """Chuông báo động, 2.6 s: a quick rising fifth, twice, then both notes together.

    Fast repetition says "urgent"; sine-based bells at 880/1319 Hz carry well on
    horn loudspeakers without the harshness of a buzzer or siren.
    """
    b = BELL
    events = []
    for start in (0.0, 0.72):
        for i, name in enumerate(("A5", "E6", "A5", "E6")):
            events.append((start + 0.14 * i, b, name, 0.9 if name == "A5" else 0.75))
    events += [(1.50, b, "A5", 0.9), (1.50, b, "E6", 0.7), (1.50, MARIMBA, "A4", 0.5)]
    return finish(room(score(events, 2.6, ring_s=1.1), 0.7, 0.12, seed=3), 0.4)


def write_wav(path: Path, samples: np.ndarray) -> None:
    """16-bit mono PCM, rounded (no dither) so the bytes are the same on every run."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm.tobytes())


ASSETS = {
    "nhac-hieu.wav": signature_tune,
    "nhac-ket.wav": closing_sting,
    "chuong-bao-dong.wav": alert_chime,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, make in ASSETS.items():
        samples = make()
        write_wav(args.out_dir / name, samples)
        print(f"{args.out_dir / name}: {len(samples) / RATE:.2f} s")


if __name__ == "__main__":
    main()
