"""The compiled parser's blocks are markdown-it-py's: same tree, same texts, same cards.

`native.parse_blocks` takes markdown-it.rs' tree where it can and markdown-it-py's parse where
a cheap look says it cannot; either way the card rules must see exactly what markdown-it-py
would have given them. Each note below is parsed both ways and compared node by node and
card by card.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks.vault import note_text
from study.notes import parser
from study.notes.blocks import Node, python_blocks
from study.notes.native import MD_TRIM_CHARS, _untrusted, native_blocks, parse_blocks
from tests.support import DECKS, FIXTURES, REPO

CORPUS = Path(__file__).resolve().parent / "corpus"
NOTES = sorted([*CORPUS.glob("*.md"), *(FIXTURES / "tldr").rglob("*.md"), DECKS / "docker.md"])


def shape(nodes: list[Node]) -> list[object]:
    return [
        (node.type, node.tag, node.map, node.content, node.info,
         node.inline.content if node.inline else None, shape(node.children))
        for node in nodes
    ]  # fmt: skip


def assert_same_blocks(text: str) -> None:
    ours, expected = parse_blocks(text), python_blocks(text)
    assert shape(ours[0]) == shape(expected[0])
    assert [(i.content, h) for i, h in ours[1]] == [(i.content, h) for i, h in expected[1]]


def cards_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    native = parser.parse_text(text, "note.md")
    with monkeypatch.context() as patch:
        patch.setattr(parser, "parse_blocks", python_blocks)
        python = parser.parse_text(text, "note.md")
    return native, python


@pytest.mark.parametrize("note", NOTES, ids=lambda path: path.name)
def test_every_corpus_note_gives_the_same_cards(
    note: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = note.read_text(encoding="utf-8")
    assert_same_blocks(text)
    native, python = cards_both_ways(text, monkeypatch)
    assert native == python


def test_the_benchmark_vault_gives_the_same_cards(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    for index in range(12):
        text = note_text(rng, index, f"Deck {index % 3}")
        assert native_blocks(text) is not None  # the compiled parser's tree, not the fallback
        assert_same_blocks(text)
        native, python = cards_both_ways(text, monkeypatch)
        assert native == python


def test_the_first_users_note_takes_the_compiled_path() -> None:
    text = (DECKS / "docker.md").read_text(encoding="utf-8")
    result = native_blocks(text)
    assert result is not None
    top, texts = result
    assert len(top) > 50 and len(texts) > 100


def test_what_the_adapter_does_not_reproduce_falls_back() -> None:
    for text in ("> quoted\nlazy\n", "a\tb\n", "[x]\n\n[x]: https://e.org\n", "a\x00b\n"):
        assert native_blocks(text) is None
        assert_same_blocks(text)
    # markdown-it-py ends a table at any ordered item, markdown-it.rs only at one numbered 1
    # ... and at an empty item; a table's rows need no `|`, so the item may be lines below it
    for text in (
        "| a | b |\n|---|---|\n2) second\n",
        "| a | b |\n|---|:-:|\n   continued\n2) second\n",
        "| a | b |\n|---|---|\nx\ny\n-\n",
        "| a | b |\n|---|---|\n1.\n",
        "- - | a | b |\n    |---|---|\n    x\n    2) y\n",
        # an item after the list's first, holding a `|` over a delimiter row: markdown-it.rs
        # starts a table there, markdown-it-py reads on the item's paragraph
        "- a\n- a |\n|---|\n",
        "1. a\n2. a | b\n|---|---|\n| 1 | 2 |\n",
        # a row led by a no-break space, an em space or a vertical tab: a table row to
        # markdown-it-py, a paragraph's text to markdown-it.rs
        "\xa0| a | b |\n|---|---|\n| c | d |",
        "| a | b |\n|---|---|\n\xa0| c | d |\n",
        "\u2003| a | b |\n|---|---|\n",
        "\x0b| a | b |\n|---|---|\n",
    ):
        assert native_blocks(text) is None
        assert_same_blocks(text)
    assert native_blocks("| a | b |\n|---|---|\nx\n\n2) second\n") is not None  # a list
    assert native_blocks("<b>\x1f") is None  # Python's `\s` takes \x1f for a space: HTML
    assert_same_blocks("<b>\x1f")
    deep = "- " * 40 + "x\n"  # markdown-it-py stops nesting at 20 levels
    assert native_blocks(deep) is None


def test_the_trim_characters_are_markdown_it_pys() -> None:
    from markdown_it.common.utils import MD_TRIM_CHARS as markdown_it_trim

    assert markdown_it_trim == MD_TRIM_CHARS


def test_markdown_it_py_is_imported_only_for_a_note_that_needs_it() -> None:
    """A sync of notes the compiled parser reads is spared its import (~15 ms)."""
    code = (
        "import sys; from study.notes.parser import parse_text\n"
        "parse_text(sys.argv[1], 'note.md')\n"
        "print('markdown_it' in sys.modules)\n"
    )
    note = "# Git\n\n[[Version control]]\n\n## Commit\n\nA **commit** is a snapshot.\n\n- a\n- b\n"
    for text, imported in ((note, "False"), (f"> - a quoted item\n\n{note}", "True")):
        done = subprocess.run(
            [sys.executable, "-c", code, text], capture_output=True, text=True, cwd=REPO
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == [imported]


def test_cells_lines_and_texts_match_by_hand() -> None:
    top, texts = parse_blocks("# A ##\n\n1. one\n   two\n\n| x | y \\| z |\n|---|---|\n| 1 |  |\n")
    assert [(node.type, node.map) for node in top] == [
        ("heading", [0, 1]), ("ordered_list", [2, 5]), ("table", [5, 8]),
    ]  # fmt: skip
    assert [inline.content for inline, _ in texts] == ["A", "one\ntwo", "x", "y | z", "1", ""]
    assert top[1].children[0].info == "1"
    assert [part.map for part in top[2].children] == [[5, 6], [7, 8]]


def test_an_items_text_is_read_off_its_line_or_its_span_by_hand() -> None:
    # One line, blank lines after it in the item (the list's last): read off the line.
    # Two lines (a lazy continuation) and a text under a blank marker line: the tree's span.
    text = "-   🐳 one  \n\n\n- two\nmore\n-\n  three\n\nafter\n"
    assert native_blocks(text) is not None
    assert_same_blocks(text)
    top, texts = parse_blocks(text)
    items = top[0].children
    assert [item.map for item in items] == [[0, 3], [3, 5], [5, 8]]
    assert [item.children[0].map for item in items] == [[0, 1], [3, 5], [6, 7]]
    assert [inline.content for inline, _ in texts] == ["🐳 one", "two\nmore", "three", "after"]


def test_one_line_bullet_items_by_hand() -> None:
    # Items whose text starts with a letter are read off their line; the others (a number,
    # a heading, a nested list, an emoji) the tree is asked about: the same blocks either way.
    text = "- Runs a container.\n* é ação\n+ 🐳 whale\n- 1. one\n- # Title\n-  two spaces\n"
    assert native_blocks(text) is not None
    assert_same_blocks(text)
    top, texts = parse_blocks(text)
    assert [(node.type, node.map) for node in top] == [
        ("bullet_list", [0, 1]), ("bullet_list", [1, 2]), ("bullet_list", [2, 3]),
        ("bullet_list", [3, 6]),
    ]  # fmt: skip
    assert [inline.content for inline, _ in texts] == [
        "Runs a container.", "é ação", "🐳 whale", "one", "Title", "two spaces",
    ]  # fmt: skip
    assert [child.type for child in top[3].children[0].children] == ["ordered_list"]
    assert [child.type for child in top[3].children[1].children] == ["heading"]


# Block-level pieces: lists nested and loose, fences, tables, headings of both kinds, HTML,
# front matter, trailing blank lines, non-ASCII text (byte offsets), and the junk in between.
BLOCK_PIECES = [
    "# Title\n", "## Sub ##\n", "Setext\n===\n", "text\n", "more text\n", "\n", "\n\n", "  ",
    "- item\n", "  - nested\n", "    - deeper\n", "1. first\n", "2) second\n", "10. ten\n",
    "-\n", "-      code\n", "   continued\n", "```sh\nls -la\n```\n", "```\n", "~~~\nx\n~~~\n",
    "    indented code\n", "| a | b |\n", "|---|:-:|\n", "| c | d |\n", "|x|\n", "---\n",
    "***\n", "<div>\n", "</div>\n", "<!-- c -->\n", "---\ntags: [a]\n---\n", "é ação 🐳\n",
    "**Bold:** x\n", "`code`\n", "a | b\n", "\\| e\n", "#\n", "#tag\n", "* star\n", "+ plus\n",
    "- a | b\n",
]  # fmt: skip
NOTELIKE = st.lists(st.sampled_from(BLOCK_PIECES), max_size=24).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOTELIKE)
@example("| a | b |\n|---|:-:|\n   continued\n2) second\n")  # the table ends at `2)` or not
def test_generated_notes_give_the_same_blocks_and_cards(text: str) -> None:
    assert_same_blocks(text)
    with pytest.MonkeyPatch.context() as patch:
        native, python = cards_both_ways(text, patch)
    assert native == python


# What the adapter does not reproduce, said as one pattern: `_untrusted` checks it in parts.
UNTRUSTED = re.compile(
    r"[\t\x00\x1c-\x1f]|^ {0,3}>|\]:|\|.*\n(?:.+\n)*? *(?::?-+:? *$|\d{1,9}[.)]|[-+*] *$)"
    r"|^ *(?:[-+*]|\d{1,9}[.)]) [^|\n]*\|.*\n[ |:]*-[-| :]*$"
    r"|^[\x0b\x0c\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    r"[ \x0b\x0c\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\|",
    re.MULTILINE,
)
TEXT_PIECES = [
    "|", "a", " ", "   ", "\n", "-", ":", ">", "]", "\t", "---", "| x |", ":-:", "\x00", "1", "2.",
    "3)", "0", "\x1f", "+", "*", "-\n", "\xa0", "\u2003", "\x0b",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=16).map("".join))
def test_the_text_check_is_the_one_pattern(text: str) -> None:
    assert _untrusted(text) == bool(UNTRUSTED.search(text))
