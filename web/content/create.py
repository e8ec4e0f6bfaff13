"""New bulletins in the panel: create one from a form, duplicate one, retire or restore one.

The rules are the library's (:mod:`broadcaster.library.creating`): each mistake is a
Refused naming its field, told in Vietnamese by web/refusals.py at the top of the
page and under the field, with what was typed kept. Every write is a file of the
library, written atomically, and an entry in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from broadcaster import audit
from broadcaster.airplan.store import stored_plan
from broadcaster.errors import LibraryError
from broadcaster.library import creating
from broadcaster.library.bulletins import FORM_COUNT, MAX_BODY_CHARS, Kind, Priority
from broadcaster.normalize import normalize
from web import kept_form
from web.content import text
from web.content.page import field_errors, load_bulletin, station_ids, station_names
from web.content.views import bp
from web.context import now, runtime
from web.permissions import requires

NEW_FIELDS = ("form", "title", "priority", "valid_from", "valid_until", "stations", "body")


def _audit(action: str, bulletin_id: str, detail: str) -> None:
    entry = audit.Entry(now(), g.user.username, action, target=bulletin_id, detail=detail)
    audit.log(runtime().engine, entry)


def _form_titles() -> dict[int, str]:
    titles: dict[int, str] = {}
    try:
        for bulletin in runtime().library():
            if bulletin.kind is Kind.BULLETIN and bulletin.form is not None:
                titles.setdefault(bulletin.form, bulletin.title)
    except LibraryError:
        pass
    return titles


def _new_page(
    form: dict[str, str], *, kept: kept_form.Kept | None = None, spoken: str | None = None
):
    kept = kept or kept_form.Kept()
    if spoken is None:
        spoken = normalize(form["body"], runtime().lexicon)
    titles = _form_titles()
    return render_template(
        "content/new.html",
        form=form,
        errors=kept.errors,
        field_errors=kept.field_errors,
        spoken=spoken,
        forms=[(n, titles.get(n, "")) for n in range(1, FORM_COUNT + 1)],
        priorities=list(Priority),
        max_body=MAX_BODY_CHARS,
        max_title=creating.MAX_TITLE_CHARS,
        station_names=station_names(),
    )


@bp.get("/new")
@requires("content.edit")
def new():
    form = dict.fromkeys(NEW_FIELDS, "")
    form["priority"] = Priority.THUONG.value
    form["valid_from"] = now().date().isoformat()
    form["form"] = request.args.get("form", "")
    kept = kept_form.take()
    return _new_page({**form, **kept.form}, kept=kept)


@bp.post("/new")
@requires("content.edit")
def create():
    """Save a new bulletin, or (the no-script "Xem trước" button) only show its spoken form."""
    rt = runtime()
    form = {key: request.form.get(key, "") for key in NEW_FIELDS}
    if request.form.get("action") == "preview":
        return _new_page(form, spoken=normalize(form["body"], rt.lexicon))
    draft = creating.Draft(
        title=form["title"],
        body=form["body"],
        form=form["form"].strip(),
        priority=form["priority"],
        valid_from=text.parse_day(form["valid_from"]),
        valid_until=text.parse_day(form["valid_until"]),
        stations=creating.parse_station_list(form["stations"]),
    )
    try:
        bulletin = creating.create_bulletin(
            rt.settings.library_dir, draft, station_ids=station_ids()
        )
    except creating.DraftRefused as refused:
        errors, by_field = field_errors(list(refused.refusals))
        first = next((r.field for r in refused.refusals if r.field in NEW_FIELDS), None)
        return _refuse(form, errors, by_field, anchor=f"nhap-{first}" if first else "tao")
    except LibraryError as exc:  # the loader's last word, should a rule here miss one
        return _refuse(form, text.problem_lines(exc.problems), {}, anchor="tao")
    where = f", chỉ phát ở: {', '.join(bulletin.stations)}" if bulletin.stations else ""
    _audit("create", bulletin.id, f"“{bulletin.title}” → {bulletin.id}.yaml{where}")
    flash(f"Đã tạo bản tin “{bulletin.title}” (mã {bulletin.id}). Hãy dựng, nghe và duyệt.", "ok")
    return redirect(url_for(".bulletin", bulletin_id=bulletin.id))


def _refuse(form: dict[str, str], errors: list[str], by_field: dict, *, anchor: str):
    """Back to the new bulletin's form, scrolled to the first field at fault, text kept."""
    page = url_for(".new")
    return kept_form.refuse(page, errors, by_field=by_field, form=form, anchor=anchor)


@bp.post("/<bulletin_id>/duplicate")
@requires("content.edit")
def duplicate(bulletin_id: str):
    rt = runtime()
    load_bulletin(bulletin_id)
    copy = creating.duplicate_bulletin(rt.settings.library_dir, bulletin_id)
    _audit("duplicate", copy.id, f"bản sao của {bulletin_id} → {copy.id}.yaml")
    flash(f"Đã tạo bản sao “{copy.title}”. Hãy sửa nội dung rồi lưu.", "ok")
    return redirect(url_for(".bulletin", bulletin_id=copy.id) + "#sua")


@bp.post("/<bulletin_id>/retire")
@requires("content.edit")
def retire(bulletin_id: str):
    """Retire (``action=retire``) or bring back (``action=restore``) a bulletin."""
    rt = runtime()
    _, bulletin = load_bulletin(bulletin_id)
    wanted = request.form.get("action", "")
    if wanted not in ("retire", "restore"):
        abort(400)
    retiring = wanted == "retire"
    if bulletin.retired == retiring:
        flash("Bản tin đã ngừng dùng." if retiring else "Bản tin đang được dùng.")
        return redirect(url_for(".bulletin", bulletin_id=bulletin_id))
    today = now().date()
    creating.set_retired(rt.settings.library_dir, bulletin_id, retiring, today=today)
    if retiring:
        _audit("retire", bulletin_id, f"ngừng dùng từ {text.fmt_date(today)}")
        flash("Đã ngừng dùng bản tin: từ nay không lập lịch phát bản tin này nữa.", "ok")
        planned = _planned_days(bulletin_id, today)
        if planned:
            days = ", ".join(text.fmt_date(day) for day in planned)
            flash(
                f"Kế hoạch đã lập cho ngày {days} vẫn có bản tin này: hãy lập lại kế hoạch "
                "những ngày đó nếu không muốn phát nữa.",
                "error",
            )
    else:
        _audit("unretire", bulletin_id, "dùng lại bản tin")
        flash("Đã dùng lại bản tin: bản tin sẽ được lập lịch phát như trước.", "ok")
    return redirect(url_for(".bulletin", bulletin_id=bulletin_id))


def _planned_days(bulletin_id: str, today: dt.date) -> list[dt.date]:
    """Days from today whose stored plan still airs the bulletin (plans are not redone here)."""
    query = (
        select((stored := stored_plan()).c.day)
        .where(stored.c.bulletin_id == bulletin_id, stored.c.day >= today.isoformat())
        .distinct()
        .order_by(stored.c.day)
    )
    with runtime().engine.connect() as connection:
        return [dt.date.fromisoformat(day) for (day,) in connection.execute(query)]
