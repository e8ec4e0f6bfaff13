"""Abbreviations staff add from the panel, kept apart from the shipped lexicon.

The package's ``lexicon.yaml`` belongs to the code (an upgrade replaces it); what staff add
lives in the data directory, in the same format, and is loaded last so it wins. The file is
rewritten whole and atomically on every change: a crash leaves the old file or the new one,
and a reader (a render in another process) never sees half of it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from broadcaster.atomic import write_text_atomic

MAX_KEY = 20
MAX_SAY = 120
# Written forms: letters (Vietnamese ones too), digits, and the joiners real abbreviations
# use ("NN&PTNT", "KT-XH", "TP.", "v/v"); it must start with a letter.
_KEY_RE = re.compile(r"[^\W\d_][\w&.\-/]*")
# Spoken forms: words of letters separated by single spaces; no digits (the voice would read
# them by the rules again) and no markup.
_SAY_RE = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")

HEADER = (
    "# Từ viết tắt do biên tập viên thêm trên trang quản trị (staff additions from the panel).\n"
    "# Loaded after the shipped lexicon: an entry here wins. Edit from the panel, not by hand.\n"
)


def clean(text: str) -> str:
    """NFC, trimmed, inner runs of spaces collapsed: what a form field means."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def problems(key: str, say: str) -> list[str]:
    """Codes of what is wrong with an entry (empty: fine); the panel words them."""
    found = []
    if not key:
        found.append("key_empty")
    elif len(key) > MAX_KEY:
        found.append("key_too_long")
    elif not _KEY_RE.fullmatch(key):
        found.append("key_chars")
    elif key == key.lower():
        found.append("key_case")  # "xã" would replace an ordinary word everywhere
    if not say:
        found.append("say_empty")
    elif len(say) > MAX_SAY:
        found.append("say_too_long")
    elif not _SAY_RE.fullmatch(say):
        found.append("say_chars")
    return found


def read_entries(path: Path) -> dict[str, str]:
    """The staff abbreviations, written form -> spoken form (none if the file is absent)."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    section = data.get("abbreviations") or {}
    entries = {}
    for key, value in section.items():
        say = value.get("say") if isinstance(value, dict) else value
        if isinstance(say, str):
            entries[str(key)] = say
    return entries


def render_file(entries: dict[str, str]) -> str:
    """The file's text: sorted, one ``KEY: {say: ...}`` per line, readable in a diff."""
    body = {"abbreviations": {k: {"say": entries[k]} for k in sorted(entries)}}
    dumped = yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=200)
    return HEADER + dumped


def save_entry(path: Path, key: str, say: str) -> str | None:
    """Add or replace one entry; the previous spoken form (None if it is new)."""
    entries = read_entries(path)
    previous = entries.get(key)
    entries[key] = say
    _write(path, entries)
    return previous


def remove_entry(path: Path, key: str) -> str | None:
    """Remove one entry; the spoken form it had (None if there was none, nothing written)."""
    entries = read_entries(path)
    previous = entries.pop(key, None)
    if previous is not None:
        _write(path, entries)
    return previous


def _write(path: Path, entries: dict[str, str]) -> None:
    write_text_atomic(path, render_file(entries))
