"""No import cycle in ``broadcaster`` or ``web``.

A cycle leaves one of its modules half-initialised while the other runs, so
whether a name is there yet depends on which module some caller happened to
import first: it breaks in one entry point and not another. Importing every
module in a fresh interpreter would be slow, so the graph is read from the
source with :mod:`ast`.

Edges are the imports that run at import time: module level, class bodies,
``try``/``if`` blocks, but not function bodies (those run once every module is
complete) nor ``if TYPE_CHECKING:`` blocks (they never run). Importing
``a.b.c`` also runs the packages ``a`` and ``a.b``; those are edges too, except
to a package that encloses the importer, which is always already under way
(``a.b.x`` importing ``a.b.c`` does not re-run ``a.b``). ``from a.b import
name`` needs ``a.b`` complete, so it is an edge even from inside ``a.b``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("broadcaster", "web")

Graph = Mapping[str, set[str]]


def find_modules(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Dotted module name -> source file, for every ``.py`` under the packages."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _runtime_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _runtime_imports(node.orelse)
        else:  # class bodies, if/try/with/for/match blocks
            for field in ("body", "orelse", "finalbody"):
                yield from _runtime_imports(getattr(node, field, []))
            for clause in [*getattr(node, "handlers", []), *getattr(node, "cases", [])]:
                yield from _runtime_imports(clause.body)


def _is_type_checking(test: ast.expr) -> bool:
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
    return name == "TYPE_CHECKING"


def _base(module: str, path: Path, level: int) -> str:
    """The package a relative import of ``level`` dots starts from."""
    parts = module.split(".")
    if path.name != "__init__.py":
        parts = parts[:-1]
    return ".".join(parts[: len(parts) - (level - 1)])


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def build_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ``modules`` it makes run when it is imported."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges: set[str] = set()
        # (target, explicit): an explicit edge counts even to an enclosing package
        targets: list[tuple[str, bool]] = []
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                targets += [(alias.name, True) for alias in node.names]
                continue
            source = node.module or ""
            if node.level:
                source = ".".join(filter(None, [_base(module, path, node.level), source]))
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    targets += [(submodule, True), (source, False)]
                else:
                    targets.append((source, True))
        for target, explicit in targets:
            for name in [*_ancestors(target), target]:
                needed = (name == target and explicit) or not module.startswith(name + ".")
                if needed and name in modules and name != module:
                    edges.add(name)
        graph[module] = edges
    return graph


def find_cycles(graph: Graph) -> list[list[str]]:
    """One cycle (first module repeated at the end) per strongly connected group."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan; the graph is a few hundred modules deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(graph, set(group), group[0]) for group in sorted(groups)]


def _cycle_in(graph: Graph, group: set[str], start: str) -> list[str]:
    """A shortest path from ``start`` back to itself inside ``group``."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & group):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"{start} is on no cycle in {sorted(group)}")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return build_graph(find_modules())


def test_no_import_cycle_in_broadcaster_or_web(graph):
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_graph_sees_the_imports_it_should(graph):
    assert {"broadcaster.db", "web", "broadcaster.playout.state"} <= graph.keys()
    assert "broadcaster.db.schema" in graph["broadcaster.db"]
    assert "broadcaster.db" in graph["broadcaster.alerts"]
    # a submodule's import runs its package, unless the importer is inside it
    assert "broadcaster.library" in graph["broadcaster.db.rollup"]
    assert "broadcaster.db" not in graph["broadcaster.db.schema"]
    # function-level imports run later: not edges
    assert "broadcaster.runtime.paths" not in graph["broadcaster.config"]


def test_cycles_are_found_and_named(tmp_path):
    files = {
        "pkg/__init__.py": "from pkg.a import thing\n",
        "pkg/a.py": "import os\nfrom . import b\nthing = 1\n",
        "pkg/b.py": "from pkg import thing\n",  # needs pkg complete: a cycle
        "pkg/c.py": "def later():\n    import pkg.a\n",
        "pkg/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.c\n",
    }
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(source)
    graph = build_graph(find_modules(tmp_path, ("pkg",)))
    assert graph == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.b"},
        "pkg.b": {"pkg"},
        "pkg.c": set(),
        "pkg.d": set(),
    }
    assert find_cycles(graph) == [["pkg", "pkg.a", "pkg.b", "pkg"]]
