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

# Two command cards (and their reverses) under one heading: the drill's and browser's deck.
GIT_DECK = """# Git

## Commands

- `git status`

    Shows the working tree status.

- `git log --oneline`

    Shows the history, one line per commit.
"""


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


def editor_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR set to a program that writes the arguments it was given, as JSON, to the file
    returned."""
    import json
    import sys

    record = tmp_path / "editor-args.json"
    script = f"import json, sys; open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))"
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c {json.dumps(script)}")
    monkeypatch.delenv("VISUAL", raising=False)
    return record


def triples(note: ParsedNote) -> list[tuple[str, str, str]]:
    """A note's cards as (kind, front, back): what the card-rule tests assert, card by card."""
    return [(card.kind, card.front, card.back) for card in note.cards]
