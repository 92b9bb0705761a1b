"""The note's blocks from markdown-it.rs, the compiled port of markdown-it (`markdown-it-pyrs`).

Its block parse is the same algorithm markdown-it-py runs, ~5x faster on a note, and it gives
a tree with byte offsets rather than markdown-it-py's tokens. This module turns that tree into
the same `Node`s and `Inline`s that `blocks.parse_blocks` builds from markdown-it-py, so the
card rules cannot tell which parser ran: line maps as [first line, line after), paragraph and
heading texts as the source lines markdown-it-py hands to its inline parser, table cells as
th/td, the paragraph of a tight list's last item (which the tree leaves out, its text bare
in the item), front matter without its fences. Only the block rules run: the texts are
parsed by markdown-it-py when a rule asks (`blocks.Inline`), as before.

What the adapter does not reproduce, a cheap look at the text rules out first and the caller
parses the note with markdown-it-py instead: tabs (columns and partial tabs), block quotes
(their `>` prefixes and lazy lines), link reference definitions (the inline parse needs them
in `env`) and NUL characters (replaced differently).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from typing import Any

from markdown_it.common.utils import mdTrim
from markdown_it_pyrs import MarkdownIt
from markdown_it_pyrs import Node as RsNode

from study.notes.blocks import Inline, Node, python_blocks

# Block rules only: texts are parsed lazily by markdown-it-py (`Inline`), as before, and the
# Rust inline rules are both wasted work here and able to panic on odd emphasis and code runs.
_BLOCK_RULES: list[Any] = [
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
    "reference", "html_block", "table", "front_matter",
]  # fmt: skip


@cache
def _parser() -> MarkdownIt:
    """Built on the first parse, not at import: `study sync` with nothing changed parses nothing."""
    return MarkdownIt("zero").enable_many(_BLOCK_RULES)


# Tabs, a block quote marker, a reference definition's `]:`, NUL, and a line with a `|` over
# a pipeless `---` (markdown-it-py reads a one-column table, markdown-it.rs a heading): the
# native tree is not used.
_UNTRUSTED = re.compile(r"[\t\x00]|^ {0,3}>|\]:|\|.*\n *:?-+:? *$", re.MULTILINE)

_LEAVES = {"fence": "code", "code_block": "code", "html_block": "", "hr": "hr"}
_CONTAINERS = {"bullet_list": "ul", "ordered_list": "ol"}
_BLOCKS = {
    *_LEAVES, *_CONTAINERS, "paragraph", "heading", "lheading", "list_item", "table", "thead",
    "trow", "tcell", "front_matter", "blockquote", "definition",
}  # fmt: skip
_MAX_DEPTH = 8  # lists and items, each a level in markdown-it-py's count
_ORDERED_MARKER = re.compile(r"\d+[.)]")


class Untrusted(Exception):
    """The tree holds something the adapter does not reproduce exactly."""


class _Note:
    """The source as lines, with the byte offset each line starts at."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode()
        self.ascii = len(self.data) == len(text)
        self.lines = text.split("\n")
        self.starts = [0]
        self.starts.extend(m.end() for m in re.finditer(b"\n", self.data))
        self.env: dict[str, Any] = {}
        self.texts: list[tuple[Inline, bool]] = []
        self.depth = 0

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def span(self, rs: RsNode) -> list[int]:
        start, end = _srcmap(rs)
        return [self.line(start), self.line(end) + 1]

    def column(self, offset: int) -> int:
        """The character column of a byte offset in its line."""
        start = self.starts[self.line(offset)]
        if self.ascii:
            return offset - start
        prefix = self.data[start:offset]  # mostly indentation and list markers
        return len(prefix) if prefix.isascii() else len(prefix.decode())

    def source(self, start: int, end: int) -> str:
        return self.text[start:end] if self.ascii else self.data[start:end].decode()

    def lines_text(self, first: int, end: int, column: int, indent: int) -> str:
        """markdown-it-py's `mdTrim(getLines(...))`: up to `indent` leading spaces dropped."""
        parts = [self.lines[first][column:]]
        for line in self.lines[first + 1 : end]:
            spaces = len(line) - len(line.lstrip(" "))
            parts.append(line[min(spaces, indent) :])
        return mdTrim("\n".join(parts))

    def inline(self, node: Node, content: str, line_map: list[int], heading: bool) -> None:
        node.inline = Inline(content, line_map, self.env)
        self.texts.append((node.inline, heading))


def _srcmap(rs: RsNode) -> tuple[int, int]:
    if rs.srcmap is None:
        raise Untrusted(rs.name)
    return rs.srcmap


def parse_blocks(text: str) -> tuple[list[Node], list[tuple[Inline, bool]]]:
    """The note's top-level blocks, and every text in order (True for a heading's)."""
    return native_blocks(text) or python_blocks(text)


def native_blocks(text: str) -> tuple[list[Node], list[tuple[Inline, bool]]] | None:
    """`parse_blocks`' answer from the compiled parser, or None when it cannot be trusted."""
    if _UNTRUSTED.search(text):
        return None
    last = text.rfind("\n") + 1
    if last < len(text) and not text[last:].strip(" "):
        # markdown-it-py's blocks end before a blank last line with no newline; the tree's don't
        text = text[:last]
    note = _Note(text)
    top: list[Node] = []
    try:
        _convert(note, _parser().tree(text).children, top, 0)
    except Untrusted:
        return None
    return top, note.texts


