"""The panel's link to the rest of the system: one Runtime per app, CSRF, the clock."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect

from broadcaster.runtime import Runtime, build_runtime
from web import secret

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    # The panel never runs DDL: a database not at head is refused (broadcaster db upgrade).
    runtime = app.config.get("BROADCASTER_RUNTIME") or build_runtime(create_database=False)
    app.extensions["broadcaster"] = runtime
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret.session_key(
            runtime.settings.panel, runtime.paths.secret_key
        )
    runtime.engine  # noqa: B018 - check the schema before the first request
    csrf.init_app(app)


def runtime() -> Runtime:
    return current_app.extensions["broadcaster"]


def now() -> dt.datetime:
    """The current time in the stations' zone, from the runtime's one clock."""
    return runtime().clock.now()
