"""Read YAML while remembering where each value came from.

Validation messages must name the file and line of the offending field, so we
compose the YAML node tree ourselves instead of calling ``yaml.safe_load``:
every mapping key gets its line, and duplicate keys (which PyYAML silently
accepts, keeping the last) are reported instead of being lost.

libyaml composes (about five times faster than PyYAML's own parser: a national
schedule of 3,321 communes in a fraction of a second) and its nodes carry their
lines too. Only a file it refuses is parsed again by the pure-Python loader, for
the wording and line of its message. Files are read by people who can edit them
but not necessarily trusted, so size, nesting and alias expansion are bounded:
a "billion laughs" chain of aliases or a few thousand nested brackets become a
problem with a line, not minutes of work, gigabytes or a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from broadcaster.errors import Problem, path_label

KeyPath = tuple[str, ...]

MAX_FILE_BYTES = 8 * 1024 * 1024  # a national schedule of 3,321 communes is about 0.5 MB
MAX_DEPTH = 64  # nested collections; our files use fewer than ten
MAX_ALIAS_VALUES = 100_000  # values repeated through aliases (*name) in one document

_FastLoader = getattr(yaml, "CSafeLoader", None)  # None when PyYAML was built without libyaml


@dataclass
class Located:
    """A parsed YAML document plus the line of every key, by its dotted path."""

    data: Any
    source: str
    lines: dict[KeyPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, *path: str) -> int | None:
        """Line of the deepest known key along ``path`` (1-based), if any."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def problem(self, path: KeyPath, message: str, code: str = "") -> Problem:
        return Problem(self.source, self.line(*path), message, code)


def load_text(text: str, source: str) -> Located:
    """Parse one YAML document; syntax errors and excesses become problems, never exceptions."""
    located = Located(data=None, source=source)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        said = exc.problem if isinstance(exc, _TooDeep) else f"YAML syntax error: {exc.problem}"
        located.problems.append(Problem(source, line, said))
        return located
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        located.problems.append(Problem(source, None, f"YAML error: {exc}"))
        return located
    except RecursionError:  # the bound below is hit first, unless the caller's stack is deep
        located.problems.append(Problem(source, None, _too_deep()))
        return located
    if node is None:
        located.data = None
        return located
    located.lines[()] = node.start_mark.line + 1
    try:
        located.data = _Builder(located).build(node, (), 0)
    except _Excess as excess:
        located.data, located.lines = None, {}
        located.problems.append(Problem(source, excess.line, excess.message))
    return located


def load_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Located:
    """Parse a YAML file; unreadable, oversized or non-UTF-8 files become problems too."""
    source = path_label(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            message = f"the file is {_mb(size)}; the limit is {_mb(max_bytes)}"
            return Located(None, source, problems=[Problem(source, None, message)])
        with path.open(encoding="utf-8") as stream:
            text = stream.read(max_bytes + 1)  # characters: never more than the bytes
    except UnicodeDecodeError as exc:
        return Located(None, source, problems=[Problem(source, None, f"not UTF-8 text: {exc}")])
    except OSError as exc:
        return Located(None, source, problems=[Problem(source, None, exc.strerror or str(exc))])
    if len(text) > max_bytes:  # it grew since
        message = f"the file is over {_mb(max_bytes)}; the limit is {_mb(max_bytes)}"
        return Located(None, source, problems=[Problem(source, None, message)])
    return load_text(text, source)


def _mb(octets: int) -> str:
    return f"{octets / (1024 * 1024):.1f} MB"


def _too_deep() -> str:
    return f"nested deeper than {MAX_DEPTH} levels"


class _TooDeep(yaml.composer.ComposerError):
    pass


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's own parser, composing no deeper than MAX_DEPTH (it recurses in Python)."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(None, None, _too_deep(), self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _compose(text: str) -> yaml.Node | None:
    """The node tree, by libyaml; a document it refuses is parsed again by PyYAML, the
    reference (whose messages also say what was expected instead of what was not found)."""
    if _FastLoader is None:
        return yaml.compose(text, Loader=_BoundedLoader)
    try:
        return yaml.compose(text, Loader=_FastLoader)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=_BoundedLoader)  # the reference: its error, or its tree


class _Excess(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.line, self.message = node.start_mark.line + 1, message


_scalar_loader = yaml.SafeLoader("")
_STR_TAG = "tag:yaml.org,2002:str"


def _scalar(node: yaml.Node) -> Any:
    """A scalar's value. The loader remembers every node it constructed (to share
    repeated objects within one document): forget this one, or every file ever read
    would stay in memory, nodes and all (and one it failed on, in another list).
    Text, most of a schedule's scalars, is the node's value as the loader would give it."""
    if node.tag == _STR_TAG:
        return node.value
    try:
        return _scalar_loader.construct_object(node, deep=True)
    finally:
        _scalar_loader.constructed_objects.pop(node, None)
        _scalar_loader.recursive_objects.pop(node, None)


class _Builder:
    """Python values from nodes, with lines, within the depth and alias bounds.

    An alias is the same node met again: each meeting builds a copy, which is how
    ten nested aliases of ten make ten billion values out of a few lines.
    """

    def __init__(self, located: Located) -> None:
        self.located = located
        self.seen: set[int] = set()
        self.repeats = 0

    def build(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        if id(node) in self.seen:
            self.repeats += 1
            if self.repeats > MAX_ALIAS_VALUES:
                message = (
                    f"aliases (*name) repeat more than {MAX_ALIAS_VALUES} values; "
                    "write the values out instead"
                )
                raise _Excess(node, message)
        else:
            self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth + 1)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, path, depth + 1)
        try:
            return _scalar(node)
        except (ValueError, yaml.constructor.ConstructorError):
            # An impossible timestamp such as 2023-13-01 looks like a date to the
            # resolver; keep the text so the field's validator can name it.
            return node.value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise _Excess(node, _too_deep())
        located, result = self.located, {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # "? [a, b]": never a field name
                line = key_node.start_mark.line + 1
                located.problems.append(Problem(located.source, line, "a key must be plain text"))
                continue
            key = str(_scalar(key_node))
            key_path = (*path, key)
            if key in result:
                located.problems.append(
                    Problem(located.source, key_node.start_mark.line + 1, f"duplicate key '{key}'")
                )
            located.lines[key_path] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, key_path, depth)
        return result

    def _sequence(self, node: yaml.SequenceNode, path: KeyPath, depth: int) -> list[Any]:
        if depth > MAX_DEPTH:
            raise _Excess(node, _too_deep())
        items = []
        for index, item in enumerate(node.value):
            item_path = (*path, str(index))
            self.located.lines[item_path] = item.start_mark.line + 1
            items.append(self.build(item, item_path, depth))
        return items
