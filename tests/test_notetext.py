"""The text-level judgements of study.notes.notetext added for chat pastes and questions."""

from __future__ import annotations

import re
import string
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.notes import notetext
from study.notes.notetext import (
    CodeSpan,
    clean_code,
    code_span_at,
    code_spans,
    copy_buttons,
    could_be_junk,
    dedent,
    is_junk,
    is_language_line,
    is_question,
    only_copy_buttons,
    plain_links,
    tidy,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bash\nCopiarEditar\nsudo apt install curl", ("sudo apt install curl", "bash")),
        ("yaml\nCopy code\nshape: boule\nsize: 2", ("shape: boule\nsize: 2", "yaml")),
        ("Copy code\nnpm test", ("npm test", "")),
        ("CopiarEditar", ("", "")),
        ("python\nCopiar código", ("", "python")),
    ],
)
def test_copy_buttons_are_cut_from_the_code_they_sit_above(
    text: str, expected: tuple[str, str]
) -> None:
    assert copy_buttons(text) == expected


@pytest.mark.parametrize("text", ["bash\nls -la", "Run this:\nls", "Copy the file first."])
def test_text_without_a_copy_button_is_not_chat_code(text: str) -> None:
    assert copy_buttons(text) is None


def test_a_fence_keeps_its_own_language_over_the_pasted_one() -> None:
    assert clean_code("bash\nCopiarEditar\necho hi\n", "sh") == ("echo hi", "sh")
    assert clean_code("bash\nCopiarEditar\necho hi\n") == ("echo hi", "bash")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("bash", True), ("Dockerfile", True), ("c++", True), ("Copy", False),
     ("two words", False), ("ls -la", False)],
)  # fmt: skip
def test_a_language_line_is_one_word(text: str, expected: bool) -> None:
    assert is_language_line(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "With this you can already bake your first loaf!",
        "With this, you can now tune any guitar.",
        "Com isso você já pode montar seu primeiro circuito.",
        "Con esto ya puedes preparar la masa madre.",
        "Con esto, puedes empezar.",
    ],
)
def test_the_assistants_send_off_is_junk(text: str) -> None:
    assert is_junk(text)


@pytest.mark.parametrize(
    "text",
    [
        "With this lens the rings of Saturn are visible.",
        "Com isso, o juiz encerra a audiência.",
    ],
)
def test_sentences_that_only_start_alike_are_content(text: str) -> None:
    assert not is_junk(text)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("What is a nebula?", True),
        ("¿Qué es un sofrito", True),
        ("Qui a fixé ce diapason ?", True),
        ("Why?", False),
        ("Nebulae", False),
        ("Pourquoi", False),
    ],
)
def test_a_question_title_asks_with_two_words_or_more(title: str, expected: bool) -> None:
    assert is_question(title) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("CopiarEditar", True), ("python\nCopy code", True), ("bash\nCopy code\nls", False),
     ("Copy the file", False), ("bash", False)],
)  # fmt: skip
def test_only_copy_buttons_is_junk_with_no_code(text: str, expected: bool) -> None:
    assert only_copy_buttons(text) is expected
    assert could_be_junk(text) or not expected  # the fast filter never hides one


def test_code_spans_as_commonmark_reads_them() -> None:
    text = "run `ls -la` or ``a ` b`` then ``` lone and `x`"
    assert code_spans(text) == [
        CodeSpan(4, 12, "ls -la"),
        CodeSpan(16, 25, "a ` b"),
        CodeSpan(44, 47, "x"),
    ]
    assert code_spans("`" * 7) == []  # one string with no closer is literal
    assert code_spans("``a`") == []


def test_a_code_span_opening_at_a_place() -> None:
    assert code_span_at("**`git add -p`**: stage hunks", 2) == CodeSpan(2, 14, "git add -p")
    assert code_span_at("``a``", 1) is None  # inside a backtick string, nothing opens
    assert code_span_at("`unclosed", 0) is None


def _span_at_by_regex(text: str, pos: int) -> CodeSpan | None:
    # CommonMark's rule as a regex: the backtick string at `pos` (not inside a longer one),
    # closed by the next string of the same length.
    opener = re.compile(r"`+").match(text, pos)
    if opener is None or (pos and text[pos - 1] == "`"):
        return None
    for run in re.finditer(r"`+", text[opener.end() :]):
        if len(run.group()) == opener.end() - pos:
            start, end = opener.end() + run.start(), opener.end() + run.end()
            return CodeSpan(pos, end, text[opener.end() : start])
    return None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="`a `\n", max_size=14), st.integers(min_value=0, max_value=15))
def test_a_code_span_at_a_place_is_the_one_commonmark_reads(text: str, pos: int) -> None:
    assert code_span_at(text, pos) == _span_at_by_regex(text, pos)


def test_dedent_takes_the_common_margin_off() -> None:
    assert dedent("    a\n      b\n  \n    c") == "a\n  b\n\nc"
    assert dedent("\t x\n\t y") == "x\ny"
    assert dedent("  a\n\tb") == "  a\n\tb"  # a space and a tab share no margin


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([" ", "  ", "\t", "\n", "a", "b c", "\x0c", "é"]), max_size=14))
def test_dedent_is_textwraps(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert dedent(text) == textwrap.dedent(text)


def _tidy_by_hand(text: str) -> str:
    """`tidy` from its definition: dedented, trailing spaces off, one blank line at most."""
    text = "\n".join(line.rstrip() for line in textwrap.dedent(text).split("\n"))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return plain_links(text.strip("\n"))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([" ", "\t", "\n", "a", "b c", "\x0c", "\r", "é", "[[L|x]]"])))
def test_tidy_is_dedent_and_trailing_spaces_and_blank_runs_off(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert tidy(text) == _tidy_by_hand(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\x0bab[]|\\*", max_size=12))
def test_one_line_is_tidied_as_the_same_line_in_a_text_is(line: str) -> None:
    # A line with a newline after it goes the long way (dedent, blank runs): the same answer.
    assert tidy(line) == tidy(line + "\n")


def test_one_line_loses_its_margin_and_trailing_spaces() -> None:
    assert tidy("    Lists the running containers.  ") == "Lists the running containers."
    assert tidy("\t[[Docker|the engine]] runs it ") == "the engine runs it"
    assert tidy(" \t ") == ""


def test_copy_labels_are_found_whatever_their_case_or_accents() -> None:
    # Ruled out early by a line's first letter: a label's own, in either case, or non-ASCII.
    assert copy_buttons("bash\nÉdit\nls -la") == ("ls -la", "bash")
    assert copy_buttons("  COPY CODE\nnpm test") == ("npm test", "")
    assert copy_buttons("bash\nls -la") is None
    # A label on the second line counts only after a language line.
    assert copy_buttons("Docker runs containers.\nCopy code") is None


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(max_codepoint=127)))
def test_the_letters_of_ascii_text_are_its_letters_and_digits_in_lower_case(text: str) -> None:
    expected = "".join(ch.lower() for ch in text if ch in string.ascii_letters + string.digits)
    assert notetext._letters(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Copy code!", "copycode"), ("GPT-4o_mini", "gpt4omini"), ("Você disse: 🐳", "vocedisse")],
)
def test_the_letters_of_a_text_leave_out_case_accents_and_symbols(text: str, expected: str) -> None:
    assert notetext._letters(text) == expected
