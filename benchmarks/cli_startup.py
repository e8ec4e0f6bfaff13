"""How fast the command answers when there is little to do. Run by hand:

    .venv/bin/python benchmarks/cli_startup.py [--runs 7]

1. ``broadcaster --help``, a separate process as a user runs it, against the
   floor of any Python command: ``python -c pass`` in the same run.
2. ``broadcaster render`` of a library already rendered and unchanged (the daily
   job's usual case), against the same work in-process (no start-up at all).

Medians of ``--runs`` runs, alternated so a busy neighbour slows both sides alike.
Goals (issue "A national day in seconds"): ``--help`` under 0.3 s, the unchanged
re-render under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def in_process_render(data_dir: Path) -> float:
    from broadcaster.render.pipeline import render_library
    from broadcaster.runtime import build_runtime

    start = time.perf_counter()
    runtime = build_runtime(overrides={"data_dir": str(data_dir), "speech.engines": ["espeak"]})
    report = render_library(
        list(runtime.library()),
        settings=runtime.settings,
        lexicon=runtime.lexicon,
        clock=runtime.clock,
    )
    assert report.synthesis_calls == 0, "the library was not unchanged"
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    broadcaster = str(BIN / "broadcaster")

    floor, help_ = [], []
    for _ in range(runs):
        floor.append(timed([sys.executable, "-c", "pass"]))
        help_.append(timed([broadcaster, "--help"]))
    f, h = statistics.median(floor), statistics.median(help_)
    print(f"python -c pass      {f:6.3f} s (baseline)")
    print(f"broadcaster --help  {h:6.3f} s  ratio {h / f:5.1f}  goal < 0.3 s")

    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        data = Path(tmp) / "data"
        render = [broadcaster, "--data-dir", str(data), "--create", "render", "--engine", "espeak"]
        print("rendering the library once with the offline voice ...", flush=True)
        subprocess.run(render, check=True, capture_output=True)
        inside, command = [], []
        for _ in range(runs):
            inside.append(in_process_render(data))
            command.append(timed(render))
        i, c = statistics.median(inside), statistics.median(command)
        print(f"render, unchanged, in-process   {i:6.3f} s (baseline)")
        print(f"broadcaster render, unchanged   {c:6.3f} s  ratio {c / i:5.1f}  goal < 1 s")


if __name__ == "__main__":
    main()
