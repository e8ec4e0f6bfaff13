"""Render speed against its physical floor, the MP3 encoder. Run by hand:

    .venv/bin/python benchmarks/render.py [--jobs N] [--pairs 5]

Each pair renders the whole library offline (espeak-ng) into an empty data
directory, then measures the floor on the same audio: per bulletin, one ffmpeg
command that concatenates the same parts (tune, pause, cached speech, pause,
sting) and encodes them with the same settings, run with the same number of
parallel workers. The pairs are back to back, so a busy neighbour slows both
sides of a pair alike; the median ratio is the figure. Finally it renders
again with nothing changed.
Goals: cold render <= 1.5x the floor; warm render < 2 s with 0 synthesis calls.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from broadcaster.render.pipeline import render_library
from broadcaster.runtime import DataPaths, build_runtime

REPO = Path(__file__).resolve().parent.parent


def floor_command(intro, speech, outro, programme, mastering, out: Path) -> list[str]:
    rate = mastering.sample_rate
    parts, labels = [], []
    for index, (kind, value) in enumerate(
        [
            ("file", intro),
            ("pause", programme.pause_before_s),
            ("file", speech),
            ("pause", programme.pause_after_s),
            ("file", outro),
        ]
    ):
        if kind == "file":
            parts += ["-i", str(value)]
        else:
            parts += ["-f", "lavfi", "-t", str(value), "-i", f"anullsrc=r={rate}:cl=mono"]
        labels.append(f"[{index}:a]aresample={rate},aformat=channel_layouts=mono[a{index}]")
    joined = "".join(f"[a{i}]" for i in range(len(labels)))
    graph = ";".join(labels) + f";{joined}concat=n={len(labels)}:v=0:a=1[out]"
    return [
        "ffmpeg",
        "-v",
        "error",
        "-y",
        *parts,
        "-filter_complex",
        graph,
        "-map",
        "[out]",
        "-ac",
        "1",
        "-ar",
        str(rate),
        "-c:a",
        "libmp3lame",
        "-b:a",
        f"{mastering.bitrate_kbps}k",
        str(out),
    ]


@dataclass(frozen=True)
class Pair:
    cold_s: float
    floor_s: float
    cold_cpu_s: float  # this process, its workers and every program they ran
    floor_cpu_s: float


class Clock:
    """Wall time and the CPU time of this process and all its finished descendants."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *_) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu


def cpu_seconds() -> float:
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cold_then_floor(runtime_for, bulletins, jobs: int, scratch: Path) -> tuple[Pair, list]:
    """One pair: render into an empty data directory, then the floor on the same speech."""
    data_dir = scratch / "var"
    runtime = runtime_for(data_dir)
    settings = runtime.settings
    with Clock() as cold_clock:
        cold = render_library(
            bulletins,
            settings=settings,
            lexicon=runtime.lexicon,
            workers=jobs,
            clock=runtime.clock,
        )
    assert not cold.failures, cold.failures

    programme = settings.programmes["default"]
    speech_files = sorted(DataPaths(data_dir).speech_cache.glob("*.wav"))
    if len(speech_files) != len(bulletins):
        sys.exit(f"expected {len(bulletins)} cached speech files, found {len(speech_files)}")
    floor_dir = scratch / "floor"
    floor_dir.mkdir()
    commands = [
        floor_command(
            programme.intro,
            speech,
            programme.outro,
            programme,
            settings.mastering,
            floor_dir / f"{speech.stem}.mp3",
        )
        for speech in speech_files
    ]
    with Clock() as floor_clock, ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda argv: subprocess.run(argv, check=True), commands))
    pair = Pair(cold_clock.wall, floor_clock.wall, cold_clock.cpu, floor_clock.cpu)
    return pair, list(cold.outcomes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pairs", type=int, default=5, help="cold render + floor pairs")
    args = parser.parse_args()
    os.chdir(REPO)

    def runtime_for(data_dir: Path):
        return build_runtime(
            environ={}, overrides={"data_dir": str(data_dir), "speech.engines": ["espeak"]}
        )

    bulletins = [b for b in runtime_for(REPO / "var").library() if b.form is not None]
    pairs: list[Pair] = []
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        for index in range(args.pairs):
            scratch = Path(tmp) / f"pair-{index}"
            scratch.mkdir()
            pair, outcomes = cold_then_floor(runtime_for, bulletins, args.jobs, scratch)
            pairs.append(pair)
            print(
                f"pair {index + 1}: cold {pair.cold_s:6.2f} s, floor {pair.floor_s:6.2f} s, "
                f"ratio {pair.cold_s / pair.floor_s:.2f}x; CPU time {pair.cold_cpu_s:6.2f} s / "
                f"{pair.floor_cpu_s:6.2f} s = {pair.cold_cpu_s / pair.floor_cpu_s:.2f}x",
                flush=True,
            )
        # The last pair's data directory is complete: render it again, nothing changed.
        runtime = runtime_for(scratch / "var")
        with Clock() as warm_clock:
            warm = render_library(
                bulletins,
                settings=runtime.settings,
                lexicon=runtime.lexicon,
                workers=args.jobs,
                clock=runtime.clock,
            )

    def spread(values) -> str:
        ordered = sorted(values)
        return (
            f"median {statistics.median(ordered):.2f}x (range {ordered[0]:.2f}-{ordered[-1]:.2f})"
        )

    audio_s = sum(o.record.duration_s for o in outcomes)
    print(f"bulletins: {len(bulletins)}, audio: {audio_s / 60:.1f} min, workers: {args.jobs}")
    floor_s = statistics.median(p.floor_s for p in pairs)
    cold_s = statistics.median(p.cold_s for p in pairs)
    print(f"floor (ffmpeg concat + encode): median {floor_s:6.2f} s")
    print(f"cold render (synthesis + mastering): median {cold_s:6.2f} s")
    print(
        f"ratio cold/floor, wall time: {spread(p.cold_s / p.floor_s for p in pairs)}; goal <= 1.5x"
    )
    print(
        "ratio cold/floor, CPU time of all processes: "
        + spread(p.cold_cpu_s / p.floor_cpu_s for p in pairs)
    )
    print(
        f"warm render: {warm_clock.wall:6.2f} s, synthesis calls: {warm.synthesis_calls}, "
        f"unchanged: {warm.count('unchanged')} (goal < 2 s, 0 calls)"
    )


if __name__ == "__main__":
    main()
