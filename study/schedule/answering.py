"""An answer's write, in plain SQL: the one rule `answers.grade` and the drill both run.

`record` turns a card and a rating into its new schedule (fsrs) and writes it and its review
row with two statements; `answer` is the drill's whole transaction around it: the card read
again (another drill may have answered it since it was shown), the answer, and the card to show
next read in the same transaction, so the drill knows whether the front it drew while the user
read the back is still the one to show. The statement texts are SQLite's and run as they are
on the file; on a server the Store translates them (`Store.execute`).

On a file the drill writes through `FileAnswers`, its own sqlite3 connection (plain
`BEGIN IMMEDIATE` ... `COMMIT`, durable: `synchronous = FULL`), rather than the SQLAlchemy
session, whose begin and commit cost more than the statements. No SQLModel here; fsrs is
imported by `study.schedule.scheduler` on the first answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from study.errors import StudyError
from study.schedule.database import connect
from study.schedule.scheduler import (
    BEFORE,
    Foreseen,
    Settings,
    make_scheduler,
    review,
    schedule_of,
    settings_in_force,
    snapshot,
    to_fsrs,
)
from study.schedule.schema import State, Status, epoch_us, stamp

if TYPE_CHECKING:
    from study.schedule.settings import Execute
    from study.schedule.store import Store

SCHEDULE = ("state", "step", "stability", "difficulty", "due", "last_review")
WRITE_CARD = (
    "UPDATE card SET " + ", ".join(f"{name} = :{name}" for name in SCHEDULE) + " WHERE id = :id"
)
_REVIEW = ("rating", "reviewed_at", "duration_ms", *BEFORE)
# The review names its card by the card's rowid (`ReviewRow.card`), looked up in the insert.
WRITE_REVIEW = (
    f"INSERT INTO review (card, {', '.join(_REVIEW)}) VALUES"
    f" ((SELECT rowid FROM card WHERE id = :card_id), {', '.join(':' + n for n in _REVIEW)})"
)
# The mark bound as a parameter: sqlite3 stores True as 1, PostgreSQL's boolean takes no 1.
MARK_LEECH = "UPDATE card SET leech = :leech, status = :status WHERE id = :id"
# A lapse: Again on a card in review, as the review row's snapshot recorded it.
LAPSES = f"""
    SELECT count(*) FROM review WHERE card = (SELECT rowid FROM card WHERE id = :card)
    AND rating = 1 AND before_state = {State.REVIEW}
