"""Reschedule after the parameters or the desired retention changed: each reviewed card's
memory state is recomputed from its review history by fsrs (`Scheduler.reschedule_card`
replays the answers with the settings now in force), and its due date moves with it.

The review log is only read. Unfuzzed, so the same history always gives the same schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from study.schedule.history import card_histories
from study.schedule.scheduler import load_settings, make_scheduler, schedule_of
from study.schedule.schema import Status, stamp
from study.schedule.store import Store

_UPDATE = """
UPDATE card SET state = :state, step = :step, stability = :stability,
  difficulty = :difficulty, due = :due, last_review = :last_review WHERE id = :id
"""


@dataclass
class Rescheduled:
    cards: int  # cards with a history, replayed
    moved: int  # of them, cards whose due date changed

    def render(self) -> str:
        return f"rescheduled {self.cards} cards from their history; {self.moved} due dates moved"


def reschedule(store: Store, decks: Sequence[str] = ()) -> Rescheduled:
    """Recompute every reviewed card of `decks` (all when empty) from its history with its
    deck's settings; retired cards are left as they were. No clock: each answer carries its
    own time."""
    import fsrs

    rows = {
        str(card_id): (str(deck), str(status), str(due))
        for card_id, deck, status, due in store.execute(
            "SELECT id, deck, status, due FROM card", {}
        )
    }
    schedulers: dict[str, fsrs.Scheduler] = {}
    result = Rescheduled(0, 0)
    for card_id, answers in card_histories(store.execute, decks):
        deck, status, old_due = rows.get(card_id, ("", Status.RETIRED, ""))
        if status == Status.RETIRED:
            continue
        if deck not in schedulers:
            schedulers[deck] = make_scheduler(load_settings(store, deck), fuzz=False)
        logs = [fsrs.ReviewLog(0, fsrs.Rating(a.rating), a.at, None) for a in answers]
        card = schedulers[deck].reschedule_card(fsrs.Card(card_id=0), logs)
        values = _stamped(schedule_of(card))
        store.execute(_UPDATE, {**values, "id": card_id})
        result.cards += 1
        result.moved += values["due"] != old_due
    store.session.commit()
    return result


def _stamped(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: stamp(value) if isinstance(value, datetime) else value
        for name, value in values.items()
    }
