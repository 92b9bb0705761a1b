"""The store: opening, creating and refusing database files; the reads every command needs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from study.errors import StudyError
from study.schedule.migrations import LATEST
from study.schedule.store import CardRow, open_store
from tests.pgserver import collection_at

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

NOTE = """---
tags: [unix]
---
# Shell

## Files

What lists files?::ls
What prints the working directory?::pwd
"""

GIT = """# Git

## Basics

What shows the working tree status?::git status
"""


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA journal_mode").fetchone()[0])


def test_open_creates_a_migrated_wal_database(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "study.db"
    with open_store(path) as store:
        assert store.path == path
        assert store.decks() == []
    assert _journal_mode(path) == "wal"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
        names = [row[0] for row in db.execute("SELECT name FROM migration")]
    assert names == [
        "m001_initial",
        "m002_card_retired_from",
        "m003_deck_setting",
        "m004_review_before_as_fsrs_card",
        "m005_card_queue_indexes_by_deck",
        "m006_anki_guid",
        "m007_note_stat",
        "m008_card_leech",
        "m009_folders_per_machine",
        "m010_review_typed",
        "m011_leaner_card_indexes",
        "m012_card_id_unique_index",
    ]


def test_default_database_lives_in_study_home(study_home: Path) -> None:
    with open_store(None) as store:
        assert store.path == study_home / "study.db"
    assert (study_home / "study.db").is_file()


def test_models_describe_the_migrated_schema(tmp_path: Path) -> None:
    """The SQLModel classes and the migrations must agree column for column."""
    path = tmp_path / "study.db"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        for table in SQLModel.metadata.sorted_tables:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table.name})")]
            assert sorted(columns) == sorted(c.name for c in table.columns), table.name


def test_missing_database_without_create_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    with pytest.raises(StudyError, match="no study database"):
        open_store(path, create=False)
    assert not path.exists()


def test_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match="is a folder"):
        open_store(tmp_path)


def test_text_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my shopping list\n")
    with pytest.raises(StudyError, match="not a study database"):
        open_store(path)
    assert path.read_text() == "my shopping list\n"


def test_foreign_sqlite_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    before = path.read_bytes()
    with pytest.raises(StudyError, match="not a study database"):
        open_store(path)
    assert path.read_bytes() == before
    assert _journal_mode(path) == "delete"


def _made_with_version(path: Path, version: int) -> bytes:
    open_store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute(f"PRAGMA user_version = {version}")
    return path.read_bytes()


def test_newer_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    before = _made_with_version(path, LATEST + 1)
    with pytest.raises(StudyError, match="newer study"):
        open_store(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_corrupt_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    _made_with_version(path, LATEST)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # page 1 after the header: the schema table
    path.write_bytes(bytes(data))
    with pytest.raises(StudyError, match="corrupt"):
        open_store(path)
    assert path.read_bytes() == bytes(data)


def _synced(tmp_path: Path, target: Path | str) -> Path | str:
    """The two notes synced into `target`: a file, or a fresh database on the server."""
    return collection_at(target, tmp_path, {"shell.md": NOTE, "git.md": GIT}, NOW)


def test_cards_and_decks_read_back_what_sync_stored(tmp_path: Path, db_target: Path | str) -> None:
    with open_store(_synced(tmp_path, db_target)) as store:
        assert store.decks() == ["Git", "Shell"]
        cards = store.cards(decks=["Shell"])
        assert [(c.front, c.back) for c in cards] == [
            ("What lists files?", "ls"),
            ("What prints the working directory?", "pwd"),
        ]
        assert cards[0].path == ("Files",)
        assert cards[0].tags == ("unix",)
        assert cards[0].source.endswith("shell.md")
        assert [c.deck for c in store.cards(tags=["#unix"])] == ["Shell", "Shell"]
        assert len(store.cards()) == 3


def test_cards_filter_by_status(tmp_path: Path, db_target: Path | str) -> None:
    with open_store(_synced(tmp_path, db_target)) as store:
        row = store.session.get(CardRow, store.cards(decks=["Git"])[0].id)
        assert row is not None
        row.status = "suspended"
        store.session.add(row)
        store.session.commit()
        assert store.decks() == ["Git", "Shell"]
        assert [c.deck for c in store.cards(decks=["Git"])] == []
        assert len(store.cards(decks=["Git"], statuses=("suspended",))) == 1


def test_unknown_card_id_is_an_error(db_target: Path | str) -> None:
    with open_store(db_target) as store, pytest.raises(StudyError, match="no card"):
        store.card("0123456789abcdef")
