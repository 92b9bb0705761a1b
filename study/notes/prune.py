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
from typing import Final, NamedTuple

from study.notes import notetext as nt
from study.notes import signals
from study.notes.builder import Dropped
from study.notes.card import MAX_ANSWER_CHARS, Card

_WORD: Final = re.compile(r"[^\W_]+")
# Characters of marks, link targets and emoji an answer may hold beyond its question's words.
_MARKUP_ALLOWANCE: Final = 40
# Rounds of folding repeats: a question named after its section can read as another one.
_PASSES: Final = 3
_LIST_ITEM: Final = re.compile(r"\s*(?:[-*+]|\d+[.)])\s+(.+?)\s*")
_CONTENTS: Final = frozenset(
    {"contents", "table of contents", "toc", "index", "indice", "sumario", "conteudo",
     "tabla de contenidos", "contenido", "table des matieres", "sommaire"}
)  # fmt: skip
# An Obsidian/GitHub callout and nothing else: "> [!warning] ..." and its quoted lines.
_CALLOUT: Final = re.compile(r"\s*>\s*\[![^\]\n]+\][-+]?[^\n]*(?:\n\s*>[^\n]*)*\s*")
# Two answers sharing this share of the shorter one's words say the same thing.
_RESTATED: Final = 0.8


class Pruned(NamedTuple):
    cards: list[Card]
    merged: list[str]  # "source:line: ... merged into one card", as the Builder reports them
    dropped: list[Dropped]


def prune(cards: list[Card]) -> Pruned:
    """The note's cards without empty or ungradeable ones, each question asked once."""
    dropped: list[Dropped] = []
    kept = []
    carded = Counter(card.path for card in cards)
    folded: _Folded = {}
    # Per section, not per card: which sections are named as a table of contents.
    contents = {path for path in carded if path and _fold_of(folded, path[-1]) in _CONTENTS}
    for card in cards:
        reason = nothing_to_learn(card, folded) or _left_over(
            card, cards, carded[card.path] > 1, card.path in contents
        )
        if reason:
            dropped.append(Dropped(card.line, _one_line(card.front), reason))
        else:
            kept.append(card)
    merged: list[str] = []
    renamed = False
    for _ in range(_PASSES):
        kept, named = _one_card_per_question(kept, folded, merged, dropped)
        renamed = renamed or named
        if not named:
            break  # a question given its section's name can be another question's words
    if renamed:
        kept = _last_word(kept, folded, dropped)
    return Pruned(kept, merged, dropped)


def _last_word(cards: list[Card], folded: _Folded, dropped: list[Dropped]) -> list[Card]:
    """If naming sections kept making repeats (or a question its own answer): the first
    card of a question stays, the others go."""
    first: dict[tuple[str, str], Card] = {}
    kept = []
    for card in cards:
        earlier = first.setdefault(_question(card, folded), card)
        if earlier is not card:
            reason = f"repeats line {earlier.line}"
        elif signals.answer_is_front(card):
            reason = "the answer repeats the question"
        else:
            kept.append(card)
            continue
        dropped.append(Dropped(card.line, _one_line(card.front), reason))
    return kept


# Each text's `signals.plain_fold`, made once a note: a front is compared twice or more.
# A plain dict and a function, not a dict subclass with `__missing__`: the compiled parser
# looks a plain dict up natively, a subclass through Python's generic item lookup.
_Folded = dict[str, str]


def _fold_of(folded: _Folded, text: str) -> str:
    found = folded.get(text)
    if found is None:
        found = folded[text] = signals.plain_fold(text)
    return found


def nothing_to_learn(card: Card, folded: _Folded | None = None) -> str | None:
    """Why a card teaches nothing or cannot be graded, or None for a card worth drilling."""
    if signals.empty_front(card.front):
        return "the question is only a symbol or a number"
    empty = signals.empty_answer(card.back)
    if empty:
        return f"the answer is only {empty}"
    if signals.lead_in_alone(card.back):
        return "the answer is only a lead-in with nothing after it"
    if _repeats_question(card, {} if folded is None else folded):
        return "the answer repeats the question"
    if signals.too_long(card):
        return f"answer too long to grade ({len(card.back)} characters, over {MAX_ANSWER_CHARS})"
    return None


def _left_over(
    card: Card, cards: list[Card], section_carded: bool, in_contents: bool
) -> str | None:
    """What only makes sense beside the rest of the note: a table of contents (a section so
    named listing the note's own headings), a callout left alone after its section's table
    or list was carded. `in_contents`: the card's section is named as a table of contents."""
    if in_contents:
        items = [_LIST_ITEM.fullmatch(line) for line in card.back.splitlines() if line.strip()]
        names = [signals.plain_fold(item.group(1)) if item else "" for item in items]
        headings = {signals.plain_fold(name) for name in {n for c in cards for n in c.path}}
        if names and all(name in headings for name in names):
            return "the answer is only a table of contents"
    if section_carded and card.kind == "concept" and _CALLOUT.fullmatch(card.back):
        return "the answer is only a callout left beside its section's cards"
    return None


