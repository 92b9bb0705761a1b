"""Saying "not this": a note or a section left out of cards.

- A note: `study: false` in its front matter (YAML's `no` and `off` are false too).
- A section: the comment `<!-- study: skip -->` in its body (right under its heading, as
  a rule); its sub-sections go with it. A comment is invisible when the note is rendered
  (Obsidian, GitHub), where a tag would show.
"""

from __future__ import annotations

import re
from typing import Final

from study.notes.blocks import Node
from study.notes.builder import Section

_SKIP: Final = re.compile(r"<!--\s*study\s*:\s*skip\s*-->", re.IGNORECASE)
_FALSE: Final = ("false", "no", "off")


def note_left_out(meta: dict[str, object]) -> bool:
    """True when the front matter says `study: false`."""
    value = meta.get("study", True)
    return value is False or (isinstance(value, str) and value.strip().lower() in _FALSE)


def kept_sections(sections: list[Section]) -> list[Section]:
    """The sections that make cards: those not marked to skip, nor inside a marked one."""
    kept: list[Section] = []
    skipping: tuple[str, ...] | None = None  # the heading path being skipped
    for section in sections:
        inside = skipping is not None and _under(section.path, skipping)
        if not inside:
            skipping = None
        if inside or any(_marks_skip(node) for node in section.blocks):
            skipping = skipping if inside else section.path
            continue
        kept.append(section)
    return kept


def _under(path: tuple[str, ...], top: tuple[str, ...]) -> bool:
    """True for a sub-section of `top` (text before the first heading has none)."""
    return bool(top) and len(path) > len(top) and path[: len(top)] == top


def _marks_skip(node: Node) -> bool:
    return node.type == "html_block" and _SKIP.search(node.content) is not None


def left_out_lines(sections: list[Section], kept: list[Section]) -> list[tuple[int, int]]:
    """The 1-based first and last lines of each section left out: what `study check` skips."""
    kept_ids = {id(section) for section in kept}
    spans = []
    for section in sections:
        if id(section) in kept_ids:
            continue
        ends = [node.map[1] for node in section.blocks if node.map]
        spans.append((section.line, max(ends, default=section.line)))
    return spans
