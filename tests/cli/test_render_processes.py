"""``broadcaster render --jobs N`` killed with SIGKILL takes its workers with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PYTHON = os.path.realpath(sys.executable)


def _stat(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, state, start time) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return int(fields[1]), fields[0], fields[19]


def _workers(parent: int) -> dict[int, str]:
    """The parent's children that run Python, as pool workers do (not its ffmpeg)."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(int(entry))
            if info is not None and info[0] == parent and _program(int(entry)) == PYTHON:
                found[int(entry)] = info[2]
    return found


def _program(pid: int) -> str | None:
    try:
        return os.path.realpath(f"/proc/{pid}/exe")
    except OSError:
        return None


def _alive(pid: int, started: str) -> bool:
    info = _stat(pid)
    return info is not None and info[2] == started and info[1] != "Z"


def test_killing_the_render_command_kills_its_workers(repo, data_dir):
    command = subprocess.Popen(
        [sys.executable, "-m", "broadcaster", "render", "--jobs", "2", "--engine", "espeak"],
        cwd=repo,
        env={**os.environ, "BROADCASTER_DATA_DIR": str(data_dir), "BROADCASTER_CONFIG": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2:
            assert command.poll() is None, "the render ended before its workers were seen"
            assert time.monotonic() < deadline, "no workers after 60 s"
            time.sleep(0.1)
            workers = _workers(command.pid)
        command.send_signal(signal.SIGKILL)
        command.wait()
        deadline = time.monotonic() + 5
        while any(_alive(pid, started) for pid, started in workers.items()):
            assert time.monotonic() < deadline, f"workers still running: {sorted(workers)}"
            time.sleep(0.1)
    finally:
        command.kill()
        command.wait()
        for pid, started in workers.items():  # only the workers this test started
            if _alive(pid, started):
                os.kill(pid, signal.SIGKILL)
