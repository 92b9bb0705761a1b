"""Cloze deletions: where they are in a text, and a card's text with one of them hidden.

Three syntaxes mark a deletion: Obsidian's `==highlight==`, Anki's `{{c1::answer::hint}}`
and hashcards' `[answer]` (after a `C:`). Each finder scans the text once, left to right, so
a note of 6,000 highlights costs what its length does (a lazy regex such as
`==(.+?)==` rescans the rest of the text from every unclosed `==`).

mdit-py-plugins ships no `mark` plugin (none in 0.7.0, the installed one, nor in its
earlier releases' file lists), and markdown-it tokens carry no source offsets anyway: cards
keep the user's Markdown, so the finders here work on the source, with a simple form of
markdown-it-mark's flanking rule: `==` opens before a non-space and closes after one.
"""

from __future__ import annotations

import re
from typing import Final

from study.notes import notetext as nt
from study.notes.builder import Dropped

# A text with more blanks than this is a list to split, not one fact; the deletions past it
# stay visible in every card (and are reported), so a note of `==a== ` x 6000 makes 20 cards
# of the paragraph, not 6,000.
MAX_DELETIONS: Final = 20

Span = tuple[int, int, str, str, str]  # start, end, group, answer, hint
_EQUALS: Final = re.compile(r"=+")
_ANKI_OPEN: Final = re.compile(r"\{\{c(\d+)::")


def too_many(line: int, text: str, count: int) -> Dropped:
    """The report of a text whose deletions past MAX_DELETIONS made no card."""
    why = f"{count} deletions in one text: cards for the first {MAX_DELETIONS} only"
    return Dropped(line, nt.one_line(text)[:80], why)


def highlight_spans(text: str) -> list[tuple[int, int]]:
    """The `==highlight==` runs of `text`: (start, end) with the markers.

    Only a run of exactly two `=` is a marker: a setext underline (`==========`), an
    `a === b` operator or a `=` rule are not. It opens before a non-space and closes after
    one, so `x == y == z` is not a highlight.
    """
    spans: list[tuple[int, int]] = []
    opened = -1
    for match in _EQUALS.finditer(text):
        start, end = match.span()
        if end - start != 2:
            continue
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if opened >= 0 and not before.isspace():
            spans.append((opened, end))
            opened = -1
        elif not after.isspace():
            opened = start
    return spans


def anki_spans(masked: str, raw: str) -> list[Span]:
    """`{{cN::answer}}` and `{{cN::answer::hint}}` deletions, found in `masked` (code blanked)."""
    spans: list[Span] = []
    pos = 0
    while (match := _ANKI_OPEN.search(masked, pos)) is not None:
        close = masked.find("}}", match.end())
        if close < 0:
            break  # no later opener can close either
        answer, _, hint = raw[match.end() : close].partition("::")
        if answer:
            spans.append((match.start(), close + 2, f"c{match.group(1)}", answer, hint))
        pos = close + 2
    return spans


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span blanked (newlines kept), so markers inside it don't count."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], "".join(c if c == "\n" else " " for c in text[start:end])]
        last = end
    return "".join([*out, text[last:]])


def fill(raw: str, spans: list[Span], hidden: str | None) -> str:
    """The text with deletion group `hidden` as [...] (or its hint), every other one shown."""
    out, last = [], 0
    for span in spans:
        if span[0] < last:
            continue
        out.append(raw[last : span[0]])
        out.append(f"[{span[4] or '...'}]" if span[2] == hidden else span[3])
        last = span[1]
    out.append(raw[last:])
    return "".join(out)


def bracket_deletions(text: str) -> tuple[str, list[Span]]:
    """hashcards' `[deletion]`s: the text without their brackets, and each deletion in it.

    As hashcards reads them: `![` starts an image whose brackets stay, `\\[` and `\\]` are
    literal brackets, an inner `[` restarts the deletion, a `]` with no `[` is dropped.
    """
    out: list[str] = []
    found: list[tuple[int, int]] = []
    size = 0  # characters in `out`
    start: int | None = None
    image = escape = False
    for at, char in enumerate(text):
        nxt = text[at + 1 : at + 2]
        if char == "\\" and not escape and nxt in ("[", "]"):
            escape = True
            continue
        if char in "[]" and (image or escape):
            image = image and char == "["
            escape = False
        elif char == "[":
            start = size
            continue
        elif char == "]":
            if start is not None and size > start:
                found.append((start, size))
            start = None
            continue
        elif char == "!" and nxt == "[":
            image = True
        out.append(char)
        size += 1
    clean = "".join(out)
    return clean, [(s, e, f"d{n}", clean[s:e], "") for n, (s, e) in enumerate(found)]
