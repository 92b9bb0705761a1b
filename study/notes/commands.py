"""Command lists -> cards: `cmd` — what it does, in lists, under items, tldr-pages style,
and as plain lines (`cmd` - what it does, one a line; `cmd -> what it does`), also quoted in
a callout; lines pairing words (`Uomo -> uomini`) give term cards the same way."""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import (
    CODE,
    LISTS,
    Blocks,
    Builder,
    Section,
    code_only,
    leading_commands,
    line_of,
    raw_text,
)

# What parts a command from its description on a plain line: `cmd` - what, `cmd`: what.
_AFTER_CODE: Final = re.compile(r"[ \t]*(?:->|→|=>|:|—|–|-)[ \t]+")
# Without a code span only an arrow does: "ls -> lists files" ("a - b" and "a: b" are prose);
# "→" even unspaced ("食べる→食べない"), "->" only between spaces (`a->b` is code).
_ARROW: Final = re.compile(r"[ \t]+(?:->|=>)[ \t]+|[ \t]*→[ \t]*")
# A callout's type mark, "[!list]" (and its fold sign) before its title.
_CALLOUT_MARK: Final = re.compile(r"\A\[![^\]\n]+\][-+]?[ \t]*")
# A key written like a command: a lowercase word, a <placeholder>, a path or an option.
_COMMAND_LIKE: Final = re.compile(r"[a-z<.~/:\-\[]")
_MAX_KEY: Final = 60


class Pair(NamedTuple):
    key: str
    description: str
    code: bool  # the key was a code span
    offset: int  # its line within the block, from 0


