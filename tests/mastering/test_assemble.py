"""Laying out a segment: trimming only the ends, fading every edge, tunes under the voice."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from audio_checks import RATE

from broadcaster.mastering.assemble import (
    TUNE_UNDER_SPEECH_LU,
    fade,
    lay_out,
    prepare_speech,
    trim_silence,
)
from broadcaster.mastering.decode import Tune, decode_file, load_tune
from broadcaster.mastering.loudness import integrated_loudness, measure

pytest_plugins = ["mastering_fixtures"]

KEEP = int(0.1 * RATE)


def _tone(seconds: float, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.float32)


@pytest.mark.parametrize(
    "before, after",
    [(1.0, 2.0), (0.0, 0.0), (0.05, 0.5)],
    ids=["padded", "no padding", "less than the margin"],
)
def test_trim_cuts_padding_but_keeps_a_margin(before, after):
    sound = _tone(1.0)
    x = np.concatenate([_silence(before), sound, _silence(after)])
    trimmed = trim_silence(x, RATE)
    expected = len(sound) + min(KEEP, int(before * RATE)) + min(KEEP, int(after * RATE))
    assert abs(len(trimmed) - expected) <= int(0.01 * RATE)  # one 10 ms frame


def test_trim_keeps_inner_pauses_and_soft_sounds():
    soft = _tone(0.3, level=0.5 * 10 ** (-45 / 20))  # a breathy consonant, -45 dB
    x = np.concatenate([_silence(1.0), soft, _tone(1.0), _silence(2.0), _tone(1.0), soft])
    trimmed = trim_silence(x, RATE)
    assert len(trimmed) == pytest.approx(len(x) - RATE + KEEP, abs=int(0.01 * RATE))


def test_trim_drops_hiss_far_below_the_voice():
    hiss = (np.random.default_rng(0).normal(0, 1e-4, RATE)).astype(np.float32)  # about -70 dB
    x = np.concatenate([hiss, _tone(1.0), hiss])
    assert len(trim_silence(x, RATE)) == pytest.approx(RATE + 2 * KEEP, abs=int(0.01 * RATE))


def test_trim_of_silence_is_empty():
    assert trim_silence(_silence(1.0), RATE).size == 0
    assert trim_silence(np.zeros(0, np.float32), RATE).size == 0


def test_fade_starts_and_ends_at_silence_and_leaves_the_middle():
    x = np.ones(RATE, np.float32)
    faded = fade(x, RATE, 0.02)
    n = int(0.02 * RATE)
    assert abs(faded[0]) < 0.01 and abs(faded[-1]) < 0.01
    assert np.all(np.diff(faded[:n]) >= 0) and np.all(faded[n:-n] == 1.0)
    assert np.all(x == 1.0)  # the input is not changed


def test_fade_of_a_very_short_part_fits_inside_it():
    faded = fade(np.ones(10, np.float32), RATE, 0.02)
    assert faded.shape == (10,) and faded.max() <= 1.0


def test_layout_puts_pauses_between_parts_only(programme_settings):
    speech = measure(_tone(2.0), RATE)
    tune = Tune(_tone(1.0), integrated_loudness(_tone(1.0), RATE))
    full = lay_out(speech, intro=tune, outro=tune, programme=programme_settings, rate=RATE)
    assert len(full.samples) == int((1.0 + 0.8 + 2.0 + 1.0 + 1.0) * RATE)
    bare = dataclasses.replace(programme_settings, intro=None, outro=None)
    alone = lay_out(speech, intro=None, outro=None, programme=bare, rate=RATE)
    assert len(alone.samples) == len(speech.samples)


def test_tunes_sit_just_under_the_voice(programme_settings):
    speech = measure(_tone(3.0, level=0.01), RATE)  # a very quiet voice
    intro = load_tune(programme_settings.intro, RATE)  # a full-level tune
    segment = lay_out(speech, intro=intro, outro=None, programme=programme_settings, rate=RATE)
    tune_part = segment.samples[: len(intro.samples)]
    assert integrated_loudness(tune_part, RATE) == pytest.approx(
        speech.lufs - TUNE_UNDER_SPEECH_LU, abs=0.1
    )


@pytest.mark.parametrize("pause_s", [0.0, 0.8], ids=["no pauses", "default pauses"])
def test_joined_loudness_is_the_loudness_of_the_whole(programme_settings, espeak_wav, pause_s):
    """Normalisation trusts the power joined from the parts: it must measure like the whole."""
    programme = dataclasses.replace(
        programme_settings, pause_before_s=pause_s, pause_after_s=pause_s
    )
    speech = prepare_speech(decode_file(espeak_wav, RATE), RATE, programme.fade_s)
    intro, outro = load_tune(programme.intro, RATE), load_tune(programme.outro, RATE)
    whole = lay_out(speech, intro=intro, outro=outro, programme=programme, rate=RATE)
    assert whole.lufs == pytest.approx(integrated_loudness(whole.samples, RATE), abs=0.01)
