"""Ask what an audio file really is (libsndfile or ffprobe), and find the programs we run."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import soundfile

from broadcaster.errors import AudioError, ToolMissing, path_label

APT_PACKAGE = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "espeak-ng": "espeak-ng"}


def require_tool(program: str) -> str:
    """Absolute path of ``program``, or ToolMissing saying which Debian package to install."""
    found = shutil.which(program)
    if found is None:
        package = APT_PACKAGE.get(program, program)
        raise ToolMissing(program, f"install it with: sudo apt-get install {package}")
    return found


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float
    sample_rate: int
    channels: int
    codec: str


def probe(path: Path) -> AudioInfo:
    """The first audio stream of ``path``; AudioError if there is none."""
    label = path_label(path)
    if not path.is_file():
        raise AudioError(f"{label}: file not found")
    argv = [
        require_tool("ffprobe"),
        *("-v", "error", "-print_format", "json", "-show_streams", "-show_format"),
        str(path),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "unreadable"
        raise AudioError(f"{label}: not a readable audio file ({reason})")
    report = json.loads(done.stdout or "{}")
    streams = [s for s in report.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        raise AudioError(f"{label}: contains no audio")
    stream = streams[0]
    duration = stream.get("duration") or report.get("format", {}).get("duration") or 0
    return AudioInfo(
        duration_s=float(duration),
        sample_rate=int(stream.get("sample_rate") or 0),
        channels=int(stream.get("channels") or 0),
        codec=str(stream.get("codec_name", "")),
    )


def duration_s(path: Path) -> float:
    """Length of ``path`` in seconds; AudioError if it is not audio.

    libsndfile reads the header in-process when it knows the format (every
    engine writes WAV or MP3); only other formats pay for starting ffprobe.
    """
    try:
        return float(soundfile.info(str(path)).duration)
    except soundfile.SoundFileError:
        return probe(path).duration_s
