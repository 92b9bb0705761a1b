"""The card rules: which blocks of a section become which cards.

Each rule takes the blocks it understands out of a section's list and returns the rest, so
the order of the rules is the order of precedence (an explicit `front::back` card is never
also prose). The Builder gives every card its id through `study.card.card_id` and merges a
command listed twice into one card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from study.notes import notetext as nt
from study.notes.blocks import Inline, Node
from study.notes.card import Card, card_id

Blocks = list[Node]
LISTS = ("bullet_list", "ordered_list")
CODE = ("fence", "code_block")
_TERM_PATTERNS = (
    re.compile(r"(\*\*|__)([^*_]{1,80}?):\1\s*(.+)", re.DOTALL),
    re.compile(r"(\*\*|__)([^*_]{1,80}?)\1\s*(?:=|:|—|–|->|→|-(?=\s))\s*(.+)", re.DOTALL),
    re.compile(r"()([^=`\n]{1,80}?)\s+(?:=|->|→)\s+(.+)", re.DOTALL),
    re.compile(r"()([^:`\n]{1,60}?):\s+(.+)", re.DOTALL),
    re.compile(r"()([^—–`\n]{1,60}?)\s+[—–]\s+(.+)", re.DOTALL),
)


@dataclass
class Section:
    """The blocks under one heading (path () is the text before the first heading)."""

    path: tuple[str, ...]
    line: int
    aspect: bool = False  # an aspect sub-heading ("What it is") whose whole body is one card
    blocks: Blocks = field(default_factory=list)


class Builder:
    """Collects a note's cards: computes ids, keeps them unique, merges repeated commands."""

    def __init__(
        self, deck: str, source: str, tags: tuple[str, ...], related: tuple[str, ...],
        lines: list[str],
    ) -> None:  # fmt: skip
        self.deck, self.source, self.tags, self.related = deck, source, tags, related
        self.lines = lines
        self.merged: list[str] = []
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
    ) -> str | None:  # fmt: skip
        """Add a card (and its reverse sibling, sharing its note id); its id, or None.

        `note` groups siblings that are not reverses (the deletions of one cloze text).
        """
        front, back = front.strip(), back.strip()
        if not front or not back:
            return None
        id_path = () if kind == "command" else path
        cid = card_id(self.deck, kind, id_path, key)
        if cid in self._at and kind == "command":
            self._merge_command(cid, back, line)
            return cid
        n = 1
        while cid in self._at:
            n += 1
            cid = card_id(self.deck, kind, id_path, f"{key}\x1f{n}")
        self._put(cid, note or cid, kind, front, back, line, path)
        if reverse and reverse[0].strip() and reverse[1].strip():
            rid = card_id(self.deck, f"{kind}-reverse", id_path, key if n == 1 else f"{key}\x1f{n}")
            self._put(rid, cid, f"{kind}-reverse", reverse[0], reverse[1], reverse[2], path)
        return cid

    def _put(
        self, cid: str, note: str, kind: str, front: str, back: str, line: int,
        path: tuple[str, ...],
    ) -> None:  # fmt: skip
        self._at[cid] = len(self._cards)
        card = Card(
            id=cid, note=note, deck=self.deck, kind=kind, front=front.strip(),
            back=back.strip(), source=self.source, line=line, path=path, tags=self.tags,
            related=self.related,
        )  # fmt: skip
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


def section_cards(section: Section, b: Builder) -> None:
    """Run the rules over one section's blocks, in order of precedence."""
    blocks = [node for node in section.blocks if kept(node)]
    from study.notes.explicit import explicit_cards  # the rule module imports this one

    for rule in (explicit_cards, _tables, _commands):
        blocks = rule(blocks, section, b)
    if not section.path:
        return  # text before the first heading has no question to ask about it
    if not section.aspect:
        blocks = _examples(blocks, section, b)
        blocks = _summaries(blocks, section, b)
    _concept(blocks, section, b)


def _inline(node: Node) -> Inline | None:
    return node.inline if node.type == "paragraph" else None


def raw_text(node: Node) -> str:
    inline = _inline(node)
    return inline.content if inline is not None else ""


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
    if "#" not in inline.content and not inline.maybe_junk():
        return True  # has words (it can't be junk without) and no #tags to be only that
    if inline.has_image():
        return True
    text = inline.plain()
    return bool(nt.without_tags(nt.without_links(text))) and not nt.is_junk(text)


# --- tables ---------------------------------------------------------------------------------


def _cells(row: Node) -> list[tuple[str, str]]:
    """A table row's cells as (plain text, Markdown) pairs."""
    cells = []
    for cell in row.children:
        inline = cell.inline
        raw = inline.content.strip() if inline is not None else ""
        text = inline.plain() if inline is not None else ""
        cells.append((nt.one_line(nt.plain_links(text)), nt.plain_links(raw)))
    return cells


