"""The line scanner's blocks are markdown-it-py's: same nodes, lines, texts and cards, or none.

`linescan.scan_blocks` reads the notes made of a few plain block shapes without any parse
tree; on anything else it must answer None, never something close. Each note below is read
both ways and compared node by node (maps, texts, the heading flag) and card by card.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from benchmarks.vault import note_text
from study.notes.blocks import Inline, Node, python_blocks
from study.notes.linescan import scan_blocks
from tests.support import DECKS
from tests.test_native import BLOCK_PIECES, NOTES, cards_both_ways, shape


def texts_of(texts: list[tuple[Inline, bool]]) -> list[tuple[str, object, bool]]:
    return [(inline.content, inline._map, heading) for inline, heading in texts]


def assert_none_or_same(text: str) -> bool:
    """Whether the scanner answered; when it did, its answer is markdown-it-py's."""
    answer = scan_blocks(text)
    if answer is None:
        return False
    expected = python_blocks(text)
    assert shape(answer[0]) == shape(expected[0])
    assert texts_of(answer[1]) == texts_of(expected[1])
    return True


def test_every_corpus_note_is_read_as_markdown_it_py_reads_it() -> None:
    taken = [note.name for note in NOTES if assert_none_or_same(note.read_text(encoding="utf-8"))]
    assert "docker.md" in taken  # the first user's note takes the scanner
    assert len(taken) >= 10


def test_every_benchmark_vault_note_is_read_by_the_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    used: set[str] = set()
    for index in range(20):
        text = note_text(rng, index, f"deck{index % 3}", used)
        assert assert_none_or_same(text), index
        native, python = cards_both_ways(text, monkeypatch)
        assert native == python


def tree(nodes: list[Node]) -> list[object]:
    """Type, map, info and text of every node, nested: what the by-hand examples spell out."""
    return [
        (node.type, node.map, node.info, node.inline.content if node.inline else None,
         tree(node.children))
        for node in nodes
    ]  # fmt: skip


def scanned(text: str) -> tuple[list[Node], list[tuple[Inline, bool]]]:
    """The scanner's blocks and texts of a note it must read (None fails the test)."""
    answer = scan_blocks(text)
    assert answer is not None
    return answer


def test_a_note_like_the_first_users_by_hand() -> None:
    text = (
        "---\ndeck: d\n---\n\n# T\n\nSome *text*\nmore\n\n"
        "- `cmd`\n    \n    Runs it.\n    \n- b\n\n---\n"
    )
    top, texts = scanned(text)
    assert tree(top) == [
        ("front_matter", [0, 3], "", None, []),
        ("heading", [4, 5], "", "T", []),
        ("paragraph", [6, 8], "", "Some *text*\nmore", []),
        ("bullet_list", [9, 15], "", None, [
            ("list_item", [9, 13], "", None, [
                ("paragraph", [9, 10], "", "`cmd`", []),
                ("paragraph", [11, 12], "", "Runs it.", []),
            ]),
            ("list_item", [13, 15], "", None, [("paragraph", [13, 14], "", "b", [])]),
        ]),
        ("hr", [15, 16], "", None, []),
    ]  # fmt: skip
    assert top[0].content == "deck: d"
    assert [(inline.content, heading) for inline, heading in texts] == [
        ("T", True), ("Some *text*\nmore", False), ("`cmd`", False), ("Runs it.", False),
        ("b", False),
    ]  # fmt: skip


def test_ordered_items_a_nested_list_and_a_fence_in_an_item_by_hand() -> None:
    text = "1. one\n   - sub\n\n   ```sh\n   ls\n   ```\n2) two\n"
    top, _ = scanned(text)
    assert tree(top) == [
        ("ordered_list", [0, 6], "", None, [
            ("list_item", [0, 6], "1", None, [
                ("paragraph", [0, 1], "", "one", []),
                ("bullet_list", [1, 3], "", None, [
                    ("list_item", [1, 3], "", None, [("paragraph", [1, 2], "", "sub", [])]),
                ]),
                ("fence", [3, 6], "sh", None, []),
            ]),
        ]),
        ("ordered_list", [6, 7], "", None, [
            ("list_item", [6, 7], "2", None, [("paragraph", [6, 7], "", "two", [])]),
        ]),
    ]  # fmt: skip
    assert top[0].children[0].children[2].content == "ls\n"


def test_a_table_by_hand() -> None:
    text = "| a | b \\| c |\n|:--|--:|\n| 1 |\n\nafter\n"
    top, texts = scanned(text)
    assert tree(top) == [
        ("table", [0, 3], "", None, [
            ("thead", [0, 1], "", None, [
                ("tr", [0, 1], "", None, [
                    ("th", None, "", "a", []), ("th", None, "", "b | c", []),
                ]),
            ]),
            ("tbody", [2, 3], "", None, [
                ("tr", [2, 3], "", None, [("td", None, "", "1", []), ("td", None, "", "", [])]),
            ]),
        ]),
        ("paragraph", [4, 5], "", "after", []),
    ]  # fmt: skip
    assert [inline._map for inline, _ in texts] == [[0, 1], [0, 1], [2, 3], [2, 3], [4, 5]]


def test_a_blank_last_line_without_a_newline_is_no_line() -> None:
    assert tree(scanned("- a\n  ")[0]) == [
        ("bullet_list", [0, 1], "", None, [
            ("list_item", [0, 1], "", None, [("paragraph", [0, 1], "", "a", [])]),
        ]),
    ]  # fmt: skip


