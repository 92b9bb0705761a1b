"""Hostile notes: whatever a note holds, parsing it costs time bounded by its size (issue 16).

Adversarial generators build the shapes that make parsers slow (long runs of one marker,
repetition, deep nesting) and the parser is held to a generous budget per KB: a bound that
catches quadratic blow-ups (seconds on a few KB), not a timing (those are in
benchmarks/bench_hostile.py).
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study.notes.parser import parse_text

MARKERS = ["*", "_", "`", "[", "]", ":", "=", "{", "}", "?", "#", ">", "-", "|", "\\", "~", "$"]
# 50 ms per KB, with a floor for start-up: the quadratic inputs of issue 16 took ~650 ms per KB.
BUDGET_PER_KB = 0.05
FLOOR = 1.0

_runs = st.builds(
    lambda marker, count, gap: marker * count + gap,
    st.sampled_from(MARKERS),
    st.integers(1, 3000),
    st.sampled_from(["", " ", "a", "\n", "\n\n", " x "]),
)
_pieces = st.sampled_from(
    ["Q::A\n\n", "Q\n?\nA\n\n", "==a== ", "{{c1::x}} ", "[[link]] ", "`code` ", "**b** ",
     "C: [a] [b]\n", "Q: a\nA: b\n", "- `ls` — lists\n", "> quote\n", "| a | b |\n", "#tag ",
     "## H\n\n", "```\n", "$$\n", "<!-- ", "---\n"]
)  # fmt: skip
_repeated = st.builds(lambda piece, times: piece * times, _pieces, st.integers(1, 2500))
_nested = st.builds(
    lambda opener, closer, depth: opener * depth + "x" + closer * depth,
    st.sampled_from(["[", "(", "{", "*", "_", "> ", "- ", "  - ", "`"]),
    st.sampled_from(["]", ")", "}", "*", "_", "", "`"]),
    st.integers(1, 2000),
)
HOSTILE = st.lists(st.one_of(_runs, _repeated, _nested), min_size=1, max_size=4).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_parsing_a_hostile_note_finishes_within_a_budget_per_kb(text: str) -> None:
    start = time.process_time()  # this process's CPU time: other engineers' load adds none
    parse_text(text, source="hostile.md")
    took = time.process_time() - start
    budget = FLOOR + BUDGET_PER_KB * len(text.encode()) / 1024
    assert took < budget, f"{took:.2f} s for {len(text.encode()) / 1024:.1f} KB"


def test_a_line_of_equals_signs_is_no_cloze() -> None:
    """Issue 16, finding 3: a bare `==========` line made two cloze cards."""
    note = parse_text("# D\n\nSome text.\n\n==========\n\nMore text.\n", "d.md")
    assert [card.kind for card in note.cards if "cloze" in card.kind] == []
