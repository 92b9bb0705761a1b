"""What to study now, and the answers that change a card: grade, undo, bury, suspend.

The order is Anki's: cards in (re)learning that are due now, then reviews due by the end of
the study day (up to the daily review limit), then new cards in the order they were added (up
to the daily new-card limit, less the new cards already introduced today). Siblings (a card
and its reverse share `note`) are never both shown on one study day.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from study.errors import StudyError
from study.notes.card import Card
from study.schedule.scheduler import (
    Settings,
    day_start,
    load_settings,
    make_scheduler,
    preview_intervals,
    review,
)
from study.schedule.store import CardRow, ReviewRow, Store, to_db

SCHEDULE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review")

# Shared by the three queue parts: a card must be active, not buried, and have no sibling
# answered since the study day began.
_ELIGIBLE = """
    c.status = 'active'
    AND (c.buried_until IS NULL OR c.buried_until <= :now)
    AND NOT EXISTS (
        SELECT 1 FROM card s WHERE s.note = c.note AND s.id != c.id AND s.last_review >= :start
    )
"""
# These terms repeat the WHERE of the partial indexes ix_card_learning and ix_card_new word for
# word: that is how SQLite knows it may use them (100,000 cards: 200 ms -> 2 ms).
_LEARNING = "c.last_review IS NOT NULL AND c.state IN (1, 3) AND c.due <= :now ORDER BY c.due"
_REVIEW = "c.last_review IS NOT NULL AND c.state = 2 AND c.due < :end ORDER BY c.due"
_NEW = "c.last_review IS NULL ORDER BY c.rowid"
_DONE_TODAY = """
    SELECT count(DISTINCT card_id) FROM review
    WHERE reviewed_at >= :start AND json_extract(before, '$.last_review') IS {new} NULL
