"""The schedule: an adapter over the `fsrs` package (FSRS-6), the settings and the study day.

No algorithm is written here; fsrs decides every interval. This module turns the settings the
user keeps in the database into an `fsrs.Scheduler`, converts between card rows and
`fsrs.Card`, and says when the study day starts (04:00 local time by default, as Anki does).

`DEFAULTS`, `day_start` and `parse_steps` import neither fsrs nor SQLModel, so the fast
`study due` path can use them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from study.errors import StudyError

if TYPE_CHECKING:
    import fsrs

    from study.schedule.store import CardRow, Store

# Every setting as stored (text), with its default. A key missing from the table is the default.
DEFAULTS: dict[str, str] = {
    "desired_retention": "0.9",
    "learning_steps": "1m 10m",
    "relearning_steps": "10m",
    "new_per_day": "20",
    "reviews_per_day": "200",
    "maximum_interval": "36500",
    "rollover_hour": "4",
    "fuzz": "on",
    "learn_ahead": "0",
    "leech_lapses": "8",
}

HELP: dict[str, str] = {
    "desired_retention": "chance of recalling a card when it falls due (0.70-0.99)",
    "learning_steps": "waits between the first answers of a new card, e.g. '1m 10m'",
    "relearning_steps": "waits after forgetting a card, e.g. '10m'",
    "new_per_day": "new cards introduced per study day",
    "reviews_per_day": "reviews per study day",
    "maximum_interval": "longest wait between reviews, in days",
    "rollover_hour": "local hour at which the study day starts (0-23)",
    "fuzz": "spread intervals a little so cards learnt together drift apart (on/off)",
    "learn_ahead": "minutes a learning card may come back early when nothing else waits",
    "leech_lapses": "lapses that make a card a leech, suspended (0: never)",
}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """'1m 10m' -> (1 minute, 10 minutes); units s, m, h, d. An empty text means no steps."""
    steps = []
    for part in text.replace(",", " ").split():
        match = _STEP.match(part.strip().lower())
        if match is None:
            raise StudyError(f"bad step {part!r}: write steps like '1m 10m' (units s, m, h, d)")
        steps.append(timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)]))
    return tuple(steps)


def _number(kind: Callable[[str], Any], low: float, high: float) -> Callable[[str], str]:
    def check(text: str) -> str:
        try:
            value = kind(text)
        except ValueError:
            raise StudyError(f"{text!r} is not a number") from None
        if not low <= value <= high:
            raise StudyError(f"{text} is out of range ({low:g} to {high:g})")
        return str(value)

    return check


def _steps(text: str) -> str:
    parse_steps(text)
    return " ".join(text.replace(",", " ").lower().split())


def _switch(text: str) -> str:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return "on"
    if lowered in _FALSE:
        return "off"
    raise StudyError(f"{text!r} is not on or off")


# Each validator returns the value as it will be stored, or raises StudyError.
VALIDATORS: dict[str, Callable[[str], str]] = {
    "desired_retention": _number(float, 0.7, 0.99),
    "learning_steps": _steps,
    "relearning_steps": _steps,
    "new_per_day": _number(int, 0, 100_000),
    "reviews_per_day": _number(int, 0, 1_000_000),
    "maximum_interval": _number(int, 1, 36500),
    "rollover_hour": _number(int, 0, 23),
    "fuzz": _switch,
    "learn_ahead": _number(int, 0, 1440),
    "leech_lapses": _number(int, 0, 1000),
}


@dataclass(frozen=True)
class Settings:
    """The settings in force, parsed."""

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    new_per_day: int = 20
    reviews_per_day: int = 200
    maximum_interval: int = 36500
    rollover_hour: int = 4
    fuzz: bool = True
    learn_ahead: timedelta = timedelta(0)
    leech_lapses: int = 8

    @classmethod
    def from_text(cls, values: Mapping[str, str]) -> Settings:
        """Settings from stored text (unknown keys ignored: a newer release may add some)."""
        merged = dict(DEFAULTS)
        for key, value in values.items():
            if key in DEFAULTS:  # checked again: the file may have been edited by hand
                try:
                    merged[key] = validate(key, value)
                except StudyError as error:
                    raise StudyError(
                        f"stored setting {error}; fix it with `study config {key} VALUE`"
                    ) from None
        return cls(
            desired_retention=float(merged["desired_retention"]),
            learning_steps=parse_steps(merged["learning_steps"]),
            relearning_steps=parse_steps(merged["relearning_steps"]),
            new_per_day=int(merged["new_per_day"]),
            reviews_per_day=int(merged["reviews_per_day"]),
            maximum_interval=int(merged["maximum_interval"]),
            rollover_hour=int(merged["rollover_hour"]),
            fuzz=merged["fuzz"] == "on",
            learn_ahead=timedelta(minutes=int(merged["learn_ahead"])),
            leech_lapses=int(merged["leech_lapses"]),
        )


def validate(key: str, value: str) -> str:
    """The value as it will be stored; StudyError for an unknown key or a bad value."""
    if key not in VALIDATORS:
        raise StudyError(f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}")
    try:
        return VALIDATORS[key](value.strip())
    except StudyError as error:
        raise StudyError(f"{key}: {error}") from None


def day_start(now: datetime, rollover_hour: int = 4) -> datetime:
    """Start of the study day containing `now` (aware), as aware UTC.

    The day rolls over at `rollover_hour` local wall-clock time, so answering at 01:00 still
    counts for the evening before. Local time is the process's time zone (TZ); the boundary is
    computed on the wall clock, so a DST change moves it with the clock as a user expects.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone().replace(tzinfo=None)
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone().astimezone(UTC)  # naive -> local aware (mktime) -> UTC