"""


class Shown(NamedTuple):
    """A card as the drill shows and answers it, read with plain SQL (`read_card`): two reads
    compare equal exactly when nothing the drill uses changed in between."""

    id: str
    deck: str
    section: str
    kind: str
    front: str
    back: str
    status: str
    leech: bool
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: Any  # stamp text as read; a datetime once answered here
    last_review: Any
    note_path: str
    source: str
    line: int


_READ_CARD = f"SELECT {', '.join(Shown._fields)} FROM card WHERE id = :id"


def read_card(execute: Execute, card_id: str, lock: bool = False) -> Shown | None:
    """The card as stored now, or None; `lock` holds its row until the commit (a server's
    FOR UPDATE: two drills answering one card there take turns; a file's writer holds it all)."""
    sql = _READ_CARD + " FOR UPDATE" if lock else _READ_CARD
    found = next(iter(execute(sql, {"id": card_id})), None)
    return None if found is None else Shown(*found)


def lapses(execute: Execute, card_id: str) -> int:
    """How often a card was forgotten after it was learnt."""
    return int(next(iter(execute(LAPSES, {"card": card_id})))[0])


def record(
    execute: Execute,
    card: Any,
    rating: int,
    now: datetime,
    duration_ms: int | None,
    settings: Settings,
    fuzz: bool | None = None,
    foreseen: Foreseen | None = None,
) -> tuple[dict[str, Any], bool]:
    """Answers `card` (a row as stored now, inside the caller's write) with `rating`: fsrs's new
    schedule written to it, the review logged with the card before it (for an exact undo),
    and a lapse that makes `leech_lapses` of them marks it a leech and suspends it, as Anki
    does. fsrs runs only if the outcome `foreseen` when the back was shown does not hold.
    Returns the new schedule (aware datetimes) and whether it just became a leech."""
    before = snapshot(to_fsrs(card))
    after = None if foreseen is None else foreseen.after(card, rating, now)
    if after is None:
        after = review(make_scheduler(settings, fuzz), card, rating, now, duration_ms)[0]
    schedule = schedule_of(after)
    columns = {name: stamp(v) if isinstance(v, datetime) else v for name, v in schedule.items()}
    execute(WRITE_CARD, columns | {"id": card.id})
    # What fsrs's ReviewLog holds: the rating, the answer's moment and its duration.
    logged = {"card_id": card.id, "rating": rating, "reviewed_at": epoch_us(now)}
    execute(WRITE_REVIEW, logged | {"duration_ms": duration_ms} | before)
    leech = _new_leech(execute, card, rating, before["before_state"], settings.leech_lapses)
    if leech:
        execute(MARK_LEECH, {"id": card.id, "status": Status.SUSPENDED, "leech": True})
    return schedule, leech


def _new_leech(execute: Execute, card: Any, rating: int, before: int, threshold: int) -> bool:
    """Asked after the review row is written, so the mark and the answer land together."""
    if rating != 1 or before != State.REVIEW or not threshold or card.leech:
        return False
    return lapses(execute, card.id) >= threshold


class Answered(NamedTuple):
    """What a drill's answer wrote, and the card to show next as the same transaction read it."""

    card: Shown  # as stored after the answer
    became_leech: bool
    following: Shown | None


class FileAnswers:
    """The drill's reads and answers on a SQLite file: one sqlite3 connection in autocommit
    mode, each answer one `BEGIN IMMEDIATE` ... `COMMIT`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.lock = False  # the write lock holds the whole file: no row lock

    @classmethod
    def open(cls, path: Path) -> FileAnswers:
        return cls(connect(path))

    def execute(self, sql: str, params: Mapping[str, Any]) -> Any:
        return self.connection.execute(sql, dict(params))

    def end_read(self) -> None:
        """Nothing to end: each read outside a write is its own transaction."""

    @contextmanager
    def writing(self) -> Iterator[None]:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.connection.execute("COMMIT")
        except BaseException:
            if self.connection.in_transaction:  # a failed COMMIT may leave it open
                self.connection.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.connection.close()


class StoreAnswers:
    """The same reads and answers through the Store's session (a server; the same texts)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = store.url is not None

    def execute(self, sql: str, params: Mapping[str, Any]) -> Any:
        return self.store.execute(sql, params)

    def end_read(self) -> None:
        self.store.end_read()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self.store.writing():
            yield

    def close(self) -> None:
        """The store is its owner's to close."""


Answers = FileAnswers | StoreAnswers


def open_answers(store: Store) -> Answers:
    """The fastest way to write a drill's answers to `store`'s database."""
    return StoreAnswers(store) if store.url is not None else FileAnswers.open(store.path)


def settings_for(answers: Answers, deck: str) -> Settings:
    """The settings in force for `deck` (its own values over the global ones)."""
    settings = settings_in_force(answers.execute, deck)
    answers.end_read()
    return settings


def answer(
    answers: Answers,
    shown: Shown,
    rating: int,
    now: datetime,
    duration_ms: int | None,
    settings: Settings,
    following: str | None = None,
    foreseen: Foreseen | None = None,
) -> Answered:
    """One answer in one durable transaction: `shown` read again (answered as it stands now if
    anything changed since it was shown), the answer `record`ed, the card `following` read.
    StudyError if the card is gone."""
    with answers.writing():
        card = read_card(answers.execute, shown.id, lock=answers.lock)
        if card is None:
            raise StudyError(f"no card with id {shown.id}")
        schedule, leech = record(
            answers.execute, card, rating, now, duration_ms, settings, foreseen=foreseen
        )
        after = card._replace(**schedule)
        if leech:
            after = after._replace(leech=True, status=Status.SUSPENDED)
        ahead = None if following is None else read_card(answers.execute, following)
    return Answered(after, leech, ahead)
