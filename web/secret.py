"""The key that signs session cookies: one for every worker process of a panel.

A cookie signed by one worker must be accepted by the next request's worker, so the
key is never made per process. In order: ``panel.secret_key`` (best given in the
environment, ``BROADCASTER_PANEL__SECRET_KEY``), then the file ``panel.secret_key_file``
(a mounted secret), then ``<data_dir>/secret_key``, which the first worker to start
writes once, whole (rename), readable by its owner only, under a file lock so that
workers starting together all read the same key.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import tempfile
from pathlib import Path

from broadcaster.config import PanelSettings
from broadcaster.errors import ConfigError, Problem


def session_key(panel: PanelSettings, default_file: Path) -> str:
    if panel.secret_key:
        return panel.secret_key
    if panel.secret_key_file is not None:
        return _read_given(panel.secret_key_file)
    return _shared_file(default_file)


def _read_given(path: Path) -> str:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError([_problem(path, f"cannot read it: {exc.strerror}")]) from None
    if len(key) < 32:
        raise ConfigError([_problem(path, "the key in it must be at least 32 characters")])
    return key


def _problem(path: Path, message: str) -> Problem:
    return Problem(str(path), None, f"panel.secret_key_file: {message}")


def _shared_file(path: Path) -> str:
    """The data directory's key, made by whichever worker gets the lock first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = path.with_name(path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        key = _read(path)
        if key:
            return key
        key = secrets.token_hex(32)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-secret-")  # 0600
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(key)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return key
    finally:
        os.close(fd)  # releases the lock


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return ""
