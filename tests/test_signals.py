"""The junk signals' shortcuts: each cheap first look gives the full look's answer.

`empty_answer`, `lead_in_alone` and `empty_front` run on every card of a sync; each first
rules out most texts with a substring test. Generated texts made of the characters the
full looks turn on (image and link marks, fences, `<img>` and `<pre>`, list markers, colons,
accents and emoji) must get the same answer either way.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.notes import signals

PIECES = [
    "![a](b.png)", "![[d.png]]", "[x](http://e.org)", "[[Note]]", "[[T|Alias]]",
    "<img src=x>", "<IMG>", "<pre>", "<PRE>a</pre>", "</pre>", "http://e.org", "https://",
    "<https://e.org>", "```", "```mermaid\n", "~~~", "- ", "1. ", "> ", "- [ ] ", ":", "  ",
    "\n", "word", "é", "✅", "🐳", "10.", "$", "+-+", "|", "──", "!", "[", "]", "(", ")", "<",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_shortcuts_agree_with_the_full_looks(text: str) -> None:
    assert signals.empty_answer(text) == signals._only(text)
    assert signals.lead_in_alone(text) == signals._lead_in(text)
    assert signals.empty_front(text) == signals._no_letter(text)


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        ("![[diagram.png]]", "an image"),
        ("- <img src=a.png>", "an image"),
        ("<https://example.org>", "a link"),
        ("- [docs](https://e.org)\n- https://e.org/b", "a list of links"),
        ("```mermaid\ngraph TD\n```", "a diagram"),
        ("<PRE>\n+--+\n|  |\n+--+\n</PRE>", "a diagram"),
        ("`docker ps` lists <containers>", None),
        ("See the [[Docker]] note for more", None),
    ],
)
def test_what_an_empty_answer_is_only(back: str, expected: str | None) -> None:
    assert signals.empty_answer(back) == expected


@pytest.mark.parametrize(
    ("front", "expected"),
    [("$", True), ("✅ 10.", True), ("[[x|✅]]", True), ("[[Go]]", False), ("é", False)],
)
def test_a_question_with_no_letter_is_empty(front: str, expected: bool) -> None:
    assert signals.empty_front(front) is expected


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_plain_fold_of_ascii_text_is_the_general_fold(text: str) -> None:
    """ASCII text skips the accent and emoji steps, which leave it as it is."""
    from study.notes import notetext as nt

    text = text.replace("[", "")  # links aside: both ways take them out alike
    general = nt.fold(signals._MARKS.sub(" ", nt.strip_symbols(text)))
    assert signals.plain_fold(text) == general


# plain_fold spelled out from its definition, one character at a time, for link-free text:
# outside ASCII text emoji and other symbols go (in ASCII text `^` and ` stay), Markdown
# marks become spaces, then case and accents go and spacing is evened.
_SYMBOL_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Cn", "Cf", "Me"})
_MARK_CHARACTERS = frozenset("*_`~=>#[]()!|\\")


def _fold_by_hand(text: str) -> str:
    if not text.isascii():
        text = "".join(
            ch
            for ch in text
            if unicodedata.category(ch) not in _SYMBOL_CATEGORIES and ch not in "\ufe0e\ufe0f"
        )
    text = "".join(" " if ch in _MARK_CHARACTERS else ch for ch in text)
    text = unicodedata.normalize("NFD", text.casefold())
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Mn").split())


# Text of ASCII, the marks, ` and ^ (which ASCII text keeps and other text loses) and the
# dashes and quotes notes hold most beyond ASCII; some also with accents, combining marks,
# emoji, variation selectors, or any character at all.
_ASCII_PIECES = [*"aZ 09-*_`^~=>#]()!|\\\n\t\r\x0b\x1c\x1f\x7f"]
_DASHES_AND_QUOTES = [*"\u2013\u2014\u2018\u2019\u201c\u201d\u2026"]
_TYPOGRAPHIC_TEXT = st.text(st.sampled_from(_ASCII_PIECES + _DASHES_AND_QUOTES), max_size=20)
_ANY_TEXT = st.lists(
    _TYPOGRAPHIC_TEXT
    | st.sampled_from([*"éÉçßİ\u0301\u00a0→°✅🐳\ufe0f\u200e"])
    | st.characters(exclude_characters="["),
    max_size=4,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TYPOGRAPHIC_TEXT | _ANY_TEXT)
def test_plain_fold_is_its_definition_on_any_text(text: str) -> None:
    assert signals.plain_fold(text) == _fold_by_hand(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Docker — What It Is", "docker — what it is"),
        ("“Quoted” – *bold*…", "“quoted” – bold …"),
        ("a^b — `c`", "ab — c"),  # beyond ASCII, ^ and ` are symbols and go
        ("a^b - `c`", "a^b - c"),  # in ASCII text ^ stays and ` is a mark
        ("Café — Ñandú ✅", "cafe — nandu"),
    ],
)
def test_plain_fold_of_typographic_text(text: str, expected: str) -> None:
    assert signals.plain_fold(text) == expected


# The link pattern as it was before its target became optional: quadratic on a run of `[`
# (each `[` re-scanned the rest of the line), but the definition of what it replaces.
_LINK_AS_IT_WAS = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
BRACKETS = st.lists(st.sampled_from(["[", "]", "(", ")", "!", "\n", "a", " ", "[[", "]]"]))


@settings(max_examples=400, deadline=None)
@given(BRACKETS.map("".join))
def test_the_linear_link_pattern_replaces_what_the_old_one_did(text: str) -> None:
    assert signals._MD_LINK.sub(signals._link_text, text) == _LINK_AS_IT_WAS.sub(r"\1", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see [the docs](http://x.org) now", "see the docs now"),
        ("![a diagram](d.png)", "a diagram"),
        ("[[[not a link", "[[[not a link"),
        ("[a [b](u) c]", "a [b c]"),  # the first `[` opens it, as it always did
        ("[x] (y)", "[x] (y)"),
        ("[x](no close", "[x](no close"),
    ],
)
def test_a_link_gives_its_text_and_a_lone_bracket_stays(text: str, expected: str) -> None:
    assert signals._MD_LINK.sub(signals._link_text, text) == expected
