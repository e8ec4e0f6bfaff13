"""Editing the library from the panel: bulletin files and announcer recordings, written safely.

A bulletin file is replaced only after the new text has passed the loader's own
parser (:func:`broadcaster.library.bulletins.parse_bulletin`), so a bad edit never reaches
the library. The fields an edit did not touch keep their exact bytes and their
order, so the versioned library shows one-line diffs, not reformatted files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
import threading
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from broadcaster import yamlsource
from broadcaster.errors import BroadcasterError, LibraryError, Problem, path_label
from broadcaster.library.bulletins import ID_PATTERN, Bulletin, parse_bulletin

# The documented field order (see broadcaster.library.bulletins); a field an edit adds goes here.
FIELD_ORDER = (
    "id",
    "form",
    "kind",
    "title",
    "priority",
    "valid_from",
    "valid_until",
    "stations",
    "retired",
    "retired_on",
    "voice",
    "recording",
    "notes",
    "body",
)
RECORDINGS = "recordings"  # beside the bulletin files: <library>/recordings/<id>.<ext>
RECORDING_TYPES = ("wav", "mp3", "m4a", "ogg")
_TEMP_PREFIX = ".tmp-"
_TEMP_SUFFIX = ".part"  # never *.yaml: a library load running meanwhile must not see it
_write_lock = threading.RLock()  # one writer at a time within a process (the panel's threads)
REMOVE = object()  # a change that takes the field out of the file (un-retiring)


class EditConflict(BroadcasterError):
    """The file changed on disk since the editor read it."""


# ---------------------------------------------------------------- reading one file


def bulletin_file(library_dir: Path, bulletin_id: str) -> Path | None:
    """The file that holds ``bulletin_id``, or None. Ids are checked, so no path escapes."""
    if not ID_PATTERN.match(bulletin_id or ""):
        return None
    for suffix in (".yaml", ".yml"):
        path = library_dir / f"{bulletin_id}{suffix}"
        try:
            if path.is_file():
                return path
        except OSError:  # "File name too long": no such bulletin either
            return None
    return None


def read_bulletin(path: Path) -> Bulletin:
    """One bulletin file on its own; LibraryError with its problems if it is not valid."""
    problems: list[Problem] = []
    bulletin = parse_bulletin(yamlsource.load_file(path), path, problems)
    if bulletin is None:
        raise LibraryError(problems)
    return bulletin


def read_each(library_dir: Path) -> tuple[list[Bulletin], list[Problem]]:
    """Every bulletin that parses on its own, and the problems of those that do not.

    For the panel's view of a library that :func:`load_library` refuses as a whole:
    staff still see (and can fix) the good files while one is broken.
    """
    bulletins: list[Bulletin] = []
    problems: list[Problem] = []
    for path in sorted(library_dir.glob("*.yaml")) + sorted(library_dir.glob("*.yml")):
        bulletin = parse_bulletin(yamlsource.load_file(path), path, problems)
        if bulletin is not None:
            bulletins.append(bulletin)
    return bulletins, problems


def fingerprint(path: Path) -> str:
    """What an editor saw: a save is refused if the file no longer has this digest."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- tidying typed text


