"""Explicit cards, in the syntax of the Obsidian spaced-repetition plugin.

`front::back`, `front:::back` (both directions), a multi-line front and back around a line
holding only `?` (`??` for both directions), and clozes `==text==` and `{{c1::text}}`. A tldr
`{{placeholder}}` has no `cN::` and is no cloze; markers inside code spans never count.
"""

from __future__ import annotations

import re

from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import LISTS, Blocks, Builder, Section, raw_text

Span = tuple[int, int, str, str, str]  # a cloze: start, end, group, answer, hint
_HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==", re.DOTALL)
_CLOZE = re.compile(r"\{\{c(\d+)::(.+?)(?:::([^{}]*?))?\}\}", re.DOTALL)
_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """`text` with `pattern`'s matches blanked out, keeping length and line breaks."""
    return pattern.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), text)


def _mask_code(text: str) -> str:
    """The text with code spans blanked out, so markers inside code don't count."""
    return _blank(nt.CODE_SPAN, text)


def explicit_cards(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    rest: Blocks = []
    i = 0
    while i < len(blocks):
        node = blocks[i]
        if node.type == "paragraph" and _separator_line(raw_text(node)) is not None:
            before = rest.pop() if rest and _needs_neighbour(raw_text(node), front=True) else None
            after = (
                blocks[i + 1] if i + 1 < len(blocks) and _needs_neighbour(raw_text(node)) else None
            )
            _multiline_card(node, before, after, section, b)
            i += 2 if after is not None else 1
            continue
        if node.type == "paragraph" and _explicit_paragraph(node, section, b):
            i += 1
            continue
        if node.type in LISTS:
            made = [_explicit_paragraph(item.children[0], section, b) for item in node.children
                    if item.children and item.children[0].type == "paragraph"]  # fmt: skip
            if made and all(made) and len(made) == len(node.children):
                i += 1
                continue
        rest.append(node)
        i += 1
    return rest


def _separator_line(raw: str) -> int | None:
    if "?" not in raw:
        return None
    for n, line in enumerate(raw.split("\n")):
        if line.strip() in ("?", "??"):
            return n
    return None


def _needs_neighbour(raw: str, front: bool = False) -> bool:
    lines = raw.split("\n")
    n = _separator_line(raw) or 0
    return not any(s.strip() for s in (lines[:n] if front else lines[n + 1 :]))


def _multiline_card(
    node: Node, before: Node | None, after: Node | None,
    section: Section, b: Builder,
) -> None:  # fmt: skip
    lines = raw_text(node).split("\n")
    n = _separator_line(raw_text(node)) or 0
    front = b.source_of(before) if before is not None else nt.tidy("\n".join(lines[:n]))
    back = b.source_of(after) if after is not None else nt.tidy("\n".join(lines[n + 1 :]))
    line = (before or node).map[0] + 1 if (before or node).map else section.line
    reverse = (back, front, line) if lines[n].strip() == "??" else None
    b.add("basic", section.path, front, front, back, line, reverse)


def _explicit_paragraph(node: Node, section: Section, b: Builder) -> bool:
    """`front::back` / `front:::back` lines and cloze runs; True if the paragraph made cards."""
    if "::" not in raw_text(node) and "==" not in raw_text(node):
        return False  # every card below needs one of these (a {{c1::cloze}} has `::`)
    raws = raw_text(node).split("\n")
    hides = _mask_code(raw_text(node)).split("\n")
    first = node.map[0] + 1 if node.map else section.line
    made = False
    run: list[int] = []  # consecutive lines that are not `::` cards: one cloze text
    for k in [*range(len(raws)), -1]:
        at = _blank(_CLOZE, hides[k]).find("::") if k >= 0 else -1
        if at < 0 and k >= 0:
            run.append(k)
            continue
        if run:
            text, hidden = "\n".join(raws[n] for n in run), "\n".join(hides[n] for n in run)
            if _CLOZE.search(hidden) or _HIGHLIGHT.search(hidden):
                made = _cloze_cards(text, hidden, first + run[0], section, b) or made
            run = []
        if k < 0:
            break
        width = 3 if hides[k][at : at + 3] == ":::" else 2
        front, back = nt.tidy(raws[k][:at]), nt.tidy(raws[k][at + width :])
        if front and back:
            reverse = (back, front, first + k) if width == 3 else None
            b.add("basic", section.path, front, front, back, first + k, reverse)
            made = True
    return made


def _cloze_cards(raw: str, masked: str, line: int, section: Section, b: Builder) -> bool:
    """One card per cloze group: {{c1::...}} by number, each ==highlight== on its own."""
    spans: list[Span] = []
    for m in _CLOZE.finditer(masked):
        spans.append((m.start(), m.end(), f"c{m.group(1)}", raw[m.start(2) : m.end(2)],
                      raw[m.start(3) : m.end(3)] if m.group(3) else ""))  # fmt: skip
    for k, m in enumerate(_HIGHLIGHT.finditer(masked)):
        if not any(s <= m.start() < e for s, e, *_ in spans):
            spans.append((m.start(), m.end(), f"h{k}", raw[m.start(1) : m.end(1)], ""))
    spans.sort()
    note: str | None = None  # the deletions of one text are siblings, like a card and its reverse
    for group in dict.fromkeys(span[2] for span in spans):
        front = _fill(raw, spans, group)
        back = _fill(raw, spans, None)
        cid = b.add("cloze", section.path, front, nt.tidy(front), nt.tidy(back), line, note=note)
        note = note or cid
    return note is not None


def _fill(raw: str, spans: list[Span], hidden: str | None) -> str:
    """The text with cloze group `hidden` as [...] (or its hint) and every other answer shown."""
    out, last = [], 0
    for span in spans:
        if span[0] < last:
            continue
        out.append(raw[last : span[0]])
        out.append(f"[{span[4] or '...'}]" if span[2] == hidden else span[3])
        last = span[1]
    out.append(raw[last:])
    return "".join(out)
