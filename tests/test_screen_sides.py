"""A plain card side is drawn without rich's Markdown parse, in exactly the bytes it gives."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from study.drill.screen import Paragraph, card_side, is_plain
from study.notes import parser
from study.notes.cardview import back_markdown, front_markdown, markdown
from tests.test_native import NOTES

WIDTHS = (12, 40, 80)


def drawn(side: object, width: int, terminal: bool) -> str:
    """What a drill's console writes for `side`: plain (a pipe) or styled (a terminal)."""
    out = io.StringIO()
    from rich.console import Console

    colours = "truecolor" if terminal else None
    console = Console(
        file=out, width=width, force_terminal=terminal, color_system=colours, highlight=False
    )
    console.print(side)
    return out.getvalue()


def assert_same_as_markdown(text: str) -> None:
    for width in WIDTHS:
        for terminal in (False, True):
            assert drawn(card_side(text), width, terminal) == drawn(markdown(text), width, terminal)


def test_what_is_plain_and_what_is_not() -> None:
    assert is_plain("What does a Pod hold?")
    assert is_plain("Staiboufo — Scope")
    assert is_plain("first line\nsecond line, joined as Markdown joins them")
    assert is_plain("Ça coûte 10 € (à peu près): oui; non?")
    for marked in (
        "Run `ls`",  # code
        "an *emphasis*",
        "a_b",  # emphasis, maybe
        "[a link](x)",
        "<b>html</b>",
        "a &amp; b",  # an entity
        "a \\ b",  # an escape
        "~~gone~~",
        "a | b",  # a table, maybe
        "- a list",
        "1. a list",
        "# a heading",
        "> a quote",
        "    indented code",
        "a\n===",  # a setext heading
        "hard  \nbreak",
        "two\n\nparagraphs",
        "",
        "tab\there",
    ):
        assert not is_plain(marked), marked


def test_a_plain_side_draws_the_bytes_markdown_draws() -> None:
    for text in (
        "What does a Pod hold?",
        "A question long enough to wrap at forty columns and at twelve, word by word, twice.",
        "line one\nline two",
        "averyveryveryveryveryverylongwordthatcannotwrapanywhereatall and then words",
        "日本語のテキスト、とても長い文章が続きます。幅の狭い端末で折り返されます。",
    ):
        assert is_plain(text)
        assert_same_as_markdown(text)


def test_every_side_of_the_corpus_draws_as_markdown_draws_it() -> None:
    plain = 0
    for note in NOTES:
        cards = parser.parse_text(note.read_text(encoding="utf-8"), note.name).cards
        for card in cards:
            front, back = front_markdown(card.kind, card.front), back_markdown(card.kind, card.back)
            for side in (front, back):
                plain += is_plain(side)
                if is_plain(side):
                    assert_same_as_markdown(side)
    assert plain > 100  # the fast path is taken, on real notes


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab Z9é—.,:;?()'\"\n-*_`#>|&\\<~!1 日"), max_size=60))
def test_any_text_said_plain_draws_as_markdown_draws_it(text: str) -> None:
    if is_plain(text):
        assert_same_as_markdown(text)
    else:
        assert not isinstance(card_side(text), Paragraph)
