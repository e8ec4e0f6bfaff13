"""Content and approval: the bulletin library, its audio, and the decision to air it.

Staff edit a bulletin, render it in the background, listen to the exact audio and
approve or reject that audio (bound to its sha256). Every change is in the audit
trail, which is also where the four-eyes rule learns who last edited a bulletin.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from broadcaster import approval, audit
from broadcaster.approval.review import review
from broadcaster.errors import AudioError, LibraryError, Refused, ToolMissing
from broadcaster.library import creating, editing
from broadcaster.library.bulletins import MAX_BODY_CHARS
from broadcaster.normalize import normalize
from web import kept_form, limits, refusals
from web.content import jobs as content_jobs
from web.content import state as states
from web.content import text
from web.content.page import (
    FORM_FIELDS,
    bulletin_page,
    field_errors,
    load_bulletin,
    posted_form,
    station_ids,
)
from web.context import now, runtime
from web.permissions import requires

bp = Blueprint("content", __name__, url_prefix="/content")

SHA12 = re.compile(r"^[0-9a-f]{12}$")
MAX_PREVIEW_BYTES = 128 * 1024  # the longest body allowed, every letter escaped as \uXXXX


@bp.record_once
def _setup(state) -> None:
    state.app.extensions[content_jobs.EXTENSION] = content_jobs.JobBoard()


@bp.context_processor
def _helpers() -> dict:
    zone = runtime().settings.zone
    return {
        "fmt_seconds": text.fmt_seconds,
        "fmt_decimal": text.fmt_decimal,
        "voice_label": text.voice_label,
        "failure_text": text.failure_text,
        "fmt_date": text.fmt_date,
        "fmt_time": lambda moment: text.fmt_time(moment, zone),
        "kind_label": lambda kind: text.KIND_LABELS.get(kind.value, kind.value),
        "action_label": text.action_label,
    }


def _audit(action: str, bulletin_id: str, detail: str = "") -> None:
    entry = audit.Entry(now(), g.user.username, action, target=bulletin_id, detail=detail)
    audit.log(runtime().engine, entry)


def _start_render(bulletin_id: str) -> content_jobs.Job:
    return content_jobs.board().render(runtime(), bulletin_id, by=g.user.username)


# ---------------------------------------------------------------- the library


@bp.get("/")
@requires("content.view")
def index():
    rt = runtime()
    problems = []
    try:
        bulletins = list(rt.library())
    except LibraryError as exc:  # still show the files that are fine, and what to fix
        bulletins, _ = editing.read_each(rt.settings.library_dir)
        problems = text.problem_lines(exc.problems, where=True)
    listed = states.library_states(
        bulletins,
        renders=rt.renders(),
        decisions=approval.latest_decisions(rt.engine),
        settings=rt.settings,
        lexicon=rt.lexicon,
        today=now().date(),
    )
    stopped = [state for state in listed if state.status is states.Status.STOPPED]
    listed = [state for state in listed if state.status is not states.Status.STOPPED]
    counts = Counter(state.status for state in listed)
    return render_template(
        "content/index.html",
        states=listed,
        stopped=stopped,  # retired by staff: listed apart
        counts=[(status, counts[status]) for status in states.Status if counts[status]],
        problems=problems,
    )


# ---------------------------------------------------------------- one bulletin


@bp.get("/<bulletin_id>")
@requires("content.view")
def bulletin(bulletin_id: str):
    kept = kept_form.take()
    edited = kept.form if set(FORM_FIELDS) <= set(kept.form) else None
    return bulletin_page(
        bulletin_id,
        form=edited,
        errors=kept.errors,
        error_title=kept.title,
        field_errors=kept.field_errors,
        decision_form=None if edited else kept.form,
    )


def _refuse_edit(bulletin_id: str, form: dict, errors: list[str], by_field=None, title=""):
    """Back to the bulletin's page at the edit form (or the field at fault), text kept."""
    by_field = by_field or {}
    anchor = "nhap-stations" if "stations" in by_field else "sua"
    return kept_form.refuse(
        url_for(".bulletin", bulletin_id=bulletin_id),
        errors,
        by_field=by_field if by_field else {"sua": errors},
        form=form,
        anchor=anchor,
        title=title,
    )


