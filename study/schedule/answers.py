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
from study.schedule.answering import record
from study.schedule.rules import day_start
from study.schedule.scheduler import (
    Settings,
    card_before,
    load_settings,
    make_scheduler,
    preview_intervals,
    schedule_of,
)
from study.schedule.schema import Status, to_db
from study.schedule.store import CardRow, ReviewRow, Store


def grade(
    store: Store,
    card_id: str,
    rating: int,
    now: datetime,
    duration_ms: int | None = None,
    *,
    fuzz: bool | None = None,
    settings: Settings | None = None,
) -> CardRow:
    """Answer a card (1 Again, 2 Hard, 3 Good, 4 Easy): fsrs reschedules it, the review is logged.

    Committed at once, so a drill killed right after loses nothing. `fuzz` None means the
    `fuzz` setting; tests pass False for exact intervals. The card is read inside the write
    (locked, on a server) and answered by `answering.record`, the rule the drill's own
    answers (`answering.answer`) run too.
    """
    with store.writing():
        row = store.card(card_id, lock=True)
        settings = settings if settings is not None else load_settings(store, row.deck)
        schedule, leech = record(store.execute, row, rating, now, duration_ms, settings, fuzz)
    for name, value in schedule.items():  # the row as stored, without another read or write
        set_committed_value(row, name, value)
    if leech:
        set_committed_value(row, "leech", True)
        set_committed_value(row, "status", Status.SUSPENDED)
    return row


# The latest review (of one card, or of any), and its card's id.
_LAST = "SELECT r.id, c.id FROM review r JOIN card c ON c.rowid = r.card {} ORDER BY r.id DESC"


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
