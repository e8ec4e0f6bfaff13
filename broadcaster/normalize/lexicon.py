"""The editable word lists behind the normaliser: abbreviations, units, document codes, letters.

Editors know their abbreviations better than we do, so the lists live in YAML
(``lexicon.yaml`` in this package, plus any files a station adds) rather than in code.
Files are read with line numbers so that a typo is reported as ``file:line: message``.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from broadcaster.errors import InvalidInput, Problem, path_label

#: Sections of a lexicon file and what they hold (all map written form -> spoken form).
SECTIONS = {
    "abbreviations": "expanded anywhere as whole words",
    "units": "read only right after a number (5km, 500.000đ, 30%)",
    "document_types": "type codes inside document numbers (QĐ in 15/QĐ-UBND)",
    "issuers": "issuing bodies inside document numbers (CP in 49/2024/NĐ-CP)",
    "letters": "letter names used to spell acronyms",
    "web": "readings of parts of web addresses (www, vn, gov)",
}
_ENTRY_KEYS = {"say", "ignore_case", "before", "after"}
_BOOL = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Abbreviation:
    """One abbreviation; ``before``/``after`` limit it to a context ("CA" only in "CA xã")."""

    reading: str
    ignore_case: bool = False
    before: tuple[str, ...] = ()  # expand only if the next word is one of these
    after: tuple[str, ...] = ()  # expand only if the previous word is one of these


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class Lexicon:
    """Merged word lists; build with :meth:`load`. Compiled patterns are cached per instance."""

    def __init__(self, sections: Mapping[str, Mapping[str, Any]]) -> None:
        self.abbreviations: dict[str, Abbreviation] = dict(sections.get("abbreviations", {}))
        self.units: dict[str, str] = dict(sections.get("units", {}))
        self.document_types: dict[str, str] = dict(sections.get("document_types", {}))
        self.issuers: dict[str, str] = dict(sections.get("issuers", {}))
        self.letters: dict[str, str] = dict(sections.get("letters", {}))
        self.web: dict[str, str] = dict(sections.get("web", {}))
        self._folded = {
            key.casefold(): entry for key, entry in self.abbreviations.items() if entry.ignore_case
        }
        self._compiled: dict[str, Any] = {}

    @classmethod
    def load(cls, *paths: str | os.PathLike[str], defaults: bool = True) -> Lexicon:
        """The package lexicon merged with ``paths`` in order (later files win).

        A ``null`` value removes an entry. Every problem in every file is collected and raised
        at once as :class:`InvalidInput`, each naming its file and line.
        """
        merged: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
        problems: list[Problem] = []
        sources: list[tuple[str, str]] = []
        if defaults:
            text = resources.files(__package__).joinpath("lexicon.yaml").read_text("utf-8")
            sources.append((text, "broadcaster/normalize/lexicon.yaml"))
        for path in paths:
            label = path_label(path)
            try:
                sources.append((Path(path).read_text("utf-8"), label))
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(label, None, f"cannot read lexicon: {exc}"))
        for text, label in sources:
            for section, key, value in _parse(text, label, problems):
                if value is None:
                    merged[section].pop(key, None)
                else:
                    merged[section][key] = value
        if problems:
            raise InvalidInput(problems, what="lexicon")
        return cls(merged)

    @classmethod
    def current(cls, *paths: str | os.PathLike[str], staff: Path | None = None) -> Lexicon:
        """:meth:`load` of ``paths`` and the staff file (if it exists), reread only on change.

        A long-running panel or daemon asks on every use; the files' identity and times are
        the cache key, so a staff addition is heard at the next preview or render.
        """
        files = [Path(p) for p in paths] + (
            [staff] if staff is not None and staff.is_file() else []
        )
        return _load_cached(tuple((str(f), *_stamp(f)) for f in files))

    def with_abbreviations(self, extra: Mapping[str, str]) -> Lexicon:
        """A copy with ``extra`` entries on top: the preview of an entry before it is saved."""
        sections: dict[str, dict[str, Any]] = {name: dict(getattr(self, name)) for name in SECTIONS}
        sections["abbreviations"].update({key: Abbreviation(say) for key, say in extra.items()})
        return Lexicon(sections)

    def abbreviation(self, written: str) -> Abbreviation | None:
        """The entry for a written form: exact case first, then case-insensitive entries."""
        return self.abbreviations.get(written) or self._folded.get(written.casefold())

    def spell(self, letters: str) -> str:
        """Letter by letter with Vietnamese letter names: "PCCC" -> "pê xê xê xê"."""
        return " ".join(self.letters.get(c.upper(), c) for c in letters)

    def can_spell(self, letters: str) -> bool:
        """Whether every letter has a name (a station lexicon may leave some out)."""
        return all(c.upper() in self.letters for c in letters)

    def compiled(self, name: str, build: Callable[[Lexicon], Any]) -> Any:
        """Build a lexicon-dependent pattern once per lexicon (rules call this on every line)."""
        if name not in self._compiled:
            self._compiled[name] = build(self)
        return self._compiled[name]


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0, 0)  # load() reports the unreadable file
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_cached(stamps: tuple[tuple[Any, ...], ...]) -> Lexicon:
    return Lexicon.load(*(stamp[0] for stamp in stamps))


def alternation(keys: list[str], folded: frozenset[str] = frozenset()) -> str:
    """A regex alternative of ``keys``, longest first, ``folded`` keys case-insensitive.

    A key ending in a letter or digit must end a word ("k" in "50k", not in "50kg"); one
    ending in a symbol ("TP.", "%") needs no such check.
    """
    parts = []
    for key in sorted(keys, key=lambda k: (-len(k), k)):
        escaped = re.escape(key)
        if key in folded:
            escaped = f"(?i:{escaped})"
        parts.append(escaped + r"(?![\w&])" if key[-1].isalnum() else escaped)
    return "|".join(parts) or "(?!)"


def _parse(text: str, label: str, problems: list[Problem]) -> list[tuple[str, str, Any]]:
    """(section, key, value) triples from one file; problems are appended, not raised."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(label, line, f"not valid YAML: {reason}"))
        return []
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        problems.append(Problem(label, _line(root), "a lexicon must be a mapping of sections"))
        return []
    found: list[tuple[str, str, Any]] = []
    for name_node, body in root.value:
        section = name_node.value
        if section not in SECTIONS:
            known = ", ".join(SECTIONS)
            problems.append(
                Problem(label, _line(name_node), f"unknown section {section!r} ({known})")
            )
            continue
        if _is_null(body):
            continue
        if not isinstance(body, yaml.MappingNode):
            problems.append(Problem(label, _line(body), f"section {section!r} must be a mapping"))
            continue
        seen: set[str] = set()
        for key_node, value_node in body.value:
            key = _nfc(str(key_node.value)).strip()
            where = _line(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or not key:
                problems.append(Problem(label, where, f"empty or invalid key in {section!r}"))
                continue
            if key in seen:
                problems.append(Problem(label, where, f"{key!r} appears twice in {section!r}"))
            seen.add(key)
            value = _entry(section, key, value_node, label, problems)
            if value is not False:
                found.append((section, key, value))
    return found


def _entry(section: str, key: str, node: yaml.Node, label: str, problems: list[Problem]) -> Any:
    """The parsed value, None for "remove", or False after reporting a problem."""
    if _is_null(node):
        return None
    if isinstance(node, yaml.ScalarNode):
        reading = _nfc(node.value).strip()
        if not reading or "\n" in reading:
            problems.append(Problem(label, _line(node), f"{key!r} needs a one-line reading"))
            return False
        return Abbreviation(reading) if section == "abbreviations" else reading
    if section != "abbreviations" or not isinstance(node, yaml.MappingNode):
        problems.append(Problem(label, _line(node), f"{key!r} must map to a reading (text)"))
        return False
    fields = {k.value: v for k, v in node.value}
    ok = True
    for name in fields.keys() - _ENTRY_KEYS:
        problems.append(Problem(label, _line(node), f"{key!r}: unknown field {name!r}"))
        ok = False
    say = fields.get("say")
    if not isinstance(say, yaml.ScalarNode) or not say.value.strip() or "\n" in say.value.strip():
        problems.append(Problem(label, _line(node), f"{key!r} needs a one-line 'say'"))
        ok = False
    ignore_case = fields.get("ignore_case")
    if ignore_case is not None and ignore_case.tag != _BOOL:
        problems.append(
            Problem(label, _line(ignore_case), f"{key!r}: ignore_case must be true/false")
        )
        ok = False
    context: dict[str, tuple[str, ...]] = {}
    for name in ("before", "after"):
        words = fields.get(name)
        if words is None:
            continue
        if not isinstance(words, yaml.SequenceNode) or not all(
            isinstance(w, yaml.ScalarNode) and w.value.strip() for w in words.value
        ):
            problems.append(
                Problem(label, _line(words), f"{key!r}: {name} must be a list of words")
            )
            ok = False
            continue
        context[name] = tuple(_nfc(w.value).strip() for w in words.value)
    if not ok:
        return False
    folded = ignore_case is not None and ignore_case.value.lower() in {"true", "yes", "on"}
    return Abbreviation(_nfc(say.value).strip(), folded, **context)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1
