"""Measuring and limiting: our fast meters agree with the reference tools, the limiter holds."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest
from audio_checks import RATE, read_wav
from scipy import signal

from broadcaster.mastering.limiter import limit, normalise
from broadcaster.mastering.loudness import db, integrated_loudness, true_peak, undb

pytest_plugins = ["mastering_fixtures"]


def _noise(seconds: float, rate: int = RATE, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 0.1, int(seconds * rate)).astype(np.float32)


def _bursts(seconds: float, rate: int = RATE) -> np.ndarray:
    """Loud and quiet stretches and silence, so both gates have work to do."""
    x = _noise(seconds, rate)
    x[: len(x) // 4] *= 0.02
    x[len(x) // 2 : len(x) // 2 + rate] = 0.0
    return x


def _hot(seconds: float, seed: int = 1) -> np.ndarray:
    """Noise driven hard into clipping, then band-limited to 15 kHz as an MP3 encoder would."""
    clipped = np.clip(_noise(seconds, seed=seed) * 10, -1, 1)
    lowpass = signal.butter(8, 15000, fs=RATE, output="sos")
    return signal.sosfiltfilt(lowpass, clipped).astype(np.float32)


def _reference_tp(x: np.ndarray) -> float:
    return db(float(np.max(np.abs(signal.resample_poly(x.astype(np.float64), 4, 1)))))


@pytest.mark.parametrize("rate", [22050, 32000, 44100, 48000])
@pytest.mark.parametrize("seconds", [0.3, 0.45, 7.3])
def test_loudness_matches_pyloudnorm(rate, seconds):
    x = _bursts(seconds, rate)
    padded = np.pad(x, (0, max(0, int(0.4 * rate) - len(x))))  # pyloudnorm needs one block
    expected = pyloudnorm.Meter(rate).integrated_loudness(padded.astype(np.float64))
    assert integrated_loudness(x, rate) == pytest.approx(expected, abs=0.01)


def test_loudness_of_real_speech_matches_pyloudnorm(espeak_wav):
    x = read_wav(espeak_wav).astype(np.float32)
    expected = pyloudnorm.Meter(22050).integrated_loudness(x.astype(np.float64))
    assert integrated_loudness(x, 22050) == pytest.approx(expected, abs=0.01)


def test_silence_has_no_loudness():
    assert integrated_loudness(np.zeros(RATE, np.float32), RATE) == -math.inf
    assert true_peak(np.zeros(RATE, np.float32)) == 0.0


def test_true_peak_sees_between_samples():
    # a quarter-rate tone sampled at 45 degrees: every sample is 3 dB under the real peak
    n = np.arange(RATE)
    x = (0.5 * np.sin(np.pi / 2 * n + np.pi / 4)).astype(np.float32)
    assert db(float(np.max(np.abs(x)))) == pytest.approx(db(0.5) - 3.01, abs=0.05)
    assert db(true_peak(x)) == pytest.approx(db(0.5), abs=0.2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_true_peak_agrees_with_a_long_filter_resampler(seed):
    x = _hot(2.0, seed)  # clipped, then filtered: peaks everywhere, many between samples
    assert db(true_peak(x)) == pytest.approx(_reference_tp(x), abs=0.05)


def test_true_peak_of_speech_agrees_with_a_long_filter_resampler(espeak_wav):
    x = read_wav(espeak_wav).astype(np.float32)
    assert db(true_peak(x)) == pytest.approx(_reference_tp(x), abs=0.05)


@pytest.mark.parametrize("ceiling", [-1.0, -3.0, -6.0])
def test_limiter_holds_the_ceiling_on_hot_material(ceiling):
    x = _hot(3.0) * np.float32(1.5)  # clipped, filtered and boosted past full scale
    x[::9000] = 2.0  # and isolated spikes
    limited = limit(x, RATE, ceiling)
    assert db(true_peak(limited)) <= ceiling + 0.02
    assert np.all(np.abs(limited) <= np.abs(x) + 1e-6)  # only ever turns down


def test_limiter_leaves_quiet_material_alone():
    x = _noise(2.0) * np.float32(0.2)
    assert limit(x, RATE, -1.0) is x


def test_limiter_gain_is_smooth():
    x = np.full(2 * RATE, 0.3, np.float32)
    x[RATE] = 1.5  # one spike on a steady level, so the gain is out / in everywhere
    gain = limit(x, RATE, -6.0) / x
    assert gain.min() == pytest.approx(undb(-6.0) / 1.5, rel=0.05)
    assert np.abs(np.diff(gain)).max() < 0.005  # no sudden step that would click
    assert np.all(gain[: RATE - 2000] == 1.0) and np.all(gain[RATE + 2000 :] == 1.0)


@pytest.mark.parametrize("target", [-23.0, -16.0, -14.0])
def test_normalise_reaches_the_target_under_the_ceiling(espeak_wav, target):
    x = read_wav(espeak_wav).astype(np.float32)
    out = normalise(x, 22050, lufs=target, ceiling_dbtp=-1.5)
    assert integrated_loudness(out, 22050) == pytest.approx(target, abs=0.1)
    assert _reference_tp(out) <= -1.5 + 0.05


def test_db_roundtrip():
    assert db(undb(-16.0)) == pytest.approx(-16.0)
    assert db(0.0) == -math.inf
