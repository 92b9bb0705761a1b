"""The note's blocks from markdown-it.rs, the compiled port of markdown-it (`markdown_it_pyrs`).

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
in `env`), NUL characters (replaced differently), and a table over a pipeless delimiter or
a list item that could not interrupt a paragraph (the two parsers end a table differently
there).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache
from itertools import accumulate
from typing import Any

from markdown_it_pyrs import MarkdownIt
from markdown_it_pyrs import Node as RsNode

from study.notes.blocks import Inline, Node, python_blocks
from study.notes.linescan import scan_blocks
from study.notes.lineshapes import MD_TRIM_CHARS, atx_text

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


# Tabs, a block quote marker, a reference definition's `]:`, NUL: the native tree is not
# used; nor with a control character from \x1c to \x1f, which Python's `\s` (in
# markdown-it-py's HTML block patterns) takes for a space and Rust's does not. Substring tests
# first, then patterns that start with a literal (searched fast): one pattern of four branches
# tried at every position was ~10% of a parse.
_SEPARATORS = re.compile(r"[\x1c-\x1f]")
_QUOTE_START = re.compile(r" {0,3}>")
_QUOTE = re.compile(r"\n {0,3}>")
# Nor with one of these lines below a line with a `|`, no blank line between: that may be a
# table, whose end the two parsers see differently. A pipeless `---` (markdown-it-py reads a
# one-column table, markdown-it.rs a heading); a list item that may not interrupt a paragraph,
# one numbered other than 1 or an empty one (markdown-it-py ends a table at any list item,
# markdown-it.rs only where one would end a paragraph; a table's rows need no `|`, so the
# item may be several lines below the last pipe).
_UNDER_A_PIPE = re.compile(r"\n *(?::?-+:? *$|\d{1,9}[.)]|[-+*] *$)", re.MULTILINE)
# Nor with a list item holding a `|` right above a line of dashes, pipes and colons: after a
# list's first item, markdown-it.rs starts a table there, markdown-it-py reads on the item's
# paragraph. (No nested repeats: a long line of dashes must fail in one pass.)
_ITEM_OVER_A_ROW = re.compile(r"^ *(?:[-+*]|\d{1,9}[.)]) [^|\n]*\|.*\n[ |:]*-[-| :]*$", re.M)
# Nor with a line holding a `|` that starts with a space other than the ASCII space, tab or
# line break (no-break, em, vertical tab...): markdown-it-py's table rule strips it as a
# space, markdown-it.rs's reads the line as a paragraph's text.
_ODD_SPACE = "\x0b\x0c" + "".join(c for c in MD_TRIM_CHARS if not c.isascii())
_ODD_SPACE_BEFORE_A_PIPE = re.compile(f"^[{_ODD_SPACE}][ {_ODD_SPACE}]*\\|", re.MULTILINE)


def _untrusted(text: str) -> bool:
    if "\t" in text or "\x00" in text or "]:" in text or _SEPARATORS.search(text):
        return True
    if ">" in text and (_QUOTE_START.match(text) or _QUOTE.search(text)):
        return True
    return _under_a_pipe(text)


def _under_a_pipe(text: str) -> bool:
    """Whether a line `_UNDER_A_PIPE` looks for is below a `|`, with no blank line between,
    an item holding a `|` is over a delimiter row (`_ITEM_OVER_A_ROW`), or a line starts with
    an odd space before a `|` (`_ODD_SPACE_BEFORE_A_PIPE`).

    One pass: each run of lines between blank lines is searched once, from its first pipe.
    """
    pipe = text.find("|")
    while pipe != -1:
        run_end = text.find("\n\n", pipe)
        if run_end == -1:
            run_end = len(text)
        line_end = text.find("\n", pipe, run_end)
        if line_end != -1 and _UNDER_A_PIPE.search(text, line_end, run_end):
            return True
        line_start = text.rfind("\n", 0, pipe) + 1
        if line_end != -1 and _ITEM_OVER_A_ROW.search(text, line_start, run_end):
            return True
        if _ODD_SPACE_BEFORE_A_PIPE.search(text, line_start, run_end):
            return True
        pipe = text.find("|", run_end)
    return False


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
        self.lines = lines = text.split("\n")
        if self.ascii:
            lengths = [len(line) + 1 for line in lines]
            self.wide: list[bool] = []
        else:
            lengths = [len(line) + 1 for line in self.data.split(b"\n")]
            # Lines whose bytes are not their characters (an emoji in a heading): only on
            # those does a column need the bytes before it decoded.
            self.wide = [not line.isascii() for line in lines]
        self.starts = list(accumulate(lengths[:-1], initial=0))  # each line's first byte
        self.env: dict[str, Any] = {}
        self.texts: list[tuple[Inline, bool]] = []
        self.depth = 0

    def locate(self, rs: RsNode) -> tuple[int, int, int]:
        """Where a node starts: its first byte, its first line and the line after its last.

        One look at the node's byte span and two bisections: this runs for every block.
        """
        srcmap = rs.srcmap
        if srcmap is None:
            raise Untrusted(rs.name)
        start, end = srcmap
        first = bisect_right(self.starts, start) - 1
        return start, first, bisect_right(self.starts, end, first if end >= start else 0)

    def span(self, rs: RsNode) -> list[int]:
        _, first, after = self.locate(rs)
        return [first, after]

    def column(self, offset: int, line: int) -> int:
        """The character column of a byte offset in its line."""
        start = self.starts[line]
        if self.ascii or not self.wide[line]:
            return offset - start
        prefix = self.data[start:offset]  # mostly indentation and list markers
        return len(prefix) if prefix.isascii() else len(prefix.decode())

    def source(self, start: int, end: int) -> str:
        return self.text[start:end] if self.ascii else self.data[start:end].decode()

    def lines_text(self, first: int, end: int, column: int, indent: int) -> str:
        """markdown-it-py's `mdTrim(getLines(...))`: up to `indent` leading spaces dropped."""
        if end == first + 1:
            return self.lines[first][column:].strip(MD_TRIM_CHARS)  # most texts: one line
        parts = [self.lines[first][column:]]
        for line in self.lines[first + 1 : end]:
            spaces = len(line) - len(line.lstrip(" "))
            parts.append(line[min(spaces, indent) :])
        return "\n".join(parts).strip(MD_TRIM_CHARS)

    def blank(self, first: int, end: int) -> bool:
        """Whether lines [first, end) are empty or only spaces (none: True)."""
        return all(not line.strip(" ") for line in self.lines[first:end])

    def inline(self, node: Node, content: str, line_map: list[int], heading: bool) -> None:
        node.inline = inline = Inline(content, line_map, self.env)
        self.texts.append((inline, heading))


