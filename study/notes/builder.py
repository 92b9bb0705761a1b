"""What every card rule works with: a section's blocks, and the Builder that collects cards.

The Builder gives every card its id through `study.notes.card.card_id`, merges a command
listed twice into one card and collects what a rule chose not to card (`Dropped`). The rules
themselves live in `cardrules` (their order), `tables`, `commands` and `explicit`; `prune`
is the last pass over the cards they made.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from study.notes import notetext as nt
from study.notes.blocks import Inline, Node
from study.notes.card import Card, card_id, id_key, keyed_id

Blocks = list[Node]
_new_tuple: Final = tuple.__new__
LISTS: Final = ("bullet_list", "ordered_list")
CODE: Final = ("fence", "code_block")
TERM_PATTERNS: Final = (
    re.compile(r"(\*\*|__)([^*_]{1,80}?):\1\s*(.+)", re.DOTALL),
    re.compile(r"(\*\*|__)([^*_]{1,80}?)\1\s*(?:=|:|—|–|->|→|-(?=\s))\s*(.+)", re.DOTALL),
    re.compile(r"()([^=`\n]{1,80}?)\s+(?:=|->|→)\s+(.+)", re.DOTALL),
    re.compile(r"()([^:`\n]{1,60}?):\s+(.+)", re.DOTALL),
    re.compile(r"()([^—–`\n]{1,60}?)\s+[—–]\s+(.+)", re.DOTALL),
)


# What joins two commands for one thing: `less` / `more`, `top` or `htop`, `a`, `b`.
_ALTERNATIVE: Final = re.compile(
    r"[ \t]*[/,|][ \t]*|[ \t]+(?:or|ou|o|y|e|and)[ \t]+", re.IGNORECASE
)


class Dropped(NamedTuple):
    """Content a rule saw and made no card of, and why: what `study check` reports."""

    line: int  # 1-based line in the note
    text: str  # the question (or the content) left out, on one line
    reason: str  # why, in a few words: "repeats line 12", "answer too long to grade", ...


class Section:
    """The blocks under one heading (path () is the text before the first heading).

    A plain class, not a dataclass: compiled, a dataclass is built through a dict of keyword
    arguments, and a note makes a section for every heading and bold label.
    """

    def __init__(
        self, path: tuple[str, ...], line: int, aspect: bool = False, label: bool = False,
        chat: bool = False, whole: bool = False,
    ) -> None:  # fmt: skip
        self.path = path
        self.line = line
        self.aspect = aspect  # an aspect sub-heading ("What it is") whose whole body is one card
        self.label = label  # a bold label or numbered title line standing for a sub-heading
        self.chat = chat  # text after a pasted chat answer's closing offer, before a heading
        # The text of a note with no heading but its title: the note itself, not a preface.
        self.whole = whole
        self.blocks: Blocks = []


class Builder:
    """Collects a note's cards: computes ids, keeps them unique, merges repeated commands."""

    def __init__(
        self, deck: str, source: str, tags: tuple[str, ...], related: tuple[str, ...],
        lines: list[str],
    ) -> None:  # fmt: skip
        self.deck, self.source, self.tags, self.related = deck, source, tags, related
        self.lines = lines
        self.merged: list[str] = []
        self.dropped: list[Dropped] = []  # what a rule saw and made no card of, and why
        self._repeats: dict[str, int] = {}  # first id of a key -> its last repeat number
        self._cards: list[Card] = []
        self._at: dict[str, int] = {}  # card id -> position in _cards

    def cards(self) -> list[Card]:
        return list(self._cards)

    def source_of(self, node: Node) -> str:
        """A block as Markdown, as the user wrote it (code blocks cleaned of chat junk)."""
        if node.type in CODE:
            code, language = nt.clean_code(node.content, node.info)
            return fenced(code, language)
        start, end = node.map or (0, 0)
        return nt.tidy("\n".join(self.lines[start:end]))

    def add(
        self, kind: str, path: tuple[str, ...], key: str, front: str, back: str, line: int,
        reverse: tuple[str, str, int] | None = None, note: str | None = None,
        deck: str | None = None,
    ) -> str | None:  # fmt: skip
        """Add a card (and its reverse sibling, sharing its note id); its id, or None.

        `note` groups siblings that are not reverses (the deletions of one cloze text);
        `deck` files the card in another deck than the note's (a `#flashcards/...` tag).
        """
        front, back = front.strip(), back.strip()
        if not front or not back:
            return None
        deck = deck or self.deck
        id_path = () if kind == "command" else path
        hashed = id_key(key)
        first = keyed_id(deck, kind, id_path, hashed)
        if kind == "command" and first in self._at:
            self._merge_command(first, back, line)
            return first
        cid, hashed = self._unrepeated(first, key, hashed, deck, kind, id_path)
        self._put(cid, note or cid, kind, front, back, line, path, deck)
        if reverse:
            asked, answer = reverse[0].strip(), reverse[1].strip()
            if asked and answer:
                rid = keyed_id(deck, f"{kind}-reverse", id_path, hashed)  # the key, once made
                self._put(rid, cid, f"{kind}-reverse", asked, answer, reverse[2], path, deck)
        return cid

    def _unrepeated(
        self, first: str, key: str, hashed: bytes, deck: str, kind: str, id_path: tuple[str, ...]
    ) -> tuple[str, bytes]:
        """An id no card has yet, and the key it hashes: the key's own id, else that of its
        next repeat (the key numbered: 2, 3, ...)."""
        if first not in self._at:
            return first, hashed  # nearly every key is asked once: nothing to count
        n = self._repeats.get(first, 1)  # a key repeated k times costs k ids, not k * k / 2
        cid = first
        while cid in self._at:
            n += 1
            hashed = id_key(f"{key}\x1f{n}")
            cid = keyed_id(deck, kind, id_path, hashed)
        self._repeats[first] = n
        return cid, hashed

    def _put(
        self, cid: str, note: str, kind: str, front: str, back: str, line: int,
        path: tuple[str, ...], deck: str,
    ) -> None:  # fmt: skip
        """Store a card whose front and back `add` has already stripped."""
        self._at[cid] = len(self._cards)
        # Every field, in order, through the tuple constructor: a note makes ~100 cards, and
        # a named tuple's own constructor is a Python function, three times as long to run.
        card = _new_tuple(
            Card,
            (cid, note, deck, kind, front, back, self.source, line, path, self.tags, self.related),
        )
        self._cards.append(card)

    def _merge_command(self, cid: str, description: str, line: int) -> None:
        first = self._cards[self._at[cid]]
        self.merged.append(
            f"{self.source}:{line}: `{first.front}` is listed again (first at line "
            f"{first.line}); merged into one card"
        )
        if nt.fold(description) in (nt.fold(part) for part in first.back.split("\n\n")):
            return
        joined = f"{first.back}\n\n{description}"
        self._cards[self._at[cid]] = first._replace(back=joined)
        rid = card_id(self.deck, "command-reverse", (), first.front)
        if rid in self._at:
            self._cards[self._at[rid]] = self._cards[self._at[rid]]._replace(front=joined)


