"""The card rules' order and what they leave: orphaned lead-ins and asides."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from study.notes import notetext as nt
from study.notes.cardrules import _LINKED_TIP, _MARKER, _SOURCE
from study.notes.parser import parse_text
from tests.support import triples

LEAD_INS = """\
# Shell

## Files

The commands are:

- `ls` — lists files
- `rm` — removes a file

## Kinds

The two kinds are:

- rocks that cooled from magma
- rocks pressed from sediment
"""


def test_a_lead_in_goes_with_the_list_made_cards_and_stays_with_a_list_left_whole() -> None:
    note = parse_text(LEAD_INS, "shell.md")
    assert triples(note) == [
        ("command", "ls", "lists files"),
        ("command-reverse", "lists files", "ls"),
        ("command", "rm", "removes a file"),
        ("command-reverse", "removes a file", "rm"),
        (
            "concept",
            "Shell — Kinds",
            "The two kinds are:\n\n- rocks that cooled from magma\n- rocks pressed from sediment",
        ),
    ]
    assert [(drop.line, drop.text, drop.reason) for drop in note.dropped] == [
        (5, "The commands are:", "introduces the cards made of what follows it")
    ]


# What asides are made of: a head (a source or tip word, a bracket), maybe a colon, then
# words, brackets, links and emphasis.
_ASIDE_HEADS = ["", "Source", "fontes ", "Quelle", "**Tip", "_astuce", "[", "[Lecture 2", "x"]
_ASIDE_COLONS = ["", ":", " :", ": ", ":** ", ":\n"]
_ASIDE_PIECES = ["Wikipedia", "the book", ":", " ", "\n", "[", "]", "[!", "^", "**",
                 "https://x.org", "](", ".", "x"]  # fmt: skip
_aside_text = st.tuples(
    st.sampled_from(_ASIDE_HEADS),
    st.sampled_from(_ASIDE_COLONS),
    st.lists(st.sampled_from(_ASIDE_PIECES), max_size=6).map("".join),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_aside_text)
def test_the_cheap_aside_tests_never_pass_over_an_aside(text: str) -> None:
    # _aside tries a regex only on a paragraph with a colon (a source, a tip) or opening
    # with a bracket (a marker): no text these regexes accept may fail those tests.
    if _SOURCE.fullmatch(nt.one_line(text)) or _LINKED_TIP.match(text):
        assert ":" in text
    if _MARKER.fullmatch(text):
        assert text.startswith("[")