"""


def db_text(moment: datetime) -> str:
    """A datetime as the text the database stores (naive UTC, always with microseconds)."""
    return to_db(moment).strftime("%Y-%m-%d %H:%M:%S.%f")  # the text SQLModel writes


def check_decks(store: Store, decks: Sequence[str]) -> None:
    """StudyError naming the first of `decks` that has no card, and the decks there are."""
    exists = text("SELECT 1 FROM card WHERE deck = :deck AND status != 'retired' LIMIT 1")
    unknown = [d for d in decks if store.session.execute(exists, {"deck": d}).first() is None]
    if unknown:
        listing = ", ".join(store.decks()) or "none yet; run `study sync PATH`"
        raise StudyError(f"no deck named {unknown[0]!r} (decks: {listing})")


def _filters(store: Store, decks: Sequence[str], tags: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """SQL conditions and parameters for the deck and tag filters; StudyError on unknown decks."""
    sql, params = "", {}
    if decks:
        check_decks(store, decks)
        names = [f":deck{i}" for i in range(len(decks))]
        sql += f" AND c.deck IN ({', '.join(names)})"
        params.update({f"deck{i}": deck for i, deck in enumerate(decks)})
    if tags:
        names = [f":tag{i}" for i in range(len(tags))]
        sql += (
            " AND EXISTS (SELECT 1 FROM json_each(c.tags)"
            f" WHERE lower(ltrim(json_each.value, '#')) IN ({', '.join(names)}))"
        )
        params.update({f"tag{i}": tag.lstrip("#").lower() for i, tag in enumerate(tags)})
    return sql, params


def build_queue(
    store: Store,
    now: datetime,
    decks: Sequence[str] = (),
    tags: Sequence[str] = (),
    new_limit: int | None = None,
    review_limit: int | None = None,
    typed_first: bool = False,
) -> list[str]:
    """Card ids to study now, in order.

    `new_limit` / `review_limit` given explicitly are for this session; left out, they are the
    daily settings less what was already done this study day (counted over all decks).
    `typed_first` (`study drill --typed`) puts new command-reverse cards (what it does -> the
    command) first, so they, not their forward siblings, are the ones shown today.
    """
    settings = load_settings(store)
    start = day_start(now, settings.rollover_hour)
    filters, params = _filters(store, decks, tags)
    params |= {"now": db_text(now), "start": db_text(start), "end": db_text(start + timedelta(1))}
    if new_limit is None:
        new_limit = max(0, settings.new_per_day - _done_today(store, params, new=True))
    if review_limit is None:
        review_limit = max(0, settings.reviews_per_day - _done_today(store, params, new=False))
    queue: list[str] = []
    notes: set[str] = set()
    new = _NEW.replace("ORDER BY", "ORDER BY c.kind != 'command-reverse',") if typed_first else _NEW
    for part, limit in ((_LEARNING, None), (_REVIEW, review_limit), (new, new_limit)):
        taken = 0
        sql = f"SELECT c.id, c.note FROM card c WHERE {_ELIGIBLE} {filters} AND {part}"
        for card_id, note in store.session.execute(text(sql), params):
            if limit is not None and taken >= limit:
                break
            if note in notes:
                continue
            notes.add(note)
            queue.append(card_id)
            taken += 1
    return queue


def learning_later(
    store: Store, now: datetime, decks: Sequence[str] = (), tags: Sequence[str] = ()
) -> list[tuple[datetime, str]]:
    """(due, id) of the cards in (re)learning that fall due later this study day."""
    settings = load_settings(store)
    end = day_start(now, settings.rollover_hour) + timedelta(days=1)
    filters, params = _filters(store, decks, tags)
    sql = (
        "SELECT c.due, c.id FROM card c WHERE c.status = 'active' AND c.last_review IS NOT NULL"
        f" AND c.state IN (1, 3) AND c.due > :now AND c.due < :end {filters} ORDER BY c.due"
    )
    rows = store.session.execute(text(sql), params | {"now": db_text(now), "end": db_text(end)})
    return [(datetime.fromisoformat(due).replace(tzinfo=UTC), card_id) for due, card_id in rows]


def stages(store: Store, ids: Sequence[str]) -> dict[str, str]:
    """Each card's place in Anki's counts: "new", "learning" (or relearning) or "review"."""
    sql = (
        "SELECT id, CASE WHEN last_review IS NULL THEN 'new' WHEN state = 2 THEN 'review'"
        " ELSE 'learning' END FROM card WHERE id IN (SELECT value FROM json_each(:ids))"
    )
    rows = store.session.execute(text(sql), {"ids": json.dumps(list(ids))})
    return {card_id: stage for card_id, stage in rows}


def _done_today(store: Store, params: dict[str, Any], new: bool) -> int:
    sql = _DONE_TODAY.format(new="" if new else "NOT")
    if not new:
        sql += " AND json_extract(before, '$.state') = 2"
    return int(store.session.execute(text(sql), {"start": params["start"]}).scalar_one())


def _schedule_json(row: CardRow) -> str:
    """The card's schedule columns, as the review row keeps them for an exact undo."""
    values: dict[str, Any] = {}
    for name in SCHEDULE_COLUMNS:
        value = getattr(row, name)
        values[name] = (
            value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value
        )
    return json.dumps(values)


def _restore(row: CardRow, before: str) -> None:
    values = json.loads(before)
    for name in SCHEDULE_COLUMNS:
        value = values[name]
        if name in ("due", "last_review") and value is not None:
            value = datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
        setattr(row, name, value)


def grade(
    store: Store,
    card_id: str,
    rating: int,
    now: datetime,
    duration_ms: int | None = None,
    *,
    fuzz: bool | None = None,
) -> CardRow:
    """Answer a card (1 Again, 2 Hard, 3 Good, 4 Easy): fsrs reschedules it, the review is logged.

    Committed at once, so a drill killed right after loses nothing. `fuzz` None means the
    `fuzz` setting; tests pass False for exact intervals.
    """
    settings = load_settings(store)
    row = store.card(card_id)
    before = _schedule_json(row)
    after = review(make_scheduler(settings, fuzz), row, rating, now, duration_ms)
    for name, value in after.items():
        setattr(row, name, value)
    store.session.add(row)
    store.session.add(
        ReviewRow(
            card_id=card_id,
            rating=rating,
            reviewed_at=to_db(now),
            duration_ms=duration_ms,
            before=before,
        )
    )
    lapsed = rating == 1 and json.loads(before)["state"] == 2
    if lapsed and settings.leech_lapses and not row.leech:
        store.session.flush()
        if lapses(store, card_id) >= settings.leech_lapses:
            row.leech, row.status = True, "suspended"  # as Anki does: tagged and suspended
    store.session.commit()
    return row


