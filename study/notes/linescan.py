"""The blocks of a plain note read line by line: markdown-it-py's answer without a parse tree.

Most notes are made of a few block shapes: front matter, ATX headings, paragraphs, thematic
breaks, fenced code, bullet and ordered lists (loose or tight, nested), GFM tables. For
those, this module walks the lines once, running markdown-it-py's own block rules on them
(same order, same line maps, same texts), and builds the `Node`s and `Inline`s that
`blocks.python_blocks` builds, without the cost of a token stream or of markdown-it.rs'
tree. The moment it meets a line that could start anything else (HTML, a block quote,
indented code, a setext underline, a lazy continuation line, an empty list item, a
reference definition, tabs...), it gives up (`Refused`) and the caller asks the other
parsers: it never guesses.
"""

from __future__ import annotations

from typing import Any

from study.notes.blocks import Inline, Node
from study.notes.lineshapes import (
    MD_TRIM_CHARS,
    Refused,
    alignments,
    atx_text,
    cells,
    fence_length,
    heading_level,
    is_break,
    is_underline,
    marker_end,
)

_MAX_LISTS = 6  # lists nested deeper are left to the others (markdown-it stops at 10)
_MAX_AUTOCOMPLETED_CELLS = 0x10000  # markdown-it-py's cap on a table's missing cells

Blocks = tuple[list[Node], list[tuple[Inline, bool]]]


class _Scan:
    """The note's lines as markdown-it-py's block state sees them, and what has been built."""

    def __init__(self, text: str) -> None:
        lines = text.split("\n")
        if text.endswith("\n") or not lines[-1].strip(" "):
            # markdown-it-py has no line after a last newline, nor a blank last line
            # without one
            lines.pop()
        self.lines = lines
        self.count = len(lines)
        # Where each line's content starts (markdown-it's tShift, which is also its sCount
        # with no tabs); a list item moves its first line's past the marker while it is read.
        self.shift = [len(line) - len(line.lstrip(" ")) for line in lines]
        self.env: dict[str, Any] = {}
        self.texts: list[tuple[Inline, bool]] = []
        self.depth = 0

    def blank(self, line: int) -> bool:
        return self.shift[line] >= len(self.lines[line])

    def text(self, node: Node, content: str, line_map: list[int], heading: bool) -> None:
        node.inline = inline = Inline(content, line_map, self.env)
        self.texts.append((inline, heading))

    def source(self, first: int, end: int, indent: int) -> str:
        """markdown-it-py's `mdTrim(getLines(first, end, indent))`: up to `indent` columns off."""
        lines, shift = self.lines, self.shift
        if end == first + 1:
            return lines[first][min(shift[first], indent) :].strip(MD_TRIM_CHARS)
        parts = [lines[line][min(shift[line], indent) :] for line in range(first, end)]
        return "\n".join(parts).strip(MD_TRIM_CHARS)


def scan_blocks(text: str) -> Blocks | None:
    """`python_blocks(text)`'s answer read line by line, or None for a shape not read here."""
    if "\t" in text or "\r" in text or "\x00" in text or "]:" in text:
        return None  # columns of tabs, line ends and NUL replaced, reference definitions
    scan = _Scan(text)
    top: list[Node] = []
    try:
        _blocks(scan, 0, 0, -1, top)
    except Refused:
        return None
    return top, scan.texts


def _blocks(scan: _Scan, line: int, indent: int, list_indent: int, out: list[Node]) -> int:
    """markdown-it's block `tokenize`: blocks from `line` on while indented to `indent`.

    Returns the line after them (markdown-it's `state.line`).
    """
    count, shift = scan.count, scan.shift
    while line < count:
        while line < count and scan.blank(line):
            line += 1
        if line >= count or shift[line] < indent:
            return line
        line = _block(scan, line, indent, list_indent, out)
        if line < count and scan.blank(line):
            line += 1
    return line


def _block(scan: _Scan, line: int, indent: int, list_indent: int, out: list[Node]) -> int:
    """The block starting at `line`: markdown-it's rules tried in its order."""
    text, column = scan.lines[line], scan.shift[line]
    if column - indent >= 4:
        raise Refused("indented code")
    char = text[column]
    if line == 0 and text[0] == "-" and text[column + 1 : column + 3] == "--":
        if indent == 0 and text == "---":
            return _front_matter(scan, out)
        raise Refused("front matter fences")
    columns = _table_columns(scan, line, indent)
    if columns:
        return _table(scan, line, indent, columns, out)
    if (char == "`" or char == "~") and fence_length(text, column):
        return _fence(scan, line, indent, out)
    if char == ">" or char == "<":
        raise Refused("block quote or HTML")
    if (char == "*" or char == "-" or char == "_") and is_break(text, column):
        out.append(Node("hr", "hr", [line, line + 1]))
        return line + 1
    after_marker = marker_end(text, column)
    if after_marker >= 0:
        return _list(scan, line, indent, after_marker, out)
    level = heading_level(text, column) if char == "#" else 0
    if level:
        node = Node("heading", f"h{level}", [line, line + 1])
        scan.text(node, atx_text(text[column + level :]), [line, line + 1], True)
        out.append(node)
        return line + 1
    return _paragraph(scan, line, indent, list_indent, out)