def load_settings(store: Store) -> Settings:
    """The settings stored in the database, defaults for the rest."""
    from study.schedule.store import SettingRow

    rows = store.session.exec(_select(SettingRow)).all()
    return Settings.from_text({row.key: row.value for row in rows})


def list_settings(store: Store) -> list[tuple[str, str, str]]:
    """(key, value in force, help) for every setting, for `study config`."""
    from study.schedule.store import SettingRow

    stored = {row.key: row.value for row in store.session.exec(_select(SettingRow)).all()}
    return [(key, stored.get(key, default), HELP[key]) for key, default in DEFAULTS.items()]


def set_setting(store: Store, key: str, value: str) -> str:
    """Validate and store one setting; returns the value stored."""
    from study.schedule.store import SettingRow

    stored = validate(key, value)
    store.session.merge(SettingRow(key=key, value=stored))
    store.session.commit()
    return stored


def _select(model: Any) -> Any:
    from sqlmodel import select

    return select(model)


def make_scheduler(settings: Settings, fuzz: bool | None = None) -> fsrs.Scheduler:
    """The fsrs scheduler for these settings; `fuzz` None means the `fuzz` setting."""
    import fsrs

    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzz if fuzz is None else fuzz,
    )


def to_fsrs(row: CardRow) -> fsrs.Card:
    """The fsrs view of a card row (card_id is fsrs bookkeeping only: 0, never the clock)."""
    import fsrs

    return fsrs.Card(
        card_id=0,
        state=fsrs.State(row.state),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due.astimezone(UTC),
        last_review=row.last_review.astimezone(UTC) if row.last_review else None,
    )


def schedule_of(card: fsrs.Card) -> dict[str, Any]:
    """An fsrs card's schedule as card-row column values (aware UTC datetimes)."""
    return {
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due.astimezone(UTC),
        "last_review": card.last_review.astimezone(UTC) if card.last_review else None,
    }


def review(
    scheduler: fsrs.Scheduler, row: CardRow, rating: int, now: datetime, duration_ms: int | None
) -> dict[str, Any]:
    """The schedule columns after answering `row` with `rating` (1 Again .. 4 Easy) at `now`."""
    import fsrs

    if rating not in (1, 2, 3, 4):
        raise StudyError(f"rating must be 1 (Again) to 4 (Easy), not {rating}")
    with _fuzz_seeded(f"{row.id} {row.last_review} {rating}"):
        card, _ = scheduler.review_card(
            to_fsrs(row), fsrs.Rating(rating), now.astimezone(UTC), duration_ms
        )
    return schedule_of(card)


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
    scheduler: fsrs.Scheduler, row: CardRow, now: datetime
) -> dict[int, timedelta]:
    """The wait each rating would give, as Anki labels its buttons."""
    moment = now.astimezone(UTC)
    return {
        rating: review(scheduler, row, rating, moment, None)["due"] - moment
        for rating in range(1, 5)
    }


def config(db_path: Path | None, key: str | None, value: str | None) -> str:
    """`study config [KEY [VALUE]]`: list the settings, show one, or change one."""
    from study.schedule.store import open_store

    if key is not None and key not in DEFAULTS:
        raise StudyError(f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}")
    if value is not None:
        assert key is not None
        validate(key, value)  # before the database is even opened: a typo changes nothing
    with open_store(db_path) as store:
        if key is None:
            rows = list_settings(store)
            width = max(len(name) for name, _, _ in rows)
            return "\n".join(f"{name:<{width}}  {val:<8}  {hint}" for name, val, hint in rows)
        if value is None:
            return dict((name, val) for name, val, _ in list_settings(store))[key]
        return f"{key} = {set_setting(store, key, value)}"
