"""Post/Redirect/Get for a refused form: why, where, and what was typed, kept for one GET.

A page that answers a POST with HTML is sent again by a reload ("gửi lại biểu mẫu?")
and keeps the POST's address. So a refused POST keeps its messages, the field at
fault and the typed values here, and answers 303 to the page's own address with an
anchor that scrolls to the field; that GET takes them (once) and shows the messages
at the top and at the field, with the inputs filled in again.

Passwords and CSRF tokens are never kept. The session is a signed cookie (about
4 KB in a browser), so a refusal with long values (a bulletin's body) goes to a
small file under the data directory, named by a random token in the session, and
deleted when read (or after a day, when it never was).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import redirect, request, session

from web.context import now, runtime

KEY = "kept_form"
MAX_VALUE = 10_000  # characters of one value (the longest field is a 3,000-character body)
MAX_VALUES = 40
MAX_ERRORS = 20
MAX_ERROR = 600
IN_COOKIE = 1_500  # characters (as JSON) kept in the session itself; beyond, in a file
FRESH = dt.timedelta(minutes=15)  # a refusal not shown by then is forgotten
FILE_DAYS = 1  # files of refusals never shown are removed after this


def _never_kept(name: str) -> bool:
    return name == "csrf_token" or "password" in name


@dataclass(frozen=True)
class Kept:
    """A refusal taken back by the page's GET: the messages, by field, and the typed values."""

    errors: list[str] = field(default_factory=list)
    title: str = ""  # a heading over the messages ("Không lưu được:"), if the page has one
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.errors or self.field_errors)

    def first(self, name: str) -> str:
        """The first message kept for field ``name`` ('' when none)."""
        return (self.field_errors.get(name) or [""])[0]


def refuse(
    page: str,
    errors: str | Sequence[str],
    *,
    field: str | None = None,
    by_field: Mapping[str, Sequence[str]] | None = None,
    form: Mapping[str, str] | None = None,
    anchor: str | None = None,
    title: str = "",
):
    """Keep the refusal for the GET of ``page`` and answer 303 to it.

    ``page`` is the page's URL (a query in it, such as the choices of a GET form, is
    kept by the redirect itself); ``errors`` are shown at the top, under ``title``, and
    at ``field`` too (or as ``by_field`` says); ``form`` holds what was typed;
    ``anchor`` is the id the browser scrolls to."""
    listed = [errors] if isinstance(errors, str) else list(errors)
    listed = [message[:MAX_ERROR] for message in listed[:MAX_ERRORS]]
    fields = {name: list(messages) for name, messages in (by_field or {}).items()}
    if field:
        fields.setdefault(field, []).extend(listed)
    values = {
        str(name)[:100]: str(value)[:MAX_VALUE]
        for name, value in list((form or {}).items())[:MAX_VALUES]
        if not _never_kept(str(name))
    }
    said = {"errors": listed, "title": title[:MAX_ERROR], "fields": fields, "form": values}
    kept = {"page": urlsplit(page).path, "at": now().timestamp()}
    if len(json.dumps(said)) <= IN_COOKIE:
        kept |= said
    else:
        try:
            kept["file"] = _to_file(said)
        except OSError:  # a data directory not writable: say why at least, briefly
            kept |= {**said, "errors": [m[:200] for m in listed[:3]], "fields": {}, "form": {}}
    session[KEY] = kept
    return redirect(f"{page}#{anchor}" if anchor else page, 303)


def take(page: str | None = None) -> Kept:
    """The refusal kept for ``page`` (this request's path), taken once; empty when none.

    A refusal kept for another page stays for that page (a script's request in
    between does not lose it) until it is stale."""
    kept = session.get(KEY)
    if not isinstance(kept, dict):
        return Kept()
    stale = now().timestamp() - float(kept.get("at", 0)) > FRESH.total_seconds()
    if kept.get("page") != (page or request.path) and not stale:
        return Kept()
    session.pop(KEY, None)
    said = _from_file(kept["file"]) if kept.get("file") else kept
    if stale:
        return Kept()
    return Kept(
        errors=[str(m) for m in said.get("errors") or []],
        title=str(said.get("title") or ""),
        field_errors={str(k): list(v) for k, v in (said.get("fields") or {}).items()},
        form={k: v for k, v in (said.get("form") or {}).items() if isinstance(v, str)},
    )


def _to_file(said: dict) -> str:
    folder = runtime().paths.kept_forms
    folder.mkdir(parents=True, exist_ok=True)
    _prune(folder)
    token = secrets.token_hex(16)
    (folder / f"{token}.json").write_text(json.dumps(said, ensure_ascii=False), "utf-8")
    return token


def _from_file(token: str) -> dict:
    if not isinstance(token, str) or not token.isalnum():
        return {}
    path = runtime().paths.kept_forms / f"{token}.json"
    try:
        said = json.loads(path.read_text("utf-8"))
        path.unlink()
    except (OSError, ValueError):
        return {}
    return said if isinstance(said, dict) else {}


def _prune(folder) -> None:
    """Remove what was kept for refusals never shown (a closed tab); file ages, not the clock
    the rules use: this is housekeeping of files."""
    limit = time.time() - FILE_DAYS * 86400
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass
