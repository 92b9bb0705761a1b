"""The answers that change a card: grade, undo, bury, suspend, unsuspend.

A grade goes through fsrs (`study.schedule.scheduler`) with the settings of the card's deck;
the review row keeps the card before it in typed columns (`scheduler.snapshot`), so an undo
puts back exactly what was there (`scheduler.card_before`), and the row's rating, time and
duration are the `fsrs.ReviewLog` fsrs returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from study.errors import StudyError
from study.notes.card import Card
from study.notes.lookup import resolve_id
from study.schedule.rules import day_start
from study.schedule.scheduler import (
    BEFORE,
    Settings,
    card_before,
    load_settings,
    make_scheduler,
    preview_intervals,
    review,
    schedule_of,
    snapshot,
    to_fsrs,
)
from study.schedule.schema import State, Status, epoch_us, from_stamp, stamp, to_db
from study.schedule.store import CardRow, ReviewRow, Store

_SCHEDULE = ("state", "step", "stability", "difficulty", "due", "last_review")
_WRITE_CARD = (
    "UPDATE card SET " + ", ".join(f"{name} = :{name}" for name in _SCHEDULE) + " WHERE id = :id"
)
_REVIEW = ("rating", "reviewed_at", "duration_ms", *BEFORE)
# The review names its card by the card's rowid (`ReviewRow.card`), looked up in the insert.
_WRITE_REVIEW = (
    f"INSERT INTO review (card, {', '.join(_REVIEW)}) VALUES"
    f" ((SELECT rowid FROM card WHERE id = :card_id), {', '.join(':' + n for n in _REVIEW)})"
)


def grade(
    store: Store,
    card_id: str,
    rating: int,
    now: datetime,
    duration_ms: int | None = None,
    *,
    fuzz: bool | None = None,
    settings: Settings | None = None,
    shown: CardRow | None = None,
) -> CardRow:
    """Answer a card (1 Again, 2 Hard, 3 Good, 4 Easy): fsrs reschedules it, the review is logged.

    Committed at once, so a drill killed right after loses nothing. `fuzz` None means the
    `fuzz` setting; tests pass False for exact intervals. A drill passes the `settings` it
    previewed with, so they are not read again, and the row it `shown`; the card is checked
    inside the write (another drill may have graded it since it was shown), and it and its
    review row are written in one transaction as plain SQL (the ORM's flush cost more than
    the two statements).
    """
    with store.writing():
        row = _current(store, card_id, shown)
        before = snapshot(to_fsrs(row))
        settings = settings if settings is not None else load_settings(store, row.deck)
        after, log = review(make_scheduler(settings, fuzz), row, rating, now, duration_ms)
        schedule = schedule_of(after)
        columns = {name: _column(schedule[name]) for name in _SCHEDULE}
        store.execute(_WRITE_CARD, columns | {"id": row.id})
        store.execute(
            _WRITE_REVIEW,
            {
                "card_id": card_id,
                "rating": int(log.rating),
                "reviewed_at": epoch_us(log.review_datetime),
                "duration_ms": log.review_duration,
            }
            | before,
        )
        leech = _is_new_leech(store, row, rating, before["before_state"], settings.leech_lapses)
        if leech:
            store.execute(_MARK_LEECH, {"id": row.id, "status": Status.SUSPENDED, "leech": True})
    for name, value in schedule.items():  # the row as stored, without another read or write
        set_committed_value(row, name, value)
    if leech:
        set_committed_value(row, "leech", True)
        set_committed_value(row, "status", Status.SUSPENDED)
    return row


# What an answer depends on, read again inside its write: plain SQL, a fraction of the ORM's
# reload of the whole row.
_CURRENT = f"SELECT deck, leech, {', '.join(_SCHEDULE)} FROM card WHERE id = :id"


def _current(store: Store, card_id: str, shown: CardRow | None) -> CardRow:
    """The card as it stands inside the write: the row `shown` (read before the write began)
    when nothing an answer depends on has changed since, else the row read again (and
    locked, on a server, where a drill's shown row is always read again)."""
    if shown is None or store.url is not None:
        return store.card(card_id, lock=True)
    found = next(iter(store.execute(_CURRENT, {"id": card_id})), None)
    if found is None or not _unchanged(shown, tuple(found)):
        return store.card(card_id, lock=True)
    return shown


def _unchanged(row: CardRow, stored: tuple[object, ...]) -> bool:
    deck, leech, state, step, stability, difficulty, due, last = stored
    same = (deck, bool(leech), state, step, stability, difficulty) == (
        row.deck, row.leech, row.state, row.step, row.stability, row.difficulty
    )  # fmt: skip
    return same and _moments(due, last) == _moments(row.due, row.last_review)


def _moments(due: object, last: object) -> tuple[datetime, datetime | None]:
    """Due and last review as aware UTC, whether read as stamp text or as datetimes."""
    assert isinstance(due, str | datetime) and isinstance(last, str | datetime | None)
    return from_stamp(due), None if last is None else from_stamp(last)


def _column(value: object) -> object:
    """A schedule value as its column holds it (a datetime as the store's stamp text)."""
    return stamp(value) if isinstance(value, datetime) else value


# The mark bound as a parameter: sqlite3 stores True as 1, PostgreSQL's boolean takes no 1.
_MARK_LEECH = "UPDATE card SET leech = :leech, status = :status WHERE id = :id"


def _is_new_leech(store: Store, row: CardRow, rating: int, before: int, threshold: int) -> bool:
    """A lapse (Again on a card in review) that makes `leech_lapses` of them marks the card a
    leech and suspends it, as Anki does. Asked inside the grade's write, after its review row
    is written, so the mark and the answer land together."""
    if rating != 1 or before != State.REVIEW or not threshold or row.leech:
        return False
    return lapses(store, row.id) >= threshold


# A lapse: Again on a card in review, as the review row's snapshot recorded it.
_LAPSES = f"""
    SELECT count(*) FROM review WHERE card = (SELECT rowid FROM card WHERE id = :card)
    AND rating = 1 AND before_state = {State.REVIEW}
"""
# The latest review (of one card, or of any), and its card's id.
_LAST = "SELECT r.id, c.id FROM review r JOIN card c ON c.rowid = r.card {} ORDER BY r.id DESC"


def lapses(store: Store, card_id: str) -> int:
    """How often a card was forgotten after it was learnt."""
    return int(next(iter(store.execute(_LAPSES, {"card": card_id})))[0])


def undo_last(store: Store, card_id: str | None = None) -> str | None:
    """Take back the latest review (of `card_id`, if given): the card's schedule is restored
    exactly and the review row deleted. Returns the card's id, or None if there was none."""
    sql = _LAST.format("WHERE c.id = :card" if card_id is not None else "")
    with store.writing() as session:
        found = next(iter(store.execute(sql + " LIMIT 1", {"card": card_id})), None)
        if found is None:
            return None
        last = session.get(ReviewRow, int(found[0]))
        row = session.get(CardRow, str(found[1]), populate_existing=True)
        assert last is not None and row is not None  # read in this transaction
        for name, value in schedule_of(card_before(last)).items():
            setattr(row, name, value)
        if row.leech and last.rating == 1:  # the lapse that made it a leech is taken back
            row.leech, row.status = False, Status.ACTIVE
        session.add(row)
        session.delete(last)
    return row.id


def bury(store: Store, card_id: str, now: datetime) -> datetime:
    """Hide a card until the next study day starts; returns that moment (aware UTC)."""
    with store.writing() as session:
        until = day_start(now, load_settings(store).rollover_hour) + timedelta(days=1)
        row = store.card(card_id)
        row.buried_until = to_db(until)
        session.add(row)
    return until


def suspend(store: Store, card_id: str, suspended: bool = True) -> None:
    """Take a card out of every queue until it is unsuspended (suspended=False)."""
    with store.writing() as session:
        row = store.card(card_id)
        if row.status == Status.RETIRED:
            raise StudyError(f"card {card_id} is retired (its note no longer has it)")
        row.status = Status.SUSPENDED if suspended else Status.ACTIVE
        session.add(row)


def suspended(store: Store, decks: Sequence[str] = ()) -> list[Card]:
    """The suspended cards (of the decks a user typed, if any), in note order."""
    return store.cards(store.resolve_decks(decks), statuses=(Status.SUSPENDED,))


def unsuspend(store: Store, ids: Sequence[str]) -> list[Card]:
    """Bring suspended cards back into the queues; `ids` may be unique prefixes, as in git.

    All of them are checked before any is changed, so a typo changes nothing.
    """
    waiting = {card.id: card for card in suspended(store)}
    chosen: dict[str, Card] = {}
    for given in ids:
        card_id = resolve_id(given, waiting, "suspended card", "study suspended")
        chosen[card_id] = waiting[card_id]
    for card_id in chosen:
        suspend(store, card_id, suspended=False)
    return list(chosen.values())


def preview(
    store: Store,
    card_id: str,
    now: datetime,
    *,
    row: CardRow | None = None,
    settings: Settings | None = None,
) -> dict[int, timedelta]:
    """The wait each rating (1-4) would give this card now: the grade labels, which are what
    the grade then gives (fuzz included: see `scheduler.review`).

    A drill passes the `row` it shows and the `settings` of its deck (`load_settings`), read
    once for the preview and the grade that follows."""
    row = row if row is not None else store.card(card_id)
    settings = settings if settings is not None else load_settings(store, row.deck)
    return preview_intervals(make_scheduler(settings), row, now)


def reviews_of(store: Store, card_id: str) -> list[ReviewRow]:
    """A card's review log, oldest first."""
    query = select(ReviewRow).where(ReviewRow.card == store.rowid(card_id))
    return list(store.session.exec(query.order_by(col(ReviewRow.id))))
