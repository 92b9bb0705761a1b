"""Hostile notes: whatever a note holds, parsing it costs work bounded by its size (issue 16).

Adversarial generators build the shapes that make parsers slow (long runs of one marker,
repetition, deep nesting). The parser's work is counted, not timed, so a busy machine cannot
fail these tests: calls of study's own functions (a profile hook) and regular-expression
steps (each call through a pattern of study/notes replayed by `tests.regexwork`, which
counts what `re`'s backtracking does in C). A quadratic rule shows as work per character
growing with the note, and as work growing sixteenfold when the note grows fourfold.
Timings are in benchmarks/bench_hostile.py.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import study
import study.notes
from study.notes.parser import parse_text
from tests import regexwork
from tests.support import REPO

MARKERS = ["*", "_", "`", "[", "]", ":", "=", "{", "}", "?", "#", ">", "-", "|", "\\", "~", "$"]
# Work a note may cost: a floor (a note's fixed costs) and so much per character. The real
# notes of the corpus cost at most ~35 regex steps and ~3 calls of study's functions per
# character; 300 generated hostile notes at most ~375 steps and ~2 calls; `[` * n before 40
# clozes ~800 steps and ~21 calls (each of the 20 cloze cards holds the paragraph). The
# quadratic link rule this replaced cost 5,500 steps per character at 336 characters and
# 64,000 at 1,450.
STEPS_FLOOR, STEPS_PER_CHAR = 50_000, 2_000
CALLS_FLOOR, CALLS_PER_CHAR = 50_000, 50
STUDY = str(Path(study.__file__).parent)
NOTES = [
    importlib.import_module(f"study.notes.{module.name}")
    for module in pkgutil.iter_modules(study.notes.__path__)
]

_runs = st.builds(
    lambda marker, count, gap: marker * count + gap,
    st.sampled_from(MARKERS),
    st.integers(1, 1000),
    st.sampled_from(["", " ", "a", "\n", "\n\n", " x "]),
)
_pieces = st.sampled_from(
    ["Q::A\n\n", "Q\n?\nA\n\n", "==a== ", "{{c1::x}} ", "[[link]] ", "`code` ", "**b** ",
     "C: [a] [b]\n", "Q: a\nA: b\n", "- `ls` — lists\n", "> quote\n", "| a | b |\n", "#tag ",
     "## H\n\n", "```\n", "$$\n", "<!-- ", "---\n"]
)  # fmt: skip
_repeated = st.builds(lambda piece, times: piece * times, _pieces, st.integers(1, 300))
_nested = st.builds(
    lambda opener, closer, depth: opener * depth + "x" + closer * depth,
    st.sampled_from(["[", "(", "{", "*", "_", "> ", "- ", "  - ", "`"]),
    st.sampled_from(["]", ")", "}", "*", "_", "", "`"]),
    st.integers(1, 500),
)
HOSTILE = st.lists(st.one_of(_runs, _repeated, _nested), min_size=1, max_size=4).map("".join)


def parsing_work(text: str) -> tuple[int, int]:
    """(calls of study's functions, regex steps) that parsing `text` takes: counts, the same
    on any host. markdown-it's own calls are its cost, not a rule's: the benchmark sets the
    parse against `md.parse` (markdown-it-py's link labels alone grow unevenly with `[` runs)."""
    calls = 0

    def count(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        calls += event == "call" and frame.f_code.co_filename.startswith(STUDY)

    with regexwork.recorded(NOTES) as made:
        sys.setprofile(count)
        try:
            parse_text(text, source="hostile.md")
        finally:
            sys.setprofile(None)
    assert made, "no pattern call was recorded: the stand-ins did not take"
    return calls, regexwork.steps(made)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
@example("[" * 300 + "==a== " * 6)  # 1.85 M regex steps (5,500 a character) with the old link rule
def test_parsing_a_hostile_note_costs_work_bounded_per_character(text: str) -> None:
    calls, steps = parsing_work(text)
    assert calls < CALLS_FLOOR + CALLS_PER_CHAR * len(text), f"{calls} calls, {len(text)} chars"
    assert steps < STEPS_FLOOR + STEPS_PER_CHAR * len(text), f"{steps} steps, {len(text)} chars"


# Shapes that were quadratic, each made at a size n: past MAX_DELETIONS (20) clozes, so the
# cards a paragraph makes stop growing and only the text grows.
SHAPES: dict[str, Callable[[int], str]] = {
    "a run of [ before 40 clozes": lambda n: "[" * n + "==a== " * 40,
    "40 clozes before a run of [": lambda n: "==a== " * 40 + "[" * n,
    "Q::A cards": lambda n: "Q::A\n\n" * (n // 6),
    "==a== clozes": lambda n: "==a== " * (n // 6),
    "? cards": lambda n: "Q\n?\nA\n\n" * (n // 8),
    "a run of `": lambda n: "`" * n,
    "a run of {": lambda n: "{" * n,
}


@pytest.mark.parametrize("make", SHAPES.values(), ids=SHAPES.keys())
def test_four_times_the_note_costs_at_most_five_times_the_work(make: Callable[[int], str]) -> None:
    small, large = parsing_work(make(250)), parsing_work(make(1000))
    assert large[0] <= 5 * small[0], f"calls {small[0]} -> {large[0]}"
    assert large[1] <= 5 * small[1], f"regex steps {small[1]} -> {large[1]}"


def _inline_patterns(tree: ast.Module) -> list[str]:
    """`re.sub(...)`-style calls, and patterns compiled inside a function: work unrecorded."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            callee = node.func if isinstance(node, ast.Call) else None
            if (
                isinstance(callee, ast.Attribute)
                and isinstance(callee.value, ast.Name)
                and callee.value.id == "re"
                and callee.attr not in ("escape",)
            ):
                found.append(f"{function.name}: re.{callee.attr} on line {node.lineno}")
    return found


def test_every_pattern_of_study_notes_is_a_module_level_one_the_count_sees() -> None:
    """`regexwork.recorded` swaps module-level patterns; a call of `re.sub` would go uncounted."""
    inline = {
        path.name: found
        for path in sorted((REPO / "study" / "notes").glob("*.py"))
        if (found := _inline_patterns(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert inline == {}


def test_a_line_of_equals_signs_is_no_cloze() -> None:
    """Issue 16, finding 3: a bare `==========` line made two cloze cards."""
    note = parse_text("# D\n\nSome text.\n\n==========\n\nMore text.\n", "d.md")
    assert [card.kind for card in note.cards if "cloze" in card.kind] == []
