"""GFM tables for `linescan`, read as markdown-it-py's table rule reads them."""

from __future__ import annotations

from study.notes.blocks import Node
from study.notes.lineshapes import (
    MD_TRIM_CHARS,
    Refused,
    alignments,
    cells,
    ends_list,
    heading_level,
    marker_end,
)
from study.notes.linestate import ScanState

_MAX_AUTOCOMPLETED_CELLS = 0x10000  # markdown-it-py's cap on a table's missing cells


def table_columns(scan: ScanState, line: int, indent: int) -> int:
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


def table(scan: ScanState, line: int, indent: int, columns: int, out: list[Node]) -> int:
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
    if ends_list(text, column) or marker_end(text, column) >= 0:
        return True
    return char == "#" and heading_level(text, column) > 0


def _row(scan: ScanState, line: int, tag: str, source: str, columns: int) -> Node:
    row = Node("tr", "tr", [line, line + 1])
    parts = cells(source.strip(MD_TRIM_CHARS))
    for index in range(columns):
        cell = Node(tag, tag, None)
        content = parts[index].strip(MD_TRIM_CHARS) if index < len(parts) else ""
        scan.text(cell, content, [line, line + 1], False)
        row.children.append(cell)
    return row
