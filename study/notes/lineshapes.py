"""One line's block shape, as markdown-it-py's block rules test it, for `linescan`.

Each test reads one line from a column on (where markdown-it's `tShift` puts its content) and
says what block the line could start there: no state, no look at other lines.
"""

from __future__ import annotations

import re

# markdown-it-py's `MD_TRIM_CHARS`, what its `mdTrim` strips from a text (a test says they are
# the same): importing it would import all of markdown-it-py, which a sync whose notes are
# read here need not load at all.
MD_TRIM_CHARS = (
    "\t\n\x0b\x0c\r \xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_ALIGNMENT = re.compile(r":?-+:?")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


class Refused(Exception):
    """A line the scanner does not read: the note goes to the other parsers."""


def is_underline(text: str, column: int) -> bool:
    char = text[column]
    return (char == "-" or char == "=") and not text[column:].rstrip(" ").strip(char)


def is_break(text: str, column: int) -> bool:
    """markdown-it's thematic break: three or more of one of `*-_`, spaces between."""
    marker = text[column]
    count = 0
    for char in text[column:]:
        if char == marker:
            count += 1
        elif char != " ":
            return False
    return count >= 3


def heading_level(text: str, column: int) -> int:
    """An ATX heading's level, or 0: one to six `#`, then a space or the line's end."""
    end = column
    while end < len(text) and text[end] == "#":
        end += 1
    level = end - column
    if level > 6 or (end < len(text) and text[end] != " "):
        return 0
    return level


def atx_text(rest: str) -> str:
    """markdown-it-py's heading text: trailing spaces and a closing `#` run dropped."""
    text = rest.rstrip(" \t")
    bare = text.rstrip("#")
    if len(bare) < len(text) and bare and bare[-1] in " \t":
        text = bare
    return text.strip(MD_TRIM_CHARS)


def fence_length(text: str, column: int) -> int:
    """The length of the code fence opening at `column`, or 0 if none does."""
    char = text[column]
    end = column
    while end < len(text) and text[end] == char:
        end += 1
    if end - column < 3 or (char == "`" and "`" in text[end:]):
        return 0
    return end - column


def marker_end(text: str, column: int) -> int:
    """Where a list marker at `column` ends (markdown-it's `posAfterMarker`), or -1."""
    length = len(text)
    char = text[column]
    if "0" <= char <= "9":
        end = column + 1
        while end < length and "0" <= text[end] <= "9":
            end += 1
        if end - column > 9 or end >= length or (text[end] != "." and text[end] != ")"):
            return -1
        end += 1
    elif char == "-" or char == "*" or char == "+":
        end = column + 1
    else:
        return -1
    if end < length and text[end] != " ":
        return -1
    return end


def alignments(row: str) -> int:
    """How many columns a delimiter row aligns, or 0 if it is not one."""
    for char in row:
        if char not in "|-: ":
            return 0
    parts = row.split("|")
    aligns = 0
    for index, part in enumerate(parts):
        part = part.strip(MD_TRIM_CHARS)
        if not part:
            if index == 0 or index == len(parts) - 1:
                continue
            return 0
        if not _ALIGNMENT.fullmatch(part):
            return 0
        aligns += 1
    return aligns


def cells(row: str) -> list[str]:
    """markdown-it-py's `escapedSplit`, without the empty cells before and after the pipes."""
    if "\\" in row:
        cells = [cell.replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(row)]
    else:
        cells = row.split("|")
    if cells and not cells[0]:
        del cells[0]
    if cells and not cells[-1]:
        cells.pop()
    return cells


def ends_list(text: str, column: int) -> bool:
    """A list's terminators: a fence, a block quote or a thematic break."""
    char = text[column]
    if char == ">":
        raise Refused("block quote")
    if (char == "`" or char == "~") and fence_length(text, column):
        return True
    return (char == "*" or char == "-" or char == "_") and is_break(text, column)
