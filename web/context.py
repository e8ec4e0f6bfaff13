"""The panel's link to the rest of the system: one Runtime per app, CSRF, the clock."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect

from broadcaster.runtime import Runtime, build_runtime

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    runtime = app.config.get("BROADCASTER_RUNTIME") or build_runtime()
    app.extensions["broadcaster"] = runtime
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(runtime.paths.secret_key)
    runtime.engine  # noqa: B018 - create the schema before the first request
    csrf.init_app(app)


def runtime() -> Runtime:
    return current_app.extensions["broadcaster"]


def now() -> dt.datetime:
    """The current time in the stations' zone, from the runtime's one clock."""
    return runtime().clock.now()


def _secret_key(path: Path) -> str:
    """Kept in the data directory so that sessions survive a restart."""
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
