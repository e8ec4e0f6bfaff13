"""Logging in and out, the current user, and where each role lands."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from broadcaster import accounts, audit
from broadcaster.accounts import Role
from web.context import now, runtime

bp = Blueprint("auth", __name__)


class LoginThrottle:
    """At most N failed logins per (username, address) in a sliding window.

    In memory: a restart forgets, which is acceptable for a small panel; the
    password hashes (scrypt) already make each guess slow.
    """

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, key: tuple[str, str], limit: int, window_s: float) -> bool:
        with self._lock:
            recent = self._prune(key, window_s)
            return len(recent) >= limit

    def fail(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())

    def clear(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _prune(self, key: tuple[str, str], window_s: float) -> deque[float]:
        recent = self._failures[key]
        while recent and recent[0] < time.monotonic() - window_s:
            recent.popleft()
        return recent


@bp.before_app_request
def load_user() -> None:
    user_id = session.get("user_id")
    user = accounts.get_user(runtime().engine, user_id) if user_id else None
    g.user = user if user and user.active else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip().lower()
        password = request.form.get("password", "")
        key = (username, request.remote_addr or "")
        throttle = current_app.extensions.setdefault("login_throttle", LoginThrottle())
        limit, window = current_app.config["LOGIN_ATTEMPTS"], current_app.config["LOGIN_WINDOW_S"]
        if throttle.blocked(key, limit, window):
            abort(429)
        user = accounts.authenticate(runtime().engine, username, password)
        if user is None:
            throttle.fail(key)
            flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
            return render_template("login.html", username=username), 401
        throttle.clear(key)
        session.clear()
        session["user_id"] = user.id
        audit.log(runtime().engine, audit.Entry(now(), user.username, "login"))
        target = request.args.get("next", "")
        return redirect(target if _is_local(target) else url_for("auth.home"))
    return render_template("login.html", username="")


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/")
def home():
    user = g.user
    if user is None:
        return redirect(url_for("auth.login"))
    landing = {
        Role.STAFF: "content.index",
        Role.OPERATOR: "station.today",
        Role.LEADER: "reports.dashboard",
        Role.ADMIN: "admin.users",
    }[user.role]
    kwargs = {"station_id": user.station_id} if user.role is Role.OPERATOR else {}
    if landing not in current_app.view_functions:
        return render_template("home.html")
    return redirect(url_for(landing, **kwargs))


def _is_local(target: str) -> bool:
    return target.startswith("/") and not target.startswith("//")
