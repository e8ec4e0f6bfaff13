"""The player: one external process per file, checked before and watched while it runs.

The studio's player is whatever command the settings name (ffmpeg to ALSA by default),
with ``{file}`` standing for the audio. It runs in its own session, so a Ctrl-C
meant for the daemon does not kill it behind the daemon's back: the daemon stops
it itself and logs why.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from broadcaster.children import die_with_parent
from broadcaster.render.manifest import file_sha256

STOP_WAIT_S = 3.0  # after SIGTERM, before SIGKILL


def command(template: Sequence[str], path: Path) -> list[str]:
    return [arg.replace("{file}", str(path)) for arg in template]


def check_file(path: Path, sha256: str) -> str | None:
    """Why ``path`` may not go on air, or None: it must be exactly the approved audio."""
    if not path.is_file():
        return f"file missing: {path}"
    actual = file_sha256(path)
    if actual != sha256:
        return (
            f"file does not match the approved render: sha256 {actual[:12]}, approved {sha256[:12]}"
        )
    return None


class Process:
    """A running player; :meth:`wait` says how it ended, :meth:`stop` ends it."""

    def __init__(self, argv: Sequence[str]) -> None:
        # A file, not a pipe: a chatty player could fill a pipe and hang. Closed in close().
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._popen = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                start_new_session=True,
                # The kernel kills it when the daemon dies, even by SIGKILL, so a
                # restarted daemon never puts a second item on air beside it.
                preexec_fn=die_with_parent,
            )
        except BaseException:
            self._stderr.close()
            raise

    @property
    def running(self) -> bool:
        return self._popen.poll() is None

    def terminate(self) -> None:
        """Ask it to end, without waiting (safe to call from another thread)."""
        if self.running:
            self._popen.terminate()

    def wait(self, timeout_s: float) -> int | None:
        """The exit status, or None if it is still running after ``timeout_s``."""
        try:
            return self._popen.wait(timeout=max(timeout_s, 0.0))
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> int:
        """End it, by SIGKILL if SIGTERM is not enough; returns the exit status."""
        if self._popen.poll() is None:
            self._popen.terminate()
            try:
                self._popen.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self._popen.kill()
                self._popen.wait()
        return self._popen.returncode

    def error_text(self, limit: int = 200) -> str:
        """The last line the player wrote to stderr, for the log's reason."""
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1][:limit] if lines else ""

    def close(self) -> None:
        self.stop()
        self._stderr.close()