# A lapse: Again on a card in review (state 2), as the review row's `before` recorded it.
_LAPSES = """
    SELECT count(*) FROM review
    WHERE card_id = :card AND rating = 1 AND json_extract(before, '$.state') = 2
"""


def lapses(store: Store, card_id: str) -> int:
    """How often a card was forgotten after it was learnt."""
    return int(store.session.execute(text(_LAPSES), {"card": card_id}).scalar_one())


def undo_last(store: Store, card_id: str | None = None) -> str | None:
    """Take back the latest review (of `card_id`, if given): the card's schedule is restored
    exactly and the review row deleted. Returns the card's id, or None if there was none."""
    query = select(ReviewRow).order_by(col(ReviewRow.id).desc()).limit(1)
    if card_id is not None:
        query = query.where(ReviewRow.card_id == card_id)
    last = store.session.exec(query).first()
    if last is None:
        return None
    row = store.session.get(CardRow, last.card_id, populate_existing=True)
    if row is not None:
        _restore(row, last.before)
        if row.leech and last.rating == 1:  # the lapse that made it a leech is taken back
            row.leech, row.status = False, "active"
        store.session.add(row)
    store.session.delete(last)
    store.session.commit()
    return last.card_id


def bury(store: Store, card_id: str, now: datetime) -> datetime:
    """Hide a card until the next study day starts; returns that moment (aware UTC)."""
    settings = load_settings(store)
    until = day_start(now, settings.rollover_hour) + timedelta(days=1)
    row = store.card(card_id)
    row.buried_until = to_db(until)
    store.session.add(row)
    store.session.commit()
    return until


def suspend(store: Store, card_id: str, suspended: bool = True) -> None:
    """Take a card out of every queue until it is unsuspended (suspended=False)."""
    row = store.card(card_id)
    if row.status == "retired":
        raise StudyError(f"card {card_id} is retired (its note no longer has it)")
    row.status = "suspended" if suspended else "active"
    store.session.add(row)
    store.session.commit()


def suspended(store: Store, decks: Sequence[str] = ()) -> list[Card]:
    """The suspended cards (of `decks`, if given), in note order."""
    check_decks(store, decks)
    return store.cards(decks, statuses=("suspended",))


def unsuspend(store: Store, ids: Sequence[str]) -> list[Card]:
    """Bring suspended cards back into the queues; `ids` may be unique prefixes, as in git.

    All of them are checked before any is changed, so a typo changes nothing.
    """
    waiting = suspended(store)
    chosen: dict[str, Card] = {}
    for given in ids:
        matches = [card for card in waiting if card.id.startswith(given.lower())]
        if not given or not matches:
            raise StudyError(f"no suspended card with id {given!r} (see `study suspended`)")
        if len(matches) > 1:
            raise StudyError(f"{given!r} is the start of {len(matches)} suspended cards' ids")
        chosen[matches[0].id] = matches[0]
    for card_id in chosen:
        suspend(store, card_id, suspended=False)
    return list(chosen.values())


def preview(store: Store, card_id: str, now: datetime) -> dict[int, timedelta]:
    """The wait each rating (1-4) would give this card now: the grade labels, which are what
    the grade then gives (fuzz included: see `scheduler.review`)."""
    settings: Settings = load_settings(store)
    return preview_intervals(make_scheduler(settings), store.card(card_id), now)


def reviews_of(store: Store, card_id: str) -> list[ReviewRow]:
    """A card's review log, oldest first."""
    query = select(ReviewRow).where(ReviewRow.card_id == card_id).order_by(col(ReviewRow.id))
    return list(store.session.exec(query))


__all__ = [
    "build_queue",
    "bury",
    "check_decks",
    "grade",
    "lapses",
    "learning_later",
    "preview",
    "reviews_of",
    "stages",
    "suspend",
    "suspended",
    "undo_last",
    "unsuspend",
]
