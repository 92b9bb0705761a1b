"""Code spans as CommonMark reads them: where a backtick string opens and which one closes
it, so the rules can tell `code` from the text around it without parsing the whole line."""

from __future__ import annotations

import re
from typing import Final, NamedTuple

_TICKS: Final = re.compile(r"`+")


class CodeSpan(NamedTuple):
    start: int
    end: int
    code: str  # what stands between the backtick strings, as written


def code_spans(text: str) -> list[CodeSpan]:
    """The text's code spans as CommonMark reads them, in one pass.

    A backtick string opens a span that the next backtick string of the same length closes;
    one with no such closer is literal. (A regex that backtracks over the string's length is
    quadratic, and worse, on a long run of backticks.)
    """
    runs = [match.span() for match in _TICKS.finditer(text)]
    closer: list[int | None] = [None] * len(runs)
    last_of_length: dict[int, int] = {}
    for n in range(len(runs) - 1, -1, -1):
        length = runs[n][1] - runs[n][0]
        closer[n] = last_of_length.get(length)
        last_of_length[length] = n
    spans, n = [], 0
    while n < len(runs):
        close = closer[n]
        if close is None:
            n += 1
            continue
        spans.append(CodeSpan(runs[n][0], runs[close][1], text[runs[n][1] : runs[close][0]]))
        n = close + 1
    return spans


def code_span_at(text: str, pos: int) -> CodeSpan | None:
    """The code span that opens exactly at `pos`, if one does.

    String scans, not `_TICKS`: the rules ask this of every list item and line that starts
    with a backtick, and a compiled regex match, its iterator and its match objects cost
    several times the scan (`code_spans` reads the same runs: tests hold the two together).
    """
    if not text.startswith("`", pos) or (pos and text[pos - 1] == "`"):
        return None
    opened = _run_end(text, pos)
    search = opened
    while (start := text.find("`", search)) >= 0:
        end = _run_end(text, start)
        if end - start == opened - pos:
            return CodeSpan(pos, end, text[opened:start])
        search = end
    return None


def _run_end(text: str, start: int) -> int:
    """Where the backtick string beginning at `start` ends."""
    end = start + 1
    while end < len(text) and text[end] == "`":
        end += 1
    return end
