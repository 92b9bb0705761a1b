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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from study.schedule.exchange import Logged, Scheduled
from study.schedule.rules import day_start
from study.schedule.scheduler import Settings

# The package collection's creation: a fixed day, its start at the user's rollover hour.
_CREATED = datetime(2020, 1, 1, 12, tzinfo=UTC)
_FACTOR = 2500  # Anki's starting ease: used only if the user's Anki has FSRS off
_LONGEST_ANSWER_MS = 60_000  # Anki caps a revlog's answer time at a minute

# Anki's card types and queues (types: new, learning, review, relearning).
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_BURIED, QUEUE_DAY_LEARNING = -1, -3, 3
_KINDS = {LEARNING: 0, REVIEW: 1, RELEARNING: 2}  # revlog types: learn, review, relearn


def created(settings: Settings) -> int:
    """The package's `col.crt`: a study-day start, so day numbers fall on study days."""
    return int(day_start(_CREATED, settings.rollover_hour).timestamp())


def _study_date(moment_: datetime, rollover_hour: int) -> date:
    return day_start(moment_, rollover_hour).astimezone().date()


@lru_cache(maxsize=24)
def _first_date(rollover_hour: int) -> date:
    return _study_date(_CREATED, rollover_hour)


def day_number(moment_: datetime, settings: Settings) -> int:
    """The Anki day number (days since the package's creation) of the study day of `moment_`."""
    rollover = settings.rollover_hour
    return (_study_date(moment_, rollover) - _first_date(rollover)).days


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


def schedule(
    card: Scheduled,
    counts: tuple[int, int],
    both: tuple[Settings, Settings],
    now: datetime,
    position: int,
) -> Schedule:
    """Where a card stands, in Anki's columns; `counts` are its (reviews, lapses), `both`
    the package's (its study days) and the card's deck's (retention, steps), and `position` a
    new card's place in the queue."""
    settings, own = both
    if card.last_review is None or card.stability is None:
        return Schedule(due=position, queue=_held(card, now, NEW))
    due, last = card.due, card.last_review
    memory = {"s": round(card.stability, 4), "d": round(card.difficulty or 5.0, 4)}
    memory |= {"dr": own.desired_retention, "lrt": int(last.timestamp())}
    common: dict[str, Any] = {"reps": counts[0], "lapses": counts[1]}
    common["data"] = json.dumps(memory)
    if card.state == REVIEW:
        days = max(1, day_number(due, settings) - day_number(last, settings))
        queue = _held(card, now, REVIEW)
        return Schedule(REVIEW, queue, day_number(due, settings), days, _FACTOR, **common)
    steps = own.learning_steps if card.state == LEARNING else own.relearning_steps
    left = max(1, len(steps) - (card.step or 0))
    ivl = max(1, round(card.stability)) if card.state == RELEARNING else 0
    factor = _FACTOR if card.state == RELEARNING else 0
    if due - last >= timedelta(days=1):  # a step that ends on a later day: Anki's day queue
        queue, at = _held(card, now, QUEUE_DAY_LEARNING), day_number(due, settings)
    else:
        queue, at = _held(card, now, LEARNING), int(due.timestamp())
    return Schedule(card.state, queue, at, ivl, factor, left=left, **common)


def _held(card: Scheduled, now: datetime, queue: int) -> int:
    """The queue, unless the card is suspended (or retired) or buried past `now`."""
    if card.status != "active":
        return QUEUE_SUSPENDED
    if card.buried_until is not None and card.buried_until > now:
        return QUEUE_BURIED
    return queue


_DAY_MS = 86_400_000


def _interval(state: int, due: int | None, last: int | None, at: int) -> int:
    """A revlog interval from `at` (epoch ms): days for a review card, negative seconds for a
    learning step, 0 for a new card."""
    if last is None or due is None:
        return 0
    if state == REVIEW:
        return max(1, round((due - at) / _DAY_MS))
    return -max(1, (due - at) // 1000)


def _ms(moment_: datetime | None) -> int | None:
    return None if moment_ is None else round(moment_.timestamp() * 1000)


def revlog_rows(
    card_id: int, card: Scheduled, reviews: Sequence[Logged], used: set[int]
) -> Iterator[tuple[Any, ...]]:
    """The card's reviews as revlog rows (id, cid, usn, ease, ivl, lastIvl, factor, time,
    type); `used` holds the ids taken so far, kept unique by moving a clash a millisecond."""
    # The schedule an answer gave is the next answer's "before", or the card's own at the end.
    afters = [(r.state, r.due, r.last_review) for r in reviews[1:]]
    afters.append((card.state, _ms(card.due), _ms(card.last_review)))
    for review, after in zip(reviews, afters, strict=True):
        revlog_id = review.at
        while revlog_id in used:
            revlog_id += 1
        used.add(revlog_id)
        kind = 0 if review.last_review is None else _KINDS[review.state]
        ivl = _interval(*after, review.at)
        since = review.last_review or review.at
        last_ivl = _interval(review.state, review.due, review.last_review, since)
        time = min(review.duration_ms or 0, _LONGEST_ANSWER_MS)
        factor = _FACTOR if kind else 0
        yield (revlog_id, card_id, -1, review.rating, ivl, last_ivl, factor, time, kind)