def _front_matter(scan: _Scan, out: list[Node]) -> int:
    """mdit-py-plugins' front matter from a `---` first line, closed by a `---` line."""
    lines, shift = scan.lines, scan.shift
    for close in range(1, scan.count):
        text, column = lines[close], shift[close]
        if text.startswith("...") and not text[3:].strip(" "):
            raise Refused("front matter closed by a YAML document end")
        if column < 4 and text[column : column + 1] == "-":
            fence = text[column:].rstrip(" ")
            if len(fence) >= 3 and not fence.strip("-"):
                if text != "---":
                    raise Refused("front matter closed by an odd fence")
                content = "\n".join(lines[1:close])
                out.append(Node("front_matter", "", [0, close + 1], content))
                return close + 1
    raise Refused("front matter never closed")


def _paragraph(scan: _Scan, line: int, indent: int, list_indent: int, out: list[Node]) -> int:
    """markdown-it's paragraph from `line` on, or the setext heading its lines underline.

    markdown-it tries the heading first, over the same lines with the same terminators: the
    first underline met before the paragraph ends makes them a heading.
    """
    lines, shift = scan.lines, scan.shift
    end = line + 1
    while end < scan.count:
        text, column = lines[end], shift[end]
        if column >= len(text):
            break
        if column - indent > 3:
            end += 1  # indented: the paragraph's text, not code
            continue
        if column >= indent and is_underline(text, column):
            return _setext_heading(scan, line, end, indent, out)
        if _interrupts(scan, end, indent, list_indent):
            break
        if column < indent:
            raise Refused("lazy continuation line")
        end += 1
    line_map = [line, end]
    node = Node("paragraph", "p", line_map)
    scan.text(node, scan.source(line, end, indent), line_map, False)
    out.append(node)
    return end


def _setext_heading(scan: _Scan, line: int, underline: int, indent: int, out: list[Node]) -> int:
    level = 1 if scan.lines[underline][scan.shift[underline]] == "=" else 2
    node = Node("heading", f"h{level}", [line, underline + 1])
    scan.text(node, scan.source(line, underline, indent), [line, underline], True)
    out.append(node)
    return underline + 1


def _interrupts(scan: _Scan, line: int, indent: int, list_indent: int) -> bool:
    """Whether a block that may interrupt a paragraph starts at `line` (its terminators)."""
    text, column = scan.lines[line], scan.shift[line]
    if _table_columns(scan, line, indent):
        return True
    char = text[column]
    if (char == "`" or char == "~") and fence_length(text, column):
        return True
    if char == ">" or char == "<":
        raise Refused("block quote or HTML")
    if (char == "*" or char == "-" or char == "_") and is_break(text, column):
        return True
    after_marker = marker_end(text, column)
    if after_marker >= 0:
        if column < indent:
            # below an item's paragraph, less indented: any list item ends it, unless it
            # is indented too far past the enclosing list's
            if list_indent >= 0 and column - list_indent >= 4:
                raise Refused("lazy continuation line")
            return True
        empty = not text[after_marker:].strip(" ")
        ordered = text[after_marker - 1] in ".)"
        if empty or (ordered and int(text[column : after_marker - 1]) != 1):
            raise Refused("an item that cannot interrupt a paragraph")  # text, to markdown-it
        return True
    return char == "#" and heading_level(text, column) > 0


def _fence(scan: _Scan, line: int, indent: int, out: list[Node]) -> int:
    """Fenced code, closed by a fence of its character at least as long."""
    lines, shift = scan.lines, scan.shift
    opening, column = lines[line], shift[line]
    length = fence_length(opening, column)
    char = opening[column]
    close = line + 1
    while True:
        if close >= scan.count:
            raise Refused("unclosed fence")
        text, start = lines[close], shift[close]
        if start < len(text):
            if start < indent:
                raise Refused("fence ended by a less indented line")
            if text[start] == char and start - indent < 4:
                fence = text[start:].rstrip(" ")
                if len(fence) >= length and not fence.strip(char):
                    break
        close += 1
    code = "".join(lines[n][min(shift[n], column) :] + "\n" for n in range(line + 1, close))
    node = Node("fence", "code", [line, close + 1], code, opening[column + length :])
    out.append(node)
    return close + 1


def _list(scan: _Scan, line: int, indent: int, after_marker: int, out: list[Node]) -> int:
    """markdown-it's list: items while the next line is one of the same kind of marker."""
    lines, shift = scan.lines, scan.shift
    marker = lines[line][after_marker - 1]
    ordered = marker == "." or marker == ")"
    scan.depth += 1
    if scan.depth > _MAX_LISTS:
        raise Refused("lists nested too deep")
    node = Node("ordered_list", "ol", None) if ordered else Node("bullet_list", "ul", None)
    first = line
    while True:
        line = _item(scan, line, indent, after_marker, ordered, node.children)
        if line >= scan.count or scan.blank(line):
            break  # (only after an empty item does an item end before a blank line)
        text, column = lines[line], shift[line]
        if column < indent or column - indent >= 4 or _ends_list(text, column):
            break
        after_marker = marker_end(text, column)
        if after_marker < 0 or text[after_marker - 1] != marker:
            break  # a list ends at an item of another kind
    node.map = [first, line]
    scan.depth -= 1
    out.append(node)
    return line


