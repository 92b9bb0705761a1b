"""The fsrs adapter: the settings in force as an `fsrs.Scheduler`, card rows as `fsrs.Card`.

No algorithm is written here; fsrs (FSRS-6) decides every interval. The settings' names and
checks are `study.schedule.settings`; the study day is `study.schedule.rules.day_start`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from study.errors import StudyError
from study.schedule.schema import epoch_us, from_epoch_us, from_stamp, stamp
from study.schedule.settings import Stored, parse_parameters, parse_steps, read_stored

if TYPE_CHECKING:
    import fsrs

    from study.schedule.settings import Execute
    from study.schedule.store import ReviewRow, Store


class Scheduled(Protocol):
    """A card as fsrs needs it: a store row (`CardRow`) or the drill's plain read (`Shown`);
    moments as stamp text or datetimes."""

    @property
    def id(self) -> str: ...
    @property
    def state(self) -> int: ...
    @property
    def step(self) -> int | None: ...
    @property
    def stability(self) -> float | None: ...
    @property
    def difficulty(self) -> float | None: ...
    @property
    def due(self) -> Any: ...
    @property
    def last_review(self) -> Any: ...


@dataclass(frozen=True)
class Settings:
    """The settings in force (for one deck, or the global ones), parsed."""

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    new_per_day: int = 20
    reviews_per_day: int = 200
    maximum_interval: int = 36500
    rollover_hour: int = 4
    fuzz: bool = True
    parameters: tuple[float, ...] | None = None  # None: fsrs' defaults
    learn_ahead: timedelta = timedelta(0)
    leech_lapses: int = 8

    @classmethod
    def from_text(cls, stored: Mapping[str, str]) -> Settings:
        """Settings from stored text: defaults for missing keys, unknown keys ignored (a newer
        release may add some), StudyError for a value edited by hand into nonsense."""
        values = Stored(dict(stored), {}).values()
        return cls(
            desired_retention=float(values["desired_retention"]),
            learning_steps=parse_steps(values["learning_steps"]),
            relearning_steps=parse_steps(values["relearning_steps"]),
            new_per_day=int(values["new_per_day"]),
            reviews_per_day=int(values["reviews_per_day"]),
            maximum_interval=int(values["maximum_interval"]),
            rollover_hour=int(values["rollover_hour"]),
            fuzz=values["fuzz"] == "on",
            parameters=parse_parameters(values["parameters"]),
            learn_ahead=timedelta(minutes=int(values["learn_ahead"])),
            leech_lapses=int(values["leech_lapses"]),
        )


def settings_in_force(execute: Execute, deck: str | None = None) -> Settings:
    """The settings in force for `deck` (its own values over the global ones), or globally,
    read through any connection's `execute` (the store's, or the drill's own sqlite3)."""
    return Settings.from_text(read_stored(execute).values(deck))


def load_settings(store: Store, deck: str | None = None) -> Settings:
    """The settings in force for `deck` in `store`."""
    return settings_in_force(store.execute, deck)


def make_scheduler(settings: Settings, fuzz: bool | None = None) -> fsrs.Scheduler:
    """The fsrs scheduler for these settings; `fuzz` None means the `fuzz` setting."""
    import fsrs

    fitted = {"parameters": settings.parameters} if settings.parameters else {}
    return fsrs.Scheduler(
        **fitted,
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzz if fuzz is None else fuzz,
    )


def _fsrs_card(
    state: int,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    due: datetime,
    last_review: datetime | None,
) -> fsrs.Card:
    """An fsrs card of these fields (card_id is fsrs bookkeeping only: 0, never the clock)."""
    import fsrs

    return fsrs.Card(
        card_id=0,
        state=fsrs.State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=due,
        last_review=last_review,
    )


def to_fsrs(row: Scheduled) -> fsrs.Card:
    """The fsrs view of a card row."""
    last = from_stamp(row.last_review) if row.last_review else None
    return _fsrs_card(row.state, row.step, row.stability, row.difficulty, from_stamp(row.due), last)