def command_cards(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    rest: Blocks = []
    i = 0
    while i < len(blocks):
        node = blocks[i]
        if _plain_lines(node, section, b):
            i += 1
            continue
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


def _command_item(item: Node, b: Builder) -> tuple[str, str, int, int] | None:
    """`cmd` — what it does, `cmd`: what, or `cmd` with the description indented under it."""
    children = item.children
    if not children or children[0].type != "paragraph":
        return None
    first = children[0]
    raw = raw_text(first)
    if len(children) == 1 and "`" not in raw:
        return None  # no code span and no block under the item: no command (most items)
    more, raw = children[1:], raw.strip()
    wrap = "" if raw[:1] not in ("*", "_") else _wrap(raw)
    found = leading_commands(raw, len(wrap))
    if found is not None:
        command, end = found
        rest = raw[end:]
        rest = rest[len(wrap) :] if wrap and rest.startswith(wrap) else rest
        if rest.strip() and rest.lstrip(" \t")[:1] in ("—", "–", "-", ":", "\n"):
            head = rest.lstrip(" \t")
            text = head.strip() if head.startswith("\n") else head[1:].strip()
            parts = [nt.tidy(text), *(b.source_of(n) for n in more)]
            return command, "\n\n".join(p for p in parts if p), line_of(first), line_of(first)
        if not rest.strip() and more:
            description = "\n\n".join(b.source_of(n) for n in more)
            return command, description, line_of(first), line_of(more[0])
        return None
    return _described_then_code(first, more)


def _wrap(raw: str) -> str:
    """The emphasis marks around an item's leading code span: **`cmd`** ..."""
    return next((w for w in ("**", "__", "*", "_") if raw.startswith(w + "`")), "")


def _described_then_code(first: Node, more: list[Node]) -> tuple[str, str, int, int] | None:
    """An item "what it does:" followed, inside the item, by the command alone."""
    lines = raw_text(first).strip().split("\n")
    if len(lines) > 1 and code_only(lines[-1]) and lines[-2].rstrip().endswith(":"):
        text = nt.tidy("\n".join(lines[:-1])).rstrip(":").strip()
        return code_only(lines[-1]), text, line_of(first) + len(lines) - 1, line_of(first)
    if len(more) == 1 and raw_text(first).rstrip().endswith(":"):
        command = _command_block(more[0])
        if command:
            text = nt.tidy(raw_text(first)).rstrip(":").strip()
            return command, text, line_of(more[0]), line_of(first)
    return None


def _tldr_item(item: Node, nxt: Node) -> tuple[str, str, int, int] | None:
    """tldr-pages layout: "- what it does:" then, after the list, a paragraph of the command."""
    if len(item.children) != 1 or item.children[0].type != "paragraph":
        return None
    text = raw_text(item.children[0]).strip()
    if not text.endswith(":"):
        return None  # most last items: no lead-in, so no need to read the block after
    command = _command_block(nxt)
    if not command:
        return None
    return command, nt.tidy(text[:-1]).strip(), line_of(nxt), line_of(item)


def _command_block(node: Node) -> str:
    """The command in a block that holds only a command: a lone code span or a short fence."""
    if node.type == "paragraph":
        return code_only(raw_text(node))
    if node.type in CODE:
        code, _ = nt.clean_code(node.content, node.info)
        return code if code and code.count("\n") < 3 else ""
    return ""


def demote_command_headings(top: Blocks) -> None:
    """Make paragraphs of the setext headings that are `cmd -> what` lines over a --- rule.

    A cheat sheet that rules its sections off with dashes turns each block of plain command
    lines above a rule into one long "heading"; read as a heading, every line of it is lost.
    """
    for node in top:
        text = node.inline.content if node.type == "heading" and node.inline else ""
        if "\n" in text and line_pairs(text):
            node.type, node.tag = "paragraph", "p"


def _plain_lines(node: Node, section: Section, b: Builder) -> bool:
    """A paragraph (or a quote or callout holding one) whose every line pairs a command with
    what it does, or a word with its counterpart: a card per line."""
    marks = 0
    if node.type == "blockquote" and len(node.children) == 1:
        node = node.children[0]
        text, marks = _CALLOUT_MARK.subn("", raw_text(node), count=1)
    elif node.type == "paragraph":
        text = raw_text(node)
    else:
        return False
    pairs = line_pairs(text, titled=marks > 0)
    if not pairs:
        return False
    commands = sum(1 for pair in pairs if _command_like(pair))
    kind = "command" if commands * 2 >= len(pairs) else "summary"
    for pair in pairs:
        line = line_of(node) + pair.offset
        reverse = (pair.description, pair.key, line) if kind == "command" else None
        b.add(kind, section.path, pair.key, pair.key, pair.description, line, reverse)
    return True


def line_pairs(text: str, titled: bool = False) -> list[Pair]:
    """The (command, description) of each line, when every line is one (a lead-in line
    ending in ":" aside); a single line counts only when its key looks like a command.

    `titled`: the text is a callout's, whose first line is its title: a lead-in unless a
    pair itself, and a callout of one pair is one card (an example box: "Taberu -> Comer").
    """
    if not _may_pair(text):
        return []  # no line can pair: most paragraphs, whose lines need not be read one by one
    lines = [line.rstrip().removesuffix("\\").strip() for line in text.split("\n")]
    pairs = []
    for offset, line in enumerate(lines):
        pair = _line_pair(line, offset)
        lead_in = offset == 0 and (line.endswith(":") or not line or titled) and len(lines) > 1
        if pair is None and not lead_in and not _rule_line(line):
            return []
        if pair is not None:
            pairs.append(pair)
    if len(pairs) == 1 and not (titled or _command_like(pairs[0])):
        return []
    return pairs


def _rule_line(line: str) -> bool:
    """A line drawn to part the pairs: one character repeated ("-----", "ーーーー")."""
    return len(line) >= 3 and not line.strip(line[0])


def _may_pair(text: str) -> bool:
    """False when no line of `text` can be a pair: a pair needs a code span or an arrow.

    A cheap test before `_line_pair`'s regexes, which it must never contradict: whatever
    `_line_pair` pairs passes it.
    """
    return "`" in text or "->" in text or "=>" in text or "→" in text


def _command_like(pair: Pair) -> bool:
    return pair.code or _COMMAND_LIKE.match(pair.key) is not None


def _line_pair(line: str, offset: int) -> Pair | None:
    found = leading_commands(line) if line.startswith("`") else None  # a span opens it
    if found is not None:
        command, end = found
        sep = _AFTER_CODE.match(line, end)
        described = _description(line[sep.end() :]) if sep else ""
        return Pair(command, described, True, offset) if described else None
    arrow = _ARROW.search(line)
    if arrow is None or not 0 < arrow.start() <= _MAX_KEY:
        return None
    described = _description(line[arrow.end() :])
    if not described or _ARROW.search(described):
        return None  # "a -> b c -> d": where b ends and c starts, no one can say
    return Pair(line[: arrow.start()].strip(), described, False, offset)


def _description(text: str) -> str:
    # A trailing ";" ends an item of the list, it is not part of what the command does.
    return nt.tidy(text).rstrip(" ;")