def _ends_list(text: str, column: int) -> bool:
    """A list's terminators: a fence, a block quote or a thematic break."""
    char = text[column]
    if char == ">":
        raise Refused("block quote")
    if (char == "`" or char == "~") and fence_length(text, column):
        return True
    return (char == "*" or char == "-" or char == "_") and is_break(text, column)


def _item(
    scan: _Scan, line: int, indent: int, after_marker: int, ordered: bool, items: list[Node]
) -> int:
    """One list item: its blocks, read with its first line starting past the marker."""
    text, shift = scan.lines[line], scan.shift
    content = after_marker
    while content < len(text) and text[content] == " ":
        content += 1
    if content >= len(text):
        return _empty_item(scan, line, indent, after_marker, ordered, items)
    if content - after_marker > 4:
        raise Refused("indented code in a list item")
    info = text[shift[line] : after_marker - 1] if ordered else ""
    node = Node("list_item", "li", None, "", info)
    items.append(node)
    column = shift[line]
    shift[line] = content
    end = _blocks(scan, line, content, indent, node.children)
    shift[line] = column
    node.map = [line, end]
    return end


def _empty_item(
    scan: _Scan, line: int, indent: int, after_marker: int, ordered: bool, items: list[Node]
) -> int:
    """An item with nothing after its marker: empty if the next line is blank, else that
    line on, when indented past the marker, is its content."""
    info = scan.lines[line][scan.shift[line] : after_marker - 1] if ordered else ""
    node = Node("list_item", "li", None, "", info)
    items.append(node)
    if line + 1 >= scan.count or scan.blank(line + 1):
        end = min(line + 2, scan.count)
    else:
        column = scan.shift[line]
        scan.shift[line] = len(scan.lines[line])  # the marker line is blank to the item
        end = _blocks(scan, line, after_marker + 1, indent, node.children)
        scan.shift[line] = column
    node.map = [line, end]
    return end


def _table_columns(scan: _Scan, line: int, indent: int) -> int:
    """How many columns the GFM table starting at `line` has, or 0 if none starts there."""
    if line + 2 > scan.count:
        return 0
    below, column = scan.lines[line + 1], scan.shift[line + 1]
    if column < indent or column - indent >= 4 or column + 1 >= len(below):
        return 0
    first, second = below[column], below[column + 1]
    if first not in "|-:" or second not in "|-: " or (first == "-" and second == " "):
        return 0
    aligns = alignments(below[column:])
    if aligns == 0:
        return 0
    header = scan.lines[line][scan.shift[line] :].strip(MD_TRIM_CHARS)
    if "|" not in header or scan.shift[line] - indent >= 4:
        return 0
    return aligns if len(cells(header)) == aligns else 0


def _table(scan: _Scan, line: int, indent: int, columns: int, out: list[Node]) -> int:
    """markdown-it-py's table: the header row, then rows up to a blank or a terminator line."""
    lines, shift = scan.lines, scan.shift
    table = Node("table", "table", None)
    head = Node("thead", "thead", [line, line + 1])
    table.children.append(head)
    head.children.append(_row(scan, line, "th", lines[line][shift[line] :], columns))
    missing = 0
    end = line + 2
    while end < scan.count:
        text, column = lines[end], shift[end]
        if column < indent or (column < len(text) and _ends_table(text, column, indent)):
            break
        content = text[column:].strip(MD_TRIM_CHARS)
        if not content or column - indent >= 4:
            break
        missing += columns - len(cells(content))
        if missing > _MAX_AUTOCOMPLETED_CELLS:
            break
        if end == line + 2:
            table.children.append(Node("tbody", "tbody", None))
        table.children[1].children.append(_row(scan, end, "td", content, columns))
        end += 1
    if len(table.children) > 1:
        table.children[1].map = [line + 2, end]
    table.map = [line, end]
    out.append(table)
    return end


def _ends_table(text: str, column: int, indent: int) -> bool:
    """A table's terminators: a fence, block quote, break, list item, HTML or heading."""
    if column - indent >= 4:
        return False
    char = text[column]
    if char == "<":
        raise Refused("HTML")
    if _ends_list(text, column) or marker_end(text, column) >= 0:
        return True
    return char == "#" and heading_level(text, column) > 0


def _row(scan: _Scan, line: int, tag: str, source: str, columns: int) -> Node:
    row = Node("tr", "tr", [line, line + 1])
    parts = cells(source.strip(MD_TRIM_CHARS))
    for index in range(columns):
        cell = Node(tag, tag, None)
        content = parts[index].strip(MD_TRIM_CHARS) if index < len(parts) else ""
        scan.text(cell, content, [line, line + 1], False)
        row.children.append(cell)
    return row
