"""Leadership's reports: has every commune aired every form, and the evidence that it did.

``/reports/`` shows the coverage matrix (stations x the 24 forms), airings over
time, missed and failed airings and stations gone quiet; ``/reports/station/ID``
is one commune's printable airing record; ``/reports/export/*.csv`` hand the
same data to Excel. The rules (periods, corrections, what counts) are in
:mod:`broadcaster.reports.coverage`; the network-wide figures come from the log's
running totals (:mod:`broadcaster.reports.summary`), entries from the log itself
(:mod:`broadcaster.reports.entries`, :mod:`broadcaster.reports.queries`). A page
reads all of them on one connection.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from broadcaster import accounts
from broadcaster.airlog import Outcome
from broadcaster.planning.campaigns import active_campaign
from broadcaster.reports import entries, queries
from broadcaster.reports import summary as figures
from broadcaster.reports.coverage import (
    FORMS,
    OUTCOME_LABELS,
    SOURCE_LABELS,
    Period,
    buckets,
    evidence,
    form_summary,
    matrix,
    quiet_stations,
    search,
)
from web.context import now, runtime
from web.permissions import can_use_station, requires
from web.reports import export
from web.reports.data import (
    MAX_QUIET_DAYS,
    PAGE_SIZE,
    QUIET_DAYS,
    BadArgument,
    Fmt,
    chart,
    page_count,
    period,
    period_args,
    schedule,
    search_text,
    today,
    whole_number,
)

bp = Blueprint("reports", __name__, url_prefix="/reports")

PROBLEMS_SHOWN = 50  # missed and failed airings listed on the dashboard
QUIET_SHOWN = 100  # quiet stations listed on the dashboard
MAX_DAYS = 3660  # a longer period is a typing mistake (and a chart of hundreds of bars)
PROBLEM_OUTCOMES = (Outcome.MISSED, Outcome.FAILED)


@bp.errorhandler(BadArgument)
def bad_argument(error: BadArgument):
    return render_template("reports/bad_request.html", message=str(error)), 400


@bp.route("/")
@requires("reports.view")
def dashboard():
    """The overview: coverage, airings over time, what went wrong, who went quiet."""
    sched = schedule()
    chosen = _bounded_period(sched)
    quiet_days = whole_number("quiet_days", QUIET_DAYS, 1, MAX_QUIET_DAYS, "Số ngày")
    with runtime().engine.connect() as connection:  # one for every figure of the page
        superseded = queries.corrections(connection)
        shown = {
            **_coverage(connection, sched, chosen, superseded, "", only_gaps=False, page=1),
            **_activity(connection, sched, chosen, superseded),
            **_quiet(connection, sched, superseded, quiet_days),
        }
    state = {**period_args(chosen), "quiet_days": quiet_days}
    return render_template(
        "reports/dashboard.html",
        **shown,
        here=_linker("reports.dashboard", state, {"quiet_days": QUIET_DAYS}),
        quick=_quick_periods(sched),
        **_common(sched, chosen),
    )


@bp.route("/coverage")
@requires("reports.view")
def coverage():
    """The whole matrix, 50 stations a page, found by name or narrowed to the gaps."""
    sched = schedule()
    chosen = _bounded_period(sched)
    query = search_text()
    only_gaps = request.args.get("only") == "gaps"
    page = whole_number("page", 1, 1, 100_000, "Số trang")
    with runtime().engine.connect() as connection:
        superseded = queries.corrections(connection)
        shown = _coverage(
            connection, sched, chosen, superseded, query, only_gaps=only_gaps, page=page
        )
    state = {**period_args(chosen), "q": query, "only": "gaps" if only_gaps else "", "page": page}
    return render_template(
        "reports/coverage.html",
        **shown,
        here=_linker("reports.coverage", state, {"page": 1}),
        query=query,
        only_gaps=only_gaps,
        **_common(sched, chosen),
    )


def _bounded_period(sched) -> Period:
    chosen = period(sched)
    if chosen.days > MAX_DAYS:
        raise BadArgument("Kỳ báo cáo dài tối đa 10 năm. Vui lòng chọn khoảng ngắn hơn.")
    return chosen


def _linker(endpoint: str, state: dict, defaults: dict):
    def here(**changes) -> str:
        """This page with some arguments changed; empty and default ones left out."""
        args = {**state, **changes}
        kept = {k: v for k, v in args.items() if v not in ("", None) and defaults.get(k) != v}
        return url_for(endpoint, **kept)

    return here


def _common(sched, chosen: Period) -> dict:
    return {
        "sched": sched,
        "period": chosen,
        "period_args": period_args(chosen),
        "forms": FORMS,
        "page_size": PAGE_SIZE,
        "fmt": Fmt(sched.network.zone),
        "Outcome": Outcome,
        "outcome_labels": OUTCOME_LABELS,
    }


def _coverage(engine, sched, chosen, superseded, query: str, *, only_gaps: bool, page: int) -> dict:
    """The summary over every station and the matrix rows of one page."""
    network = sched.network
    every = [s.id for s in network.stations]
    forms_by_station = figures.forms_aired(engine, chosen.since, chosen.until, superseded, every)
    stations = list(search(network.stations, query)) if query else list(network.stations)
    if only_gaps:
        stations = [s for s in stations if forms_by_station.get(s.id, 0) < len(FORMS)]
    pages = page_count(len(stations))
    if page > pages:
        raise BadArgument(f"Trang {page} không có: danh sách chỉ có {pages} trang.")
    shown = stations[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    cells = figures.cells(engine, chosen, superseded, {s.id for s in shown})
    return {
        "rows": matrix([(s.id, s.name) for s in shown], cells),
        "page": page,
        "pages": pages,
        "matched": len(stations),
        "producer_id": network.producer.id,
        "station_count": len(every),
        "complete": sum(1 for sid in every if forms_by_station.get(sid, 0) == len(FORMS)),
        "gaps": sum(len(FORMS) - forms_by_station.get(sid, 0) for sid in every),
    }


def _activity(engine, sched, chosen, superseded) -> dict:
    """Airings over time, and the missed and failed ones."""
    step, bars = buckets(chosen)
    bars = figures.aired_per_bucket(engine, bars, sched.network.zone, superseded)
    return {
        "chart": chart(bars, step),
        "aired_total": sum(bar.count for bar in bars),
        "problem_counts": figures.outcome_counts(engine, chosen, superseded, PROBLEM_OUTCOMES),
        "problems": entries.latest(engine, chosen, superseded, PROBLEM_OUTCOMES, PROBLEMS_SHOWN),
        "names": {s.id: s.name for s in sched.network.stations},
    }


def _quiet(engine, sched, superseded, days: int) -> dict:
    """Stations due to air in the last ``days`` days that confirmed no airing."""
    network = sched.network
    until = now()
    since = until - dt.timedelta(days=days)
    every = [s.id for s in network.stations]
    aired = figures.aired_stations(engine, since, until, superseded, every)
    quiet = quiet_stations(network.stations, aired, since, until, network.zone, sched.campaigns)
    shown = quiet[:QUIET_SHOWN]
    last = figures.last_aired(engine, {q.station_id for q in shown}, until, superseded)
    return {
        "quiet": [dataclasses.replace(q, last_aired=last.get(q.station_id)) for q in shown],
        "quiet_total": len(quiet),
        "quiet_days": days,
        "now": until,
    }


@bp.route("/station/<station_id>")
@requires("logs.view")
def station(station_id: str):
    sched = schedule()
    if not can_use_station(g.user, station_id):
        abort(403)
    try:
        name = sched.network.get(station_id).name
        current = True
    except KeyError:
        if not entries.has_entries(runtime().engine, station_id):
            abort(404)
        name, current = station_id, False  # a station since removed: its record stays
    chosen = period(sched)
    engine = runtime().engine
    superseded = queries.corrections(engine)
    lines = evidence(entries.station_entries(engine, station_id, chosen), chosen, superseded)
    summary = form_summary(lines)
    people = {user.username: user.full_name for user in accounts.list_users(engine)}
    outcomes = {outcome: 0 for outcome in Outcome}
    for line in lines:
        if line.superseded_by is None:
            outcomes[line.airing.outcome] += 1
    return render_template(
        "reports/station.html",
        sched=sched,
        station_id=station_id,
        station_name=name,
        current=current,
        period=chosen,
        period_args=period_args(chosen),
        lines=lines,
        summary=summary,
        covered=sum(1 for cell in summary.values() if cell.aired),
        counted=sum(1 for line in lines if line.counted),
        outcomes=outcomes,
        corrections=sum(1 for line in lines if line.airing.corrects is not None),
        people=people,
        printed=now(),
        fmt=Fmt(sched.network.zone),
        outcome_labels=OUTCOME_LABELS,
        source_labels=SOURCE_LABELS,
        forms=FORMS,
        Outcome=Outcome,
    )


@bp.route("/export/airings.csv")
@requires("reports.export")
def export_airings():
    sched = schedule()
    chosen = period(sched)
    station_id = request.args.get("station", "").strip() or None
    names = {s.id: s.name for s in sched.network.stations}
    engine = runtime().engine
    if (
        station_id is not None
        and station_id not in names
        and not entries.has_entries(engine, station_id)
    ):
        abort(404)
    superseded = queries.corrections(engine)
    zone = sched.network.zone
    rows = export.airing_rows(
        entries.stream(engine, chosen, station_id),
        zone=zone,
        station_names=names,
        titles=sched.bulletin_titles,
        superseded=superseded,
        period=chosen,
    )
    body = export.encode(export.airing_header(sched.network.timezone), rows)
    label = f"_{names.get(station_id, station_id)}" if station_id else ""
    return _csv(
        stream_with_context(body),
        f"nhật-ký-phát-sóng{label}_{chosen.first:%d-%m-%Y}_{chosen.last:%d-%m-%Y}.csv",
    )


@bp.route("/export/coverage.csv")
@requires("reports.export")
def export_coverage():
    sched = schedule()
    chosen = period(sched)
    engine = runtime().engine
    superseded = queries.corrections(engine)
    cells = queries.cells(engine, chosen, superseded)
    rows = matrix([(s.id, s.name) for s in sched.network.stations], cells)
    body = export.encode(
        export.coverage_header(sched.form_titles),
        export.coverage_rows(rows, sched.network.zone),
    )
    return _csv(body, f"độ-phủ-24-hình-thức_{chosen.first:%d-%m-%Y}_{chosen.last:%d-%m-%Y}.csv")


def _csv(body, filename: str) -> Response:
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = export.disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _quick_periods(sched) -> list[tuple[str, dict[str, str]]]:
    """Shortcuts a leader uses most: the last week, the last 28 days, this month, the campaign."""
    day = today(sched)
    links = [
        ("7 ngày qua", {"from": (day - dt.timedelta(days=6)).isoformat(), "to": day.isoformat()}),
        ("28 ngày qua", {"from": (day - dt.timedelta(days=27)).isoformat(), "to": day.isoformat()}),
        ("Tháng này", {"from": day.replace(day=1).isoformat(), "to": day.isoformat()}),
    ]
    campaign = active_campaign(sched.campaigns, day)
    if campaign is not None and campaign.start <= day:
        links.append(
            ("Từ đầu chiến dịch", {"from": campaign.start.isoformat(), "to": day.isoformat()})
        )
    return links