@bp.post("/<bulletin_id>")
@requires("content.edit")
def save(bulletin_id: str):
    """Save the edit form, or (the no-script "Xem trước" button) only show the spoken form."""
    rt = runtime()
    path, _ = load_bulletin(bulletin_id)
    form = posted_form()
    if request.form.get("action") == "preview":
        return bulletin_page(bulletin_id, form=form, spoken=normalize(form["body"], rt.lexicon))
    changes = {
        "title": editing.tidy_line(form["title"]),
        "body": editing.tidy_body(form["body"]),
        "priority": form["priority"] or None,
        "valid_from": text.parse_day(form["valid_from"]),
        "valid_until": text.parse_day(form["valid_until"]),
        "voice": form["voice"] or None,
    }
    stations = creating.parse_station_list(form["stations"])
    known = station_ids()
    refused = creating.check_stations(stations, known)
    if refused:
        top, by_field = field_errors(refused)
        return _refuse_edit(bulletin_id, form, top, by_field, title="Không lưu được:")
    changes["stations"] = list(stations) if stations else editing.REMOVE
    try:
        saved = editing.save_bulletin(
            rt.settings.library_dir,
            bulletin_id,
            changes,
            expected=form["base"] or None,
            station_ids=known,
        )
    except editing.EditConflict:
        fresh = {**form, "base": editing.fingerprint(path)}
        message = (
            "Bản tin vừa được người khác sửa sau khi bạn mở trang. Nội dung bạn nhập vẫn ở "
            "dưới đây; hãy mở bản tin ở thẻ khác để so sánh, rồi bấm Lưu lần nữa nếu vẫn muốn "
            "ghi đè."
        )
        return _refuse_edit(bulletin_id, fresh, [message])
    except LibraryError as exc:
        lines = text.problem_lines(exc.problems)
        return _refuse_edit(bulletin_id, form, lines, title="Không lưu được:")
    if saved.changed:
        labels = ", ".join(text.FIELD_LABELS[key].lower() for key in saved.changed)
        _audit("edit", bulletin_id, f"sửa {labels}")
        flash(f"Đã lưu ({labels}).", "ok")
    else:
        flash("Không có thay đổi nào để lưu.")
    return redirect(url_for(".bulletin", bulletin_id=bulletin_id))


@bp.post("/preview")
@requires("content.edit")
def preview():
    """The spoken form of a draft body, for the live preview (JSON in, JSON out)."""
    try:
        payload = limits.json_body(MAX_PREVIEW_BYTES)
    except limits.JsonRefused as refused:
        return {"error": refused.message}, refused.status
    body = payload.get("body") if isinstance(payload, dict) else None
    if not isinstance(body, str):
        return {"error": "Thiếu nội dung cần xem trước."}, 400
    if len(body) > 4 * MAX_BODY_CHARS:
        return {"error": "Nội dung quá dài để xem trước."}, 413
    spoken = normalize(body.replace("\r\n", "\n"), runtime().lexicon)
    return {"spoken": spoken}


# ---------------------------------------------------------------- rendering and listening


@bp.post("/<bulletin_id>/render")
@requires("content.render")
def render(bulletin_id: str):
    load_bulletin(bulletin_id)
    job = _start_render(bulletin_id)
    _audit("render", bulletin_id, "yêu cầu dựng âm thanh")
    return redirect(url_for(".bulletin", bulletin_id=bulletin_id, job=job.id))


@bp.get("/jobs/<job_id>")
@requires("content.view")
def job_status(job_id: str):
    job = content_jobs.board().get(job_id)
    if job is None:
        message = "Không tìm thấy công việc dựng này (máy chủ có thể vừa khởi động lại)."
        return {"error": message}, 404
    return job.as_json()


@bp.get("/<bulletin_id>/audio/<sha12>.mp3")
@requires("content.view")
def audio(bulletin_id: str, sha12: str):
    """A render's MP3, if the manifest or an approval knows it (Range requests work)."""
    rt = runtime()
    if (
        not SHA12.match(sha12)
        or editing.bulletin_file(rt.settings.library_dir, bulletin_id) is None
    ):
        abort(404)
    folder = rt.paths.renders
    record = rt.renders().get(bulletin_id)
    if record is not None and record.sha256.startswith(sha12):
        path = folder / record.file
    elif any(
        d.render_sha256.startswith(sha12) for d in approval.decisions_for(rt.engine, bulletin_id)
    ):
        path = folder / f"{bulletin_id}-{sha12}.mp3"
    else:
        abort(404)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="audio/mpeg", conditional=True, max_age=3600)


# ---------------------------------------------------------------- approval