def parse_blocks(text: str) -> tuple[list[Node], list[tuple[Inline, bool]]]:
    """The note's top-level blocks, and every text in order (True for a heading's).

    Read line by line where the note holds only the shapes `linescan` reads, else from
    markdown-it.rs' tree where that can be trusted, else by markdown-it-py.
    """
    return scan_blocks(text) or native_blocks(text) or python_blocks(text)


def native_blocks(text: str) -> tuple[list[Node], list[tuple[Inline, bool]]] | None:
    """`parse_blocks`' answer from the compiled parser, or None when it cannot be trusted."""
    if _untrusted(text):
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
        name = rs.name
        if name not in _BLOCKS:
            run.append(rs)
            continue
        if run:
            out.append(_tight_paragraph(note, run, indent))
            run = []
        out.append(_block(note, rs, name, indent))
    if run:
        out.append(_tight_paragraph(note, run, indent))
    note.depth -= 1


def _tight_paragraph(note: _Note, run: Sequence[RsNode], indent: int) -> Node:
    start, first, after = note.locate(run[0])
    line_map = [first, note.locate(run[-1])[2] if len(run) > 1 else after]
    node = Node("paragraph", "p", line_map)
    content = note.lines_text(first, line_map[1], note.column(start, first), indent)
    note.inline(node, content, line_map, False)
    return node


def _one_line_paragraph(note: _Note, line: int, column: int) -> Node:
    line_map = [line, line + 1]
    node = Node("paragraph", "p", line_map)
    note.inline(node, note.lines[line][column:].strip(MD_TRIM_CHARS), line_map, False)
    return node


def _block(note: _Note, rs: RsNode, name: str, indent: int) -> Node:
    if name == "paragraph":
        return _paragraph(note, rs, indent)
    if name == "list_item":
        return _list_item(note, rs)
    if name in ("heading", "lheading"):
        return _heading(note, rs, name, indent)
    if name == "hr":
        return Node(name, "hr", note.span(rs))  # its meta (the marker) is never read
    if name in _LEAVES:
        meta = rs.meta
        node = Node(name, _LEAVES[name], note.span(rs), meta.get("content", ""))
        node.info = meta.get("info", "") if name == "fence" else ""
        return node
    if name == "front_matter":
        start, end = note.span(rs)
        if start != 0 or note.lines[0] != "---" or note.lines[end - 1] != "---":
            raise Untrusted(name)  # fences the plugins read differently (indented, longer)
        return Node(name, "", [start, end], "\n".join(note.lines[start + 1 : end - 1]))
    if name in _CONTAINERS:
        return _list(note, rs, name)
    if name == "table":
        return _table(note, rs)
    raise Untrusted(name)  # a block quote or definition the text check missed


