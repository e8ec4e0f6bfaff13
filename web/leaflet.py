"""The leaflet of the 24 forms in the panel: staff print it for the whole network or any
commune, an operator for its own commune (with its police number).

The PDF is made on each request from the library, the stations and today's date
(a fraction of a second), so it never goes stale after an edit.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from broadcaster.errors import LibraryError, Problem, Refused
from web import refusals
from web.context import runtime
from web.permissions import allowed, requires

bp = Blueprint("leaflet", __name__)

NOT_READY = (
    "Chưa tạo được tờ rơi: thư viện bản tin còn thiếu hoặc sai nội dung tờ rơi "
    "(mục “leaflet:” trong tệp bản tin). Cán bộ Trung tâm cần sửa các tệp dưới đây."
)


def can_print_for(user, station_id: str) -> bool:
    """Any station with ``leaflet.print``; an operator's own with ``leaflet.print_own``."""
    if allowed(user, "leaflet.print"):
        return True
    return allowed(user, "leaflet.print_own") and user.station_id == station_id


def station_leaflet_access(view: Callable) -> Callable:
    """Anonymous: to the login page. Another commune's leaflet: 403."""

    @functools.wraps(view)
    def wrapped(station_id: str):
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path))
        if not can_print_for(g.user, station_id):
            abort(403)
        return view(station_id)

    wrapped.required_action = "leaflet.print_own"  # the permission matrix reads one name
    return wrapped


@bp.get("/leaflet")
@requires("leaflet.print")
def index():
    network = runtime().schedule().network
    return render_template("leaflet/index.html", network=network)


@bp.get("/leaflet.pdf")
@requires("leaflet.print")
def network_pdf():
    return _pdf(None)


@bp.get("/station/<station_id>/leaflet.pdf")
@station_leaflet_access
def station_pdf(station_id: str):
    if runtime().schedule().station(station_id) is None:
        abort(404)
    return _pdf(station_id)


def _in_vietnamese(problem: Problem) -> str:
    """The problem's sentence for staff, with the file it is in (the English is the CLI's)."""
    if not problem.code:
        return str(problem)
    refused = Refused(problem.code, problem.message, **problem.params)
    return f"{refusals.text(refused, runtime().settings.zone)} (tệp {problem.source})"


def _pdf(station_id: str | None):
    # ReportLab loads on the first download, not into every panel process at start.
    from broadcaster.leaflet import default_name, make_leaflet

    try:
        data = make_leaflet(runtime(), station_id)
    except LibraryError as error:
        said = [_in_vietnamese(problem) for problem in error.problems]
        page = render_template("leaflet/not_ready.html", message=NOT_READY, problems=said)
        abort(make_response(page, 422))
    return send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=default_name(station_id),
    )
