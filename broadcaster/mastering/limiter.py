"""Loudness normalisation under a true-peak ceiling: gain, a look-ahead limiter, and regain.

The limiter never clips: it computes, per 32-sample block, the gain each
oversampled peak needs, holds it over a window wider than a voice's pitch
period (so the gain does not buzz with the voice), and smooths it inside that
window, so the gain is already down when a peak arrives and comes back gently.
Because limiting lowers loudness, normalisation repeats the gain a few times;
the rounds work on block sums and sample peaks, and one true-peak pass at the
end catches the peaks between samples.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from broadcaster.mastering.loudness import (
    gated_loudness,
    hop_count,
    hop_length,
    k_power,
    oversampled_peaks,
    reaching,
    sum_per,
    undb,
)

GAIN_BLOCK = 32  # samples that share one gain decision
UNITY_NOISE = 1e-9  # a gain this close to 1 is 1 (1e-8 dB)
RAMP_S = 0.010  # the gain falls and recovers over about this
SETTLED_LU = 0.05
ROUNDS = 8
RESCAN_DB = 3.0  # peaks are collected for up to this much more gain than the current
MAX_REGAIN_DB = 12.0  # beyond the first guess: a runaway guard; more is audibly squashed


def block_gains(
    n: int, idx: np.ndarray, peaks: np.ndarray, ceiling: float, rate: int
) -> np.ndarray | None:
    """Gain at the start of every block (and one past the end), or None if no peak is over.

    Held over +-(half + 2) blocks, then averaged over +-half: every block within
    reach of a peak is at or below that peak's need, including the linear
    interpolation between block starts that :func:`apply_gains` does.
    """
    over = peaks > ceiling
    if not over.any():
        return None
    need = np.ones(-(-n // GAIN_BLOCK))
    np.minimum.at(need, idx[over] // GAIN_BLOCK, ceiling / peaks[over].astype(np.float64))
    half = max(2, 2 * round(RAMP_S * rate / GAIN_BLOCK / 2))  # even, in blocks
    held = ndimage.minimum_filter1d(need, size=2 * (half + 2) + 1, mode="nearest")
    smooth = ndimage.uniform_filter1d(held, size=half + 1, mode="nearest")
    smooth = ndimage.uniform_filter1d(smooth, size=half + 1, mode="nearest")
    # The filters' running sums leave rounding noise where nothing is limited;
    # exactly 1 there lets apply_gains skip those blocks.
    smooth[np.abs(smooth - 1.0) < UNITY_NOISE] = 1.0
    return np.append(smooth, smooth[-1])


def apply_gains(x: np.ndarray, ends: np.ndarray) -> None:
    """Multiply ``x`` in place by the block-start gains, interpolated linearly to every sample.

    Only blocks where the gain moves are touched: most of a programme is far
    from any peak, and a per-sample gain for all of it costs more than the
    limiter itself.
    """
    moving = np.flatnonzero((ends[:-1] != 1.0) | (ends[1:] != 1.0))
    if moving.size == 0:
        return
    ramp = np.arange(GAIN_BLOCK, dtype=np.float32) / GAIN_BLOCK
    start = ends[moving].astype(np.float32)
    gains = start[:, None] + (ends[moving + 1].astype(np.float32) - start)[:, None] * ramp
    whole = len(x) // GAIN_BLOCK  # blocks of full length; the last may be short
    inside = moving < whole
    rows = x[: whole * GAIN_BLOCK].reshape(whole, GAIN_BLOCK)
    rows[moving[inside]] *= gains[inside]
    if not inside[-1]:
        x[whole * GAIN_BLOCK :] *= gains[-1, : len(x) - whole * GAIN_BLOCK]


def limit(x: np.ndarray, rate: int, ceiling_dbtp: float, *, in_place: bool = False) -> np.ndarray:
    """``x`` with every true peak at or under the ceiling (``x`` itself if nothing was over)."""
    ceiling = undb(ceiling_dbtp)
    ends = block_gains(len(x), *oversampled_peaks(x, ceiling), ceiling, rate)
    if ends is None:
        return x
    out = x if in_place else x.copy()
    apply_gains(out, ends)
    return out


def normalise(
    x: np.ndarray,
    rate: int,
    *,
    lufs: float,
    ceiling_dbtp: float,
    power: np.ndarray | None = None,
) -> np.ndarray:
    """``x`` at ``lufs`` with every true peak at or under the ceiling.

    ``power`` is x's K-weighted power per sample, when the caller has it already.

    Peaks and K-weighted power scale with gain, so both are computed once; a
    round's loudness is the block power times that round's mean squared gain.
    The rounds limit sample peaks (cheap); the last pass limits true peaks, which
    costs a few hundredths of an LU that the decoded MP3's measurement confirms.
    """
    n, ceiling = len(x), undb(ceiling_dbtp)
    hops = hop_count(n, rate)
    if power is None:
        power = k_power(x, rate)
    block_power = sum_per(power, GAIN_BLOCK, -(-n // GAIN_BLOCK))
    hop_of_block = np.arange(len(block_power)) * GAIN_BLOCK // hop_length(rate)
    inside = hop_of_block < hops

    def loudness(gain_sq: np.ndarray | float) -> float:
        per_block = (block_power * gain_sq)[inside]
        return gated_loudness(np.bincount(hop_of_block[inside], per_block, hops), rate)

    measured = loudness(1.0)
    if measured == -math.inf:
        return x
    gain_db, scanned_db = lufs - measured, -math.inf
    most_db = gain_db + MAX_REGAIN_DB
    tried: list[tuple[float, float]] = []
    best: tuple[float, float, np.ndarray | None] = (math.inf, gain_db, None)  # error, dB, gains
    for _ in range(ROUNDS):
        if gain_db > scanned_db:  # the peaks more gain could push over
            scanned_db = gain_db + RESCAN_DB
            # Sample peaks stand in for true peaks during the rounds.
            idx = np.flatnonzero(reaching(x, ceiling / undb(scanned_db)))
            peaks = np.abs(x[idx])
        gain = undb(gain_db)
        ends = block_gains(n, idx, peaks * np.float32(gain), ceiling, rate)
        if ends is None:  # nothing to limit: the loudness is exact
            got = measured + gain_db
        else:
            mean_sq = (ends[:-1] ** 2 + ends[:-1] * ends[1:] + ends[1:] ** 2) / 3
            got = loudness(mean_sq * gain**2)
        if abs(got - lufs) < best[0]:
            best = (abs(got - lufs), gain_db, ends)
        if abs(got - lufs) <= SETTLED_LU or gain_db >= most_db:
            break
        tried.append((gain_db, got))
        gain_db = min(most_db, gain_db + (lufs - got) / _slope(tried))
    _, gain_db, ends = best
    gain = np.float32(undb(gain_db))
    out = x * gain
    if ends is not None:
        apply_gains(out, ends)
    # The peaks between samples, which the rounds did not see.
    return limit(out, rate, ceiling_dbtp, in_place=True)


def _slope(tried: list[tuple[float, float]]) -> float:
    """LU gained per dB of gain: 1 without limiting, less the harder the limiter works."""
    if len(tried) < 2:
        return 1.0
    (g0, l0), (g1, l1) = tried[-2:]
    return min(1.0, max(0.2, (l1 - l0) / (g1 - g0))) if g1 != g0 else 1.0
