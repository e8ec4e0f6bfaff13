#!/usr/bin/env python3
"""How fast the offline voice reads the library: spoken words per minute, pauses included.

Each bulletin's spoken text (after normalisation, as the renderer sends it) is synthesised
with espeak-ng at the configured rate and sentence pause, or at the ones given here, and its
word count (Vietnamese syllables: the space-separated words of the spoken text) is divided
by the length of the speech without its leading and trailing silence. The pauses between
sentences count: they are what a listener under a horn hears as the pace.

    .venv/bin/python scripts/words_per_minute.py                 # the configured settings
    .venv/bin/python scripts/words_per_minute.py --rate 150 --pause-ms 400 --only f01-combo-du-lich

A bulletin's own ``speech:`` mapping wins over the configured values, as in a render, but
not over ``--rate`` or ``--pause-ms``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

from broadcaster.normalize import normalize
from broadcaster.runtime import build_runtime
from broadcaster.speech.espeak import EspeakEngine

SILENCE = 33  # of 32767 (-60 dBFS): what espeak-ng writes between words is exactly zero


def speech_seconds(path: Path) -> float:
    """The WAV's length from its first to its last sound."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE)
    return 0.0 if loud.size == 0 else (loud[-1] - loud[0] + 1) / rate


def measure(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="the broadcaster.yaml to read")
    parser.add_argument("--rate", type=int, help="espeak-ng words a minute (-s)")
    parser.add_argument("--pause-ms", type=int, help="silence after each sentence")
    parser.add_argument("--only", nargs="*", default=None, help="bulletin ids")
    args = parser.parse_args(argv)

    runtime = build_runtime(config_file=args.config)
    library = runtime.library()
    bulletins = library.select(args.only) if args.only else list(library)
    configured = runtime.settings.speech
    total_words, total_s = 0, 0.0
    print(f"{'bulletin':<48} {'words':>5} {'speech':>7} {'wpm':>5}  rate pause")
    with tempfile.TemporaryDirectory() as scratch:
        for bulletin in bulletins:
            espeak = configured.for_bulletin(bulletin.speech).espeak.adjusted(
                rate=args.rate, sentence_pause_ms=args.pause_ms
            )
            espeak = dataclasses.replace(espeak, voice=bulletin.voice or espeak.voice)
            spoken = normalize(bulletin.body, runtime.lexicon)
            out = Path(scratch) / f"{bulletin.id}.wav"
            EspeakEngine(espeak).synthesize(spoken, espeak.voice, out)
            words, seconds = len(spoken.split()), speech_seconds(out)
            total_words, total_s = total_words + words, total_s + seconds
            wpm = words / seconds * 60
            print(
                f"{bulletin.id:<48} {words:>5} {seconds:>6.1f}s {wpm:>5.0f}  "
                f"{espeak.rate:>4} {espeak.sentence_pause_ms:>5}"
            )
    if total_s:
        print(
            f"{'library':<48} {total_words:>5} {total_s:>6.1f}s {total_words / total_s * 60:>5.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(measure())
