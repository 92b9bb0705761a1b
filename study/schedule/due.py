"""What is due, counted: the numbers behind `study due`, its `--brief` form and the reminders.

`study due` runs from shell prompts and timers, so this is built to start fast: plain sqlite3
on a read-only connection, no SQLModel, no fsrs, no rich, no typer (`study.launch` answers it
before Typer is imported). What is due now is the scheduling rules' selection
(`study.schedule.rules.select`), the very one the drill serves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from study.errors import StudyError
from study.notes.lookup import tag_wanted
from study.paths import db_file, server_url
from study.schedule.database import connect_read_only, diagnose, has_json_log
from study.schedule.rules import (
    DONE_TODAY,
    LEARNING,
    NEW,
    REVIEW,
    indexed,
    known_decks,
    select,
    tagged,
)
from study.schedule.schema import State, Status, stamp

TYPE_CHECKING = False  # not typing's: see study.schedule.settings
if TYPE_CHECKING:
    from pathlib import Path

    from study.schedule.settings import Execute

_FIELDS = ("deck", "learning", "review", "new", "later_today", "tomorrow")
_HELD = ("held_review", "held_new")


class DeckDue:
    """One deck's counts: due now (learning, review, new), what falls due later, and the
    reviews and new cards the daily limits hold back now.

    A plain class, not a dataclass: importing dataclasses costs `study due` ~10 ms.
    """

    __slots__ = _FIELDS + _HELD

    def __init__(
        self,
        deck: str,
        learning: int,
        review: int,
        new: int,
        later_today: int,
        tomorrow: int,
        held_review: int = 0,
        held_new: int = 0,
    ) -> None:
        self.deck = deck
        self.learning = learning
        self.review = review
        self.new = new
        self.later_today = later_today
        self.tomorrow = tomorrow
        self.held_review = held_review
        self.held_new = held_new

    @property
    def total(self) -> int:
        """The cards a drill would show now."""
        return self.learning + self.review + self.new

    def to_json(self) -> dict[str, object]:
        fields = {name: getattr(self, name) for name in _FIELDS + _HELD}
        return {**fields, "total": self.total}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeckDue) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(tuple(self.to_json().values()))

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS + _HELD)
        return f"DeckDue({values})"


@contextmanager
def _reading(db_path: Path | str | None) -> Iterator[Execute]:
    """A read-only way to run the rules' SQL: plain sqlite3 on a file, plain psycopg on a
    server (both fast), or the store's session on a server to be made or upgraded first
    (`study.schedule.server`; SQLModel is imported only then)."""
    url = server_url(db_path)
    if url is not None:
        from study.schedule.migrations import MIGRATIONS
        from study.schedule.serverread import fast_reader

        with fast_reader(url, [migration.__name__ for migration in MIGRATIONS]) as fast:
            if fast is not None:
                yield fast
                return
        from study.schedule.store import open_store

        with open_store(url, create=False) as store:
            yield store.execute
        return
    path = db_file(db_path)  # text: pathlib is not imported (see study.paths)
    conn = connect_read_only(path)
    try:
        yield _unmigrated(conn) if has_json_log(conn) else conn.execute
    except sqlite3.DatabaseError as error:
        raise diagnose(path, error) from None
    finally:
        conn.close()


# A file whose review log is not yet in typed columns (m010_review_typed): `study due` reads
# files read-only, never migrating them, so it asks the old log the same question.
_DONE_TODAY_IN_JSON_LOG = f"""
SELECT c.deck,
  count(DISTINCT CASE WHEN json_extract(r.before, '$.last_review') IS NULL THEN r.card_id END),
  count(DISTINCT CASE WHEN json_extract(r.before, '$.last_review') IS NOT NULL
                       AND json_extract(r.before, '$.state') = {State.REVIEW} THEN r.card_id END)
FROM review r JOIN card c ON c.id = r.card_id
WHERE r.reviewed_at >= :start GROUP BY c.deck
"""


def _unmigrated(conn: sqlite3.Connection) -> Execute:
    """The rules' SQL on a file made before the typed review log: the one statement that
    reads the log is asked in the log's old words, the rest as they are."""

    def execute(sql: str, params: Mapping[str, object]) -> sqlite3.Cursor:
        return conn.execute(_DONE_TODAY_IN_JSON_LOG if sql == DONE_TODAY else sql, params)

    return execute


def due_counts(
    db_path: Path | str | None,
    now: datetime,
    decks: Sequence[str] = (),
    held: bool = True,
    tags: Sequence[str] = (),
) -> list[DeckDue]:
    """Per deck: learning and review cards due now, new cards available today, later today,
    tomorrow, and (`held`) what the daily limits hold back. `decks` (stored names) narrows
    the list, `tags` the cards counted (any of them, as the drill's `--tag`)."""
    with _reading(db_path) as execute:
        return counts(execute, now, decks, held, tags)


