"""Peak memory of rendering an announcer's upload, hostile against ordinary. Run by hand:

    .venv/bin/python benchmarks/upload_memory.py [--mb 5] [--seconds 370]

In one run, two bulletins read by "announcers", each rendered by its own
``broadcaster render --only ID --jobs 1`` (as the panel's job and the CLI do):

1. the baseline: an ordinary upload, mono 44.1 kHz Ogg Vorbis of about ``--mb``;
2. the hostile one: FLAC named ``.ogg``, 8 channels at 192 kHz, of about the same
   size (a tone, then digital silence, which FLAC stores in almost nothing) but
   ``--seconds`` long. Mastering held every sample of every channel as float32:
   8 x 192,000 x 4 bytes a second, 2.27 GB for 370 s (issue "Harden the panel").

Prints each render's peak RSS (the render process itself, where decoding happens),
its outcome, and the ratio hostile / baseline. Goal: the hostile upload is refused
before it is decoded, so the ratio stays near (or below) 1.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

BULLETIN = """\
id: {id}
form: null
kind: bulletin
title: Bản ghi thử
priority: thuong
valid_from: 2023-01-01
valid_until: null
voice: null
recording: recordings/{id}.ogg
body: |
  Thấy lạ, gọi 113.
"""


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def hostile(path: Path, megabytes: float, seconds: int) -> None:
    """8 channels at 192 kHz: a tone long enough for the size, then silence."""
    tone = max(1, round(megabytes * 18))  # about 57 kB of FLAC per second of tone
    source = f"sine=f=220:sample_rate=192000:d={tone},apad=whole_dur={seconds}"
    ffmpeg("-f", "lavfi", "-i", source, "-ac", "8", "-c:a", "flac", "-f", "flac", str(path))


def ordinary(path: Path, megabytes: float) -> None:
    """Mono 44.1 kHz Vorbis at 128 kb/s: about a minute per megabyte, like a phone's."""
    seconds = round(megabytes * 8 * 1024 / 128)
    source = f"sine=f=220:sample_rate=44100:d={seconds}"
    noise = f"anoisesrc=a=0.05:r=44100:d={seconds}"
    ffmpeg(
        *("-f", "lavfi", "-i", source, "-f", "lavfi", "-i", noise),
        *("-filter_complex", "amix=inputs=2", "-ac", "1", "-ar", "44100"),
        *("-c:a", "libvorbis", "-b:a", "128k", str(path)),
    )


def probe(path: Path) -> str:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate"]
        + ["-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(done.stdout.split())


def render(env: dict[str, str], bulletin_id: str) -> tuple[float, int, str]:
    """Peak RSS (MB) of the render process, its exit status and its last line."""
    argv = [str(BIN / "broadcaster"), "render", "--only", bulletin_id, "--jobs", "1"]
    argv += ["--engine", "espeak", "--by", "benchmark"]
    child = subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.stdout.close()
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of each upload")
    parser.add_argument("--seconds", type=int, default=370, help="length of the hostile one")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="upload-memory-") as scratch:
        root = Path(scratch)
        library, recordings = root / "bulletins", root / "bulletins" / "recordings"
        recordings.mkdir(parents=True)
        uploads = ("ban-ghi-thuong", "ban-ghi-8-kenh")  # the baseline first
        ordinary(recordings / "ban-ghi-thuong.ogg", options.mb)
        hostile(recordings / "ban-ghi-8-kenh.ogg", options.mb, options.seconds)
        env = {
            **os.environ,
            "BROADCASTER_DATA_DIR": str(root / "var"),
            "BROADCASTER_LIBRARY_DIR": str(library),
            "BROADCASTER_SPEECH__ENGINES": "espeak",
        }
        results = {}
        for bulletin_id in uploads:
            (library / f"{bulletin_id}.yaml").write_text(
                BULLETIN.format(id=bulletin_id), encoding="utf-8"
            )
        for bulletin_id in uploads:
            upload = recordings / f"{bulletin_id}.ogg"
            peak, code, last = render(env, bulletin_id)
            results[bulletin_id] = peak
            size = upload.stat().st_size / 1e6
            print(f"{bulletin_id:15s} {size:5.1f} MB  {probe(upload)}")
            print(f"{'':15s} peak RSS {peak:7.0f} MB, exit {code}: {last[:110]}")
        ratio = results["ban-ghi-8-kenh"] / results["ban-ghi-thuong"]
        print(f"hostile / baseline peak RSS: {ratio:.2f}x")


if __name__ == "__main__":
    main()
