"""Long section bodies -> atomic cards, cut along the body's own structure.

A section body short enough to grade stays one card. A longer one is cut where the note
itself is cut: each labelled list item (`**Term**: ...`, `Term: ...`, `Term - ...`,
`Term (...)`, or a `Term:` line with its definition indented under it) and each line of a
paragraph of such lines is a card of its own, a bold label lazily joined to the item above
heads the items after it, a numbered procedure too long for one card gives one card per
step, and what is left (the leading definition, short lists, paragraphs cut between
sentences) is packed in order into cards under the limit. Every part has a key of its own
(the term, `step N`, `part N`), so the body's own card keeps its id when the body is cut.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import LISTS, Blocks, Builder, line_of, raw_text
from study.notes.card import MAX_ANSWER_CHARS
from study.notes.labels import bold_label, lead_in
from study.notes.terms import MAX_TERM_WORDS, label_of, line_term, node_name, term_of

# Where a paragraph may be cut: after a sentence's end, before the next sentence's start.
_SENTENCE_END: Final = re.compile(r"(?<=[.!?…])\s+(?=[\"'(¿¡]?[^\W\d_])")
# How far past an even share of the paragraph a part may run to end at a sentence.
_SLACK: Final = 60
# A lead-in sentence longer than this says more than a question: it stays with the flow.
_MAX_LEAD_QUESTION: Final = 120
# A paragraph opening with a bold term, first or after one word (an article): its subject.
_BOLD_SUBJECT: Final = re.compile(r"(?:[^\s*_]+\s+)?(\*\*|__)([^*_\n]{1,60}?)\1\s+[^\W\d_]")
_ITEM_BULLET: Final = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+")


class Piece(NamedTuple):
    """One card cut from a body: its key (empty for the body's own card), front and back."""

    key: str
    front: str
    back: str
    line: int


def item_term(item: Node, b: Builder) -> tuple[str, str] | None:
    """(term, definition) of a list item that defines a term, on its line or indented under it."""
    if not item.children or item.children[0].type != "paragraph":
        return None
    first, more = item.children[0], item.children[1:]
    raw = raw_text(first)
    label = label_of(raw) if more else ""
    if label:
        return label, "\n\n".join(b.source_of(node) for node in more)
    pair = line_term(raw)
    if pair is None:
        return None
    parts = [pair[1], *(b.source_of(node) for node in more)]
    return pair[0], "\n\n".join(part for part in parts if part)


def split_body(
    blocks: Blocks, front: str, topic: str, b: Builder, apart: bool = False,
    intro: tuple[str, int] | None = None,
) -> list[Piece]:  # fmt: skip
    """The cards of a body under `front`: one if it is short enough to grade, else its parts.

    `topic` names what the body is about (the heading): a labelled item's card asks
    "<topic> — <term>". With `apart`, labelled items (a list at least half labelled, bold
    labels, a paragraph of term lines) are cards of their own even in a short body: its
    heading gathers separate things ("Key terms", "States"), not aspects of one.
    `intro` is text that comes before the blocks (a term's definition on its own line,
    above the list under it).
    """
    flow: list[tuple[str, int]] = [intro] if intro else []  # packed into the body's own cards
    body = "\n\n".join([*(text for text, _ in flow), *(b.source_of(node) for node in blocks)])
    if len(body) <= MAX_ANSWER_CHARS and not (apart and _labelled_list(blocks, b)):
        return [Piece("", front, body, flow[0][1] if flow else line_of(blocks[0]))]
    pieces: list[Piece] = []
    for n, node in enumerate(blocks):
        if node.type not in LISTS:
            lines = labelled_lines(node)
            if lines:
                pieces.extend(
                    Piece(term, f"{topic} — {term}", text, at) for term, text, at in lines
                )
            elif node.type != "paragraph":
                flow.append((b.source_of(node), line_of(node)))
            elif glossed := bold_term_line(node):
                term, text = glossed
                pieces.extend(definition_pieces(term, f"{topic} — {term}", text, line_of(node)))
            elif subject := bold_subject(node):
                text, at = b.source_of(node), line_of(node)
                pieces.extend(definition_pieces(subject, f"{topic} — {subject}", text, at))
            elif not (lead_in(node) and n + 1 < len(blocks) and blocks[n + 1].type in LISTS):
                flow.extend(_sentences(b.source_of(node), line_of(node)))
            continue
        lead = blocks[n - 1] if n and lead_in(blocks[n - 1]) else None
        flow.extend(_list_pieces(node, lead, (topic, apart), b, pieces))
    # The body's own card first (it is asked at the heading), then the rest in note order.
    return sorted(_packed(flow, front) + pieces, key=lambda piece: (piece.key != "", piece.line))


def _list_pieces(
    node: Node, lead: Node | None, how: tuple[str, bool], b: Builder, pieces: list[Piece]
) -> list[tuple[str, int]]:
    """Labelled items as their own cards (into `pieces`); the rest of the list as flow."""
    topic, apart = how
    items, plain, groups = _label_groups(node, b)  # plain: the other items, and their lines
    for label, at, texts in groups:
        for piece in _packed(texts, f"{topic} — {label}", sep="\n"):
            line = at if not piece.key else piece.line  # asked where the label is
            pieces.append(piece._replace(key=f"{label}\x1f{piece.key}", line=line))
    for item in items:
        pair = item_term(item, b)
        under = item.children[1:]
        big = bool(under) and (
            _too_long(_item_source(item, b)) or (apart and _labelled_list(under, b))
        )
        if pair is None and not big:
            plain.append((nt.tidy(_item_source(item, b)), line_of(item)))
            continue
        # A long item with blocks under it is a body of its own: its label, or its first
        # line (a lead-in such as "The four conditions are:"), asks for what is under it.
        term = pair[0] if pair else _first_line(item)
        sub = f"{topic} — {term}" if pair else term
        if pair and not big:
            pieces.extend(definition_pieces(term, sub, pair[1], line_of(item)))
            continue
        own = line_term(raw_text(item.children[0])) if pair else None
        intro = (own[1], line_of(item)) if own and own[1] else None
        if not pair:  # the lead-in line is a fact too; it stays with the list
            plain.append((f"- {nt.tidy(raw_text(item.children[0]))}", line_of(item)))
        # What is under an outline's node is about the node ("La canestra di frutta" ->
        # "Significati"); what is under a lead-in line is still about the heading.
        about = term if pair or node_name(raw_text(item.children[0])) else topic
        for piece in split_body(under, sub, about, b, apart, intro):
            pieces.append(piece._replace(key=f"{term}\x1f{piece.key}"))
    if not plain:
        return []
    lead_text = b.source_of(lead) if lead is not None else ""
    whole = "\n".join(text for text, _ in plain)
    line = line_of(lead) if lead is not None else plain[0][1]
    if len(lead_text) + len(whole) + 2 <= MAX_ANSWER_CHARS:
        answer = "\n\n".join(p for p in (lead_text, whole) if p)
        # Only a lead-in whose whole list is left asks for it: "Types:" above two labelled
        # items (their own cards) and one plain item does not ask for that one item.
        whole_list = lead is not None and len(plain) == len(node.children)
        question, bold = _lead_question(lead, topic) if lead and whole_list else ("", False)
        if question:  # a lead-in and its list: a question and its answer, not flow to pack
            pieces.append(Piece(question, question, answer if bold else whole, line))
            return []
        return [(answer, line)]
    if node.type == "ordered_list":
        for k, (text, at) in enumerate(plain, start=1):
            pieces.append(Piece(f"step {k}", f"Step {k} of {topic}", _unnumbered(text), at))
        return []
    return ([(lead_text, line)] if lead_text else []) + plain


def _label_groups(
    node: Node, b: Builder
) -> tuple[Blocks, list[tuple[str, int]], list[tuple[str, int, list[tuple[str, int]]]]]:
    """A list's items before its first label, and the items after each label as groups.

    With no blank line, "- Follow the practices" then "**Architecture**" then "- Architect
    for ..." puts the label inside the item above it; it heads the items after it. The item
    that carries the first label is returned as text, without the label, in the middle.
    """
    before: Blocks = []
    carrier: list[tuple[str, int]] = []
    groups: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in node.children:
        label = _trailing_label(item)
        text = nt.tidy(_item_source(item, b))
        at = line_of(item) + text.count("\n")  # the label's line, the item's last
        text = text.rsplit("\n", 1)[0] if label else text
        if groups:
            groups[-1][2].append((text, line_of(item)))
        elif label:
            carrier.append((text, line_of(item)))
        else:
            before.append(item)
        if label:
            groups.append((label, at, []))
    return before, carrier, [group for group in groups if group[2]]


def _trailing_label(item: Node) -> str:
    """A bold label on the last line of an item's one paragraph (a label lazily joined)."""
    if len(item.children) != 1 or item.children[0].type != "paragraph":
        return ""
    lines = raw_text(item.children[0]).rstrip().split("\n")
    return bold_label(lines[-1]) if len(lines) > 1 else ""


def bold_term_line(node: Node) -> tuple[str, str] | None:
    """(term, definition) of a paragraph that is one `**Term**: definition` line: a glossary
    written as paragraphs, a blank line between its entries."""
    raw = raw_text(node).strip() if node.type == "paragraph" else ""
    if not raw.startswith(("**", "__")) or "\n" in raw:
        return None
    return term_of(raw)


def bold_subject(node: Node) -> str:
    """The term a paragraph opens by defining: "**Endosymbiotic theory** is ...", "A **hub**
    is ..." (a bold term first, or after one word), else ""."""
    match = _BOLD_SUBJECT.match(raw_text(node).lstrip())
    if match is None or lead_in(node):
        return ""
    term = nt.one_line(match.group(2)).strip()
    return term if 0 < len(term.split()) <= MAX_TERM_WORDS else ""


def _lead_question(lead: Node, topic: str) -> tuple[str, bool]:
    """What a lead-in asks of the list under it, in a body cut into parts: its bold term
    ("**Method 2: two's complement** To write a negative number:"; True: the rest of the
    lead-in is part of the answer) or its own sentence ("The main functions of DNA are:"),
    "" for a long one."""
    match = _BOLD_SUBJECT.match(raw_text(lead).lstrip())
    if match:
        return f"{topic} — {nt.one_line(match.group(2)).strip()}", True
    sentence = nt.one_line(raw_text(lead)).strip().rstrip(":").strip()
    return (sentence if 0 < len(sentence) <= _MAX_LEAD_QUESTION else ""), False


def labelled_lines(node: Node) -> list[tuple[str, str, int]]:
    """(term, definition, line) of each line of a paragraph of `**Term:** definition` lines.

    Every line of the paragraph, two or more, must define a term (one "word: text" line is
    as often a sentence; a run of them is a glossary).
    """
    raw = raw_text(node)
    if "\n" not in raw.strip():
        return []
    lines = raw.strip().split("\n")
    found = []
    for k, line in enumerate(lines):
        pair = term_of(line.rstrip("\\ "))
        if pair is None:
            return []
        found.append((pair[0], pair[1].rstrip("\\").rstrip(), line_of(node) + k))
    return found if len(found) > 1 else []


def _labelled_list(blocks: Blocks, b: Builder) -> bool:
    """True if a list among `blocks` is at least half items that each define a term, or
    holds bold labels, or a paragraph is `**Term:**` lines: the body gathers separate things.

    A list of names with a gloss on one or two is one list ("Growth, Response, Homeostasis
    (regulates its internal state), ..."), not a glossary.
    """
    if sum(1 for node in blocks if bold_term_line(node)) > 1:
        return True
    for node in blocks:
        if labelled_lines(node):
            return True
        items = node.children if node.type in LISTS else []
        if any(_trailing_label(item) for item in items):
            return True
        labelled = sum(1 for item in items if item_term(item, b))
        if labelled and 2 * labelled >= len(items):
            return True
    return False


def _too_long(text: str) -> bool:
    return len(text) > MAX_ANSWER_CHARS


def _first_line(item: Node) -> str:
    text = nt.one_line(nt.strip_symbols(raw_text(item.children[0])))
    return text.rstrip(":").strip()


def _item_source(item: Node, b: Builder) -> str:
    """A list item as written, with its bullet or number."""
    start, end = item.map or (0, 0)
    return "\n".join(b.lines[start:end])


def _unnumbered(text: str) -> str:
    return nt.tidy(_ITEM_BULLET.sub("", text, count=1))


def definition_pieces(term: str, front: str, definition: str, line: int) -> list[Piece]:
    """A term's card, or its parts cut between sentences when the definition is too long."""
    parts = _packed(_sentences(definition, line), front)
    return [piece._replace(key=f"{term}\x1f{piece.key}" if piece.key else term) for piece in parts]


def _sentences(text: str, line: int) -> list[tuple[str, int]]:
    """A paragraph, cut between sentences into parts short enough to grade, as even as the
    sentences allow: filling each part to the limit would leave a last sentence alone ("For
    instance, ..."), a fragment cut from what it illustrates."""
    if len(text) <= MAX_ANSWER_CHARS:
        return [(text, line)]
    sentences, sep = _SENTENCE_END.split(text), " "
    if "\n" in text and any(len(sentence) > MAX_ANSWER_CHARS for sentence in sentences):
        # Facts typed one a line with no full stop (an outline's notes): cut between lines.
        sentences, sep = text.split("\n"), "\n"
    parts = _filled(sentences, MAX_ANSWER_CHARS, sep)
    even = _filled(sentences, min(MAX_ANSWER_CHARS, len(text) // len(parts) + _SLACK), sep)
    return [(part, line) for part in (even if len(even) == len(parts) else parts)]


def _filled(sentences: list[str], limit: int, sep: str = " ") -> list[str]:
    parts: list[str] = []
    for sentence in sentences:
        if parts and len(parts[-1]) + len(sep) + len(sentence) <= limit:
            parts[-1] = f"{parts[-1]}{sep}{sentence}"
        else:
            parts.append(sentence)
    return parts


def _packed(flow: list[tuple[str, int]], front: str, sep: str = "\n\n") -> list[Piece]:
    """Consecutive parts joined into as few cards under the limit as they fit in, in order."""
    chunks: list[tuple[str, int]] = []
    for text, line in flow:
        if chunks and len(chunks[-1][0]) + len(sep) + len(text) <= MAX_ANSWER_CHARS:
            chunks[-1] = (f"{chunks[-1][0]}{sep}{text}", chunks[-1][1])
        else:
            chunks.append((text, line))
    if len(chunks) == 1:
        return [Piece("", front, chunks[0][0], chunks[0][1])]
    return [
        Piece("" if k == 1 else f"part {k}", f"{front} ({k}/{len(chunks)})", text, line)
        for k, (text, line) in enumerate(chunks, start=1)
    ]
