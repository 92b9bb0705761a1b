"""The store's shared vocabulary: the timestamp text, card statuses and FSRS states.

The SQLModel tables (`study.schedule.store`) and the plain-sqlite3 fast paths (`study due`,
`study sync`, the scheduling rules) both read and write these, so they are written once here.
Light on purpose: no SQLModel, no fsrs, so `study due` can import it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum

# How a DATETIME column is stored: naive UTC text, always with microseconds. SQLModel writes
# this form, and two stamps compare as text the way their moments compare.
STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def to_db(moment: datetime) -> datetime:
    """An aware datetime in UTC, as the store's SQLModel columns take it."""
    if moment.tzinfo is None:
        raise ValueError("datetimes given to the store must be timezone-aware")
    return moment.astimezone(UTC)


def stamp(moment: datetime) -> str:
    """An aware datetime as the text a DATETIME column holds, for plain-SQL comparisons."""
    return to_db(moment).strftime(STAMP_FORMAT)


def from_stamp(value: str | datetime) -> datetime:
    """A column's value (stamp text, or a datetime SQLAlchemy made of it) as aware UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# How the review log stores a moment: whole microseconds since the epoch (UTC), an integer of
# 8 bytes where the stamp text takes 26, exact where a float timestamp would round.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_us(moment: datetime) -> int:
    """An aware datetime as the review log's integer: microseconds since the epoch."""
    return (to_db(moment) - _EPOCH) // _MICROSECOND


def from_epoch_us(value: int) -> datetime:
    """`epoch_us` undone: aware UTC."""
    return _EPOCH + int(value) * _MICROSECOND


class Status(StrEnum):
    """A card's status column. Only active cards are studied."""

    ACTIVE = "active"
    SUSPENDED = "suspended"  # taken out by the user (`!` in a drill), kept
    RETIRED = "retired"  # its note no longer makes it; kept with its history


class State(IntEnum):
    """A card's FSRS state column: fsrs.State's values (a test holds them equal)."""

    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3
