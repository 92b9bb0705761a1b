"""Junk signals: what a program can see is wrong with a card, whatever the note's topic.

One rule, one place: `study check` reports these to the user and `benchmarks/quality.py`
counts them over the real-notes corpus. Each signal is a plain function of a card's text,
so a card rule can also ask it before making a card.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Final

from study.notes import notetext as nt
from study.notes.card import MAX_ANSWER_CHARS, Card

# The signals, in the order reports list them; the harness's table has one column each.
SIGNALS: Final = ("duplicate", "too-long", "empty-answer", "empty-front", "answer-is-front")

_IMAGE: Final = r"(?:!\[[^\]\n]*\]\([^)\n]*\)|!\[\[[^\]\n]+\]\]|<img\b[^>\n]*>)"
_LINK: Final = r"(?:\[[^\]\n]*\]\([^)\n]*\)|\[\[[^\]\n]+\]\]|<https?://[^>\s]+>|https?://\S+)"
# Matched against stripped lines, so one image follows another over one run of spaces: a
# pattern with a single way to match stays linear on hostile input (50,000 spaces).
_ONLY_IMAGE: Final = re.compile(rf"{_IMAGE}(?:\s*{_IMAGE})*")
_ONLY_LINK: Final = re.compile(rf"{_LINK}[.,;]?")
# A list or quote marker before an item: "- ", "1. ", "> ", "- [ ] ".
_ITEM_MARK: Final = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?")
_FENCE: Final = re.compile(r"\s*(`{3,}|~{3,})([^\n]*)\n(.*?)\n?\1\s*", re.DOTALL)
_PRE: Final = re.compile(r"\s*<pre\b[^>]*>(.*?)</pre>\s*", re.DOTALL | re.IGNORECASE)
_DIAGRAM_LANGUAGES: Final = frozenset({"mermaid", "plantuml", "dot", "graphviz", "ditaa", "svgbob"})
# Characters ASCII and Unicode box art is drawn with.
_DRAWING: Final = re.compile(r"[-|+_/\\<>=^v*.:#~\u2500-\u259f\u2190-\u21ff]")
_MARKS: Final = re.compile(r"[*_`~=>#\[\]()!|\\]+")
# A Markdown link or image; its target is optional so that a `[` with no `](...)` after it
# still matches (and is kept as it is): the search then goes on after the run the `[` began,
# where a target required would re-scan that run from each `[` in it (quadratic on "[[[[").
_MD_LINK: Final = re.compile(r"!?\[([^\]\n]*)(\]\([^)\n]*\))?")
_PRE_TAG: Final = re.compile(r"<pre", re.IGNORECASE)
# Typographic dashes and quotes: beyond ASCII, what notes hold most ("Docker — What it is").
# They have no case, accent or symbol to take off, so text of ASCII and these folds in
# ASCII's one step; not with ` or ^ in it, which outside ASCII go as symbols, not as spaces.
_TYPOGRAPHIC: Final = "\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
# One character class, so a search is one fast scan: ASCII but ^ (5e) and ` (60), and those.
_NEEDS_UNICODE: Final = re.compile(rf"[^\x00-\x5d\x5f\x61-\x7f{_TYPOGRAPHIC}]")
_ASCII_LETTER: Final = re.compile(r"[A-Za-z]")
_ASCII_LETTERS: Final = frozenset(string.ascii_letters)


def _plain_byte(code: int) -> int:
    """A UTF-8 byte in `plain_fold`'s one step: a mark or a space (str.split's, \\x1c-\\x1f
    too) becomes a space, a capital its lower case; a byte of a longer character stays."""
    char = chr(code)
    if code > 0x7F:
        return code
    return ord(" ") if char.isspace() or _MARKS.fullmatch(char) else ord(char.lower())


# One table over the bytes: a regular expression's sub and str.casefold took five times longer.
_PLAIN_BYTES: Final = bytes(map(_plain_byte, range(256)))


def too_long(card: Card) -> bool:
    """An answer no one can grade honestly: longer than `MAX_ANSWER_CHARS`."""
    return len(card.back) > MAX_ANSWER_CHARS


# A line ending with a colon and this short introduces; a longer one may state a fact.
_LEAD_IN_WORDS: Final = 8


def empty_answer(back: str) -> str | None:
    """What an answer with nothing to learn is only ("an image", "a link", ...), or None.

    List and quote markers do not count: `- ![[diagram.png]]` is still only an image.
    """
    if not _maybe_empty(back):
        return None  # most answers: no image, link, fence or <pre> begins anywhere
    return _only(back)


def _only(back: str) -> str | None:
    """`empty_answer`'s full look, line by line."""
    lines = [_ITEM_MARK.sub("", line).strip() for line in back.splitlines() if line.strip()]
    if not lines:
        return None
    if all(_ONLY_IMAGE.fullmatch(line) for line in lines):
        return "an image"
    if all(_ONLY_LINK.fullmatch(line) or _ONLY_IMAGE.fullmatch(line) for line in lines):
        return "a link" if len(lines) == 1 else "a list of links"
    if is_diagram(back):
        return "a diagram"
    return None


