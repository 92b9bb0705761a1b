"""`study db copy`: a collection onto the PostgreSQL server and back, every row the same."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from study.cli import app
from study.schedule.answers import grade
from study.schedule.config import set_setting
from study.schedule.store import open_store
from tests.support import reviews, synced_notes

runner = CliRunner()
NOW = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
SHELL = """---
tags: [unix]
---
# Shell

## Files

What lists files?::ls
What prints the working directory?::pwd
"""
GIT = "# Git\n\n## Basics\n\nWhat shows the changes?::git status\n"
TABLES = ("setting", "deck_setting", "root", "note", "card", "review", "migration")


def _collection(tmp_path: Path) -> Path:
    """A file with two notes synced, two answers logged, a setting and a deck's own one."""
    db = synced_notes(tmp_path, {"shell.md": SHELL, "git.md": GIT}, NOW, "laptop.db")
    with open_store(db) as store:
        by_front = {card.front: card.id for card in store.cards()}
        grade(store, by_front["What lists files?"], 3, NOW, 4200, fuzz=False)
        grade(store, by_front["What shows the changes?"], 1, NOW, None, fuzz=False)
        set_setting(store, "new_per_day", "5")
        set_setting(store, "desired_retention", "0.8", deck="Shell")
    return db


def _rows(db: Path, table: str) -> list[tuple[object, ...]]:
    """Every row of `table` in key order (a migration row: its name; when is each file's own)."""
    selected = "name" if table == "migration" else "*"
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute(f"SELECT {selected} FROM {table}").fetchall(), key=repr)


def test_sqlite_to_server_to_sqlite_keeps_every_row(tmp_path: Path, pg_url: str) -> None:
    laptop, back = _collection(tmp_path), tmp_path / "back.db"
    there = runner.invoke(app, ["db", "copy", str(laptop), pg_url])
    assert there.exit_code == 0, there.output
    assert there.output == "copied 1 setting, 1 deck_setting, 1 root, 2 note, 3 card, 2 review\n"
    home = runner.invoke(app, ["db", "copy", pg_url, str(back)])
    assert home.exit_code == 0, home.output
    assert home.output == there.output
    for table in TABLES:
        assert _rows(back, table) == _rows(laptop, table), table
    assert reviews(back) == [("What lists files?", 3), ("What shows the changes?", 1)]
    assert _rows(back, "setting") == [("new_per_day", "5")]
    with sqlite3.connect(back) as conn:
        (due,) = conn.execute("SELECT due FROM card WHERE front = 'What lists files?'").fetchone()
        (at,) = conn.execute("SELECT reviewed_at FROM review WHERE id = 1").fetchone()
    assert at == 1772443815123456  # 2026-03-02 09:30:15.123456 UTC, to the microsecond, both ways
    assert due == "2026-03-02 09:40:15.123456"  # Good on a new card: its second step, 10 min on
    rowids = "SELECT rowid, id FROM card ORDER BY rowid"  # what the review log names cards by
    with sqlite3.connect(back) as conn, sqlite3.connect(laptop) as old:
        assert conn.execute(rowids).fetchall() == old.execute(rowids).fetchall()


def test_a_review_whose_card_was_gone_is_copied_too(tmp_path: Path, pg_url: str) -> None:
    """An old file's review of a card no longer there (card NULL since m009, `study db check`
    names it) is part of the log: copied, and counted, both ways."""
    laptop, back = _collection(tmp_path), tmp_path / "back.db"
    with sqlite3.connect(laptop) as conn:
        conn.execute("INSERT INTO review (card, rating, reviewed_at) VALUES (NULL, 3, 0)")
    there = runner.invoke(app, ["db", "copy", str(laptop), pg_url])
    assert there.exit_code == 0, there.output
    assert there.output.endswith(", 3 card, 3 review\n")
    assert runner.invoke(app, ["db", "copy", pg_url, str(back)]).exit_code == 0
    assert _rows(back, "review") == _rows(laptop, "review")


def test_the_server_goes_on_numbering_reviews_after_the_copied_ones(
    tmp_path: Path, pg_url: str
) -> None:
    laptop = _collection(tmp_path)
    assert runner.invoke(app, ["db", "copy", str(laptop), pg_url]).exit_code == 0
    with open_store(pg_url) as store:
        card = store.cards(decks=["Shell"])[1]
        grade(store, card.id, 4, NOW, None, fuzz=False)
        ids = [row[0] for row in store.execute("SELECT id FROM review ORDER BY id", {})]
    assert ids == [1, 2, 3]


def test_copying_into_a_collection_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    laptop = _collection(tmp_path)
    other = tmp_path / "other.db"
    with open_store(other) as store:
        set_setting(store, "fuzz", "off")
    result = runner.invoke(app, ["db", "copy", str(laptop), str(other)])
    assert result.exit_code == 1
    assert result.output == (
        f"study: {other} already holds a collection (1 setting); copy into an empty database\n"
    )
    assert _rows(other, "setting") == [("fuzz", "off")]
    assert _rows(other, "card") == []
