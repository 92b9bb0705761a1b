"""The last pass over a note's cards: one question, one card; nothing without a fact in it.

Every card rule has run by now, so this pass sees what no single rule can: the same question
asked twice in a deck (a summary table repeated, a list restated in a later section), and
the cards whose answer or question holds nothing to learn. It never makes a card, and it
reports every card it folds into another (`merged`) or leaves out (`dropped`) with its line
and why, for `study check`. Ids are kept: a card whose question is only given its section
for context keeps its id, since ids come from the key and heading path, not the front.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from study.notes import signals
from study.notes.builder import Dropped
from study.notes.card import MAX_ANSWER_CHARS, Card

_WORD = re.compile(r"[^\W_]+")
_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s+(.+?)\s*")
_CONTENTS = frozenset(
    {"contents", "table of contents", "toc", "index", "indice", "sumario", "conteudo",
     "tabla de contenidos", "contenido", "table des matieres", "sommaire"}
)  # fmt: skip
# An Obsidian/GitHub callout and nothing else: "> [!warning] ..." and its quoted lines.
_CALLOUT = re.compile(r"\s*>\s*\[![^\]\n]+\][-+]?[^\n]*(?:\n\s*>[^\n]*)*\s*")
# Two answers sharing this share of the shorter one's words say the same thing.
_RESTATED = 0.8


class Pruned(NamedTuple):
    cards: list[Card]
    merged: list[str]  # "source:line: ... merged into one card", as the Builder reports them
    dropped: list[Dropped]


def prune(cards: list[Card]) -> Pruned:
    """The note's cards without empty or ungradeable ones, each question asked once."""
    dropped: list[Dropped] = []
    kept = []
    headings = {signals.plain_fold(name) for card in cards for name in card.path}
    carded = Counter(card.path for card in cards)
    for card in cards:
        reason = nothing_to_learn(card) or _left_over(card, headings, carded[card.path] > 1)
        if reason:
            dropped.append(Dropped(card.line, _one_line(card.front), reason))
        else:
            kept.append(card)
    merged: list[str] = []
    return Pruned(_one_card_per_question(kept, merged, dropped), merged, dropped)


def nothing_to_learn(card: Card) -> str | None:
    """Why a card teaches nothing or cannot be graded, or None for a card worth drilling."""
    if signals.empty_front(card.front):
        return "the question is only a symbol or a number"
    empty = signals.empty_answer(card.back)
    if empty:
        return f"the answer is only {empty}"
    if signals.too_long(card):
        return f"answer too long to grade ({len(card.back)} characters, over {MAX_ANSWER_CHARS})"
    return None


def _left_over(card: Card, headings: set[str], section_carded: bool) -> str | None:
    """What only makes sense beside the rest of the note: a table of contents (a section so
    named listing the note's own headings), a callout left alone after its section's table
    or list was carded."""
    if card.path and signals.plain_fold(card.path[-1]) in _CONTENTS:
        items = [_LIST_ITEM.fullmatch(line) for line in card.back.splitlines() if line.strip()]
        names = [signals.plain_fold(item.group(1)) if item else "" for item in items]
        if names and all(name in headings for name in names):
            return "the answer is only a table of contents"
    if section_carded and card.kind == "concept" and _CALLOUT.fullmatch(card.back):
        return "the answer is only a callout left beside its section's cards"
    return None


def _one_card_per_question(
    cards: list[Card], merged: list[str], dropped: list[Dropped]
) -> list[Card]:
    """Fold repeated questions: one card each, or each told apart by its section."""
    groups: dict[tuple[str, str], list[int]] = {}
    out: list[Card | None] = list(cards)
    for n, card in enumerate(cards):
        groups.setdefault(_question(card), []).append(n)
    for positions in groups.values():
        if len(positions) > 1:
            _fold([cards[n] for n in positions], positions, out, merged, dropped)
    return [card for card in out if card is not None]


def _question(card: Card) -> tuple[str, str]:
    return signals.plain_fold(card.deck), signals.plain_fold(card.front)


def _fold(
    asked: list[Card], positions: list[int], out: list[Card | None], merged: list[str],
    dropped: list[Dropped],
) -> None:  # fmt: skip
    """One question asked several times: merge, drop or tell apart the later cards."""
    answers: dict[int, list[Card]] = {positions[0]: [asked[0]]}  # an answer's card: where asked
    for n, card in zip(positions[1:], asked[1:], strict=True):
        out[n] = None
        where = f"{card.source}:{card.line}: “{_one_line(card.front)}” is asked again "
        same = next((k for k, cs in answers.items() if _same_answer(cs[0], card)), None)
        first = answers[same if same is not None else positions[0]][0]
        if same is not None:
            answers[same].append(card)
            merged.append(f"{where}(first at line {first.line}); merged into one card")
        elif restates(card.back, first.back):
            dropped.append(Dropped(card.line, _one_line(card.front), f"restates line {first.line}"))
        elif card.path != first.path:
            out[n] = card
            answers[n] = [card]
        elif (
            len(joined := f"{_current(out, positions[0]).back}\n\n{card.back}") <= MAX_ANSWER_CHARS
        ):
            out[positions[0]] = _current(out, positions[0])._replace(back=joined)
            merged.append(f"{where}with another answer (first at line {first.line}); merged")
        else:
            reason = f"asked at line {first.line} too; the answers together are too long"
            dropped.append(Dropped(card.line, _one_line(card.front), reason))
    _name_sections(answers, out)


def _current(out: list[Card | None], n: int) -> Card:
    card = out[n]
    assert card is not None  # the first card of a question is never dropped
    return card


def _same_answer(card: Card, other: Card) -> bool:
    return signals.plain_fold(card.back) == signals.plain_fold(other.back)


def _name_sections(answers: dict[int, list[Card]], out: list[Card | None]) -> None:
    """A question asked in several sections names the section(s) each answer is from."""
    paths = {card.path for cards in answers.values() for card in cards}
    if len(paths) < 2:
        return
    lasts = {path[-1] if path else "" for path in paths}
    whole = len(lasts) < len(paths)  # two sections of one name: say the whole path
    for n, cards in answers.items():
        named = dict.fromkeys(
            (" > ".join(c.path) if whole else c.path[-1]) if c.path else c.deck for c in cards
        )
        card = _current(out, n)
        out[n] = card._replace(front=f"{card.front} ({', '.join(named)})")


def restates(answer: str, other: str) -> bool:
    """True when one answer says what the other does: most of the shorter one's words."""
    mine, theirs = _words(answer), _words(other)
    if not mine or not theirs:
        return False
    shorter = min(mine, theirs, key=len)
    return len(mine & theirs) >= _RESTATED * len(shorter)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(signals.plain_fold(text)))


def _one_line(text: str) -> str:
    return " ".join(text.split())
