"""The regex work model behind the hostile-note tests: it agrees with `re` and counts growth.

`tests.regexwork` replays a pattern's call through a small backtracking matcher to count the
steps `re` takes in C. These tests hold it to `re`'s own matches on the pattern features
study/notes uses, and show that its count tells a linear search from a quadratic one.
"""

from __future__ import annotations

import re
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import regexwork

FEATURES = [
    r"!?\[([^\]\n]*)\]\([^)\n]*\)",  # classes, greedy repeats
    r"==(.+?)==",  # a lazy repeat
    r"(?<!!)\[\[([^\[\]\n]+?)\]\]",  # a lookbehind
    r"(?:^|(?<=\s))#([\w/\-]*[^\W\d][\w/\-]*)",  # a branch with an anchor, categories
    r"^\s*(`{3,}|~{3,})([^\n]*)\n(.*?)\n?\1\s*$",  # a back-reference
    r"(?m)^[ \t]*[-*+][ \t]+",  # line anchors
    r"(?i)\bor\b|<img\b",  # case folding, word boundaries
    r"(?:a|ab)*+c|(?>a+)b",  # a possessive repeat, an atomic group
    r"(?:\s*!\[[^\]]*\])*",  # a repeat of a longer piece, which can match empty
    r"x*",  # empty matches between others
    r"(?=a)\w|(?!b)\d{2,3}",  # lookaheads, a counted repeat
]
PIECES = [*"ab[]()!=# \n\tx`~-*01é", "```", "<img>", "OR", "==", "[[", "]]", "#t", "](u)", "- "]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(FEATURES), TEXTS.map("".join), st.sampled_from(["search", "finditer"]))
def test_the_model_finds_what_re_finds(pattern: str, text: str, method: str) -> None:
    call = regexwork.Call(re.compile(pattern), method, text)
    assert regexwork.replay(call) > 0  # replay asserts its matches are re's


@pytest.mark.parametrize(
    "text",
    ["==a==b==", "![x](y) [[a]] ![[b]]", " #tag #1 #a1", "```py\ncode\n```\n", "- a\n * b",
     "or OR Or <IMG src>", "aabac", "![a] ![b]", "xx", "ab 12 b345"],
)  # fmt: skip
def test_the_model_finds_what_re_finds_on_each_feature(text: str) -> None:
    for pattern in FEATURES:
        assert regexwork.replay(regexwork.Call(re.compile(pattern), "finditer", text)) > 0


@pytest.mark.parametrize("method", ["match", "fullmatch"])
def test_anchored_calls_are_checked_too(method: str) -> None:
    call = regexwork.Call(re.compile(r"(a|ab)(c|bcd)(d*)"), method, "abcd")
    assert regexwork.replay(call) > 0


def _steps(pattern: str, text: str) -> int:
    return regexwork.replay(regexwork.Call(re.compile(pattern), "sub", text))


def test_a_pattern_that_rescans_from_each_start_counts_quadratic_work() -> None:
    rescans = r"!?\[([^\]\n]*)\]\([^)\n]*\)"  # every `[` of "[[[[" scans to the line's end
    small, large = _steps(rescans, "[" * 100), _steps(rescans, "[" * 400)
    assert large > 14 * small


def test_a_pattern_that_ends_its_scan_where_the_run_ends_counts_linear_work() -> None:
    linear = r"!?\[([^\]\n]*)(\]\([^)\n]*\))?"
    small, large = _steps(linear, "[" * 100), _steps(linear, "[" * 400)
    assert 3 * small < large < 5 * small


def test_calls_through_a_modules_patterns_are_recorded_then_the_patterns_restored() -> None:
    module = types.ModuleType("fake")
    pattern = re.compile(r"b+")
    module.__dict__.update(_B=pattern, _PAIR=(pattern, re.compile("a")), OTHER="b+")
    with regexwork.recorded([module]) as calls:
        assert module._B.sub("-", "abba") == "a-a"
        assert module._PAIR[1].search("xa").span() == (1, 2)
    assert [(c.method, c.text) for c in calls] == [("sub", "abba"), ("search", "xa")]
    assert module._B is pattern and module.OTHER == "b+"
    assert regexwork.steps(calls) > 0
