"""Lay out a segment: tune, pause, speech, pause, sting, each part faded at its edges.

Pure functions over float32 arrays. The tunes are levelled against the speech
here, before the whole is normalised, so a loud tune cannot push the speech
down and a quiet one does not vanish.
"""

from __future__ import annotations

import numpy as np

from broadcaster.config import ProgrammeSettings
from broadcaster.mastering.decode import Tune
from broadcaster.mastering.loudness import undb

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
    padded = np.pad(np.abs(x), (0, -len(x) % frame))
    peaks = padded.reshape(-1, frame).max(axis=1)
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
    n = min(round(fade_s * rate), len(x) // 2)
    if n <= 0:
        return x
    ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)
    out = np.array(x, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def lay_out(
    speech: np.ndarray,
    *,
    speech_lufs: float,
    intro: Tune | None,
    outro: Tune | None,
    programme: ProgrammeSettings,
    rate: int,
) -> np.ndarray:
    """The whole segment as one array, the speech at its own level.

    A pause separates two parts, so without a tune there is no pause on that side:
    a programme without intro starts with the voice.
    """

    def tune(part: Tune) -> np.ndarray:
        gain = undb(speech_lufs - TUNE_UNDER_SPEECH_LU - part.lufs)
        return fade(part.samples * np.float32(gain), rate, programme.fade_s)

    def pause(seconds: float) -> np.ndarray:
        return np.zeros(round(seconds * rate), np.float32)

    parts = []
    if intro is not None:
        parts += [tune(intro), pause(programme.pause_before_s)]
    parts.append(fade(speech, rate, programme.fade_s))
    if outro is not None:
        parts += [pause(programme.pause_after_s), tune(outro)]
    return np.concatenate(parts).astype(np.float32, copy=False)
