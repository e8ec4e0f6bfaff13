"""The bulletin page: everything it shows, gathered in one place for every route that answers
with it (a plain view, or a refused POST that keeps what the user typed and says why)."""

from __future__ import annotations

from pathlib import Path

from flask import abort, g, render_template, request

from broadcaster import approval, audit
from broadcaster.approval.review import last_author
from broadcaster.errors import BroadcasterError, LibraryError
from broadcaster.library import editing
from broadcaster.library.bulletins import MAX_BODY_CHARS, Bulletin, Priority
from broadcaster.normalize import normalize
from broadcaster.render.manifest import RenderRecord
from broadcaster.runtime import Runtime
from web import refusals
from web.content import state as states
from web.content import text
from web.content.jobs import board
from web.context import now, runtime

FORM_FIELDS = (
    "title",
    "body",
    "priority",
    "valid_from",
    "valid_until",
    "voice",
    "stations",
    "base",
)


def station_ids() -> set[str] | None:
    """The schedule's station ids; None when the schedule cannot be read (checked elsewhere)."""
    try:
        return {station.id for station in runtime().schedule().network.stations}
    except BroadcasterError:
        return None


def station_names(limit: int = 400) -> dict[str, str]:
    """Station id -> name, for the hint under a station limit; {} for a network too big to list."""
    try:
        names = runtime().schedule().names
    except BroadcasterError:
        return {}
    return names if len(names) <= limit else {}


def field_errors(refused: list) -> tuple[list[str], dict[str, list[str]]]:
    """Each refusal in Vietnamese: all at the top, and each under its own field."""
    zone = runtime().settings.zone
    top: list[str] = []
    by_field: dict[str, list[str]] = {}
    for refusal in refused:
        message = refusals.text(refusal, zone)
        top.append(message)
        by_field.setdefault(refusal.field or "", []).append(message)
    return top, by_field


def load_bulletin(bulletin_id: str) -> tuple[Path, Bulletin]:
    """The bulletin's file and its parsed content; 404 if unknown, 422 if the file is broken."""
    path = editing.bulletin_file(runtime().settings.library_dir, bulletin_id)
    if path is None:
        abort(404)
    try:
        return path, editing.read_bulletin(path)
    except LibraryError as exc:
        lines = text.problem_lines(exc.problems, where=True)
        message = "Tệp bản tin đang có lỗi, cần sửa trực tiếp trong tệp:\n" + "\n".join(lines)
        abort(render_template("error.html", status=422, message=message), 422)


def state_for(
    rt: Runtime, bulletin: Bulletin, record: RenderRecord | None, decisions: dict
) -> states.BulletinState:
    (state,) = states.library_states(
        [bulletin],
        renders={bulletin.id: record} if record else {},
        decisions=decisions,
        settings=rt.settings,
        lexicon=rt.lexicon,
        today=now().date(),
    )
    return state


def posted_form() -> dict[str, str]:
    return {key: request.form.get(key, "") for key in FORM_FIELDS}


def _form_from(bulletin: Bulletin, path: Path) -> dict[str, str]:
    return {
        "title": bulletin.title,
        "body": bulletin.body,
        "priority": bulletin.priority.value,
        "valid_from": bulletin.valid_from.isoformat(),
        "valid_until": bulletin.valid_until.isoformat() if bulletin.valid_until else "",
        "voice": bulletin.voice or "",
        "stations": ", ".join(bulletin.stations or ()),
        "base": editing.fingerprint(path),
    }


def _voices(rt: Runtime, current: str | None) -> list[tuple[str, str]]:
    """The voices the configured engines offer (and the bulletin's own, if it is another)."""
    from broadcaster.speech import build_engines  # numpy: loaded when a page needs it

    names: list[str] = []
    for engine in build_engines(rt.settings.speech):
        names += [v for v in engine.voices if v not in names]
    if current and current not in names:
        names.append(current)
    return [(name, text.VOICE_LABELS.get(name, name)) for name in names]


def bulletin_page(
    bulletin_id: str,
    *,
    status: int = 200,
    form: dict[str, str] | None = None,
    errors: list[str] | None = None,
    error_title: str = "",
    spoken: str | None = None,
    field_errors: dict[str, list[str]] | None = None,
    decision_form: dict[str, str] | None = None,
):
    rt = runtime()
    path, bulletin = load_bulletin(bulletin_id)
    record = rt.renders().get(bulletin_id)
    history = approval.decisions_for(rt.engine, bulletin_id)
    state = state_for(rt, bulletin, record, states.standing(history))
    job_id = request.args.get("job")
    job = board().get(job_id) if job_id else board().active_for(bulletin_id)
    author = last_author(rt, bulletin_id)
    form = form or _form_from(bulletin, path)
    if spoken is None:
        spoken = normalize(form["body"], rt.lexicon)
    folder = rt.paths.renders
    on_disk = [(folder / f"{bulletin_id}-{d.render_sha256[:12]}.mp3").is_file() for d in history]
    return render_template(
        "content/bulletin.html",
        bulletin=bulletin,
        state=state,
        form=form,
        errors=errors or [],
        field_errors=field_errors or {},
        error_title=error_title,
        decision_form=decision_form or {},  # a refused decision's comment, given back
        spoken=spoken,
        job=job,
        history=list(zip(history, on_disk, strict=True)),
        trail=audit.recent(rt.engine, limit=20, target=bulletin_id),
        author=author,
        four_eyes=rt.settings.panel.four_eyes,
        blocked=rt.settings.panel.four_eyes and author == g.user.username,
        voices=_voices(rt, bulletin.voice),
        priorities=list(Priority),
        max_body=MAX_BODY_CHARS,
        limit_mb=rt.settings.panel.upload_limit_mb,
    ), status
