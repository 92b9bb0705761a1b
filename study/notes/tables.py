"""Tables -> cards: a row's key and each other column, and reverses where they identify.

A table is read one of two ways. When its first header cell names no thing ("Feature",
"Aspect", empty), the columns are the things compared and the rows their attributes. Else
the rows are the things, and one column is their key: the first column if its cells are
filled and unique (or are commands), else a column of commands (the strong key, stronger
than a first column of numbers), else the next column filled and unique. A column that
repeats (a mode shared by many rows), has gaps or only counts the rows never keys them; a
table no column keys is left to its section.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, NamedTuple

from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import Blocks, Builder, Section, code_only, line_of

# A cell that is only a number, a range or a quantity with a sign ("10", "3.5", "1-4", "50%").
_NUMBER: Final = re.compile(r"[\d\s.,:/%+\-–—x×]+")
# Cells that say yes or no, or nothing ("-", "n/a"), in the notes' languages.
_YES_NO: Final = frozenset(
    {"yes", "no", "y", "n", "sim", "nao", "si", "oui", "non", "true", "false", "verdadeiro",
     "falso", "verdadero", "vrai", "faux", "ok", "x", "-", "n/a", "na", "none"}
)  # fmt: skip
_WORD: Final = re.compile(r"[^\W_]+")
_LETTERS: Final = re.compile(r"[^\W\d_]+")
# Headers of a column that only counts the rows (1, 2, 3): never their key.
_COUNTING: Final = frozenset({"#", "Column 1", "No", "No."})
# Fewer letters than this and a cell identifies nothing ("C", "ab").
_MIN_LETTERS: Final = 3


class Cell(NamedTuple):
    text: str  # plain words, on one line
    raw: str  # the Markdown as written


def _cells(row: Node) -> list[Cell]:
    """A table row's cells as (plain text, Markdown) pairs."""
    cells = []
    for cell in row.children:
        inline = cell.inline
        raw = inline.content.strip() if inline is not None else ""
        text = inline.plain() if inline is not None else ""
        cells.append(Cell(nt.one_line(nt.plain_links(text)), nt.plain_links(raw)))
    return cells


