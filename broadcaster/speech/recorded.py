"""An announcer's own reading, used instead of synthesis.

Staff record on whatever is at hand (a phone's M4A, a recorder's WAV or MP3,
an OGG from a messaging app), at any sample rate, mono or stereo; mastering
converts it. What is checked here is what would otherwise reach a loudspeaker
unnoticed: a file that is not audio, a whole programme instead of a bulletin,
or a take where the microphone was off.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from broadcaster.errors import AudioError, path_label
from broadcaster.probe import AudioInfo, probe, require_tool
from broadcaster.speech.base import Speech, sha256_text

MAX_DURATION_S = 3600.0
SILENCE_DBFS = -60.0  # a peak below this is a dead microphone, not a quiet voice
_MAX_VOLUME = re.compile(r"max_volume:\s*(-?[\d.]+|-inf)\s*dB")


def check_recording(path: Path) -> AudioInfo:
    """What the recording is; AudioError naming the file if it is not fit to air."""
    info = probe(path)  # AudioError for missing, unreadable or audio-less files
    label = path_label(path)
    if info.duration_s <= 0:
        raise AudioError(f"{label}: the recording is empty")
    if info.duration_s > MAX_DURATION_S:
        seconds = int(info.duration_s)
        length = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        raise AudioError(f"{label}: the recording lasts {length}; the limit is one hour")
    peak = peak_dbfs(path)
    if peak < SILENCE_DBFS:
        raise AudioError(
            f"{label}: the recording is silent (loudest point {peak:.0f} dBFS, "
            f"below {SILENCE_DBFS:.0f} dBFS); was the microphone on?"
        )
    return info


def peak_dbfs(path: Path) -> float:
    """The loudest sample in the whole file, by ffmpeg's volumedetect (-91 for digital zero)."""
    argv = [require_tool("ffmpeg"), "-nostdin", "-hide_banner", "-nostats", "-i", str(path)]
    argv += ["-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-"]
    done = subprocess.run(
        argv, capture_output=True, encoding="utf-8", errors="replace", timeout=600
    )
    found = _MAX_VOLUME.search(done.stderr)
    if done.returncode != 0 or found is None:
        lines = done.stderr.strip().splitlines()
        raise AudioError(f"{path_label(path)}: cannot be decoded ({lines[-1] if lines else '?'})")
    return float(found.group(1))


def speak_recording(path: Path, text: str) -> Speech:
    """The recording as the speech of ``text``, once it passes :func:`check_recording`.

    It stays where staff put it: the cache holds what we make, not what we are
    given. ``text_hash`` is that of the text the announcer read, as for
    synthesis, so approval compares like with like.
    """
    check_recording(path)
    return Speech(
        path=path,
        engine="recorded",
        voice=path.name,
        fallback=False,
        cached=False,
        text_hash=sha256_text(text),
    )