def test_setext_headings_and_empty_items_by_hand() -> None:
    text = "Title\nmore\n===\n- \n-\n  x\n- y\n  ---\n"
    top, texts = scanned(text)
    assert tree(top) == [
        ("heading", [0, 3], "", "Title\nmore", []),
        ("bullet_list", [3, 8], "", None, [
            ("list_item", [3, 4], "", None, []),  # the next line is no blank: read on, not in
            ("list_item", [4, 6], "", None, [("paragraph", [5, 6], "", "x", [])]),
            ("list_item", [6, 8], "", None, [("heading", [6, 8], "", "y", [])]),
        ]),
    ]  # fmt: skip
    assert [(inline._map, heading) for inline, heading in texts] == [
        ([0, 2], True), ([5, 6], False), ([6, 7], True),
    ]  # fmt: skip
    assert [top[0].tag, top[1].children[2].children[0].tag] == ["h1", "h2"]
    assert assert_none_or_same(text)
    assert tree(scan_blocks("- a\n-\n\nb\n")[0])[0] == (  # type: ignore[index]
        "bullet_list", [0, 3], "", None, [
            ("list_item", [0, 1], "", None, [("paragraph", [0, 1], "", "a", [])]),
            ("list_item", [1, 3], "", None, []),  # a blank line after it: two lines, empty
        ],
    )  # fmt: skip


def test_a_quote_of_plain_lines_by_hand() -> None:
    text = "# tar\n\n> Archiving utility.\n> More: <https://x.org>.\n\n- a\n"
    assert tree(scanned(text)[0]) == [
        ("heading", [0, 1], "", "tar", []),
        ("blockquote", [2, 4], "", None, [
            ("paragraph", [2, 4], "", "Archiving utility.\nMore: <https://x.org>.", []),
        ]),
        ("bullet_list", [5, 6], "", None, [
            ("list_item", [5, 6], "", None, [("paragraph", [5, 6], "", "a", [])]),
        ]),
    ]  # fmt: skip


REFUSED = [
    "<div>\nx\n</div>\n",  # HTML
    "a <b>\n<i>x</i>\n",
    "    code\n",  # indented code
    ">quote\n",  # block quotes but of plain lines
    ">  quote\n",
    "> quote\nlazy\n",
    "> - item\n",
    "> a\n>\n> b\n",
    "- > a\n",
    "text\n> quote\n",
    "- a\n> b\n",
    "- a\nlazy\n",  # lazy continuation lines
    "1. a\n  b\n",
    "-      code\n",  # code in an item
    "a\tb\n",  # tabs
    "a\r\nb\n",  # line ends markdown-it-py rewrites
    "[x]\n\n[x]: https://e.org\n",  # reference definitions
    "```\nunclosed\n",  # a fence to the end
    "- ```\n  x\nout\n",  # a fence ended by a less indented line
    "text\n2. two\n",  # items that are a paragraph's text
    "text\n*\n",
    "- Title\nlazy\n===\n",  # a setext underline in an item, under a lazy line
    "---\nx: 1\n...\n",  # front matter closed by a YAML end, or by an odd fence
    "---\nx: 1\n----\n",
    "--- \nx: 1\n---\n",
    "- a--\n",  # front matter's rule would look past an item's marker
    "- " * 8 + "x\n",  # lists nested deep
]


@pytest.mark.parametrize("text", REFUSED)
def test_shapes_the_scanner_does_not_read_are_refused(text: str) -> None:
    assert scan_blocks(text) is None


# BLOCK_PIECES and the shapes of real notes: loose items with indented paragraphs,
# whitespace-only lines, fences in items, ordered items, `---` after text, emoji and bold
# headings, tables and what ends them.
PIECES = [
    *BLOCK_PIECES,
    "- `cmd`\n    \n    Description.\n    \n", "    \n", "    more\n", "  \n", "  ```sh\n",
    "  x\n", "  ```\n", "   ```\n", "1. one\n", "2. two\n", "1) one\n", "01. x\n", "text\n---\n",
    "## 🐳 1. Docker **Image**\n", "### 📌 What It Is:\n", "- **A** = b.\n", "  1. sub\n",
    "   - sub\n", "- # H\n", "- ```\n", "- - -\n", "|a|b|\n", "|-|-|\n", "x|y\n", "--|--\n",
    "# a | b\n", "-  b\n", "*  c\n", "\\|x\\|\n", "a \\| b | c\n", "```a`b\n", "___\n", "=\n",
    "\xa0\n", "\xa0x\n", "#######\n", "a", " ", "-", "1.", "...\n", "----\n", "      x\n",
    "> quote\n", "> Quote *x*\n", "> a | b\n", ">\n", "> - x\n", "> 1. y\n",
    "-\n", "- \n", "2)\n", "===\n", "  ---\n", "--\n", "- - x\n", "    - z\n", "10) r\n",
]  # fmt: skip
NOTES_OF_PIECES = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOTES_OF_PIECES)
@example("- `a`\n    \n    b.\n    \n- `c`\n    \n    d.\n    \n\n---\n")
@example("| a | b |\n|---|---|\n| 1 | 2 |\n- x\n")  # a table ends at a list item
def test_generated_notes_give_none_or_the_same_blocks_and_cards(text: str) -> None:
    if assert_none_or_same(text):
        with pytest.MonkeyPatch.context() as patch:
            native, python = cards_both_ways(text, patch)
        assert native == python


def test_the_first_users_note_is_read_whole() -> None:
    top, texts = scanned((DECKS / "docker.md").read_text(encoding="utf-8"))
    assert len(top) > 50 and len(texts) > 100