def _maybe_empty(back: str) -> bool:
    """Whether an image, a link or a drawing can begin in the text: substring tests, each
    one fast scan, where one pattern of six branches was tried at every position."""
    return (
        "!" in back or "[" in back or "http" in back or "```" in back or "~~~" in back
        or ("<" in back and ("<img" in back or _PRE_TAG.search(back) is not None))
    )  # fmt: skip


def lead_in_alone(back: str) -> bool:
    """An answer that is one short lead-in, `- **Estimators**:` or "The kinds are:": it
    introduces what is not there (its table or list became cards of their own)."""
    if not back.rstrip().endswith(":"):
        return False  # the item marker only comes off the start
    return _lead_in(back)


def _lead_in(back: str) -> bool:
    """`lead_in_alone`'s full look."""
    text = _ITEM_MARK.sub("", back.strip())
    return "\n" not in text and text.endswith(":") and len(text.split()) <= _LEAD_IN_WORDS


def is_diagram(text: str) -> bool:
    """A fenced (or <pre>) block that is a picture: mermaid and kin, or box art, not words."""
    fence = _FENCE.fullmatch(text)
    if fence:
        language = fence.group(2).strip().split(" ")[0].lower()
        if language in _DIAGRAM_LANGUAGES:
            return True
        body = fence.group(3)
    else:
        pre = _PRE.fullmatch(text)
        if pre is None:
            return False
        body = pre.group(1)
    return _is_box_art(body)


def _is_box_art(body: str) -> bool:
    # Box art is mostly drawing characters; code, even `a | b > c`, is mostly words.
    ink = "".join(body.split())
    if len(ink) < 8:
        return False
    drawn = len(_DRAWING.findall(ink))
    return drawn * 2 >= len(ink)


def empty_front(front: str) -> bool:
    """A question with no letter in it: a symbol ("$", "✅") or a number fragment ("0", "10.")."""
    # Most questions start with an ASCII letter: a set lookup, not a regex search, says so.
    if "[[" not in front and (front[:1] in _ASCII_LETTERS or _ASCII_LETTER.search(front)):
        return False  # taking symbols away leaves ASCII letters: only a link can hide one
    return _no_letter(front)


def _no_letter(front: str) -> bool:
    """`empty_front`'s full look."""
    text = nt.strip_symbols(nt.plain_links(front))
    return not any(ch.isalpha() for ch in text)


def answer_is_front(card: Card) -> bool:
    """A card that gives its answer away: front and back the same text, marks aside."""
    return plain_fold(card.front) == plain_fold(card.back)


def plain_fold(text: str) -> str:
    """Text for comparing: case, accents, Markdown marks, emoji and spacing do not count."""
    if "[" in text:
        text = _MD_LINK.sub(_link_text, nt.plain_links(text))
    if text.isascii() or _NEEDS_UNICODE.search(text) is None:
        # No accent and no emoji: only marks, case and spacing go.
        return b" ".join(text.encode().translate(_PLAIN_BYTES).split()).decode()
    return nt.fold(_MARKS.sub(" ", nt.strip_symbols(text)))


def _link_text(match: re.Match[str]) -> str:
    """A link's text, or the match as it was if no `](target)` followed (no link)."""
    return match.group(1) if match.group(2) else match.group(0)


def repeats(cards: Sequence[Card]) -> list[tuple[Card, Card]]:
    """(card, the earlier card it repeats): fronts asked twice in one deck, case aside."""
    first: dict[tuple[str, str], Card] = {}
    found = []
    for card in cards:
        key = (nt.fold(card.deck), plain_fold(card.front))
        earlier = first.setdefault(key, card)
        if earlier is not card:
            found.append((card, earlier))
    return found


def card_signals(card: Card) -> list[str]:
    """The junk signals of one card on its own (repeats need the whole deck: `repeats`)."""
    found = []
    if too_long(card):
        found.append("too-long")
    if empty_answer(card.back):
        found.append("empty-answer")
    if empty_front(card.front):
        found.append("empty-front")
    # An image whose alt text is the front, or "$" -> "$", is already named above.
    if found in ([], ["too-long"]) and answer_is_front(card):
        found.append("answer-is-front")
    return found


def count_signals(cards: Sequence[Card]) -> dict[str, int]:
    """How many cards show each signal; a repeated front counts once per extra card."""
    counts = dict.fromkeys(SIGNALS, 0)
    counts["duplicate"] = len(repeats(cards))
    for card in cards:
        for signal in card_signals(card):
            counts[signal] += 1
    return counts


def flagged(cards: Sequence[Card]) -> list[tuple[Card, list[str]]]:
    """Each card showing a junk signal, with its signals (repeats included), in order."""
    repeated = {id(card) for card, _ in repeats(cards)}
    found = []
    for card in cards:
        signals = card_signals(card) + (["duplicate"] if id(card) in repeated else [])
        if signals:
            found.append((card, signals))
    return found
