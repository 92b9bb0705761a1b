"""A card's review history: read for the Anki export, and merged with answers given elsewhere.

Reviews done in Anki come back by `study import`; each is added once (an answer is known by its
card and its moment: Anki's revlog id is the answer's time in milliseconds, and a review
`study` exported returns with the id it was given), then the card's FSRS state is recomputed
by replaying its whole history in time order through fsrs' scheduler, unfuzzed, so the same
history always gives the same schedule.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from study.schedule.queue import SCHEDULE_COLUMNS, schedule_json
from study.schedule.scheduler import Settings, make_scheduler, schedule_of
from study.schedule.store import CardRow, ReviewRow, Store, to_db

# Two answers of one card this close with the same grade are one answer seen twice: an
# exported review's revlog id may be moved a millisecond or two to keep ids unique.
SAME_ANSWER = timedelta(seconds=1)


@dataclass(frozen=True)
class Answer:
    """One graded answer, wherever it was given."""

    at: datetime  # aware
    rating: int  # 1 Again .. 4 Easy
    duration_ms: int | None = None


def moment(value: str | datetime) -> datetime:
    """A stored timestamp (naive UTC text, ISO text, or datetime) as an aware UTC datetime."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def snapshot(before: str) -> dict[str, Any]:
    """A review's stored `before` schedule, with aware datetimes."""
    values = json.loads(before)
    for name in ("due", "last_review"):
        if values.get(name) is not None:
            values[name] = moment(values[name])
    return {name: values.get(name) for name in SCHEDULE_COLUMNS}


def card_rows(store: Store, statuses: Sequence[str]) -> dict[str, CardRow]:
    """Card rows with their schedule, by id."""
    query = select(CardRow).where(col(CardRow.status).in_(list(statuses)))
    return {row.id: row for row in store.session.exec(query)}


def reviews_by_card(store: Store, card_ids: Iterable[str]) -> dict[str, list[ReviewRow]]:
    """Each card's reviews, oldest first (cards without reviews are left out)."""
    wanted = set(card_ids)
    found: dict[str, list[ReviewRow]] = {}
    query = select(ReviewRow).order_by(col(ReviewRow.reviewed_at), col(ReviewRow.id))
    for review in store.session.exec(query):
        if review.card_id in wanted:
            found.setdefault(review.card_id, []).append(review)
    return found


def is_known(answer: Answer, reviews: Sequence[ReviewRow]) -> bool:
    """Whether `answer` is already one of `reviews` (the same grade within SAME_ANSWER)."""
    return any(
        review.rating == answer.rating and abs(moment(review.reviewed_at) - answer.at) < SAME_ANSWER
        for review in reviews
    )


def merge_answers(store: Store, row: CardRow, answers: Iterable[Answer], settings: Settings) -> int:
    """Add the answers the card's log lacks and recompute its schedule; returns how many were
    added. Uncommitted: the caller commits (or, for a dry run, rolls back)."""
    reviews = list(store.session.exec(select(ReviewRow).where(ReviewRow.card_id == row.id)))
    added: list[ReviewRow] = []
    for answer in sorted(answers, key=lambda a: a.at):
        if not is_known(answer, [*reviews, *added]):
            added.append(
                ReviewRow(
                    card_id=row.id,
                    rating=answer.rating,
                    reviewed_at=to_db(answer.at),
                    duration_ms=answer.duration_ms,
                    before="{}",  # the replay fills it in
                )
            )
    if not added:
        return 0
    history = sorted([*reviews, *added], key=lambda review: moment(review.reviewed_at))
    _replay(row, history, settings)
    store.session.add(row)
    store.session.add_all(history)
    return len(added)


def _replay(row: CardRow, reviews: Sequence[ReviewRow], settings: Settings) -> None:
    """The card's schedule from its history alone; each review's `before` rewritten to match,
    so undoing the latest answer still restores exactly the schedule before it."""
    import fsrs

    scheduler = make_scheduler(settings, fuzz=False)
    card = fsrs.Card(card_id=0, due=moment(row.added))
    for review in reviews:
        review.before = schedule_json(schedule_of(card))
        at = moment(review.reviewed_at)
        card, _ = scheduler.review_card(card, fsrs.Rating(review.rating), at, review.duration_ms)
    for name, value in schedule_of(card).items():
        setattr(row, name, value)
