"""The panel: culture-centre staff, commune operators, leadership and administrators."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the panel. ``config`` may carry ``BROADCASTER_RUNTIME`` (a built Runtime)."""
    from web import auth, context, errors, headers, limits, permissions

    app = Flask(__name__)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,  # announcer recordings
    )
    app.config.update(config or {})
    context.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    permissions.init_app(app)
    limits.init_app(app)
    app.register_blueprint(auth.bp)
    for blueprint in _area_blueprints():
        app.register_blueprint(blueprint)
    return app


def _area_blueprints() -> list:
    """One blueprint per area; each lives in its own module."""
    from web import admin, api, audit_trail, content, leaflet, programme, reports, schedule, station

    areas = (content, audit_trail, schedule, programme, station, leaflet, api, reports, admin)
    return [m.bp for m in areas]