def table_cards(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    rest: Blocks = []
    for node in blocks:
        if node.type != "table" or not _table_cards(node, section, b):
            rest.append(node)
    return rest


class Table(NamedTuple):
    header: list[str]  # column names as questions show them ("Column 2" for an empty one)
    names: list[str]  # the header cells' words as written ("N°", "PIN")
    body: list[tuple[int, list[Cell]]]  # (line, cells) per row

    def column(self, j: int) -> list[Cell]:
        return [cells[j] for _, cells in self.body if j < len(cells)]

    def folded(self, j: int) -> list[str]:
        """Column `j`'s cells as compared: case and accents aside."""
        return [nt.fold(cell.text) for cell in self.column(j)]


def _table_cards(node: Node, section: Section, b: Builder) -> bool:
    """The table's cards; False when it has no rows or no column that can key them."""
    rows = [row for part in node.children for row in part.children if row.type == "tr"]
    if len(rows) < 2 or len(rows[0].children) < 2:
        return False
    first = _cells(rows[0])
    table = Table(
        header=[nt.clean_title(cell.text) or f"Column {n + 1}" for n, cell in enumerate(first)],
        names=[cell.text for cell in first],
        body=[(line_of(row), _cells(row)) for row in rows[1:]],
    )
    key = key_column(table)
    if key is None:
        return False
    code = _is_code_column(table, key)
    if key == 0 and not code and nt.fold(nt.strip_symbols(first[0].text)) in nt.ATTRIBUTE_HEADERS:
        _compared_columns(table, section, b)
    elif code:
        _command_rows(table, key, section, b)
    else:
        _keyed_rows(table, key, section, b)
    return True


def key_column(table: Table) -> int | None:
    """The column naming each row: the first if filled and unique, else a command column,
    else the next column filled and unique. None when no column names every row."""
    width = len(table.header)
    first_names = _names_rows(table, 0)
    if _is_code_column(table, 0) or (first_names and not _numbers(table, 0)):
        return 0
    codes = [j for j in range(width) if _is_code_column(table, j)]
    if codes:
        return codes[0]  # over a first column of numbers too: steps 1, 2, 3 name nothing
    if first_names:
        return 0  # numbers that are data: pins 1 to 8, layers 7 to 1
    return next((j for j in range(1, width) if _names_rows(table, j)), None)


def _names_rows(table: Table, j: int) -> bool:
    """True when column `j` is filled and unique, and not a count of the rows (1, 2, 3)."""
    labels = [nt.fold(row_label(row[j].text)) if j < len(row) else "" for _, row in table.body]
    if not all(labels) or len(set(labels)) != len(labels):
        return False
    return not _counts_rows(table, j)


def _counts_rows(table: Table, j: int) -> bool:
    """A "#" column of numbers: the rows' order, neither a key nor a fact."""
    return table.header[j] in _COUNTING and _numbers(table, j)


def _numbers(table: Table, j: int) -> bool:
    return all(_NUMBER.fullmatch(cell.text) for cell in table.column(j))


def _is_code_column(table: Table, j: int) -> bool:
    return all(j < len(row) and code_only(row[j].raw) for _, row in table.body)


def row_label(text: str) -> str:
    """A key cell as a question shows it: whole, a number included (`10.0.0.0` stays whole)."""
    return nt.one_line(nt.strip_symbols(text).replace("**", "").replace("__", "")).strip("*_ :")


def _command_rows(table: Table, key: int, section: Section, b: Builder) -> None:
    """A command column: command -> its description (the wordiest column), both ways; the
    other columns are the command's attributes (a mode, a shortcut)."""
    others = [j for j in range(len(table.header)) if j != key]
    described = max(others, key=lambda j: sum(len(cell.text) for cell in table.column(j)))
    folded = [table.folded(j) for j in range(len(table.header))]
    for row, (line, cells) in enumerate(table.body):
        command = code_only(cells[key].raw)
        for j, cell in enumerate(cells):
            if j == key or not cell.raw:
                continue
            if j == described:
                b.add("command", section.path, command, command, cell.raw, line,
                      (cell.raw, command, line))  # fmt: skip
                continue
            column = table.header[j]
            reverse = _reverse(column, cell, command, folded[j], _own(table, folded[j], row, cell))
            b.add("table", section.path, f"{command}\x1f{column}", f"{command} — {column}",
                  cell.raw, line, reverse and (*reverse, line))  # fmt: skip


def _keyed_rows(table: Table, key: int, section: Section, b: Builder) -> None:
    """Row key + column header -> cell, and the reverse where the cell names the row."""
    labels = [row_label(cells[key].text) for _, cells in table.body]
    numbered = all(_NUMBER.fullmatch(label) for label in labels)
    counters = {j for j in range(len(table.header)) if _counts_rows(table, j)}
    folded = [table.folded(j) for j in range(len(table.header))]
    for row, ((line, cells), label) in enumerate(zip(table.body, labels, strict=True)):
        # A row named by a number alone ("1", "7") asks with its column's name: "PIN 1".
        shown = f"{nt.one_line(table.names[key])} {label}" if numbered else label
        for j, cell in enumerate(cells):
            if j == key or not cell.raw or j in counters:
                continue
            column = table.header[j]
            many = len(table.body) > 1
            reverse = (
                _reverse(column, cell, shown, folded[j], _own(table, folded[j], row, cell))
                if many
                else None
            )
            b.add("table", section.path, f"{label}\x1f{column}", f"{shown} — {column}",
                  cell.raw, line, reverse and (*reverse, line))  # fmt: skip


def _compared_columns(table: Table, section: Section, b: Builder) -> None:
    """Rows are attributes, columns the things compared: thing + attribute -> cell."""
    many = len(table.header) > 2
    for line, cells in table.body:
        attribute = row_label(cells[0].text)  # filled: the first column keys the rows
        peers = [nt.fold(other.text) for other in cells[1:]]
        for j, cell in enumerate(cells[1:], start=1):
            if not cell.raw:
                continue
            thing = table.header[j]
            reverse = _reverse(attribute, cell, thing, peers, peers[j - 1]) if many else None
            b.add("table", section.path, f"{attribute}\x1f{thing}", f"{thing} — {attribute}",
                  cell.raw, line, reverse and (*reverse, line))  # fmt: skip


def _own(table: Table, column: list[str], row: int, cell: Cell) -> str:
    """A cell's entry in its folded column (`Table.folded`), already made: the column has a
    cell in every row (rows are as wide as the header), else its own fold."""
    return column[row] if len(column) == len(table.body) else nt.fold(cell.text)


def _reverse(
    attribute: str, cell: Cell, thing: str, peers: list[str], folded: str
) -> tuple[str, str] | None:
    """The reverse card (front, back), or None when the cell would not name `thing`.

    A cell names its row only when it is unique among its peers (folded, itself included),
    says something (not a symbol, yes/no or a bare number), and does not already hold the
    answer's words. `folded` is the cell's own text as its peers are (`nt.fold`).
    """
    unique = peers.count(folded) == 1
    if not unique or not distinctive(cell.text, attribute) or gives_away(attribute, folded, thing):
        return None
    return f"{attribute}: {cell.text}", thing


def distinctive(text: str, attribute: str = "") -> bool:
    """True for a cell that can identify something: words, not a symbol, yes/no or number.

    A number with the unit its column is named for ("MHz: 16MHz") is a number alone.
    """
    words = nt.fold(nt.strip_symbols(text)).strip(" .()[]")
    if words in _YES_NO or _NUMBER.fullmatch(words or "0"):
        return False
    return _letters_beyond(words, _letter_runs(attribute)) >= _MIN_LETTERS


def _letters_beyond(words: str, named: frozenset[str]) -> int:
    """The letters of `words` outside the runs `named`, counted up to `_MIN_LETTERS`: one run
    of a cell's first word mostly settles it, where finding every run of a sentence took
    most of the time of the reverse cards."""
    total, at = 0, 0
    while total < _MIN_LETTERS and (run := _LETTERS.search(words, at)) is not None:
        letters = run.group()
        total += len(letters) if letters not in named else 0
        at = run.end()
    return total


@lru_cache(maxsize=1024)
def _letter_runs(attribute: str) -> frozenset[str]:
    # A column or row name is asked about once per cell: its words are found once.
    return frozenset(_LETTERS.findall(nt.fold(attribute)))


def gives_away(attribute: str, folded_cell: str, answer: str) -> bool:
    """True when a word of the answer (three letters or more) is already in the question
    "attribute: cell". The cell comes folded (`nt.fold`), as its caller compared it with its
    peers: folding the parts apart finds the words folding the question would."""
    answered = _answer_stems(answer)
    if not answered:
        return False
    if not answered.isdisjoint(_stems(attribute)):
        return True
    # A loop the compiled module runs itself, not map() calling back into it per word.
    return any(_stem(word) in answered for word in _WORD.findall(folded_cell))


@lru_cache(maxsize=1024)
def _stems(attribute: str) -> frozenset[str]:
    # A row's or column's name is in the question of each of its cells: its words, once.
    return frozenset(_stem(word) for word in _WORD.findall(nt.fold(attribute)))


@lru_cache(maxsize=1024)
def _answer_stems(answer: str) -> frozenset[str]:
    # The answer is a row's or column's name, asked about once per cell: found once.
    return frozenset(_stem(word) for word in _WORD.findall(nt.fold(answer)) if len(word) >= 3)


def _stem(word: str) -> str:
    # "computers" asks "computer": a plural is the same word.
    return word[:-1] if len(word) > 3 and word.endswith("s") else word
