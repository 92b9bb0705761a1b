"""The terminal layer: scripted keys, interval labels, Markdown drawn by rich."""

from __future__ import annotations

import io

import pytest

from study.drill.terminal import ENTER, QUIT, KeyReader
from study.notes.cardview import format_interval, markdown


def test_scripted_keys_one_line_at_a_time() -> None:
    reader = KeyReader(io.StringIO(" \n3\n q\n\nfree text\n"))
    assert not reader.tty
    keys = [reader.key() for _ in range(5)]
    assert keys == [" ", "3", " ", "q", ENTER]
    assert reader.line() == "free text"  # a typed answer is a whole line
    assert reader.key() == QUIT  # the end of the script ends the drill
    assert reader.line() is None


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (0, "0s"),
        (45, "45s"),
        (59.7, "1m"),
        (600, "10m"),
        (5400, "1.5h"),
        (86400, "1d"),
        (3 * 86400, "3d"),
        (63 * 86400, "2.1mo"),
        (400 * 86400, "1.1y"),
    ],
)
def test_intervals_are_labelled_like_anki(seconds: float, label: str) -> None:
    assert format_interval(seconds) == label


def test_markdown_draws_tables_and_highlights_code() -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=io.StringIO(), width=60, force_terminal=True, color_system="truecolor")
    text = "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```python\nprint('hi')\n```\n\n**bold**"
    console.print(markdown(text))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    plain = Text.from_ansi(out).plain
    assert "│ a │ b │" in plain and "│ 1 │ 2 │" in plain  # drawn in a grid
    assert "\x1b[38;2;" in out and "print" in plain  # coloured: highlighted code
    assert "bold" in plain and "**" not in plain


def test_a_scripted_typed_answer_leaves_on_escape_or_ctrl_d() -> None:
    reader = KeyReader(io.StringIO("git status\n\x1b\nab\x04\n"))
    assert reader.line() == "git status"
    assert reader.line() is None  # Esc
    assert reader.line() is None  # Ctrl-D
