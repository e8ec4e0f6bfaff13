"""Logging in and out, the current user, and where each role lands.

A session cookie names the user and the account's session version when it was
issued; logout, a password change and disabling the account raise the version,
so every copy of the cookie stops working at once. A session also ends
``panel.session_hours`` after the login, and the cookie is not kept when the
browser closes (commune PCs are shared).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.exc import SQLAlchemyError

from broadcaster import accounts, audit
from broadcaster.accounts import Role
from broadcaster.accounts.throttle import Throttle
from web import proxies
from web.context import now, runtime

bp = Blueprint("auth", __name__)

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Sessions(SecureCookieSessionInterface):
    """The cookie's Secure flag from ``panel.secure_cookies``; unset (auto), it is on
    whenever this request came over HTTPS (directly or through a trusted proxy)."""

    def get_cookie_secure(self, app) -> bool:
        setting = app.extensions["broadcaster"].settings.panel.secure_cookies
        if setting is None:
            return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure
        return setting


def init_app(app: Flask) -> None:
    """What logging in needs from the whole app: the client's real address, the
    cookie's lifetime and Secure flag, and the throttle on the runtime's clock and
    database."""
    panel = app.extensions["broadcaster"].settings.panel
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=panel.session_hours)
    app.session_interface = _Sessions()
    app.wsgi_app = proxies.TrustedProxies(app.wsgi_app, proxies.networks(panel.trusted_proxies))
    runtime = app.extensions["broadcaster"]
    clock = runtime.clock
    # In the database: every worker behind the proxy counts the same failures.
    app.extensions["login_throttle"] = Throttle(
        runtime.engine, clock=lambda: clock.now().timestamp()
    )


@bp.before_app_request
def load_user() -> None:
    user_id = session.get("user_id")
    user = accounts.get_user(runtime().engine, user_id) if user_id else None
    g.user = user if user and _session_holds(user) else None
    if user_id and g.user is None:
        session.clear()  # ended: the browser drops the cookie with this response


def _session_holds(user: accounts.User) -> bool:
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    login_at = session.get("login_at")
    return (
        user.active
        and session.get("session_version") == user.session_version
        and isinstance(login_at, (int, float))
        and now().timestamp() - login_at < lifetime  # a clock set back keeps it
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", username="")
    raw_username = request.form.get("username", "")
    password = request.form.get("password", "")
    if len(raw_username) > accounts.MAX_USERNAME or len(password) > accounts.MAX_PASSWORD:
        # Cannot be an account's: not hashed, not echoed, not remembered by the throttle.
        flash(WRONG, "error")
        return render_template("login.html", username=""), 401
    username = raw_username.strip().lower()
    address = request.remote_addr or ""
    throttle: Throttle = current_app.extensions["login_throttle"]
    wait = throttle.wait(username, address)
    if wait > 0:
        return _throttled(username, wait)
    user = accounts.authenticate(runtime().engine, username, password)
    if user is None:
        throttle.failed(username, address)
        flash(WRONG, "error")
        return render_template("login.html", username=username), 401
    throttle.succeeded(username, address)
    session.clear()
    session["user_id"] = user.id
    session["session_version"] = user.session_version
    session["login_at"] = now().timestamp()
    _audit_login(user.username)
    return redirect(safe_next(request.args.get("next", "")) or url_for("auth.home"))


@bp.route("/logout", methods=["POST"])
def logout():
    if g.user is not None:
        try:
            accounts.end_sessions(runtime().engine, g.user.id)
        except SQLAlchemyError:  # the cookie below still goes; copies live until the lifetime
            current_app.logger.exception("could not end the sessions of %s", g.user.username)
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


def safe_next(target: str) -> str | None:
    """``target`` as a path on this site, or None.

    Browsers drop tabs and newlines inside a URL and read ``\\`` as ``/``, so
    ``/%09/evil.example`` and ``/\\evil.example`` are ``//evil.example``: another
    site. The target is cleaned the way a browser would read it, then checked.
    """
    cleaned = _CONTROL.sub("", target).replace("\\", "/")
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned


def _throttled(username: str, wait_s: float):
    seconds = math.ceil(wait_s)
    pause = f"{seconds} giây" if seconds < 60 else f"{math.ceil(seconds / 60)} phút"
    flash(f"Bạn đã thử quá nhiều lần. Vui lòng đợi {pause} rồi thử lại.", "error")
    page = render_template("login.html", username=username)
    return page, 429, {"Retry-After": str(seconds)}


def _audit_login(username: str) -> None:
    """A login is audited, but never refused for it: a busy database must not keep
    an operator from confirming the morning's airing."""
    try:
        audit.log(runtime().engine, audit.Entry(now(), username, "login"))
    except SQLAlchemyError:
        current_app.logger.exception("could not write the audit entry for %s's login", username)
