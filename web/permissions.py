"""Permissions as data: which role may do which action, and one decorator that enforces it.

Object-level rules (an operator sees only its own station) are in
:func:`can_use_station`; every route that takes a station id calls it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask, abort, current_app, g, redirect, request, url_for

from broadcaster.accounts import Role, User

ROLE_ACTIONS: dict[Role, frozenset[str]] = {
    Role.STAFF: frozenset(
        {
            "content.view",
            "content.edit",
            "content.render",
            "content.approve",
            "content.upload",
            "content.lexicon",
            "schedule.view",
            "schedule.plan",
            "programme.edit",
            "alert.raise",
            "alert.withdraw",
            "alert.emergency",  # the "Cảnh báo khẩn" pages
            "station.view_any",
            "logs.view",
            "audit.view",
            "leaflet.print",
        }
    ),
    Role.OPERATOR: frozenset({"station.view_own", "airing.confirm_own", "leaflet.print_own"}),
    Role.LEADER: frozenset(
        {
            "logs.view",
            "reports.view",
            "reports.export",
            "station.view_any",
            "leaflet.print",
            "alert.emergency",
            "alert.override",  # approve a typed warning when no second staff member is there
        }
    ),
    Role.ADMIN: frozenset(
        {
            "users.manage",
            "stations.manage",
            "tokens.manage",
            "audit.view",
            "schedule.view",
            "programme.edit",
            "leaflet.print",
            "alert.emergency",
            "alert.override",
        }
    ),
}


def allowed(user: User | None, action: str) -> bool:
    return user is not None and action in ROLE_ACTIONS[user.role]


def can_use_station(user: User | None, station_id: str, *, confirm: bool = False) -> bool:
    """Operators act for their own station only; others by role."""
    if user is None:
        return False
    if user.role is Role.OPERATOR:
        own = user.station_id == station_id
        return own and (not confirm or allowed(user, "airing.confirm_own"))
    return not confirm and allowed(user, "station.view_any")


def requires(action: str) -> Callable:
    """Anonymous: to the login page. Logged in without the right: 403."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if not allowed(g.user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_action = action  # the permission matrix test reads this
        return wrapped

    return decorate


def init_app(app: Flask) -> None:
    @app.context_processor
    def expose() -> dict:
        return {
            "allowed": lambda action: allowed(g.get("user"), action),
            "has_view": lambda endpoint: endpoint in current_app.view_functions,
        }
