"""Lay out a segment: tune, pause, speech, pause, sting, each part faded at its edges.

Pure functions over float32 arrays. The tunes are levelled against the speech
here, before the whole is normalised, so a loud tune cannot push the speech
down and a quiet one does not vanish.
"""

from __future__ import annotations

import numpy as np

from broadcaster.config import ProgrammeSettings
from broadcaster.mastering.decode import Tune
from broadcaster.mastering.loudness import Measured, measure, undb

TRIM_BELOW_DB = -50.0  # relative to the loudest moment: far below any speech sound
TRIM_KEEP_S = 0.1  # kept on each side of the first and last sound
TRIM_FRAME_S = 0.01
TUNE_UNDER_SPEECH_LU = 2.0  # music sits just under the voice, as presenters expect


def trim_silence(x: np.ndarray, rate: int) -> np.ndarray:
    """Drop near-silence before the first and after the last sound; keep every inner pause.

    Engines and recorders pad their output with silence of any length, which
    would make the gap after the tune depend on the engine. The threshold is on
    each frame's peak, so a soft consonant at the edge is never cut.
    """
    if x.size == 0:
        return x
    frame = max(1, round(TRIM_FRAME_S * rate))
    starts = np.arange(0, len(x), frame)
    peaks = np.maximum(np.maximum.reduceat(x, starts), -np.minimum.reduceat(x, starts))
    loudest = float(peaks.max())
    if loudest == 0.0:
        return x[:0]
    sound = np.flatnonzero(peaks >= loudest * undb(TRIM_BELOW_DB))
    keep = round(TRIM_KEEP_S * rate)
    start = max(0, int(sound[0]) * frame - keep)
    end = min(len(x), (int(sound[-1]) + 1) * frame + keep)
    return x[start:end]


def fade(x: np.ndarray, rate: int, fade_s: float) -> np.ndarray:
    """Raised-cosine fade in and out, so no join between parts can click."""
    out = np.array(x, dtype=np.float32)
    n = min(round(fade_s * rate), len(x) // 2)
    if n > 0:
        ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)
        out[:n] *= ramp
        out[-n:] *= ramp[::-1]
    return out


def prepare_speech(x: np.ndarray, rate: int, fade_s: float) -> Measured:
    """The voice as it goes into the segment: trimmed, faded, and measured."""
    voice = trim_silence(x, rate)
    if voice.size:
        voice = fade(voice, rate, fade_s)
    return measure(voice, rate)


def lay_out(
    speech: Measured,
    *,
    intro: Tune | None,
    outro: Tune | None,
    programme: ProgrammeSettings,
    rate: int,
) -> Measured:
    """The whole segment, the speech at its own level, with its K-weighted power.

    A pause separates two parts, so without a tune there is no pause on that side:
    a programme without intro starts with the voice. The power of the whole is
    joined from its parts rather than filtered again: each part is faded to
    silence at both ends, and the K-weighting filters forget within milliseconds,
    so nothing measurable carries across a join.
    """
    parts: list[Measured] = []

    def tune(part: Tune) -> None:
        gain = undb(speech.lufs - TUNE_UNDER_SPEECH_LU - part.lufs)
        parts.append(measure(fade(part.samples * np.float32(gain), rate, programme.fade_s), rate))

    def pause(seconds: float) -> None:
        silence = np.zeros(round(seconds * rate), np.float32)
        parts.append(Measured(silence, silence, rate))

    if intro is not None:
        tune(intro)
        pause(programme.pause_before_s)
    parts.append(speech)
    if outro is not None:
        pause(programme.pause_after_s)
        tune(outro)
    return Measured(
        np.concatenate([part.samples for part in parts], dtype=np.float32),
        np.concatenate([part.power for part in parts], dtype=np.float32),
        rate,
    )
