"""The schedule's side of the Anki exchange: what an export reads of every card and of the
review log (plain rows, for speed), and how `study import` merges answers given in Anki.

Reviews done in Anki come back by `study import`; each is added once (an answer is known by its
card and its moment: Anki's revlog id is the answer's time in milliseconds, and a review
`study` exported returns with the id it was given), then the card's FSRS state is recomputed
by replaying its whole history in time order through fsrs' scheduler, unfuzzed, so the same
history always gives the same schedule. The replay is written out here rather than taken from
`Scheduler.reschedule_card` (as `study.schedule.reschedule` does) because each review's
`before` snapshot is rewritten on the way, so an undo stays exact.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlmodel import select

from study.schedule.scheduler import Settings, make_scheduler, schedule_of
from study.schedule.schema import from_stamp, to_db
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
# The keys are the same in every `before` the log has held (study's columns, fsrs' Card JSON).
_MS = "CAST(round((julianday({}) - 2440587.5) * 86400000) AS INTEGER)"  # text -> epoch ms
_BEFORE = "json_extract(before, '$.{}')"
_LOGGED = (
    f"SELECT card_id, rating, {_MS.format('reviewed_at')}, duration_ms, {_BEFORE.format('state')},"
    f" {_MS.format(_BEFORE.format('due'))}, {_MS.format(_BEFORE.format('last_review'))}"
    " FROM review ORDER BY card_id, reviewed_at, id"
)
_COUNTS = (
    "SELECT card_id, count(*), sum(rating = 1 AND json_extract(before, '$.state') = 2"
    " AND json_extract(before, '$.last_review') IS NOT NULL) FROM review GROUP BY card_id"
)


def _raw(store: Store) -> sqlite3.Connection:
    """The store's own sqlite3 connection, inside the session's transaction."""
    store.file_only("the Anki export and import")
    connection = store.session.connection().connection.dbapi_connection
    assert isinstance(connection, sqlite3.Connection)
    return connection


def _maybe(value: str | None) -> datetime | None:
    return None if value is None else from_stamp(value)


def schedules(store: Store, statuses: Sequence[str]) -> dict[str, Scheduled]:
    """Every card of `statuses` with its schedule, by id."""
    sql = _SCHEDULED.format(statuses=", ".join("?" * len(statuses)))
    found = {}
    for row in _raw(store).execute(sql, list(statuses)):
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
    return {card_id: (reps, lapses) for card_id, reps, lapses in _raw(store).execute(_COUNTS)}


def logged_reviews(store: Store) -> Iterator[list[Logged]]:
    """The review log, one card at a time, each card's reviews oldest first."""
    rows = _raw(store).execute(_LOGGED)
    for _, reviews in itertools.groupby(rows, key=lambda row: row[0]):
        yield list(map(Logged._make, reviews))


def exported_note_types(store: Store, version: int) -> int | None:
    """Record the note types' version an export carries; returns the one recorded before."""
    raw = _raw(store)
    row = raw.execute("SELECT value FROM anki_export WHERE key = 'note_types'").fetchone()
    raw.execute(
        "INSERT OR REPLACE INTO anki_export (key, value) VALUES ('note_types', ?)", (version,)
    )
    return None if row is None else int(row[0])


def store_anki_times(store: Store, times: Iterable[tuple[str, int, str]]) -> None:
    """Record (content hash, modification time, card id) of exported notes; uncommitted."""
    _raw(store).executemany("UPDATE card SET anki_hash = ?, anki_mod = ? WHERE id = ?", times)


def known_answers(store: Store) -> dict[str, list[tuple[datetime, int]]]:
    """(moment, grade) of every review in the log, by card: what an import checks against."""
    found: dict[str, list[tuple[datetime, int]]] = {}
    for card_id, at, rating in _raw(store).execute(
        "SELECT card_id, reviewed_at, rating FROM review"
    ):
        found.setdefault(card_id, []).append((from_stamp(at), rating))
    return found


def is_known(answer: Answer, known: Iterable[tuple[datetime, int]]) -> bool:
    """Whether `answer` is one of `known` (the same grade within SAME_ANSWER)."""
    return any(
        rating == answer.rating and abs(at - answer.at) < SAME_ANSWER for at, rating in known
    )


def merge_answers(store: Store, row: CardRow, answers: Iterable[Answer], settings: Settings) -> int:
    """Add the answers the card's log lacks and recompute its schedule; returns how many were
    added. Uncommitted: the caller commits (or, for a dry run, rolls back)."""
    reviews = list(store.session.exec(select(ReviewRow).where(ReviewRow.card_id == row.id)))
    known = [(from_stamp(review.reviewed_at), review.rating) for review in reviews]
    added: list[ReviewRow] = []
    for answer in sorted(answers, key=lambda a: a.at):
        if is_known(answer, known):
            continue
        known.append((answer.at, answer.rating))
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
    history = sorted([*reviews, *added], key=lambda review: from_stamp(review.reviewed_at))
    _replay(row, history, settings)
    store.session.add(row)
    store.session.add_all(history)
    return len(added)


def _replay(row: CardRow, reviews: Sequence[ReviewRow], settings: Settings) -> None:
    """The card's schedule from its history alone; each review's `before` rewritten to match,
    so undoing the latest answer still restores exactly the schedule before it."""
    import fsrs

    scheduler = make_scheduler(settings, fuzz=False)
    card = fsrs.Card(card_id=0, due=from_stamp(row.added))
    for review in reviews:
        review.before = card.to_json()  # fsrs' own snapshot, as a grade keeps it
        at = from_stamp(review.reviewed_at)
        card, _ = scheduler.review_card(card, fsrs.Rating(review.rating), at, review.duration_ms)
    for name, value in schedule_of(card).items():
        setattr(row, name, value)