def tidy_line(text: str) -> str:
    """One-line text as typed on any keyboard: NFC, single spaces, no line breaks."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def tidy_body(text: str) -> str:
    """A body as typed in a browser: NFC, LF line ends, no trailing spaces, one final LF.

    Trailing spaces would also stop YAML from writing the body as a readable block.
    """
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    body = "\n".join(lines).strip("\n")
    return body + "\n" if body.strip() else ""


# ---------------------------------------------------------------- writing one file


@dataclass(frozen=True)
class Saved:
    bulletin: Bulletin
    changed: tuple[str, ...]  # the fields that differ from what was on disk; () = no write


def save_bulletin(
    library_dir: Path,
    bulletin_id: str,
    changes: Mapping[str, Any],
    *,
    expected: str | None = None,
    station_ids: Collection[str] | None = None,
) -> Saved:
    """Apply ``changes`` (field -> new value, None for null) to one bulletin file.

    The new text is written to a temporary file in the library folder, read back
    and parsed as the loader would, and only then renamed over the old file.
    LibraryError carries the parser's problems; the stored file is then untouched.
    ``expected`` is the :func:`fingerprint` the editor saw (EditConflict if stale);
    ``station_ids``, the schedule's, checks a station limit. :data:`REMOVE` drops a field.
    """
    unknown = set(changes) - set(FIELD_ORDER)
    if unknown or "id" in changes:
        raise ValueError(f"cannot edit fields: {sorted(unknown | ({'id'} & set(changes)))}")
    with _write_lock:
        path = bulletin_file(library_dir, bulletin_id)
        if path is None:
            raise LibraryError([Problem(bulletin_id, None, "no bulletin has this id")])
        original = path.read_bytes()
        if expected is not None and hashlib.sha256(original).hexdigest() != expected:
            raise EditConflict(f"{path_label(path)} changed since it was opened")
        text = original.decode("utf-8")
        located = yamlsource.load_text(text, path_label(path))
        if located.problems or not isinstance(located.data, dict):
            problems = located.problems or [
                Problem(located.source, 1, "expected a mapping of bulletin fields")
            ]
            raise LibraryError(problems)
        data: dict[str, Any] = located.data
        changed = {k: v for k, v in changes.items() if _differs(data.get(k), v)}
        if not changed:
            return Saved(read_bulletin(path), ())
        new_text = render_yaml(text, changed)
        bulletin = _replace_checked(path, new_text, station_ids)
        return Saved(bulletin, tuple(k for k in FIELD_ORDER if k in changed))


def _differs(old: Any, new: Any) -> bool:
    """Exact: re-typing the same title changes nothing, but NFD text on disk becomes NFC."""
    if new is REMOVE:
        return old is not None
    return type(old) is not type(new) or old != new


def _replace_checked(
    path: Path, text: str, station_ids: Collection[str] | None = None, *, create: bool = False
) -> Bulletin:
    """Write ``text`` to a temporary file, parse it as the loader would, then put it in place.

    ``create`` never replaces: FileExistsError if ``path`` appeared meanwhile.
    """
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o644)
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        # Parse what is on disk, as the loader will, but named and placed as the real file
        # (the id must match its name; a recording is relative to its folder).
        located = yamlsource.load_text(temp.read_text(encoding="utf-8"), path_label(path))
        problems: list[Problem] = []
        bulletin = parse_bulletin(located, path, problems, station_ids=station_ids)
        if bulletin is None:
            raise LibraryError(problems)
        if create:
            os.link(temp, path)  # atomic, and refuses to replace a file that is there
            temp.unlink()
        else:
            os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return bulletin


def write_new(path: Path, data: Mapping[str, Any], station_ids=None) -> Bulletin:
    """A new bulletin file from ``data`` (in order), checked like an edit; never replaces one:
    FileExistsError if ``path`` is taken."""
    text = "".join(_dump_field(key, value) for key, value in data.items())
    with _write_lock:
        return _replace_checked(path, text, station_ids, create=True)


class _Dumper(yaml.SafeDumper):
    """Block scalars for text with line breaks (the body), folded for long lines."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else (">" if len(value) > 80 else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump_field(key: str, value: Any) -> str:
    return yaml.dump({key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)


def render_yaml(text: str, changes: Mapping[str, Any]) -> str:
    """``text`` with the fields in ``changes`` rewritten; every other byte as it was.

    Falls back to writing the whole mapping afresh (same order) if the file's
    layout is unusual (a flow mapping, keys not at the margin) or the surgical
    result would not read back as the intended data.
    """
    data = _data(text)
    wanted = {k: v for k, v in {**data, **changes}.items() if v is not REMOVE}
    try:
        new_text = _rewrite_fields(text, changes)
    except _Unusual:
        new_text = None
    if new_text is None or _data(new_text) != wanted:
        keys = list(data)
        for key in changes:
            if key not in keys:
                keys.insert(_position(keys, key), key)
        new_text = "".join(_dump_field(k, wanted[k]) for k in keys if k in wanted)
    return new_text


def _data(text: str) -> dict[str, Any]:
    located = yamlsource.load_text(text, "edit")
    return located.data if isinstance(located.data, dict) else {}


def _position(keys: list[str], key: str) -> int:
    """Where a new field goes: before the first present field that FIELD_ORDER puts after it."""
    rank = FIELD_ORDER.index(key)
    for index, present in enumerate(keys):
        if present in FIELD_ORDER and FIELD_ORDER.index(present) > rank:
            return index
    return len(keys)


class _Unusual(Exception):
    pass


def _rewrite_fields(text: str, changes: Mapping[str, Any]) -> str:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode) or root.flow_style or not root.value:
        raise _Unusual
    entries = []  # (key, start of its line, end of its value's line)
    for key_node, value_node in root.value:
        if key_node.start_mark.column != 0:
            raise _Unusual
        end = value_node.end_mark.index
        if end > 0 and text[end - 1] != "\n":
            newline = text.find("\n", end)
            end = len(text) if newline < 0 else newline + 1
        entries.append((str(key_node.value), key_node.start_mark.index, end))
    keys = [key for key, _, _ in entries]
    added = {k: v for k, v in changes.items() if k not in keys and v is not REMOVE}
    for key in added:
        keys.insert(_position(keys, key), key)
    chunks: dict[str, str] = {key: _dump_field(key, value) for key, value in added.items()}
    for index, (key, start, end) in enumerate(entries):
        following = entries[index + 1][1] if index + 1 < len(entries) else len(text)
        if changes.get(key) is REMOVE:
            chunk = ""
        elif key in changes:
            # keep the comments and blank lines that follow the value
            chunk = _dump_field(key, changes[key]) + text[end:following]
        else:
            chunk = text[start:following]
        chunks[key] = chunk if not chunk or chunk.endswith("\n") else chunk + "\n"
    return text[: entries[0][1]] + "".join(chunks[key] for key in keys)


