"""Helpers shared by the test modules."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

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
