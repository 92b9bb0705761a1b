"""Each card's review history, read from the review log in the shapes the FSRS libraries take:
fsrs-rs-python's training items (reviews a whole number of study days apart) for the
optimizer, and fsrs' `ReviewLog`s for rescheduling.

Light at import: the libraries are imported inside the functions that build their objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from study.schedule.rules import study_day
from study.schedule.schema import from_epoch_us
from study.schedule.settings import read_stored

if TYPE_CHECKING:
    from study.schedule.settings import Execute


@dataclass(frozen=True)
class Answer:
    """One review as the libraries need it: when, which grade, the study day it counts for."""

    at: datetime
    rating: int
    day: int  # ordinal of the study day


def card_histories(
    execute: Execute, decks: Sequence[str] = ()
) -> Iterator[tuple[str, list[Answer]]]:
    """(card id, its reviews oldest first) for every reviewed card of `decks` (all when empty)."""
    rollover = int(read_stored(execute).values()["rollover_hour"])
    where, params = "", {}
    if decks:
        params = {f"deck{i}": deck for i, deck in enumerate(decks)}
        names = ", ".join(":" + name for name in params)
        where = f"WHERE c.deck IN ({names})"
    sql = f"""SELECT c.id, r.reviewed_at, r.rating FROM review r JOIN card c ON c.rowid = r.card
              {where} ORDER BY r.card, r.reviewed_at, r.id"""
    card: str | None = None
    answers: list[Answer] = []
    for card_id, reviewed_at, rating in execute(sql, params):
        moment = from_epoch_us(reviewed_at)
        if card_id != card:
            if card is not None:
                yield card, answers
            card, answers = str(card_id), []
        answers.append(Answer(moment, int(rating), study_day(moment, rollover).toordinal()))
    if card is not None:
        yield card, answers


def training_items(answers: Sequence[Answer]) -> list[Any]:
    """fsrs-rs-python's items for one card: one per review after a day or more (the review
    each item predicts), holding every review before it, `delta_t` in study days."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    reviews = [
        FSRSReview(answer.rating, answer.day - answers[i - 1].day if i else 0)
        for i, answer in enumerate(answers)
    ]
    return [
        FSRSItem(reviews[: i + 1])
        for i in range(1, len(reviews))
        if answers[i].day > answers[i - 1].day
    ]