# ---------------------------------------------------------------- announcer recordings


def recordings_dir(library_dir: Path) -> Path:
    return library_dir / RECORDINGS


def staging_file(library_dir: Path, suffix: str) -> Path:
    """An empty temporary file beside the recordings, for an upload being checked."""
    folder = recordings_dir(library_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX, suffix=suffix)
    os.close(fd)
    return Path(name)


def discard_staging(staged: Path) -> None:
    """Remove a refused upload, and the recordings folder if that leaves it empty."""
    staged.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # other recordings are there
        staged.parent.rmdir()


def store_recording(library_dir: Path, bulletin_id: str, staged: Path, ext: str) -> Saved:
    """Move a checked upload to ``recordings/<id>.<ext>`` and point the bulletin at it.

    If the bulletin file cannot be saved, the previous recording (if any) is put back.
    Recordings of this bulletin in other formats are removed once the new one is in use.
    """
    if ext not in RECORDING_TYPES:
        raise ValueError(f"unsupported recording type: {ext}")
    if bulletin_file(library_dir, bulletin_id) is None:
        raise LibraryError([Problem(bulletin_id, None, "no bulletin has this id")])
    folder = recordings_dir(library_dir)
    target = folder / f"{bulletin_id}.{ext}"
    with _write_lock:
        backup = None
        if target.exists():
            backup = folder / f"{_TEMP_PREFIX}{secrets.token_hex(6)}-{target.name}"
            os.link(target, backup)
        try:
            os.replace(staged, target)
            record = {"recording": f"{RECORDINGS}/{target.name}"}
            saved = save_bulletin(library_dir, bulletin_id, record)
        except BaseException:
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
            raise
        finally:
            staged.unlink(missing_ok=True)
            if backup is not None:
                backup.unlink(missing_ok=True)
        for other in RECORDING_TYPES:
            if other != ext:
                (folder / f"{bulletin_id}.{other}").unlink(missing_ok=True)
    return saved


def remove_recording(library_dir: Path, bulletin_id: str) -> Saved:
    """Go back to synthesis: clear ``recording:`` first, then delete the file."""
    path = bulletin_file(library_dir, bulletin_id)
    previous = read_bulletin(path).recording if path else None
    saved = save_bulletin(library_dir, bulletin_id, {"recording": None})
    if previous is not None and previous.parent == recordings_dir(library_dir):
        previous.unlink(missing_ok=True)
    return saved
