"""The settings: their names, defaults, checks, and where a value in force comes from.

A setting is stored as text in the `setting` table (global) or the `deck_setting` table (one
deck's own value, keyed by `deck_key`, like an Anki preset). The value in force for a deck is
the deck's own, else the global one, else the default. Light on purpose (no fsrs, no SQLModel,
no dataclasses): the scheduling rules read the limits through it on `study due`'s fast path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta

from study.errors import StudyError
from study.notes.lookup import deck_key

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
    "parameters": "",
    "backups": "7",
    "learn_ahead": "0",
    "leech_lapses": "8",
}

HELP: dict[str, str] = {
    "desired_retention": "chance of recalling a card when it falls due (0.70-0.99)",
    "learning_steps": "waits between the first answers of a new card, e.g. '1m 10m'",
    "relearning_steps": "waits after forgetting a card, e.g. '10m'",
    "new_per_day": "new cards introduced per study day, in each deck",
    "reviews_per_day": "reviews per study day, in each deck",
    "maximum_interval": "longest wait between reviews, in days",
    "rollover_hour": "local hour at which the study day starts (0-23)",
    "fuzz": "spread intervals a little so cards learnt together drift apart (on/off)",
    "parameters": "the 21 FSRS-6 weights (empty: the defaults); `study optimize` fits them",
    "backups": "daily copies of the database kept in backups/ beside it (0: none)",
    "learn_ahead": "minutes a learning card may come back early when nothing else waits",
    "leech_lapses": "lapses that make a card a leech, suspended (0: never)",
}

# The settings a deck may have its own value of (`study config --deck NAME KEY VALUE`). The study
# day and fuzzing stay global: one day for all decks, one way of spreading intervals.
DECK_KEYS = (
    "desired_retention",
    "learning_steps",
    "relearning_steps",
    "new_per_day",
    "reviews_per_day",
    "maximum_interval",
    "parameters",
    "leech_lapses",
)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_TRUE = {"on", "true", "yes", "1"}
_FALSE = {"off", "false", "no", "0"}

# Not `typing.TYPE_CHECKING`: importing typing costs `study due` a few ms (mypy goes by name).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    # Runs a query with named parameters: sqlite3.Connection.execute, or the ORM session's.
    Execute = Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]]


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """'1m 10m' -> (1 minute, 10 minutes); units s, m, h, d. An empty text means no steps."""
    steps = []
    for part in text.replace(",", " ").split():
        match = _STEP.match(part.strip().lower())
        if match is None:
            raise StudyError(f"bad step {part!r}: write steps like '1m 10m' (units s, m, h, d)")
        steps.append(timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)]))
    return tuple(steps)


def _number(kind: Callable[[str], float], low: float, high: float) -> Callable[[str], str]:
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


PARAMETER_COUNT = 21  # FSRS-6, as both fsrs and fsrs-rs-python use


def parse_parameters(text: str) -> tuple[float, ...] | None:
    """'0.212, 1.29, ...' -> the FSRS weights; an empty text means the defaults (None)."""
    parts = text.replace(",", " ").split()
    if not parts:
        return None
    try:
        weights = tuple(float(part) for part in parts)
    except ValueError:
        raise StudyError("parameters must be numbers separated by commas") from None
    if len(weights) != PARAMETER_COUNT:
        raise StudyError(f"FSRS-6 has {PARAMETER_COUNT} parameters, not {len(weights)}")
    return weights


def format_parameters(weights: Sequence[float] | None) -> str:
    """FSRS weights as stored: four decimals, comma-separated; None (the defaults) is ''."""
    return "" if weights is None else ", ".join(f"{weight:.4f}" for weight in weights)


def _parameters(text: str) -> str:
    return format_parameters(parse_parameters(text))


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
    "parameters": _parameters,
    "backups": _number(int, 0, 1000),
    "learn_ahead": _number(int, 0, 1440),
    "leech_lapses": _number(int, 0, 1000),
}


def validate(key: str, value: str) -> str:
    """The value as it will be stored; StudyError for an unknown key or a bad value."""
    if key not in VALIDATORS:
        raise StudyError(f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}")
    try:
        return VALIDATORS[key](value.strip())
    except StudyError as error:
        raise StudyError(f"{key}: {error}") from None


class Stored:
    """The settings as stored: the global values and each deck's own (by `deck_key`)."""

    __slots__ = ("decks", "globals")

    def __init__(self, globals: dict[str, str], decks: dict[str, dict[str, str]]) -> None:
        self.globals = globals
        self.decks = decks

    def sourced(self, deck: str | None = None) -> dict[str, tuple[str, str]]:
        """Every key's value in force (for `deck`, if given) and where it comes from:
        "deck", "global" or "default". A stored value edited by hand into nonsense is a
        StudyError saying how to fix it."""
        own = self.decks.get(deck_key(deck), {}) if deck is not None else {}
        values: dict[str, tuple[str, str]] = {}
        for key, default in DEFAULTS.items():
            if key in own and key in DECK_KEYS:
                values[key] = (_checked(key, own[key], deck), "deck")
            elif key in self.globals:
                values[key] = (_checked(key, self.globals[key], None), "global")
            else:
                values[key] = (default, "default")
        return values

    def values(self, deck: str | None = None) -> dict[str, str]:
        """Every key's value in force (for `deck`, if given), as stored text."""
        return {key: value for key, (value, _) in self.sourced(deck).items()}


def _checked(key: str, value: str, deck: str | None) -> str:
    try:
        return validate(key, value)
    except StudyError as error:
        where = f"--deck {deck!r} " if deck is not None else ""
        raise StudyError(
            f"stored setting {error}; fix it with `study config {where}{key} VALUE`"
        ) from None


# Whether the file has reached m003 (a server database always has: `study.schedule.server`).
HAS_DECK_SETTINGS = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deck_setting'"


def read_stored(execute: Execute) -> Stored:
    """The stored settings, global and per deck (a database from before per-deck settings has
    none: `study due` reads old files without migrating them)."""
    globals = {str(k): str(v) for k, v in execute("SELECT key, value FROM setting", {})}
    decks: dict[str, dict[str, str]] = {}
    if any(True for _ in execute(HAS_DECK_SETTINGS, {})):
        for deck, key, value in execute("SELECT deck, key, value FROM deck_setting", {}):
            decks.setdefault(str(deck), {})[str(key)] = str(value)
    return Stored(globals, decks)
