"""A card's schedule and review log in Anki's terms, so an import "with scheduling" continues
where the terminal left off.

Anki keeps a card's type and queue, its due (a day number for reviews, epoch seconds for
learning steps), its interval, reps and lapses, and the FSRS memory state as JSON in
`cards.data` (`s` stability, `d` difficulty, `dr` desired retention, `lrt` last review, epoch
seconds). Day numbers count from the collection's creation (`col.crt`); the package's `crt`
is a fixed study-day start, and Anki shifts the days to the importing collection's own count.
Each review becomes a revlog row whose id is its time in milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from study.schedule.history import moment, snapshot
from study.schedule.scheduler import Settings, day_start
from study.schedule.store import CardRow, ReviewRow

# The package collection's creation: a fixed day, its start at the user's rollover hour.
_CREATED = datetime(2020, 1, 1, 12, tzinfo=UTC)
_FACTOR = 2500  # Anki's starting ease: used only if the user's Anki has FSRS off
_LONGEST_ANSWER_MS = 60_000  # Anki caps a revlog's answer time at a minute

# Anki's card types and queues (types: new, learning, review, relearning).
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_BURIED, QUEUE_DAY_LEARNING = -1, -3, 3


def created(settings: Settings) -> int:
    """The package's `col.crt`: a study-day start, so day numbers fall on study days."""
    return int(day_start(_CREATED, settings.rollover_hour).timestamp())


def _study_date(moment_: datetime, settings: Settings) -> date:
    return day_start(moment_, settings.rollover_hour).astimezone().date()


def day_number(moment_: datetime, settings: Settings) -> int:
    """The Anki day number (days since the package's creation) of the study day of `moment_`."""
    return (_study_date(moment_, settings) - _study_date(_CREATED, settings)).days


@dataclass(frozen=True)
class Schedule:
    """The Anki columns of one card: type, queue, due, ivl, factor, reps, lapses, left, data."""

    type: int = NEW
    queue: int = NEW
    due: int = 0
    ivl: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    left: int = 0
    data: str = ""


def _lapses(reviews: Sequence[ReviewRow]) -> int:
    return sum(1 for r in reviews if r.rating == 1 and snapshot(r.before).get("state") == REVIEW)


def schedule(
    row: CardRow, reviews: Sequence[ReviewRow], settings: Settings, now: datetime, position: int
) -> Schedule:
    """Where a card stands, in Anki's columns; `position` is a new card's place in the queue."""
    if row.last_review is None or row.stability is None:
        return Schedule(due=position, queue=_held(row, now, NEW))
    due, last = moment(row.due), moment(row.last_review)
    memory = {"s": round(row.stability, 4), "d": round(row.difficulty or 5.0, 4)}
    memory |= {"dr": settings.desired_retention, "lrt": int(last.timestamp())}
    common: dict[str, Any] = {"reps": len(reviews), "lapses": _lapses(reviews)}
    common["data"] = json.dumps(memory)
    if row.state == REVIEW:
        days = max(1, day_number(due, settings) - day_number(last, settings))
        queue = _held(row, now, REVIEW)
        return Schedule(REVIEW, queue, day_number(due, settings), days, _FACTOR, **common)
    steps = settings.learning_steps if row.state == LEARNING else settings.relearning_steps
    left = max(1, len(steps) - (row.step or 0))
    ivl = max(1, round(row.stability)) if row.state == RELEARNING else 0
    factor = _FACTOR if row.state == RELEARNING else 0
    if due - last >= timedelta(days=1):  # a step that ends on a later day: Anki's day queue
        queue, at = _held(row, now, QUEUE_DAY_LEARNING), day_number(due, settings)
    else:
        queue, at = _held(row, now, LEARNING), int(due.timestamp())
    return Schedule(row.state, queue, at, ivl, factor, left=left, **common)


def _held(row: CardRow, now: datetime, queue: int) -> int:
    """The queue, unless the card is suspended (or retired) or buried past `now`."""
    if row.status != "active":
        return QUEUE_SUSPENDED
    if row.buried_until is not None and moment(row.buried_until) > now:
        return QUEUE_BURIED
    return queue


def _interval(schedule_: dict[str, Any], at: datetime, settings: Settings) -> int:
    """A revlog interval: days for a review card, negative seconds for a learning step."""
    if schedule_.get("last_review") is None:
        return 0
    if schedule_["state"] == REVIEW:
        return max(1, day_number(schedule_["due"], settings) - day_number(at, settings))
    return -max(1, int((schedule_["due"] - at).total_seconds()))


def _kind(before: dict[str, Any]) -> int:
    """The revlog type of an answer: 0 learning (a new card too), 1 review, 2 relearning."""
    if before.get("last_review") is None:
        return 0
    return {LEARNING: 0, REVIEW: 1, RELEARNING: 2}[before["state"]]


def revlog_rows(
    card_id: int, row: CardRow, reviews: Sequence[ReviewRow], settings: Settings, used: set[int]
) -> list[tuple[Any, ...]]:
    """The card's reviews as revlog rows (id, cid, usn, ease, ivl, lastIvl, factor, time,
    type); `used` holds the ids taken so far, kept unique by moving a clash a millisecond."""
    if not reviews:
        return []
    current = {"state": row.state, "due": moment(row.due), "last_review": row.last_review}
    befores = [snapshot(review.before) for review in reviews]
    rows = []
    for review, before, after in zip(reviews, befores, [*befores[1:], current], strict=True):
        at = moment(review.reviewed_at)
        revlog_id = int(at.timestamp() * 1000)
        while revlog_id in used:
            revlog_id += 1
        used.add(revlog_id)
        kind = _kind(before)
        ivl = _interval(after, at, settings)
        last_ivl = _interval(before, before["last_review"] or at, settings)
        time = min(review.duration_ms or 0, _LONGEST_ANSWER_MS)
        factor = _FACTOR if kind else 0
        rows.append((revlog_id, card_id, -1, review.rating, ivl, last_ivl, factor, time, kind))
    return rows