def _tables(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    rest: Blocks = []
    for node in blocks:
        if node.type != "table" or not _table_cards(node, section, b):
            rest.append(node)
    return rest


def _table_cards(node: Node, section: Section, b: Builder) -> bool:
    """Row label + column header -> cell; reverse cards when two or more things are compared."""
    rows = [row for part in node.children for row in part.children if row.type == "tr"]
    if len(rows) < 2 or len(rows[0].children) < 2:
        return False
    first = _cells(rows[0])
    header = [nt.clean_title(text) or f"Column {n + 1}" for n, (text, _) in enumerate(first)]
    columns_are_things = nt.fold(nt.strip_symbols(first[0][0])) in nt.ATTRIBUTE_HEADERS
    body = [(row, _cells(row)) for row in rows[1:]]
    if len(header) == 2 and all(_code_only(cells[0][1]) for _, cells in body):
        for row, cells in body:  # | `command` | what it does |: a command list as a table
            command, line = _code_only(cells[0][1]), _line(row)
            b.add("command", section.path, command, command, cells[1][1], line,
                  (cells[1][1], command, line))  # fmt: skip
        return True
    folded = [[nt.fold(text) for text, _ in cells] for _, cells in body]  # once, not per peer
    for n, (row, cells) in enumerate(body, start=1):
        label = nt.clean_title(cells[0][0]) or f"Row {n}"
        line = row.map[0] + 1 if row.map else section.line
        for j, (text, raw) in enumerate(cells[1:], start=1):
            if not raw:
                continue
            column = header[j]
            key = f"{label}\x1f{column}"
            if columns_are_things:
                front, attribute, thing = f"{column} — {label}", label, column
                peers = folded[n - 1][1:]
                many = len(header) > 2
            else:
                front, attribute, thing = f"{label} — {column}", column, label
                peers = [f[j] for f in folded if len(f) > j]
                many = len(body) > 1
            unique = peers.count(folded[n - 1][j]) == 1
            reverse = (f"{attribute}: {text}", thing, line) if many and unique else None
            b.add("table", section.path, key, front, raw, line, reverse)
    return True


# --- command lists ------------------------------------------------------------------------


def _commands(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    rest: Blocks = []
    i = 0
    while i < len(blocks):
        node = blocks[i]
        if node.type not in LISTS:
            rest.append(node)
            i += 1
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        found, used_next = _command_list(node, nxt, section, b)
        if not found:
            rest.append(node)
        i += 2 if used_next else 1
    return rest


def _command_list(node: Node, nxt: Node | None, section: Section, b: Builder) -> tuple[bool, bool]:
    """Command cards from a list; (any found, the block after the list was its command)."""
    found, used_next = False, False
    items = node.children
    for k, item in enumerate(items):
        got = _command_item(item, b)
        if got is None and k == len(items) - 1 and nxt is not None:
            got = _tldr_item(item, nxt)
            used_next = got is not None
        if got is None:
            continue
        command, description, line, desc_line = got
        reverse = (description, command, desc_line)
        b.add("command", section.path, command, command, description, line, reverse)
        found = True
    return found, used_next and found


def _line(node: Node) -> int:
    return node.map[0] + 1 if node.map else 1


def _command_item(item: Node, b: Builder) -> tuple[str, str, int, int] | None:
    """`cmd` — what it does, `cmd`: what, or `cmd` with the description indented under it."""
    if not item.children or item.children[0].type != "paragraph":
        return None
    first, more = item.children[0], item.children[1:]
    raw = raw_text(first).strip()
    if "`" not in raw and not more:
        return None  # no code span and no block under the item: no command (most items)
    wrap = next((w for w in ("**", "__", "*", "_") if raw.startswith(w + "`")), "")
    match = nt.CODE_SPAN.match(raw, len(wrap))
    if match is not None:
        command = nt.one_line(match.group(2))
        rest = raw[match.end() :]
        rest = rest[len(wrap) :] if wrap and rest.startswith(wrap) else rest
        if rest.strip() and rest.lstrip(" \t")[:1] in ("—", "–", "-", ":", "\n"):
            head = rest.lstrip(" \t")
            text = head.strip() if head.startswith("\n") else head[1:].strip()
            parts = [nt.tidy(text), *(b.source_of(n) for n in more)]
            return command, "\n\n".join(p for p in parts if p), _line(first), _line(first)
        if not rest.strip() and more:
            description = "\n\n".join(b.source_of(n) for n in more)
            return command, description, _line(first), _line(more[0])
        return None
    return _described_then_code(first, more)


def _described_then_code(first: Node, more: list[Node]) -> tuple[str, str, int, int] | None:
    """An item "what it does:" followed, inside the item, by the command alone."""
    lines = raw_text(first).strip().split("\n")
    if len(lines) > 1 and _code_only(lines[-1]) and lines[-2].rstrip().endswith(":"):
        text = nt.tidy("\n".join(lines[:-1])).rstrip(":").strip()
        return _code_only(lines[-1]), text, _line(first) + len(lines) - 1, _line(first)
    if len(more) == 1 and raw_text(first).rstrip().endswith(":"):
        command = _command_block(more[0])
        if command:
            text = nt.tidy(raw_text(first)).rstrip(":").strip()
            return command, text, _line(more[0]), _line(first)
    return None


def _tldr_item(item: Node, nxt: Node) -> tuple[str, str, int, int] | None:
    """tldr-pages layout: "- what it does:" then, after the list, a paragraph of the command."""
    if len(item.children) != 1 or item.children[0].type != "paragraph":
        return None
    text = raw_text(item.children[0]).strip()
    command = _command_block(nxt)
    if not text.endswith(":") or not command:
        return None
    return command, nt.tidy(text[:-1]).strip(), _line(nxt), _line(item)


def _code_only(raw: str) -> str:
    match = nt.CODE_SPAN.fullmatch(raw.strip())
    return nt.one_line(match.group(2)) if match else ""


def _command_block(node: Node) -> str:
    """The command in a block that holds only a command: a lone code span or a short fence."""
    if node.type == "paragraph":
        return _code_only(raw_text(node))
    if node.type in CODE:
        code, _ = nt.clean_code(node.content, node.info)
        return code if code and code.count("\n") < 3 else ""
    return ""


# --- examples, summaries, concepts ----------------------------------------------------------


def _examples(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    """Code + the sentence explaining it; code nobody explained becomes a heading -> code card."""
    rest: Blocks = []
    unexplained: Blocks = []
    i = 0
    while i < len(blocks):
        node = blocks[i]
        if node.type not in CODE:
            rest.append(node)
            i += 1
            continue
        code, _ = nt.clean_code(node.content, node.info)
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if not code:
            i += 1
        elif nxt is not None and nxt.type == "paragraph" and not _lead_in(nxt):
            b.add("example", section.path, code, code, b.source_of(nxt), _line(node))
            i += 2
        elif rest and rest[-1].type == "paragraph" and _lead_in(rest[-1]):
            lead = rest.pop()
            b.add("example", section.path, code, code, b.source_of(lead).rstrip(":"), _line(node))
            i += 1
        else:
            unexplained.append(node)
            rest.append(node)
            i += 1
    if unexplained and len(unexplained) == len(rest):
        for node in unexplained:
            b.add("code", section.path, "", concept_front(section.path, b.deck),
                  b.source_of(node), _line(node))  # fmt: skip
        return []
    return rest


def _lead_in(node: Node) -> bool:
    return node.type == "paragraph" and raw_text(node).rstrip().endswith(":")


def _term(raw: str) -> tuple[str, str] | None:
    text = raw.strip()
    for pattern in _TERM_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            term = nt.one_line(nt.plain_links(match.group(2))).strip("*_ ")
            if term and len(term.split()) <= 6:
                return term, nt.tidy(match.group(3))
    return None


def _summaries(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    """`**Term** = definition` and `Term: definition` lists -> term -> definition cards."""
    rest: Blocks = []
    for node in blocks:
        items = node.children if node.type in LISTS else []
        pairs = [
            _term(raw_text(item.children[0])) if len(item.children) == 1 else None for item in items
        ]
        if not items or not all(pairs):
            rest.append(node)
            continue
        for item, pair in zip(items, pairs, strict=True):
            term, definition = pair or ("", "")
            b.add("summary", section.path, term, term, definition, _line(item))
    return rest


def concept_front(path: tuple[str, ...], deck: str) -> str:
    """ "Docker Image — What it is": the concept and the aspect, or the deck and the topic."""
    if len(path) >= 2:
        return f"{path[-2]} — {path[-1]}"
    if set(nt.fold(deck).split()) <= set(nt.fold(path[0]).split()):
        return path[0]
    return f"{deck} — {path[0]}"


def _concept(blocks: Blocks, section: Section, b: Builder) -> None:
    if not blocks or (len(blocks) == 1 and _lead_in(blocks[0])):
        return
    body = "\n\n".join(b.source_of(node) for node in blocks)
    b.add("concept", section.path, "", concept_front(section.path, b.deck), body, section.line)
