"""The schedule's side of the Anki exchange: what an export reads of every card and of the
review log (plain rows, for speed), and how `study import` merges answers given in Anki.

Reviews done in Anki come back by `study import`; each is added once (an answer is known by its
card and its moment: Anki's revlog id is the answer's time in milliseconds, and a review
`study` exported returns with the id it was given), then the card's FSRS state is recomputed
by replaying its whole history in time order through fsrs' scheduler, unfuzzed, so the same
history always gives the same schedule. The replay is written out here rather than taken from
`Scheduler.reschedule_card` (as `study.schedule.reschedule` does) because each review's
snapshot of the card before it is rewritten on the way, so an undo stays exact.

Every statement is plain SQL with `:name` parameters through `Store.execute`: the file's own
sqlite3 connection (an export reads a million reviews), or the server through SQLAlchemy.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlmodel import select

from study.schedule.scheduler import Settings, make_scheduler, schedule_of, snapshot
from study.schedule.schema import epoch_us, from_epoch_us, from_stamp
from study.schedule.store import CardRow, ReviewRow, Store

# Two answers of one card this close with the same grade are one answer seen twice: an
# exported review's revlog id may be moved a millisecond or two to keep ids unique.
SAME_ANSWER = timedelta(seconds=1)


@dataclass(frozen=True)
class Answer:
    """One graded answer, wherever it was given."""

    at: datetime  # aware
    rating: int  # 1 Again .. 4 Easy
    duration_ms: int | None = None


class Scheduled(NamedTuple):
    """A card's schedule and Anki bookkeeping, as the export reads it (plain tuples: an export
    reads every card, and ORM objects for 100,000 of them cost seconds)."""

    id: str
    deck: str
    status: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    buried_until: datetime | None
    anki_guid: str | None
    anki_hash: str | None
    anki_mod: int | None


class Logged(NamedTuple):
    """One review as the export reads it, with the card's schedule before it; moments in
    epoch milliseconds (a million reviews as datetimes cost most of an export)."""

    card_id: str
    rating: int
    at: int
    duration_ms: int | None
    state: int  # before the answer
    due: int | None
    last_review: int | None  # None: the card was new


_SCHEDULED = (
    "SELECT id, deck, status, state, step, stability, difficulty, due, last_review, buried_until,"
    " anki_guid, anki_hash, anki_mod FROM card WHERE status IN ({statuses})"
)
# Epoch microseconds -> the milliseconds Anki counts in (a review's moment is its revlog id).
_MS = "{} / 1000"
_LOGGED = (
    f"SELECT c.id, r.rating, {_MS.format('r.reviewed_at')}, r.duration_ms, r.before_state,"
    f" {_MS.format('r.before_due')}, {_MS.format('r.before_last_review')}"
    " FROM review r JOIN card c ON c.rowid = r.card ORDER BY r.card, r.reviewed_at, r.id"
)
_COUNTS = (
    "SELECT c.id, count(*), sum(CASE WHEN r.rating = 1 AND r.before_state = 2"
    " AND r.before_last_review IS NOT NULL THEN 1 ELSE 0 END)"
    " FROM review r JOIN card c ON c.rowid = r.card GROUP BY c.id"
)


def _maybe(value: str | None) -> datetime | None:
    return None if value is None else from_stamp(value)


def schedules(store: Store, statuses: Sequence[str]) -> dict[str, Scheduled]:
    """Every card of `statuses` with its schedule, by id."""
    names = {f"status{i}": status for i, status in enumerate(statuses)}
    sql = _SCHEDULED.format(statuses=", ".join(":" + name for name in names))
    found = {}
    for row in store.execute(sql, names):
        card_id, deck, status, state, step, stability, difficulty, due, last, buried, *anki = row
        found[card_id] = Scheduled(
            card_id,
            deck,
            status,
            state,
            step,
            stability,
            difficulty,
            from_stamp(due),
            _maybe(last),
            _maybe(buried),
            *anki,
        )
    return found


def review_counts(store: Store) -> dict[str, tuple[int, int]]:
    """(reviews, lapses) of each reviewed card: a lapse is an Again on a card in review."""
    return {card_id: (reps, lapses) for card_id, reps, lapses in store.execute(_COUNTS, {})}


def logged_reviews(store: Store) -> Iterator[list[Logged]]:
    """The review log, one card at a time, each card's reviews oldest first."""
    rows = store.execute(_LOGGED, {})
    for _, reviews in itertools.groupby(rows, key=lambda row: row[0]):
        yield list(map(Logged._make, reviews))


