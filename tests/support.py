"""Helpers shared by the test modules."""

from __future__ import annotations

import gc
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from study.notes.parser import ParsedNote

REPO = Path(__file__).resolve().parent.parent
DECKS = REPO / "decks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def require_program(name: str) -> str:
    """The path of a system program a test needs, or a skip that names it.

    Under STUDY_TEST_STRICT=1 the skip becomes a failure (see conftest.py).
    """
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"needs the `{name}` program, which is not on PATH")
    return path


def reviews(db: Path) -> list[tuple[str, int]]:
    """(card front, rating) of every review row, oldest first."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "select card.front, review.rating from review join card on card.id = review.card_id"
            " order by review.id"
        ).fetchall()


def collector_states(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> list[bool]:
    """Whether the cycle collector was on each time `module.name` was called (a spy)."""
    seen: list[bool] = []
    real = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


def help_commands(output: str) -> list[str]:
    """The command names a `--help` page lists in its Commands panel, in order.

    Only a row's first cell counts: a command's name also appearing in another's description
    (`due` in "Drill the cards due now") proves nothing.
    """
    import re

    names: list[str] = []
    inside = False
    for line in output.splitlines():
        if "─ Commands ─" in line:
            inside = True
        elif inside and line.startswith("╰"):
            break
        elif inside and (match := re.match(r"│ (\S+)  ", line)):
            names.append(match.group(1))
    return names


def triples(note: ParsedNote) -> list[tuple[str, str, str]]:
    """A note's cards as (kind, front, back): what the card-rule tests assert, card by card."""
    return [(card.kind, card.front, card.back) for card in note.cards]
