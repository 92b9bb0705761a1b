"""The layout holds: imports run one way, with no cycle, and modules and functions stay small.

Every import counts, including those inside functions and under TYPE_CHECKING: a cycle hidden
in a function is still a cycle to a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import REPO

PACKAGE = REPO / "study"
SHARED = {
    "study",
    "study.errors",
    "study.paths",
    "study.clock",
    "study.atomic",
    "study.collector",
    "study.words",
}
# What each layer may import besides itself (a layer is a package, or the shared modules).
ALLOWED = {
    "shared": {"shared"},
    "study.notes": {"shared"},
    "study.schedule": {"shared", "study.notes"},
    "study.drill": {"shared", "study.notes", "study.schedule"},
    "study.anki": {"shared", "study.notes", "study.schedule"},
    "study.remind": {"shared", "study.notes", "study.schedule"},
    "study.stats": {"shared", "study.notes", "study.schedule"},
}
TOP = {
    "study.cli",
    "study.dbcli",
    "study.browsecli",
    "study.statscli",
    "study.launch",
    "study.__main__",
}  # may import anything
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The study modules `path` imports anywhere in its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from study.schedule import queue` imports the module study.schedule.queue.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [name if name in MODULES else node.module for name in names]
        else:
            continue
        found |= {name for name in names if name.split(".")[0] == "study"}
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _layer(module: str) -> str:
    if module in SHARED:
        return "shared"
    if module in TOP:
        return "top"
    return ".".join(module.split(".")[:2])


def test_the_walk_sees_function_level_and_from_imports() -> None:
    assert "study.schedule.duereport" in GRAPH["study.launch"]  # inside a function
    assert "study.schedule.queue" in GRAPH["study.drill.loop"]  # `from study.schedule import`
    assert len(MODULES) > 40 and set(ALLOWED) - {"shared"} <= set(MODULES)


def test_imports_run_one_way() -> None:
    upward = []
    for module, imported in GRAPH.items():
        layer = _layer(module)
        if layer == "top":
            continue
        assert layer in ALLOWED, f"{module} is in no known layer: add its package to ALLOWED"
        for other in sorted(imported):
            target = _layer(other)
            if target != layer and target not in ALLOWED[layer]:
                upward.append(f"{module} -> {other}")
    assert upward == []


def _cycle() -> list[str]:
    """One import cycle among the modules, or [] (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str]:
        state[module], found = 1, []
        stack.append(module)
        for other in sorted(GRAPH.get(module, ())):
            if state.get(other) == 1:
                return [*stack[stack.index(other) :], other]
            if other not in state and (found := visit(other)):
                return found
        stack.pop()
        state[module] = 2
        return found

    for module in sorted(GRAPH):
        if module not in state and (found := visit(module)):
            return found
    return []


def test_no_import_cycle() -> None:
    assert _cycle() == []


def test_the_cycle_search_finds_one() -> None:
    assert "study.errors" in GRAPH["study.notes.lookup"]
    GRAPH["study.errors"].add("study.notes.lookup")  # made up: the other way round
    try:
        found = _cycle()
    finally:
        GRAPH["study.errors"].discard("study.notes.lookup")
    assert found[0] == found[-1] and set(found) == {"study.errors", "study.notes.lookup"}


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{module}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{module}.{node.name}: {length} lines")
    assert too_long == []
