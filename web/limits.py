"""Bounds on what a request may carry, checked before any view works on it.

Ids in URLs become file names and database keys: a 300-character one once reached
the file system ("File name too long") and answered 500. No id, token or file name
we make is longer than :data:`MAX_ID_CHARS`, so a longer one names nothing: 404.
JSON bodies are read here too, bounded in size and nesting (Python's parser
recurses, and a few thousand brackets made it fail with a 500).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, abort, request

MAX_ID_CHARS = 200  # and "<id>.yaml", "<id>-<sha12>.mp3" stay under the 255 a file name allows
MAX_JSON_DEPTH = 20
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # strings are skipped whole


class JsonRefused(Exception):
    """A JSON body refused before it is parsed; ``message`` is in Vietnamese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def init_app(app: Flask) -> None:
    app.before_request(_bounded_view_args)


def _bounded_view_args() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and len(value) > MAX_ID_CHARS:
            abort(404)


def json_body(max_bytes: int) -> Any:
    """The request's JSON, or None if it is not JSON; JsonRefused if too big or too deep."""
    if not request.is_json:
        return None
    if request.content_length is not None and request.content_length > max_bytes:
        raise JsonRefused(413, _too_big(max_bytes))
    raw = request.stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise JsonRefused(413, _too_big(max_bytes))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if nesting(text) > MAX_JSON_DEPTH:
        message = f"Nội dung JSON lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp)."
        raise JsonRefused(400, message)
    try:
        return json.loads(text)
    except ValueError:
        return None


def nesting(text: str) -> int:
    """How deep the arrays and objects of a JSON text go (brackets inside strings aside)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def _too_big(max_bytes: int) -> str:
    return f"Nội dung JSON quá lớn (tối đa {max_bytes // 1024} KB)."
