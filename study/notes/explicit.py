"""Explicit cards, in the syntax of the Obsidian spaced-repetition plugin.

`front::back`, `front:::back` (both directions), a multi-line front and back around a line
holding only `?` (`??` for both directions), and clozes `==text==` and `{{c1::text}}`. A tldr
`{{placeholder}}` has no `cN::` and is no cloze; markers inside code spans never count.

As the plugin reads them (its `src/parser.ts`): a multi-line card is the lines touching
the `?` line, so a blank line before or after it makes no card; a heading line touching
a multi-line or cloze card is part of its text; a `#flashcards/deck` tag opening a card is
taken off its text and names the card's deck; `<!--SR:...-->` schedule comments the plugin
writes are not part of an answer.
"""

from __future__ import annotations

import re
from typing import Final

from study.notes import cloze
from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import LISTS, Blocks, Builder, Dropped, Section, raw_text

_LEADING_TAG: Final = re.compile(r"#([^\s#]*[^\s#\d][^\s#]*)[ \t]*\n?")
_SCHEDULE: Final = re.compile(r"<!--SR:[^>\n]{0,2000}-->")
_SETEXT: Final = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_DECK_ROOT: Final = "flashcards"  # the plugin's default flashcard tag: its decks are beneath it


def explicit_cards(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    rest: Blocks = []
    i = 0
    while i < len(blocks):
        node = blocks[i]
        if node.type == "paragraph" and _separator_line(raw_text(node)) is not None:
            i = _multiline_card(blocks, i, rest, section, b)
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


def _multiline_card(blocks: Blocks, i: int, rest: Blocks, section: Section, b: Builder) -> int:
    """The card of the paragraph `blocks[i]` holding a `?` line; the index of the next block.

    Front and back are the lines right above and below the `?` line. As the plugin reads on
    to the next blank line, a block touching the paragraph (a code block right above the
    `?`, a list or code block right under the answer) joins the front or the back.
    """
    node = blocks[i]
    lines = raw_text(node).split("\n")
    n = _separator_line(raw_text(node)) or 0
    under_heading = bool(_with_heading("", node, section, b))  # the card starts at it
    top = 0 if under_heading else _single_lines_above(node, lines[:n], section, b)
    front, head = nt.tidy("\n".join(lines[top:n])), node
    if not front and not top and rest and _touches(rest[-1], node):
        head = rest.pop()
        front = b.source_of(head)
    front, deck = _deck_tag(front)  # the tag first: a heading above it still touches
    titled = _with_heading(front, head, section, b)
    line = section.line if titled != front else _first_line(head, section) + top
    parts, last = [nt.tidy("\n".join(lines[n + 1 :]))], node
    while i + 1 < len(blocks) and _touches(last, blocks[i + 1]):
        i += 1
        last = blocks[i]
        parts.append(b.source_of(last))
    back = _without_schedule("\n\n".join(part for part in parts if part))
    front = titled
    if not front or not back:
        return _no_card(blocks, i, rest, front, line, b)
    reverse = (back, front, line) if lines[n].strip() == "??" else None
    b.add("basic", section.path, front, front, back, line, reverse, deck=deck)
    return i + 1


def _single_lines_above(node: Node, above: list[str], section: Section, b: Builder) -> int:
    """Cards of the `a::b` lines opening a paragraph above its `?`: how many lines they are.

    The plugin reads a `::` line as a card of its own before it looks for a `?` below it;
    a `::` line after the question's first line is part of the question.
    """
    hides = _mask_code("\n".join(above)).split("\n")
    for k, raw in enumerate(above):
        at = _separator_at(hides[k], raw)
        if at < 0:
            return k
        _single_line(raw, hides[k], at, _first_line(node, section) + k, section, b)
    return len(above)


def _no_card(blocks: Blocks, i: int, rest: Blocks, front: str, line: int, b: Builder) -> int:
    """A `?` with a blank line before or after it: no card, as in the plugin, and reported.

    The paragraphs across the blank line were meant as its question or answer; they are
    reported with it rather than left to make a card of half a question and half an answer.
    """
    texts = [raw_text(blocks[i])]
    if not front and rest and rest[-1].type == "paragraph":
        texts.insert(0, raw_text(rest.pop()))
    elif i + 1 < len(blocks) and blocks[i + 1].type == "paragraph":
        i += 1
        texts.append(raw_text(blocks[i]))
    b.dropped.append(Dropped(line, nt.one_line(" ".join(texts)), _NO_NEIGHBOUR))
    return i + 1


_NO_NEIGHBOUR: Final = "a `?` line needs the question right above it and the answer right below"


def _touches(above: Node, below: Node) -> bool:
    return bool(above.map and below.map and below.map[0] == above.map[1])


def _first_line(node: Node, section: Section) -> int:
    return node.map[0] + 1 if node.map else section.line


def _with_heading(text: str, node: Node, section: Section, b: Builder) -> str:
    """The text, after the heading's title when the heading line touches it (no blank line)."""
    if not section.path or not node.map:
        return text
    start = node.map[0]  # the heading's own lines end at `section.line` (0-based), or one
    underlined = start == section.line + 1 and _SETEXT.match(b.lines[section.line])  # later
    if start != section.line and not underlined:
        return text
    return f"{section.path[-1]}\n{text}" if text else section.path[-1]


def _deck_tag(text: str) -> tuple[str, str | None]:
    """A card's text without its leading `#tag`, and the deck that tag names, if any."""
    cut, deck = _tag_cut(text)
    return text[cut:].strip(), deck


def _tag_cut(text: str) -> tuple[int, str | None]:
    """How long a card text's leading `#tag` is; `#flashcards/a/b` names the deck `a::b`.

    The plugin files a card whose text opens with a tag under that tag's deck; its decks
    hang under its `#flashcards` tag, which `study` drops, as it has no such root.
    """
    match = _LEADING_TAG.match(text)
    if match is None:
        return 0, None
    parts = [part for part in match.group(1).split("/") if part]
    deck = "::".join(parts[1:]) if parts and parts[0].lower() == _DECK_ROOT else ""
    return match.end(), deck or None


def _without_schedule(text: str) -> str:
    if "<!--SR:" not in text:
        return text
    return "\n".join(line.rstrip() for line in _SCHEDULE.sub("", text).split("\n")).strip()


def _explicit_paragraph(node: Node, section: Section, b: Builder) -> bool:
    """`front::back` / `front:::back` lines and cloze runs; True if the paragraph made cards."""
    if "::" not in raw_text(node) and "==" not in raw_text(node):
        return False  # every card below needs one of these (a {{c1::cloze}} has `::`)
    raws = raw_text(node).split("\n")
    hides = _mask_code(raw_text(node)).split("\n")
    first = _first_line(node, section)
    made = False
    run: list[int] = []  # consecutive lines that are not `::` cards: one cloze text
    for k in [*range(len(raws)), -1]:
        at = _separator_at(hides[k], raws[k]) if k >= 0 else -1
        if at < 0 and k >= 0:
            run.append(k)
            continue
        if run:
            made = _cloze_run(run, raws, hides, first, node, section, b) or made
            run = []
        if k < 0:
            break
        made = _single_line(raws[k], hides[k], at, first + k, section, b) or made
    return made


def _single_line(raw: str, hidden: str, at: int, line: int, section: Section, b: Builder) -> bool:
    """The card of a `front::back` (or `front:::back`, both ways) line; True if it made one."""
    width = 3 if hidden[at : at + 3] == ":::" else 2
    front, deck = _deck_tag(nt.tidy(raw[:at]))
    back = _without_schedule(nt.tidy(raw[at + width :]))
    reverse = (back, front, line) if width == 3 else None
    return b.add("basic", section.path, front, front, back, line, reverse, deck=deck) is not None


def _mask_code(text: str) -> str:
    """The text with code spans blanked out, so markers inside code don't count."""
    if "`" not in text:
        return text
    return cloze.blank_spans(text, [(span.start, span.end) for span in nt.code_spans(text)])


def _separator_at(masked: str, raw: str) -> int:
    """Where a line's `::` separator is, outside code and {{c1::clozes}}; -1 for none."""
    if "::" not in masked:
        return -1
    clozes = cloze.anki_spans(masked, raw) if "{{" in masked else []
    return cloze.blank_spans(masked, [span[:2] for span in clozes]).find("::")


def _cloze_run(
    run: list[int], raws: list[str], hides: list[str], first: int, node: Node,
    section: Section, b: Builder,
) -> bool:  # fmt: skip
    """The cloze cards of consecutive lines (the whole paragraph, or lines between `::` cards)."""
    hidden = "\n".join(hides[n] for n in run)
    if "==" not in hidden and "{{" not in hidden:
        return False
    text = "\n".join(raws[n] for n in run)
    cut, deck = _tag_cut(text)
    text, hidden = text[cut:], hidden[cut:]
    if run[0] == 0:  # the text opens the paragraph: a heading above it may touch it
        heading = _with_heading("", node, section, b)
        if heading:
            text, hidden = f"{heading}\n{text}", f"{heading}\n{hidden}"
    return _cloze_cards(text, hidden, first + run[0], section, b, deck)


def _cloze_cards(
    raw: str, masked: str, line: int, section: Section, b: Builder, deck: str | None
) -> bool:
    """One card per deletion group: {{c1::...}} by number, each ==highlight== on its own."""
    spans = cloze.anki_spans(masked, raw) if "{{" in masked else []
    taken = [(start, end) for start, end, *_ in spans]
    for k, (start, end) in enumerate(cloze.highlight_spans(cloze.blank_spans(masked, taken))):
        spans.append((start, end, f"h{k}", raw[start + 2 : end - 2], ""))
    spans.sort()
    groups = list(dict.fromkeys(span[2] for span in spans))
    if len(groups) > cloze.MAX_DELETIONS:
        b.dropped.append(cloze.too_many(line, raw, len(groups)))
    back = nt.tidy(cloze.fill(raw, spans, None))
    note: str | None = None  # the deletions of one text are siblings, like a card and its reverse
    for group in groups[: cloze.MAX_DELETIONS]:
        front = cloze.fill(raw, spans, group)
        cid = b.add("cloze", section.path, front, nt.tidy(front), back, line, note=note, deck=deck)
        note = note or cid
    return note is not None