def schedule_of(card: fsrs.Card) -> dict[str, Any]:
    """An fsrs card's schedule as card-row column values (aware UTC datetimes)."""
    return {
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": from_stamp(card.due),
        "last_review": from_stamp(card.last_review) if card.last_review else None,
    }


# The review row's columns that hold the card before the answer, for an exact undo.
BEFORE = (
    "before_state",
    "before_step",
    "before_stability",
    "before_difficulty",
    "before_due",
    "before_last_review",
)


def snapshot(card: fsrs.Card) -> dict[str, Any]:
    """A card as the review log keeps it (the BEFORE columns): typed, the moments as
    `epoch_us`, so `card_before` gives back exactly this card."""
    return {
        "before_state": int(card.state),
        "before_step": card.step,
        "before_stability": card.stability,
        "before_difficulty": card.difficulty,
        "before_due": epoch_us(card.due),
        "before_last_review": epoch_us(card.last_review) if card.last_review else None,
    }


def card_before(review: ReviewRow) -> fsrs.Card:
    """The fsrs card a review's snapshot holds; a review with none (an empty snapshot, which
    no release writes any more) stands for a new card due when it was answered."""
    import fsrs

    if review.before_state is None or review.before_due is None:
        return fsrs.Card(card_id=0, due=from_epoch_us(review.reviewed_at))
    last = review.before_last_review
    return _fsrs_card(
        review.before_state,
        review.before_step,
        review.before_stability,
        review.before_difficulty,
        from_epoch_us(review.before_due),
        None if last is None else from_epoch_us(last),
    )


def review(
    scheduler: fsrs.Scheduler, row: Scheduled, rating: int, now: datetime, duration_ms: int | None
) -> tuple[fsrs.Card, fsrs.ReviewLog]:
    """The card after answering `row` with `rating` (1 Again .. 4 Easy) at `now`, and fsrs'
    log of that review."""
    import fsrs

    if rating not in (1, 2, 3, 4):
        raise StudyError(f"rating must be 1 (Again) to 4 (Easy), not {rating}")
    last = "None" if row.last_review is None else stamp(from_stamp(row.last_review))
    with _fuzz_seeded(f"{row.id} {last} {rating}"):
        return scheduler.review_card(
            to_fsrs(row), fsrs.Rating(rating), now.astimezone(UTC), duration_ms
        )


@contextmanager
def _fuzz_seeded(key: str) -> Iterator[None]:
    """fsrs draws its fuzz from `random`: seeded by the card, its last review and the rating,
    the label a grade shows (`preview_intervals`) is the interval that grade then gives."""
    import random

    saved = random.getstate()
    random.seed(key)
    try:
        yield
    finally:
        random.setstate(saved)


def preview_intervals(
    scheduler: fsrs.Scheduler, row: Scheduled, now: datetime
) -> dict[int, timedelta]:
    """The wait each rating would give, as Anki labels its buttons."""
    return Foreseen(scheduler, row, now).intervals()


class Foreseen:
    """The card after each rating, worked out at `now` (the back is shown), so the grade a
    moment later need not run fsrs again (`after`)."""

    def __init__(self, scheduler: fsrs.Scheduler, row: Scheduled, now: datetime) -> None:
        self.row, self.now = row, now.astimezone(UTC)
        self.cards = {
            rating: review(scheduler, row, rating, self.now, None)[0] for rating in RATINGS
        }

    def intervals(self) -> dict[int, timedelta]:
        return {rating: card.due - self.now for rating, card in self.cards.items()}

    def after(self, row: Scheduled, rating: int, now: datetime) -> fsrs.Card | None:
        """The card `rating` gives `row` at `now`, from the one foreseen: the same card moved on
        by the time between, when it is the same card and fsrs sees the same whole days since
        its last review (the only way fsrs reads an answer's time, besides setting the due and
        last review from it); None when it must be worked out anew."""
        last = self.row.last_review
        if row != self.row or rating not in self.cards:
            return None
        moment = now.astimezone(UTC)
        if (
            last is not None
            and (moment - from_stamp(last)).days != (self.now - from_stamp(last)).days
        ):
            return None
        card = copy(self.cards[rating])
        card.due += moment - self.now
        card.last_review = moment
        return card


RATINGS = (1, 2, 3, 4)
