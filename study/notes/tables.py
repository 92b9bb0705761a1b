"""Tables -> cards: a row's key and each other column, and reverses where they identify."""

from __future__ import annotations

from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import Blocks, Builder, Section, code_only, line_of


def _cells(row: Node) -> list[tuple[str, str]]:
    """A table row's cells as (plain text, Markdown) pairs."""
    cells = []
    for cell in row.children:
        inline = cell.inline
        raw = inline.content.strip() if inline is not None else ""
        text = inline.plain() if inline is not None else ""
        cells.append((nt.one_line(nt.plain_links(text)), nt.plain_links(raw)))
    return cells


def table_cards(blocks: Blocks, section: Section, b: Builder) -> Blocks:
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
    if len(header) == 2 and all(code_only(cells[0][1]) for _, cells in body):
        for row, cells in body:  # | `command` | what it does |: a command list as a table
            command, line = code_only(cells[0][1]), line_of(row)
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
