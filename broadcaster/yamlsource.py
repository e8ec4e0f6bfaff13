"""Read YAML while remembering where each value came from.

Validation messages must name the file and line of the offending field, so we
compose the YAML node tree ourselves instead of calling ``yaml.safe_load``:
every mapping key gets its line, and duplicate keys (which PyYAML silently
accepts, keeping the last) are reported instead of being lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from broadcaster.errors import Problem, path_label

KeyPath = tuple[str, ...]


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

    def problem(self, path: KeyPath, message: str) -> Problem:
        return Problem(self.source, self.line(*path), message)


def load_text(text: str, source: str) -> Located:
    """Parse one YAML document; syntax errors become problems, never exceptions."""
    located = Located(data=None, source=source)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        located.problems.append(Problem(source, line, f"YAML syntax error: {exc.problem}"))
        return located
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        located.problems.append(Problem(source, None, f"YAML error: {exc}"))
        return located
    if node is None:
        located.data = None
        return located
    located.lines[()] = node.start_mark.line + 1
    located.data = _construct(node, (), located)
    return located


def load_file(path: Path) -> Located:
    """Parse a YAML file; unreadable or non-UTF-8 files become problems too."""
    source = path_label(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Located(None, source, problems=[Problem(source, None, f"not UTF-8 text: {exc}")])
    except OSError as exc:
        return Located(None, source, problems=[Problem(source, None, exc.strerror or str(exc))])
    return load_text(text, source)


_scalar_loader = yaml.SafeLoader("")


def _scalar(node: yaml.Node) -> Any:
    """A scalar's value. The loader remembers every node it constructed (to share
    repeated objects within one document): forget this one, or every file ever read
    would stay in memory, nodes and all (and one it failed on, in another list)."""
    try:
        return _scalar_loader.construct_object(node, deep=True)
    finally:
        _scalar_loader.constructed_objects.pop(node, None)
        _scalar_loader.recursive_objects.pop(node, None)


def _construct(node: yaml.Node, path: KeyPath, located: Located) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node))
            key_path = (*path, key)
            if key in result:
                located.problems.append(
                    Problem(located.source, key_node.start_mark.line + 1, f"duplicate key '{key}'")
                )
            located.lines[key_path] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, key_path, located)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            item_path = (*path, str(index))
            located.lines[item_path] = item.start_mark.line + 1
            items.append(_construct(item, item_path, located))
        return items
    try:
        return _scalar(node)
    except (ValueError, yaml.constructor.ConstructorError):
        # An impossible timestamp such as 2023-13-01 looks like a date to the
        # resolver; keep the text so the field's validator can name it.
        return node.value