def deck_names(db_path: Path | str | None) -> list[str]:
    """The decks that have cards in the database (read-only, like `study due`)."""
    with _reading(db_path) as execute:
        return known_decks(execute)


# What is not due now but will be: learning cards later this study day, anything tomorrow.
_LATER_WHERE = f"""
from card c where c.status = '{Status.ACTIVE}' and c.last_review is not null
  and c.due > :now and c.due < :after
"""
_TODAY, _TOMORROW = f"c.due < :end and c.state != {State.REVIEW}", "c.due >= :end"


def _later_counted(
    execute: Execute, params: dict[str, str], decks: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """`_later` without tags, summed in SQL (the window may hold thousands of cards) from the
    learning and review indexes alone, one seek per deck in each: reading the cards' rows
    instead (`_LATER_WHERE`) costs `study due` ~1.5 ms at 100,000 cards. A card answered at
    least once is in one of the two (its state is learning, relearning or review)."""
    if not decks:
        return {}
    names = {f"deck{n}": deck for n, deck in enumerate(decks)}
    among = f"c.status = '{Status.ACTIVE}' AND c.deck IN ({', '.join(':' + n for n in names)})"
    # CASE, not a comparison: PostgreSQL does not add up booleans.
    learning = (
        f"SELECT c.deck, CASE WHEN c.due < :end THEN 1 ELSE 0 END AS today,"
        f" CASE WHEN c.due >= :end THEN 1 ELSE 0 END AS tomorrow FROM card c"
        f" WHERE {indexed(LEARNING)} AND {among} AND c.due > :now AND c.due < :after"
    )
    review = (
        f"SELECT c.deck, 0, 1 FROM card c"
        f" WHERE {indexed(REVIEW)} AND {among} AND c.due >= :end AND c.due < :after"
    )
    sql = f"SELECT deck, sum(today), sum(tomorrow) FROM ({learning} UNION ALL {review}) w"
    rows = execute(f"{sql} GROUP BY deck", params | names)
    return {deck: (int(a or 0), int(b or 0)) for deck, a, b in rows}


def _later(
    execute: Execute, params: dict[str, str], tags: Sequence[str], decks: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """Per deck of `decks`: (learning cards due later this study day, cards due tomorrow)."""
    if not tags:
        return _later_counted(execute, params, decks)
    wanted = tag_wanted(tags)
    later: dict[str, tuple[int, int]] = {}
    sql = f"select c.deck, c.tags, {_TODAY}, {_TOMORROW} {_LATER_WHERE}"
    for deck, card_tags, today, tomorrow in execute(sql, params):
        if tagged(card_tags, wanted):
            before = later.get(deck, (0, 0))
            later[deck] = (before[0] + int(today), before[1] + int(tomorrow))
    return later


def tagged_decks(execute: Execute, tags: Sequence[str]) -> set[str]:
    """The decks holding an active card with one of `tags` (`#` and case do not count)."""
    wanted = tag_wanted(tags)
    sql = f"select distinct deck, tags from card where status = '{Status.ACTIVE}'"
    return {deck for deck, card_tags in execute(sql, {}) if tagged(card_tags, wanted)}


def no_card_tagged(tags: Sequence[str]) -> StudyError:
    """What `study due --tag` and `study drill --tag` say of a tag no card has."""
    asked = ", ".join(tags)
    return StudyError(f"no card is tagged {asked}; `study cards PATH --json` shows the cards' tags")


def counts(
    execute: Execute,
    now: datetime,
    decks: Sequence[str] = (),
    held: bool = True,
    tags: Sequence[str] = (),
) -> list[DeckDue]:
    """`due_counts` on an open database's `execute` (stored deck names)."""
    names = known_decks(execute)
    if decks:
        names = [name for name in names if name in decks]
    if tags:  # a deck none of whose cards has the tag is not listed with zeros
        names = [name for name in names if name in tagged_decks(execute, tags)]
    selection = select(execute, now, names, tags, count_held=held)
    tallies = selection.counts()
    start = selection.start
    params = {"now": stamp(now), "end": stamp(start + timedelta(1))}
    later = _later(execute, params | {"after": stamp(start + timedelta(2))}, tags, names)
    result = []
    for deck in names:
        tally = tallies.get(deck, dict.fromkeys((LEARNING, REVIEW, NEW), 0))
        kept = selection.held.get(deck, {})
        result.append(
            DeckDue(
                deck,
                tally[LEARNING],
                tally[REVIEW],
                tally[NEW],
                *later.get(deck, (0, 0)),
                held_review=kept.get(REVIEW, 0),
                held_new=kept.get(NEW, 0),
            )
        )
    return result