def exported_note_types(store: Store, version: int) -> int | None:
    """Record the note types' version an export carries; returns the one recorded before."""
    key = {"key": "note_types"}
    row = next(iter(store.execute("SELECT value FROM anki_export WHERE key = :key", key)), None)
    store.execute("DELETE FROM anki_export WHERE key = :key", key)
    store.execute(
        "INSERT INTO anki_export (key, value) VALUES (:key, :value)", key | {"value": str(version)}
    )
    return None if row is None else int(row[0])


def store_anki_times(store: Store, times: Iterable[tuple[str, int, str]]) -> None:
    """Record (content hash, modification time, card id) of exported notes; uncommitted."""
    rows = [{"hash": digest, "mod": mod, "id": card_id} for digest, mod, card_id in times]
    store.execute_many("UPDATE card SET anki_hash = :hash, anki_mod = :mod WHERE id = :id", rows)


def known_answers(store: Store) -> dict[str, list[tuple[datetime, int]]]:
    """(moment, grade) of every review in the log, by card: what an import checks against."""
    found: dict[str, list[tuple[datetime, int]]] = {}
    sql = "SELECT c.id, r.reviewed_at, r.rating FROM review r JOIN card c ON c.rowid = r.card"
    for card_id, at, rating in store.execute(sql, {}):
        found.setdefault(card_id, []).append((from_epoch_us(at), rating))
    return found


def is_known(answer: Answer, known: Iterable[tuple[datetime, int]]) -> bool:
    """Whether `answer` is one of `known` (the same grade within SAME_ANSWER)."""
    return any(
        rating == answer.rating and abs(at - answer.at) < SAME_ANSWER for at, rating in known
    )


def merge_answers(store: Store, row: CardRow, answers: Iterable[Answer], settings: Settings) -> int:
    """Add the answers the card's log lacks and recompute its schedule; returns how many were
    added. Uncommitted: the caller commits (or, for a dry run, rolls back)."""
    card = store.rowid(row.id)
    assert card is not None  # `row` was read from this store
    reviews = list(store.session.exec(select(ReviewRow).where(ReviewRow.card == card)))
    known = [(from_epoch_us(review.reviewed_at), review.rating) for review in reviews]
    added: list[ReviewRow] = []
    for answer in sorted(answers, key=lambda a: a.at):
        if is_known(answer, known):
            continue
        known.append((answer.at, answer.rating))
        added.append(
            ReviewRow(
                card=card,
                rating=answer.rating,
                reviewed_at=epoch_us(answer.at),
                duration_ms=answer.duration_ms,
            )  # the replay fills in the card before it
        )
    if not added:
        return 0
    history = sorted([*reviews, *added], key=lambda review: review.reviewed_at)
    _replay(row, history, settings)
    store.session.add(row)
    store.session.add_all(history)
    return len(added)


def _replay(row: CardRow, reviews: Sequence[ReviewRow], settings: Settings) -> None:
    """The card's schedule from its history alone; each review's snapshot of the card before
    it rewritten to match, so undoing the latest answer still restores exactly that."""
    import fsrs

    scheduler = make_scheduler(settings, fuzz=False)
    card = fsrs.Card(card_id=0, due=from_stamp(row.added))
    for review in reviews:
        for name, value in snapshot(card).items():  # as a grade keeps it
            setattr(review, name, value)
        at = from_epoch_us(review.reviewed_at)
        card, _ = scheduler.review_card(card, fsrs.Rating(review.rating), at, review.duration_ms)
    for name, value in schedule_of(card).items():
        setattr(row, name, value)
