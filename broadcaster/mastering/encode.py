"""Audio out: MP3 through ffmpeg, ID3 tags, and an atomic, content-named file.

ffmpeg writes into a hidden temporary file beside the destination (never a
name a reader takes for output), tags go into that file, and only then is it
flushed to disk and renamed to ``<bulletin_id>-<sha256[:12]>.mp3`` in one step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import math
import os
import re
import secrets
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from mutagen.id3 import ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TXXX

from broadcaster.atomic import TEMP_PREFIX
from broadcaster.errors import RenderError
from broadcaster.mastering.decode import decode_file
from broadcaster.probe import require_tool

ENCODE_TIMEOUT_S = 600
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
DEFAULT_PRODUCER = "Đài truyền thanh"


@dataclass(frozen=True)
class Tags:
    """What a player, a USB stick listing or an upload platform shows about a segment."""

    title: str  # the bulletin's Vietnamese title
    bulletin_id: str
    programme: str  # the programme's Vietnamese title
    render_date: dt.date
    engine: str
    voice: str
    producer: str = DEFAULT_PRODUCER  # the unit that made it, shown as the artist


def check_bulletin_id(bulletin_id: str) -> None:
    """The id becomes a file name: refuse anything that could leave the output folder."""
    if not SAFE_ID.fullmatch(bulletin_id) or ".." in bulletin_id:
        raise RenderError(f"bulletin id {bulletin_id!r} cannot be used as a file name")


def temporary_file(out_dir: Path) -> Path:
    """A new, empty hidden file in ``out_dir`` for ffmpeg to fill.

    Created with the usual permissions (not mkstemp's owner-only ones), since the
    rename makes it the published file that the panel and players read.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    while True:
        path = out_dir / f"{TEMP_PREFIX}{secrets.token_hex(8)}.mp3"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return path
        except FileExistsError:
            continue


def encode_mp3(samples: np.ndarray, *, rate: int, bitrate_kbps: int, dest: Path) -> None:
    """Constant-bitrate mono MP3 of ``samples`` into ``dest``, from a raw float pipe.

    Bit-exact mode and no ffmpeg tags: the bytes depend only on the samples and
    the LAME build, so an unchanged bulletin keeps its file name across renders.
    """
    argv = [
        require_tool("ffmpeg"),
        *("-nostdin", "-hide_banner", "-v", "error"),
        *("-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"),
        *("-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", "-ar", str(rate), "-ac", "1"),
        *("-map_metadata", "-1", "-id3v2_version", "0", "-write_xing", "1"),
        *("-fflags", "+bitexact", "-flags:a", "+bitexact"),
        *("-f", "mp3", "-y", f"file:{dest.resolve()}"),
    ]
    unsent = memoryview(np.ascontiguousarray(samples, dtype="<f4")).cast("B")
    # Unbuffered writes of the whole array (run(input=...) feeds a pipe 4 KiB at a
    # time). "-v error" keeps stderr to a line or two, so it cannot fill its pipe
    # while we write; reading it to the end is how we learn, at once, that ffmpeg is done.
    with subprocess.Popen(
        argv, bufsize=0, stdin=subprocess.PIPE, stderr=subprocess.PIPE
    ) as encoder:
        with contextlib.suppress(BrokenPipeError):  # ffmpeg stopped early: its status says why
            while unsent:
                unsent = unsent[encoder.stdin.write(unsent) :]
        try:  # closes stdin, reads stderr to its end, then reaps ffmpeg
            _, errors = encoder.communicate(timeout=ENCODE_TIMEOUT_S)
        except subprocess.TimeoutExpired as exc:
            encoder.kill()
            raise RenderError(f"MP3 encoding took over {ENCODE_TIMEOUT_S} s") from exc
    if encoder.returncode != 0:
        lines = errors.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"MP3 encoding failed: {lines[-1] if lines else 'ffmpeg failed'}")


@functools.cache
def codec_gain_db(rate: int, bitrate_kbps: int) -> float:
    """How much the encoder changes the level, measured once per process on a test tone.

    LAME scales its input at most bitrates (to 0.95 at 96 kbps, -0.45 dB) to make
    room for its own overshoot; mastering aims above the target by that much so
    the first encode already lands on it.
    """
    t = np.arange(rate // 2) / rate
    tone = (0.25 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32)
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as scratch:
        probe = Path(scratch) / "probe.mp3"
        encode_mp3(tone, rate=rate, bitrate_kbps=bitrate_kbps, dest=probe)
        decoded = decode_file(probe, rate)
    middle = slice(rate // 8, 3 * rate // 8)
    ratio = np.sqrt(np.mean(np.square(decoded[middle])) / np.mean(np.square(tone[middle])))
    return 20.0 * math.log10(ratio)


def write_tags(path: Path, tags: Tags) -> None:
    """ID3v2.3 (UTF-16 text), the version every car stereo, USB player and Windows reads."""
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.programme))
    id3.add(TPE1(encoding=3, text=tags.producer))
    id3.add(TCON(encoding=3, text="Speech"))
    id3.add(TLAN(encoding=3, text="vie"))
    id3.add(TDRC(encoding=3, text=tags.render_date.isoformat()))  # saved as TYER + TDAT
    for key in ("bulletin_id", "engine", "voice"):
        id3.add(TXXX(encoding=3, desc=key, text=getattr(tags, key)))
    id3.add(TXXX(encoding=3, desc="render_date", text=tags.render_date.isoformat()))
    id3.save(path, v2_version=3, v1=0)


def publish(temp: Path, out_dir: Path, bulletin_id: str) -> tuple[Path, str]:
    """Flush ``temp`` to disk and rename it to its content name; returns path and sha256."""
    with temp.open("rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
        os.fsync(handle.fileno())
    final = out_dir / f"{bulletin_id}-{digest[:12]}.mp3"
    os.replace(temp, final)
    directory = os.open(out_dir, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
    return final, digest
