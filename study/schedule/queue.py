"""What to study now, for the drill: the scheduling rules (`study.schedule.rules`) run on the
store's session (or, for the drill's first card, on the file read-only before the store is
open), so the drill serves exactly what `study due` counts.

Plain SQL through an `execute` callable, as the rules: nothing here imports SQLModel or fsrs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from study.notes.card import Kind
from study.notes.lookup import has_tag, tag_wanted
from study.schedule.rules import LEARNING, NEW, REVIEW, Pick, Selection, known_decks, select
from study.schedule.schema import State, Status, from_stamp, stamp

if TYPE_CHECKING:
    from study.schedule.settings import Execute
    from study.schedule.store import Store


class Reads(Protocol):
    """Where the drill reads its queue: the store, or the file read-only before it is open."""

    def execute(self, sql: str, params: Any) -> Any: ...

    def end_read(self) -> None:
        """Ends the read transaction, so another drill may write meanwhile."""


def select_cards(
    store: Store,
    now: datetime,
    decks: Sequence[str] = (),
    tags: Sequence[str] = (),
    new_override: int | None = None,
    count_held: bool = False,
) -> Selection:
    """The cards eligible now in the decks a user typed (all when empty), and (`count_held`)
    what the daily limits held back; StudyError for an unknown deck."""
    decks = store.resolve_decks(decks)
    return select(store.execute, now, decks, tags, new_override, count_held)


def build_queue(
    store: Store,
    now: datetime,
    decks: Sequence[str] = (),
    tags: Sequence[str] = (),
    new_override: int | None = None,
) -> list[str]:
    """Card ids to study now, in order (see `study.schedule.rules` for the rules).

    `new_override` replaces the daily new-card limits for this session (`study drill --new N`).
    """
    return [pick.id for pick in select_cards(store, now, decks, tags, new_override).picks]


# The (re)learning cards of some decks that fall due later this study day.
_LATER = f"""
SELECT c.due, c.id, c.tags, c.last_review FROM card c
WHERE c.status = '{Status.ACTIVE}' AND c.last_review IS NOT NULL
  AND c.state IN ({State.LEARNING}, {State.RELEARNING}) AND c.due > :now AND c.due < :end
  AND c.deck IN (SELECT value FROM json_each(:decks))
ORDER BY c.due
"""


def learning_later(
    execute: Execute, now: datetime, end: datetime, decks: Sequence[str], tags: Sequence[str]
) -> list[tuple[datetime, str, str | None]]:
    """(due, id, version) of the cards in (re)learning that fall due after `now`, before `end`
    (the end of the study day): the drill waits for them, and counts them as learning still to
    come. `version` is the card's last review as read here (see `study.schedule.rules.Pick`)."""
    names = json.dumps(list(decks or known_decks(execute)))
    params = {"now": stamp(now), "end": stamp(end), "decks": names}
    wanted = tag_wanted(tags)
    return [
        (from_stamp(due), card_id, version)
        for due, card_id, card_tags, version in execute(_LATER, params)
        if has_tag(json.loads(card_tags), wanted)
    ]


_STAGES = f"""
SELECT id, CASE WHEN last_review IS NULL THEN '{NEW}' WHEN state = {State.REVIEW} THEN '{REVIEW}'
  ELSE '{LEARNING}' END
FROM card WHERE id IN (SELECT value FROM json_each(:ids))
"""


def stages(execute: Execute, ids: Sequence[str]) -> dict[str, str]:
    """Each card's queue part as it stands now: new, learning (or relearning) or review."""
    return {str(i): str(part) for i, part in execute(_STAGES, {"ids": json.dumps(list(ids))})}


# `s.kind = ...` repeats the WHERE of the partial index ix_card_note word for word: that is how
# SQLite knows it may look the reverse up there.
_TYPED_SIBLING = f"""
SELECT s.id, c.id FROM card c JOIN card s ON s.note = c.note AND s.kind = '{Kind.COMMAND_REVERSE}'
WHERE c.id IN (SELECT value FROM json_each(:ids)) AND c.kind = '{Kind.COMMAND}'
  AND s.status = '{Status.ACTIVE}' AND s.last_review IS NULL
"""


def typed_first(execute: Execute, picks: Sequence[Pick]) -> list[Pick]:
    """`study drill --typed`: new command cards give their place to their reverse (what it does
    -> type the command), and the cards to type come first, from the start of the drill."""
    new = [pick.id for pick in picks if pick.part == NEW]
    sibling = {
        forward: reverse for reverse, forward in execute(_TYPED_SIBLING, {"ids": json.dumps(new)})
    }
    swapped = [
        Pick(sibling[pick.id], pick.deck, pick.part) if pick.id in sibling else pick
        for pick in picks
    ]
    typed = set(sibling.values())
    return sorted(swapped, key=lambda pick: pick.id not in typed)


_NEXT_DUE = f"""
SELECT min(due) FROM card WHERE status = '{Status.ACTIVE}' AND last_review IS NOT NULL
  AND due > :now AND deck IN (SELECT value FROM json_each(:decks))
"""


def next_due(execute: Execute, now: datetime, decks: Sequence[str] = ()) -> datetime | None:
    """When the next answered card of `decks` (all when empty) falls due after `now`."""
    names = json.dumps(list(decks or known_decks(execute)))
    [(value,)] = execute(_NEXT_DUE, {"now": stamp(now), "decks": names})
    return None if value is None else from_stamp(value)


class Face:
    """What the front of a card shows, read with plain SQL (the drill's first card is drawn
    before the store is open)."""

    __slots__ = ("deck", "front", "kind", "section")

    def __init__(self, deck: str, section: str, kind: str, front: str) -> None:
        self.deck, self.section, self.kind, self.front = deck, section, kind, front


def face(execute: Execute, card_id: str) -> Face | None:
    """The front of an active card, or None (gone, suspended or retired since it was picked)."""
    sql = "SELECT deck, section, kind, front FROM card WHERE id = :id AND status = :active"
    found = list(execute(sql, {"id": card_id, "active": str(Status.ACTIVE)}))
    return Face(*found[0]) if found else None
