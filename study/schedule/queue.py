"""What to study now, for the drill: the scheduling rules (`study.schedule.rules`) run on the
store's session, so the drill serves exactly what `study due` counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from study.schedule.rules import Selection, select
from study.schedule.store import Store


def select_cards(
    store: Store,
    now: datetime,
    decks: Sequence[str] = (),
    tags: Sequence[str] = (),
    new_override: int | None = None,
) -> Selection:
    """The cards eligible now in the decks a user typed (all when empty), with what the daily
    limits held back; StudyError for an unknown deck."""
    return select(store.execute, now, store.resolve_decks(decks), tags, new_override)


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
