"""What `study drill` was asked for, and the clock it runs on (tests fix it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Options:
    """What `study drill` was asked for."""

    decks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    new_limit: int | None = None
    limit: int | None = None
    typed: bool = False
    wait: bool = True  # count down to a learning card due later, rather than end
