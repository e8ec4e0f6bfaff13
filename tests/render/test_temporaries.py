"""What a killed render leaves behind is swept by the next one; a running render's is not."""

from __future__ import annotations

import os
import time
from pathlib import Path

HOURS = 3600


def _left(folder: Path, name: str, age_s: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"half an mp3")
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_a_render_sweeps_the_temporaries_killed_renders_left(run_cli, rendered):
    renders, speech = rendered / "renders", rendered / "cache" / "speech"
    audio_before = _audio(renders)
    killed = [
        _left(renders, ".tmp-3f2a9c0d1e4b5a6c.mp3", 2 * HOURS),
        _left(speech, ".tmp-29487c4a36543d91-zl49iea9.wav", 2 * HOURS),
    ]
    # Another render (the panel's) may be writing this one at this very moment.
    running = _left(renders, ".tmp-0a1b2c3d4e5f6a7b.mp3", 5)

    result = run_cli("render", "--engine", "espeak", "--only", "mo-dau")

    assert result.exit_code == 0, result.output
    assert not any(path.exists() for path in killed)
    assert running.exists()
    assert _audio(renders) == audio_before  # the audio staff approved stays


def _audio(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.mp3") if not p.name.startswith("."))
