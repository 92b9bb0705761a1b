"""The blocks of a plain note read line by line: markdown-it-py's answer without a parse tree.

Most notes are made of a few block shapes: front matter, headings, paragraphs, thematic
breaks, fenced code, bullet and ordered lists (loose or tight, nested), GFM tables
(`linetables`), block quotes of plain text. For those, this module walks the lines once,
running markdown-it-py's own block rules on them (same order, same line maps, same texts),
and builds the `Node`s and `Inline`s that `blocks.python_blocks` builds, without the cost of
a token stream or of markdown-it.rs' tree. The moment it meets a line that could start
anything else (HTML, indented code, a quote holding blocks, a lazy continuation line, a
reference definition, tabs...), it gives up (`Refused`) and the caller asks the other
parsers: it never guesses.
"""

from __future__ import annotations

from study.notes.blocks import Inline, Node
from study.notes.lineshapes import (
    MD_TRIM_CHARS,
    Refused,
    atx_text,
    ends_list,
    fence_length,
    heading_level,
    is_break,
    is_underline,
    marker_end,
)
from study.notes.linestate import ScanState
from study.notes.linetables import table, table_columns

_MAX_LISTS = 6  # lists nested deeper are left to the others (markdown-it stops at 10)

Blocks = tuple[list[Node], list[tuple[Inline, bool]]]


def scan_blocks(text: str) -> Blocks | None:
    """`python_blocks(text)`'s answer read line by line, or None for a shape not read here."""
    if "\t" in text or "\r" in text or "\x00" in text or "]:" in text:
        return None  # columns of tabs, line ends and NUL replaced, reference definitions
    scan = ScanState(text)
    top: list[Node] = []
    try:
        _blocks(scan, 0, 0, -1, top)
    except Refused:
        return None
    return top, scan.texts


def _blocks(scan: ScanState, line: int, indent: int, list_indent: int, out: list[Node]) -> int:
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


def _block(scan: ScanState, line: int, indent: int, list_indent: int, out: list[Node]) -> int:
    """The block starting at `line`: markdown-it's rules tried in its order."""
    text, column = scan.lines[line], scan.shift[line]
    if column - indent >= 4:
        raise Refused("indented code")
    char = text[column]
    if line == 0 and text[0] == "-" and text[column + 1 : column + 3] == "--":
        if indent == 0 and text == "---":
            return _front_matter(scan, out)
        raise Refused("front matter fences")
    columns = table_columns(scan, line, indent)
    if columns:
        return table(scan, line, indent, columns, out)
    if (char == "`" or char == "~") and fence_length(text, column):
        return _fence(scan, line, indent, out)
    if char == ">":
        return _quote(scan, line, indent, out)
    if char == "<":
        raise Refused("HTML")
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


def _front_matter(scan: ScanState, out: list[Node]) -> int:
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


def _quote(scan: ScanState, line: int, indent: int, out: list[Node]) -> int:
    """A block quote of text lines (`> Text`) up to a blank line: one paragraph in it.

    Each line starting `> ` and a letter, none can start a block inside the quote nor be a
    lazy line: markdown-it's block quote rule then gives its lines, past the `> `, as one
    paragraph. Any other quote (nested, in a list, lazy lines, blocks in it) is refused.
    """
    lines = scan.lines
    end = line
    while end < scan.count and not scan.blank(end):
        text = lines[end]
        if indent or not text.startswith("> ") or not text[2:3].isalpha():
            raise Refused("block quote")
        end += 1
    line_map = [line, end]
    quote = Node("blockquote", "blockquote", line_map)
    paragraph = Node("paragraph", "p", [line, end])
    content = "\n".join([lines[n][2:] for n in range(line, end)]).strip(MD_TRIM_CHARS)
    scan.text(paragraph, content, [line, end], False)
    quote.children.append(paragraph)
    out.append(quote)
    return end


def _paragraph(scan: ScanState, line: int, indent: int, list_indent: int, out: list[Node]) -> int:
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


def _setext_heading(
    scan: ScanState, line: int, underline: int, indent: int, out: list[Node]
) -> int:
    level = 1 if scan.lines[underline][scan.shift[underline]] == "=" else 2
    node = Node("heading", f"h{level}", [line, underline + 1])
    scan.text(node, scan.source(line, underline, indent), [line, underline], True)
    out.append(node)
    return underline + 1


def _interrupts(scan: ScanState, line: int, indent: int, list_indent: int) -> bool:
    """Whether a block that may interrupt a paragraph starts at `line` (its terminators)."""
    text, column = scan.lines[line], scan.shift[line]
    if table_columns(scan, line, indent):
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


def _fence(scan: ScanState, line: int, indent: int, out: list[Node]) -> int:
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


def _list(scan: ScanState, line: int, indent: int, after_marker: int, out: list[Node]) -> int:
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
        if column < indent or column - indent >= 4 or ends_list(text, column):
            break
        after_marker = marker_end(text, column)
        if after_marker < 0 or text[after_marker - 1] != marker:
            break  # a list ends at an item of another kind
    node.map = [first, line]
    scan.depth -= 1
    out.append(node)
    return line


def _item(
    scan: ScanState, line: int, indent: int, after_marker: int, ordered: bool, items: list[Node]
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
    scan: ScanState, line: int, indent: int, after_marker: int, ordered: bool, items: list[Node]
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
