"""Matching a card whose question changed to the row it replaces, so its history survives.

A reworded question gives a new id (study.card.card_id); sync then looks, within the same
note and kind, for a card that just lost its id and is similar enough, and hands it the new
id. difflib is enough here: only the few cards of the notes that changed are compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Protocol, TypeVar

MATCH_THRESHOLD = 0.75  # below this, a changed question is a new card
_MAX_PAIRS = 40_000  # per group; beyond it only identical text is matched


class Question(Protocol):
    """What matching reads of a new card (a study.card.Card, or sync's lighter row)."""

    @property
    def kind(self) -> str: ...
    @property
    def front(self) -> str: ...
    @property
    def back(self) -> str: ...


Q = TypeVar("Q", bound=Question)


def similarity(old_front: str, old_back: str, new_front: str, new_back: str) -> float:
    """How alike two cards are, 0..1: the question weighs more than the answer.

    A card and its reverse swap front and back, so either side alone changing (a typo fixed
    in the command, a word added to the description) still scores high.
    """
    front = SequenceMatcher(None, old_front, new_front, autojunk=False).ratio()
    back = SequenceMatcher(None, old_back, new_back, autojunk=False).ratio()
    return 0.6 * front + 0.4 * back


def match_cards(
    orphans: Sequence[dict[str, object]],
    fresh: Sequence[tuple[str, Q]],
    by_note: bool = True,
) -> list[tuple[dict[str, object], tuple[str, Q]]]:
    """Pair cards that lost their id with new cards of the same kind (and note), best first."""
    if not orphans:
        return []  # a first sync: nothing lost its id, and grouping 100,000 new cards costs 0.3 s

    def group(path: object, kind: object) -> object:
        return (path, kind) if by_note else kind

    olds: dict[object, list[dict[str, object]]] = {}
    news: dict[object, list[tuple[int, str, Q]]] = {}
    for row in orphans:
        olds.setdefault(group(row["note_path"], row["kind"]), []).append(row)
    for j, (path, card) in enumerate(fresh):
        news.setdefault(group(path, card.kind), []).append((j, path, card))
    scored: list[tuple[float, int, int, dict[str, object], tuple[str, Q]]] = []
    for key, rows in olds.items():
        candidates = news.get(key, [])
        exact_only = len(rows) * len(candidates) > _MAX_PAIRS
        for i, row in enumerate(rows):
            old_front, old_back = str(row["front"]), str(row["back"])
            for j, path, card in candidates:
                if exact_only:
                    score = float(old_front == card.front and old_back == card.back)
                else:
                    score = similarity(old_front, old_back, card.front, card.back)
                if score >= MATCH_THRESHOLD:
                    scored.append((score, j, i, row, (path, card)))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_old: set[object] = set()
    used_new: set[int] = set()
    pairs = []
    for _, j, _, row, pair in scored:
        if row["id"] in used_old or j in used_new:
            continue
        used_old.add(row["id"])
        used_new.add(j)
        pairs.append((row, pair))
    return pairs