def _one_card_per_question(
    cards: list[Card], folded: _Folded, merged: list[str], dropped: list[Dropped]
) -> tuple[list[Card], bool]:
    """Fold repeated questions: one card each, or each told apart by its section (then
    True: a question that names its section may now read as another one)."""
    groups: dict[tuple[str, str], list[int]] = {}
    out: list[Card | None] = list(cards)
    for n, card in enumerate(cards):
        groups.setdefault(_question(card, folded), []).append(n)
    repeated = [
        _fold([cards[n] for n in positions], positions, out, merged, dropped)
        for positions in groups.values()
        if len(positions) > 1
    ]
    # Sections that answer one question differently are parallel (two standards, two
    # versions): every question they share names its section, even one answered alike.
    parallel = [_paths(answers) for answers in repeated if len(answers) > 1]
    named = False
    for answers in repeated:
        paths = _paths(answers)
        if len(paths) > 1 and any(paths <= other for other in parallel):
            _name_sections(answers, paths, out)
            named = True
    return [card for card in out if card is not None], named


def _paths(answers: dict[int, list[Card]]) -> frozenset[tuple[str, ...]]:
    return frozenset(card.path for cards in answers.values() for card in cards)


def _question(card: Card, folded: _Folded) -> tuple[str, str]:
    # The deck's fold too comes from the note's folds: one dict lookup a card, not a call.
    return _fold_of(folded, card.deck), _fold_of(folded, card.front)


def _repeats_question(card: Card, folded: _Folded) -> bool:
    """`signals.answer_is_front`, with the front's fold made once; an answer far longer than
    its question (marks, links and emoji aside) says more than the question's words."""
    if len(card.back) > 2 * len(card.front) + _MARKUP_ALLOWANCE:
        return False
    question = _fold_of(folded, card.front)
    start = card.back[:1]  # an ASCII letter or digit starts the answer's fold, lower case
    if start.isascii() and start.isalnum() and not question.startswith(start.lower()):
        return False
    if "[[" not in card.back:  # no link alias can put other words first: compare those first
        first = _WORD.search(card.back)
        if first is None:
            return False
        word = first.group()  # letters and digits: ASCII ones fold to their lower case
        if not question.startswith(word.lower() if word.isascii() else nt.fold(word)):
            return False
    return signals.plain_fold(card.back) == question


def _fold(
    asked: list[Card], positions: list[int], out: list[Card | None], merged: list[str],
    dropped: list[Dropped],
) -> dict[int, list[Card]]:  # fmt: skip
    """One question asked several times: merge or drop the later cards, or keep those that
    answer it differently in another section. Each answer's position: the cards giving it."""
    answers: dict[int, list[Card]] = {positions[0]: [asked[0]]}
    # Looked up, not searched: a question asked thousands of times stays linear.
    by_answer = {signals.plain_fold(asked[0].back): positions[0]}
    by_path = {asked[0].path: positions[0]}
    first = asked[0]
    first_words = _words(first.back)
    for n, card in zip(positions[1:], asked[1:], strict=True):
        out[n] = None
        folded = signals.plain_fold(card.back)
        same, here = by_answer.get(folded), by_path.get(card.path)
        where = f"{card.source}:{card.line}: “{_one_line(card.front)}” is asked again "
        if same is not None:
            answers[same].append(card)
            line = answers[same][0].line
            merged.append(f"{where}(first at line {line}); merged into one card")
        elif _restated(_words(card.back), first_words):
            dropped.append(Dropped(card.line, _one_line(card.front), f"restates line {first.line}"))
        elif here is None:  # another section, another answer: both stay, told apart
            out[n] = card
            answers[n] = [card]
            by_answer[folded], by_path[card.path] = n, n
        else:  # one section, two answers: one card holding both, if it stays gradeable
            _join(card, here, answers[here][0].line, out, merged, dropped)
    return answers


def _join(
    card: Card, at: int, line: int, out: list[Card | None], merged: list[str],
    dropped: list[Dropped],
) -> None:  # fmt: skip
    kept = _current(out, at)
    joined = kept._replace(back=f"{kept.back}\n\n{card.back}")
    if signals.too_long(joined):
        reason = f"asked at line {line} too; the answers together are too long"
    elif signals.answer_is_front(joined):  # "Mars Io": "Mars" and "Io" make the question
        reason = f"asked at line {line} too; the answers together repeat the question"
    else:
        out[at] = joined
        merged.append(
            f"{card.source}:{card.line}: “{_one_line(card.front)}” is asked again with another "
            f"answer (first at line {line}); merged"
        )
        return
    dropped.append(Dropped(card.line, _one_line(card.front), reason))


def _current(out: list[Card | None], n: int) -> Card:
    card = out[n]
    assert card is not None  # the first card of a question is never dropped
    return card


def _name_sections(
    answers: dict[int, list[Card]], paths: frozenset[tuple[str, ...]], out: list[Card | None]
) -> None:
    """The question names the section(s) each of its answers is from."""
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
    return _restated(_words(answer), _words(other))


def _restated(mine: set[str], theirs: set[str]) -> bool:
    """Most words shared; but answers giving different numbers ("1/8 s" and "1/4000 s",
    "100 degrees" and "78 degrees") give two facts however alike their other words."""
    if not mine or not theirs:
        return False
    numbers, their_numbers = _numbers(mine), _numbers(theirs)
    if numbers and their_numbers and numbers != their_numbers:
        return False
    shorter = min(mine, theirs, key=len)
    return len(mine & theirs) >= _RESTATED * len(shorter)


def _numbers(words: set[str]) -> set[str]:
    return {word for word in words if any(ch.isdigit() for ch in word)}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(signals.plain_fold(text)))


def _one_line(text: str) -> str:
    return " ".join(text.split())
