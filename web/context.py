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
        app.config["SECRET_KEY"] = _secret_key(runtime.settings.data_dir)
    runtime.engine  # noqa: B018 - create the schema before the first request
    csrf.init_app(app)


def runtime() -> Runtime:
    return current_app.extensions["broadcaster"]


def now() -> dt.datetime:
    """The current time in the stations' zone (tests may pin it with PANEL_NOW)."""
    pinned = current_app.config.get("PANEL_NOW")
    zone = runtime().settings.zone
    return pinned.astimezone(zone) if pinned else dt.datetime.now(zone)


def _secret_key(data_dir: Path) -> str:
    """Kept in the data directory so that sessions survive a restart."""
    path = data_dir / "secret_key"
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