def _convert(note: _Note, children: Any, out: list[Node], indent: int) -> None:
    """Append the blocks among `children`; runs of inline nodes are a tight item's paragraph."""
    note.depth += 1
    if note.depth > _MAX_DEPTH:
        raise Untrusted("nesting")  # markdown-it-py stops nesting at 20 levels; the tree doesn't
    run: list[RsNode] = []
    for rs in children:
        if rs.name not in _BLOCKS:
            run.append(rs)
            continue
        if run:
            out.append(_tight_paragraph(note, run, indent))
            run = []
        out.append(_block(note, rs, indent))
    if run:
        out.append(_tight_paragraph(note, run, indent))
    note.depth -= 1


def _tight_paragraph(note: _Note, run: list[RsNode], indent: int) -> Node:
    start, end = _srcmap(run[0])[0], _srcmap(run[-1])[1]
    line_map = [note.line(start), note.line(end) + 1]
    node = Node("paragraph", "p", line_map)
    content = note.lines_text(line_map[0], line_map[1], note.column(start), indent)
    note.inline(node, content, line_map, False)
    return node


def _block(note: _Note, rs: RsNode, indent: int) -> Node:
    name = rs.name
    if name == "paragraph":
        return _paragraph(note, rs, indent)
    if name in ("heading", "lheading"):
        return _heading(note, rs, indent)
    if name in _LEAVES:
        meta = rs.meta
        node = Node(name, _LEAVES[name], note.span(rs), meta.get("content", ""))
        node.info = meta.get("info", "") if name == "fence" else ""
        return node
    if name == "list_item":
        return _list_item(note, rs)
    if name == "front_matter":
        start, end = note.span(rs)
        if start != 0 or note.lines[0] != "---" or note.lines[end - 1] != "---":
            raise Untrusted(name)  # fences the plugins read differently (indented, longer)
        return Node(name, "", [start, end], "\n".join(note.lines[start + 1 : end - 1]))
    if name in _CONTAINERS:
        node = Node(name, _CONTAINERS[name], note.span(rs))
        _convert(note, rs.children, node.children, indent)
        return node
    if name == "table":
        return _table(note, rs)
    raise Untrusted(name)  # a block quote or definition the text check missed


def _paragraph(note: _Note, rs: RsNode, indent: int) -> Node:
    line_map = note.span(rs)
    node = Node("paragraph", "p", line_map)
    content = note.lines_text(line_map[0], line_map[1], note.column(_srcmap(rs)[0]), indent)
    note.inline(node, content, line_map, False)
    return node


def _heading(note: _Note, rs: RsNode, indent: int) -> Node:
    level = rs.meta["level"]
    start, end = note.span(rs)
    node = Node("heading", f"h{level}", [start, end])
    column = note.column(_srcmap(rs)[0])
    if rs.name == "lheading":
        content = note.lines_text(start, end - 1, column, indent)
    else:
        content = _atx_text(note.lines[start][column + level :])
    note.inline(node, content, [start, start + 1 if rs.name == "heading" else end - 1], True)
    return node


def _atx_text(rest: str) -> str:
    """markdown-it-py's heading text: trailing spaces and a closing `#` run dropped."""
    text = rest.rstrip(" \t")
    bare = text.rstrip("#")
    if len(bare) < len(text) and bare and bare[-1] in " \t":
        text = bare
    return mdTrim(text)


def _list_item(note: _Note, rs: RsNode) -> Node:
    start = _srcmap(rs)[0]
    line = note.lines[note.line(start)]
    column = note.column(start)
    ordered = _ORDERED_MARKER.match(line, column)
    marker_end = ordered.end() if ordered else column + 1
    spaces = len(line) - marker_end - len(line[marker_end:].lstrip(" "))
    blank = not line[marker_end:].strip()
    indent = marker_end + 1 if blank or spaces > 4 else marker_end + spaces
    info = line[column : marker_end - 1] if ordered else ""
    node = Node("list_item", "li", note.span(rs), "", info)
    _convert(note, rs.children, node.children, indent)
    return node


def _table(note: _Note, rs: RsNode) -> Node:
    table = Node("table", "table", note.span(rs))
    for part in rs.children:
        head = part.name == "thead"
        line_map = note.span(part)
        if head:
            line_map[1] = line_map[0] + 1  # markdown-it-py's head ends before the delimiter row
        body = Node(part.name, part.name, line_map)
        table.children.append(body)
        for row in part.children:
            body.children.append(_row(note, row, "th" if head else "td"))
    return table


def _row(note: _Note, rs: RsNode, tag: str) -> Node:
    line = note.line(_srcmap(rs)[0])
    row = Node("tr", "tr", [line, line + 1])
    for rs_cell in rs.children:
        cell = Node(tag, tag, None)
        start, end = _srcmap(rs_cell)
        content = mdTrim(note.source(start, end)).replace("\\|", "|")
        note.inline(cell, content, [line, line + 1], False)
        row.children.append(cell)
    return row