def _list(note: _Note, rs: RsNode, name: str) -> Node:
    """A list: its items, each converted straight away (a list holds nothing else)."""
    node = Node(name, _CONTAINERS[name], note.span(rs))
    note.depth += 1
    if note.depth > _MAX_DEPTH:
        raise Untrusted("nesting")
    items = node.children
    for item in rs.children:
        if item.name != "list_item":
            raise Untrusted(item.name)
        items.append(_list_item(note, item))
    note.depth -= 1
    return node


def _paragraph(note: _Note, rs: RsNode, indent: int) -> Node:
    start, first, after = note.locate(rs)
    line_map = [first, after]
    node = Node("paragraph", "p", line_map)
    content = note.lines_text(first, after, note.column(start, first), indent)
    note.inline(node, content, line_map, False)
    return node


def _heading(note: _Note, rs: RsNode, name: str, indent: int) -> Node:
    level = rs.meta["level"]
    offset, start, end = note.locate(rs)
    node = Node("heading", f"h{level}", [start, end])
    column = note.column(offset, start)
    if name == "lheading":
        content = note.lines_text(start, end - 1, column, indent)
    else:
        content = atx_text(note.lines[start][column + level :])
    note.inline(node, content, [start, start + 1 if name == "heading" else end - 1], True)
    return node


def _list_item(note: _Note, rs: RsNode) -> Node:
    start, first, after = note.locate(rs)
    line = note.lines[first]
    column = note.column(start, first)
    if after == first + 1 and line[column] in "-*+":
        plain = _plain_bullet_item(note, line, first, column)
        if plain is not None:
            return plain
    ordered = _ORDERED_MARKER.match(line, column)
    marker_end = ordered.end() if ordered else column + 1
    after_marker = line[marker_end:]
    text = after_marker.lstrip(" ")
    spaces = len(after_marker) - len(text)
    indent = marker_end + 1 if spaces > 4 or not text.strip() else marker_end + spaces
    info = line[column : marker_end - 1] if ordered else ""
    node = Node("list_item", "li", [first, after], "", info)
    children = rs.children
    if len(children) == 1 and children[0].name not in _BLOCKS and note.depth < _MAX_DEPTH:
        # Most items: one line of text, the paragraph of a tight item and nothing else.
        if spaces <= 4 and text.strip() and note.blank(first + 1, after):
            # ... on the marker's line, the item's other lines blank: the text is the rest
            # of that line, and the tree's span of it need not be asked for.
            node.children.append(_one_line_paragraph(note, first, marker_end))
        else:
            node.children.append(_tight_paragraph(note, children, indent))
    else:
        _convert(note, children, node.children, indent)
    return node


def _plain_bullet_item(note: _Note, line: str, first: int, column: int) -> Node | None:
    """A one-line bullet item whose text starts with a letter, or None if it is not one.

    The commonest item ("- Runs a container."), made as `_list_item` would make it with
    less to work out and nothing asked of the tree: a bullet has no number, one space after
    it is the whole gap, and no block starts with a letter, so its one line is a tight
    item's paragraph and nothing else.
    """
    if line[column + 1 : column + 2] != " " or not line[column + 2 : column + 3].isalpha():
        return None
    if note.depth >= _MAX_DEPTH:
        return None  # too deep: the general path gives the note up
    node = Node("list_item", "li", [first, first + 1])
    node.children.append(_one_line_paragraph(note, first, column + 1))
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
    line = note.locate(rs)[1]
    line_map = [line, line + 1]
    row = Node("tr", "tr", line_map)
    for rs_cell in rs.children:
        cell = Node(tag, tag, None)
        srcmap = rs_cell.srcmap
        if srcmap is None:
            raise Untrusted(rs_cell.name)
        content = note.source(*srcmap).strip(MD_TRIM_CHARS).replace("\\|", "|")
        note.inline(cell, content, [line, line + 1], False)
        row.children.append(cell)
    return row
