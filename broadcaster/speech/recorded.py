"""An announcer's own reading, used instead of synthesis.

Staff record on whatever is at hand (a phone's M4A, a recorder's WAV or MP3,
an OGG from a messaging app), at any usual sample rate, mono or stereo; mastering
converts it. What is checked here is what would otherwise reach a loudspeaker
unnoticed: a file that is not audio, a whole programme instead of a bulletin,
or a take where the microphone was off; and what would reach mastering's memory
unbounded. Mastering holds every sample of every channel as float32: an 8-channel
192 kHz file of 5 MB took a render to 2.27 GB. So the shape is refused before any
sample is decoded, and the length is checked again on the decoded samples, since a
header (an MP3 without one, say) can claim far less than the file holds.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from broadcaster.errors import AudioError, path_label
from broadcaster.probe import AudioInfo, probe, require_tool
from broadcaster.speech.base import Speech, sha256_text

MAX_DURATION_S = 30 * 60.0  # a bulletin is read in one to three minutes; a slot lasts 15 to 45
MAX_CHANNELS = 2
MAX_SAMPLE_RATE = 48_000
SILENCE_DBFS = -60.0  # a peak below this is a dead microphone, not a quiet voice
_MAX_VOLUME = re.compile(r"max_volume:\s*(-?[\d.]+|-inf)\s*dB")
_N_SAMPLES = re.compile(r"n_samples:\s*(\d+)")


def check_recording(path: Path) -> AudioInfo:
    """What the recording is; AudioError naming the file if it is not fit to air."""
    info = probe(path)  # AudioError for missing, unreadable or audio-less files
    label = path_label(path)
    if info.duration_s <= 0:
        raise AudioError(f"{label}: the recording is empty")
    if info.channels > MAX_CHANNELS:
        raise AudioError(
            f"{label}: the recording has {info.channels} channels; "
            f"at most {MAX_CHANNELS} (mono or stereo) are accepted"
        )
    if info.sample_rate > MAX_SAMPLE_RATE:
        raise AudioError(
            f"{label}: the recording is sampled at {info.sample_rate} Hz; "
            f"the limit is {MAX_SAMPLE_RATE} Hz"
        )
    _check_length(info.duration_s, label)
    peak, samples = _measure(path)  # decodes it all, a block at a time
    if info.channels and info.sample_rate:
        _check_length(samples / (info.channels * info.sample_rate), label)
    if peak < SILENCE_DBFS:
        raise AudioError(
            f"{label}: the recording is silent (loudest point {peak:.0f} dBFS, "
            f"below {SILENCE_DBFS:.0f} dBFS); was the microphone on?"
        )
    return info


def _check_length(seconds: float, label: str) -> None:
    if seconds > MAX_DURATION_S:
        whole = int(seconds)
        length = f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
        limit = int(MAX_DURATION_S // 60)
        raise AudioError(f"{label}: the recording lasts {length}; the limit is {limit} minutes")


def peak_dbfs(path: Path) -> float:
    """The loudest sample in the whole file, by ffmpeg's volumedetect (-91 for digital zero)."""
    return _measure(path)[0]


def _measure(path: Path) -> tuple[float, int]:
    """The loudest sample, and how many samples (all channels) the file really decodes to."""
    argv = [require_tool("ffmpeg"), "-nostdin", "-hide_banner", "-nostats", "-i", str(path)]
    argv += ["-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-"]
    done = subprocess.run(
        argv, capture_output=True, encoding="utf-8", errors="replace", timeout=600
    )
    peak, count = _MAX_VOLUME.search(done.stderr), _N_SAMPLES.search(done.stderr)
    if done.returncode != 0 or peak is None or count is None:
        lines = done.stderr.strip().splitlines()
        raise AudioError(f"{path_label(path)}: cannot be decoded ({lines[-1] if lines else '?'})")
    return float(peak.group(1)), int(count.group(1))


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
