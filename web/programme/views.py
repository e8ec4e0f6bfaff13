"""Staff edit stations, their slots and campaigns; "Xem trước" forecasts, "Lưu" writes.

Every POST answers with a redirect (Post/Redirect/Get): what was typed, the
problems found and whether a preview was asked for are kept in the session for
the GET that follows, as the station confirmation pages do.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from broadcaster import yamlsource
from broadcaster.airplan import schedule_edits
from broadcaster.errors import BroadcasterError, Refused
from broadcaster.planning import editing
from web import refusals
from web.context import now, runtime
from web.permissions import requires
from web.programme import forms, preview
from web.schedule import text

log = logging.getLogger(__name__)
bp = Blueprint("programme", __name__, url_prefix="/programme")
KEPT = "programme_kept"  # the last refused or previewed form, shown once by the next GET


@bp.get("/")
@requires("programme.edit")
def index():
    sched = runtime().schedule()
    return render_template("programme/index.html", sched=sched, t=text, zone=sched.network.zone)


# -- stations ------------------------------------------------------------------------------


@bp.get("/station/<station_id>")
@requires("programme.edit")
def station(station_id: str):
    rt = runtime()
    files = schedule_edits.files(rt)
    data = yamlsource.load_file(files.stations).data
    node = editing.station_node(data, station_id)
    if node is None:
        abort(404)
    raw = data[node[0]] if len(node) == 1 else data[node[0]][int(node[1])]
    kept = _kept("station", station_id)
    typed = kept.get("form") or {
        "name": raw.get("name", ""),
        "slots": [vars(r) for r in editing.slot_rows(raw.get("slots", data.get("commune_slots")))],
        **({"level": raw.get("level", "")} if node == ("producer",) else {}),
    }
    shown = None
    if kept.get("preview"):
        edit = editing.edit_station(
            files,
            station_id,
            name=typed["name"],
            slots=forms.slot_rows(typed),
            level=typed.get("level"),
        )
        if edit.ok:
            shown = preview.compare(rt, rt.schedule(), edit, _today())
    return render_template(
        "programme/station.html",
        station_id=station_id,
        producer=node == ("producer",),
        inherits="slots" not in raw and node != ("producer",),
        form=typed,
        rows=[*typed["slots"], {"days": "", "start": "", "minutes": ""}],
        **_errors(kept),
        preview=shown,
        t=text,
    )


@bp.post("/station/<station_id>")
@requires("programme.edit")
def save_station(station_id: str):
    rt = runtime()
    typed = forms.station_form(request.form)
    page = url_for(".station", station_id=station_id)
    try:
        edit = editing.edit_station(
            schedule_edits.files(rt),
            station_id,
            name=typed["name"],
            slots=forms.slot_rows(typed),
            level=typed.get("level"),
        )
    except KeyError:
        abort(404)
    if edit.issues or request.form.get("action") != "save":
        _keep("station", station_id, typed, edit)
        return redirect(f"{page}#ket-qua" if edit.ok else page)
    labels = "; ".join(text.slot_label(s) for s in edit.network.get(station_id).slots)
    return _save(edit, station_id, labels, f"Đã lưu {typed['name']}: {labels}.")


# -- campaigns -----------------------------------------------------------------------------


@bp.get("/campaign/<campaign_id>")
@requires("programme.edit")
def campaign(campaign_id: str):
    rt = runtime()
    files = schedule_edits.files(rt)
    path = editing.campaign_file(files, campaign_id)
    if path is None:
        abort(404)
    raw = yamlsource.load_file(path).data
    kept = _kept("campaign", campaign_id)
    typed = kept.get("form") or forms.campaign_kept(raw)
    shown = None
    if kept.get("preview"):
        edit = editing.edit_campaign(files, campaign_id, forms.campaign_changes(typed, raw))
        if edit.ok:
            shown = preview.compare(rt, rt.schedule(), edit, _today())
    library = [b for b in rt.library() if b.kind.value == "bulletin"]
    return render_template(
        "programme/campaign.html",
        campaign_id=campaign_id,
        name=raw.get("name", campaign_id),
        form=typed,
        library=library,
        **_errors(kept),
        preview=shown,
        t=text,
    )


@bp.post("/campaign/<campaign_id>")
@requires("programme.edit")
def save_campaign(campaign_id: str):
    rt = runtime()
    files = schedule_edits.files(rt)
    path = editing.campaign_file(files, campaign_id)
    if path is None:
        abort(404)
    typed = forms.campaign_form(request.form)
    raw = yamlsource.load_file(path).data
    edit = editing.edit_campaign(files, campaign_id, forms.campaign_changes(typed, raw))
    page = url_for(".campaign", campaign_id=campaign_id)
    if edit.issues or request.form.get("action") != "save":
        _keep("campaign", campaign_id, typed, edit)
        return redirect(f"{page}#ket-qua" if edit.ok else page)
    saved = next(c for c in edit.campaigns if c.id == campaign_id)
    detail = f"{text.fmt_date(saved.start)} – {text.fmt_date(saved.end)}, " + (
        f"mục tiêu {text.coverage_label(saved.coverage)}"
    )
    return _save(edit, campaign_id, detail, f"Đã lưu chiến dịch {saved.name}: {detail}.")


# -- helpers -------------------------------------------------------------------------------


def _today():
    return now().astimezone(runtime().schedule().network.zone).date()


def _save(edit: editing.Edit, target: str, detail: str, said: str):
    """Write, audit and re-plan; the file is saved even when re-planning fails (said so)."""
    try:
        days = schedule_edits.save(
            runtime(), edit, by=g.user.username, target=target, detail=detail
        )
    except BroadcasterError as error:
        headline, details = text.error_text(error)
        flash(said, "ok")
        flash(f"Chưa lập lại được kế hoạch: {headline} {' '.join(details)}", "error")
        return redirect(url_for(".index"))
    if days:
        said += f" Đã lập lại kế hoạch từ {text.fmt_date(days[0])} (các buổi đã phát giữ nguyên)."
    flash(said, "ok")
    return redirect(url_for(".index"))


def _keep(kind: str, key: str, typed: dict, edit: editing.Edit) -> None:
    """What was typed and what is wrong with it, for the GET the POST redirects to."""
    zone = runtime().schedule().network.zone
    issues = []
    for issue in edit.issues:
        log.info("%s %s refused: %s (%s)", kind, key, issue.code, issue.message)
        refused = Refused(issue.code, issue.message, field=_field(kind, issue.field))
        issues.append([refused.field or "", refusals.text(refused, zone)])
    session[KEPT] = {
        "kind": kind,
        "key": key,
        "form": typed,
        "issues": issues,
        "preview": edit.ok,
    }


def _field(kind: str, where: str) -> str:
    """The form field an issue belongs on: a slot's field or row, a campaign's input."""
    parts = where.split(".") if where else []
    if kind == "station" or not parts:
        return where
    if parts[0] in ("coverage", "peak") and len(parts) > 1:
        return "_".join(parts[:2]).replace("coverage_", "").replace("extra_", "")
    return parts[0]


def _kept(kind: str, key: str) -> dict:
    kept = session.pop(KEPT, None)
    if not kept or kept.get("kind") != kind or kept.get("key") != key:
        return {}
    return kept


def _errors(kept: dict) -> dict:
    """Every problem at the top, and each on its field (web/templates/content/_field_error)."""
    field_errors: dict[str, list[str]] = {}
    for where, said in kept.get("issues", []):
        field_errors.setdefault(where, []).append(said)
    errors = list(dict.fromkeys(said for _, said in kept.get("issues", [])))
    return {"errors": errors, "field_errors": field_errors}