@bp.post("/<bulletin_id>/decision")
@requires("content.approve")
def decide(bulletin_id: str):
    rt = runtime()
    verdict = {"approve": approval.Verdict.APPROVED, "reject": approval.Verdict.REJECTED}.get(
        request.form.get("verdict", "")
    )
    if verdict is None:
        abort(400)
    load_bulletin(bulletin_id)
    try:
        done = review(
            rt,
            bulletin_id,
            verdict,
            by=g.user.username,
            comment=request.form.get("comment", ""),
            expected_sha256=request.form.get("sha256", ""),
            reconsider=request.form.get("reconsider") == "1",  # ticked on the page
        )
    except Refused as refused:
        message = refusals.text(refused, rt.settings.zone)
        return kept_form.refuse(
            url_for(".bulletin", bulletin_id=bulletin_id),
            message,
            field="comment" if refused.field == "comment" else "kiem-duyet",
            form={key: request.form.get(key, "")[:1000] for key in ("comment", "reconsider")},
            anchor="kiem-duyet",
        )
    said = "Đã duyệt" if verdict is approval.Verdict.APPROVED else "Đã từ chối"
    flash(f"{said} {approval.review.audio_name(done.record, rt.settings.zone)}.", "ok")
    if done.publish_error:
        message = (
            f"Chưa xuất lại được danh sách phát sau khi rút bản âm thanh: {done.publish_error}"
        )
        flash(message, "error")
    if done.withdrawn_from:
        listed = ", ".join(text.fmt_date(day) for day in done.withdrawn_from)
        flash(
            f"Đã rút bản âm thanh này khỏi kế hoạch phát ngày {listed}. "
            "Lập lại kế hoạch nếu muốn lấp chỗ trống.",
            "ok",
        )
    return redirect(url_for(".bulletin", bulletin_id=bulletin_id))


# ---------------------------------------------------------------- announcer recordings


@bp.post("/<bulletin_id>/recording")
@requires("content.upload")
def upload(bulletin_id: str):
    from broadcaster import speech

    rt = runtime()
    load_bulletin(bulletin_id)
    limit_mb = rt.settings.panel.upload_limit_mb
    limit = limit_mb * 1024 * 1024
    too_big = f"Không nhận bản ghi: tệp lớn hơn giới hạn {limit_mb} MB."
    if request.content_length and request.content_length > limit + 64 * 1024:
        return bulletin_page(bulletin_id, status=413, errors=[too_big])
    sent = request.files.get("recording")
    if sent is None or not sent.filename:
        return bulletin_page(bulletin_id, status=422, errors=["Chưa chọn tệp bản ghi."])
    ext = Path(sent.filename).suffix.lower().lstrip(".")
    if ext not in editing.RECORDING_TYPES:
        message = "Không nhận bản ghi: chỉ nhận tệp WAV, MP3, M4A hoặc OGG."
        return bulletin_page(bulletin_id, status=422, errors=[message])
    library_dir = rt.settings.library_dir
    staged = editing.staging_file(library_dir, f".{ext}")
    try:
        if not _copy_limited(sent.stream, staged, limit):
            editing.discard_staging(staged)
            return bulletin_page(bulletin_id, status=413, errors=[too_big])
        info = speech.check_recording(staged)
        editing.store_recording(library_dir, bulletin_id, staged, ext)
    except (AudioError, ToolMissing) as exc:
        editing.discard_staging(staged)
        message = text.audio_error_text(str(exc), name=sent.filename[-100:])
        return bulletin_page(bulletin_id, status=422, errors=[message])
    except LibraryError as exc:
        editing.discard_staging(staged)
        lines = text.problem_lines(exc.problems)
        return bulletin_page(bulletin_id, status=422, errors=lines, error_title="Không lưu được:")
    except BaseException:
        editing.discard_staging(staged)
        raise
    name = sent.filename[-100:]
    length = text.fmt_seconds(info.duration_s)
    _audit("upload", bulletin_id, f"{name} ({length}) → {editing.RECORDINGS}/{bulletin_id}.{ext}")
    job = _start_render(bulletin_id)
    flash(f"Đã nhận bản ghi dài {length}; đang dựng lại bản tin với bản ghi này.", "ok")
    return redirect(url_for(".bulletin", bulletin_id=bulletin_id, job=job.id))


@bp.post("/<bulletin_id>/recording/remove")
@requires("content.upload")
def remove_recording(bulletin_id: str):
    rt = runtime()
    _, bulletin = load_bulletin(bulletin_id)
    if bulletin.recording is None:
        flash("Bản tin này không dùng bản ghi.")
        return redirect(url_for(".bulletin", bulletin_id=bulletin_id))
    editing.remove_recording(rt.settings.library_dir, bulletin_id)
    _audit("upload", bulletin_id, "bỏ bản ghi, quay lại giọng đọc máy")
    job = _start_render(bulletin_id)
    flash("Đã bỏ bản ghi; đang dựng lại bằng giọng đọc máy.", "ok")
    return redirect(url_for(".bulletin", bulletin_id=bulletin_id, job=job.id))


def _copy_limited(stream, target: Path, limit: int) -> bool:
    """Copy an upload to ``target``; False as soon as it exceeds ``limit`` bytes."""
    written = 0
    with target.open("wb") as out:
        while block := stream.read(1 << 16):
            written += len(block)
            if written > limit:
                return False
            out.write(block)
    return True
