"""The next card, made ready while the user reads the back of this one.

What the next front will be does not depend on the grade, unless the grade brings this card
back first (the queue decides: `Drill._next`, after the answer is written). So once the back is
drawn, the drill looks at the card its queue would take next, reads it, reads its deck's
settings and draws its front into text, once for each count of learning cards the grade may
leave. After the key, only the answer is written, and the front is written out if the same
transaction found the card as it was read here and the queue took it: otherwise the drill
reads and draws as it always did. Nothing here reads the wall clock or writes the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, NamedTuple

from study.drill.screen import Counts, front_text
from study.notes.card import Kind
from study.notes.cardview import front_markdown
from study.schedule.answering import Shown
from study.schedule.rules import LEARNING, NEW, REVIEW
from study.schedule.scheduler import Settings


class Ahead(NamedTuple):
    """The next card made ready: as read, its settings, its fronts drawn for each count."""

    card: Shown
    settings: Settings
    behind: Counter[str | None]  # the queue parts of the cards queued after it
    queued: int  # how many cards are queued after it
    width: int  # the terminal's width the fronts were drawn for
    fronts: dict[Counts, str]


def counts_of(behind: Counter[str | None], shown: Sequence[str | None], learning: int) -> Counts:
    """New / learning / review still to come: the queued cards' parts (`behind`), the part of
    the card on screen (`shown`: one, or none) and the (re)learning cards due later."""
    tally = behind.copy()
    tally.update(shown)
    # A card with no part recorded is new.
    return Counts(tally[NEW] + tally[None], tally[LEARNING] + learning, tally[REVIEW])


def peek(
    pending: Sequence[str], learning: list[tuple[datetime, str]], now: datetime, ahead: timedelta
) -> tuple[str, bool] | None:
    """The card `Drill._next` takes at `now` (and whether from the learning cards), without
    taking it; None when it would build the queue anew or find nothing. `learning` is sorted."""
    if learning and learning[0][0] <= now:
        return learning[0][1], True
    if pending:
        return pending[0], False
    if learning and learning[0][0] <= now + ahead:
        return learning[0][1], True
    return None


def front_of(card: Any, typed: bool) -> tuple[str, str, bool]:
    """A card's front as the drill draws it: the deck and heading path, the side (Markdown),
    and whether the "show answer" hint goes under it (not for a command to type)."""
    place = " › ".join(part for part in (card.deck, *card.section.split(" > ")) if part)
    hint = not (typed and card.kind == Kind.COMMAND_REVERSE)
    return place, front_markdown(card.kind, card.front), hint


def make_ready(
    console: Any,
    card: Shown,
    settings: Settings,
    queue: tuple[Sequence[str], dict[str, str], int],
    from_learning: bool,
    typed: bool,
) -> Ahead:
    """The next card's fronts drawn ahead, for `queue` (pending ids, each id's part, the
    (re)learning cards due later) as it will be once the card is taken: one front for this
    grade leaving the learning cards as they are, one for it adding itself to them."""
    pending, stage, learning = queue
    rest = pending if from_learning else islice(pending, 1, None)
    behind = Counter(map(stage.get, rest))
    part = LEARNING if from_learning else stage.get(card.id)
    left = learning - from_learning
    place, side, hint = front_of(card, typed)
    fronts = {}
    for counts in (counts_of(behind, [part], left), counts_of(behind, [part], left + 1)):
        fronts[counts] = front_text(console, place, counts, side, hint)
    return Ahead(card, settings, behind, len(pending) - (not from_learning), console.width, fronts)
