"""The state `linescan` reads a note's lines in: markdown-it-py's block state, kept small."""

from __future__ import annotations

from typing import Any

from study.notes.blocks import Inline, Node
from study.notes.lineshapes import MD_TRIM_CHARS


class ScanState:
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