def fenced(code: str, language: str = "") -> str:
    fence = "````" if "```" in code else "```"
    return f"{fence}{language}\n{code}\n{fence}"


def _inline(node: Node) -> Inline | None:
    return node.inline if node.type == "paragraph" else None


def raw_text(node: Node) -> str:
    """A paragraph's text as written; "" for any other block. (The rules ask this of nearly
    every block, several times over: one call, not two.)"""
    inline = node.inline
    return inline.content if inline is not None and node.type == "paragraph" else ""


def kept(node: Node) -> bool:
    """False for what never makes or joins a card: rules, comments, chat junk, tag lines."""
    if node.type in ("hr", "front_matter"):
        return False
    if node.type == "html_block":
        return not node.content.lstrip().startswith("<!--")
    if node.type != "paragraph":
        return True
    inline = _inline(node)
    if inline is None:
        return False
    if inline.content.startswith("\\") and nt.only_layout(inline.content):
        return False  # "\newpage" in a note written for pandoc: layout, not content
    if "#" not in inline.content and not inline.maybe_junk():
        return True  # has words (it can't be junk without) and no #tags to be only that
    if inline.has_image():
        return True
    if nt.only_copy_buttons(inline.content):
        return False  # "bash" / "Copy code" pasted from a chat page, with no code after them
    text = inline.plain()
    return bool(nt.without_tags(nt.without_links(text))) and not nt.is_junk(text)


def line_of(node: Node) -> int:
    return node.map[0] + 1 if node.map else 1


def code_only(raw: str) -> str:
    """The command(s) of a text that is only code: `ls`, or `ipconfig` / `ifconfig`."""
    text = raw.strip()
    found = leading_commands(text)
    return found[0] if found and found[1] == len(text) else ""


def leading_commands(raw: str, start: int = 0) -> tuple[str, int] | None:
    """The code span at `start`, with any naming the same thing after it (`a` / `b`, `a` or
    `b`), as "a / b"; and where they end. One card then asks for both: two cards with one
    description would be two reverse cards with one question."""
    span = nt.code_span_at(raw, start)
    if span is None:
        return None
    commands, end = [nt.one_line(span.code)], span.end
    while (joiner := _ALTERNATIVE.match(raw, end)) and (more := nt.code_span_at(raw, joiner.end())):
        commands.append(nt.one_line(more.code))
        end = more.end
    return " / ".join(commands), end
