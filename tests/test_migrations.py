"""Migrations: named, ordered, applied once, atomic, and never edited once shipped."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from study.errors import StudyError
from study.schedule import migrations
from study.schedule.migration_steps import m001_initial
from study.schedule.migrations import MIGRATIONS, migrate
from study.schedule.scheduler import BEFORE, card_before
from study.schedule.store import ReviewRow, open_store

# The schema each shipped migration leads to, fingerprinted. If this test fails, a shipped
# migration was edited: revert it and add a new migration instead.
SHIPPED = {
    "m001_initial": "b3263d2d63175704",
    "m002_card_retired_from": "09d6fe7e41dec2eb",
    "m003_deck_setting": "e974d377d59391e1",
    "m004_review_before_as_fsrs_card": "e974d377d59391e1",  # data only: schema unchanged
    "m005_card_queue_indexes_by_deck": "bb99e2fac2724949",
    "m006_anki_guid": "19415066f08ae154",
    "m007_note_stat": "e686395c12c161ff",
    "m008_card_leech": "9d1fff2928e5b63c",
    "m009_folders_per_machine": "e9caea27a47adfe0",
    "m010_review_typed": "c13b5e789b97be6c",
    "m011_leaner_card_indexes": "c7b0248b0a61f4f4",
    "m012_card_id_unique_index": "3d963989f2e21c08",
}


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _schema(db: sqlite3.Connection) -> str:
    rows = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    return "\n".join(f"{kind} {name} {sql}" for kind, name, sql in rows)


def test_names_are_numbered_in_order_and_unique() -> None:
    names = [migration.__name__ for migration in MIGRATIONS]
    assert names[0] == "m001_initial"
    assert names == [f"m{i:03d}_{name.split('_', 1)[1]}" for i, name in enumerate(names, 1)]
    assert len(set(names)) == len(names)


def test_shipped_migrations_are_never_edited(tmp_path: Path) -> None:
    assert list(SHIPPED) == [migration.__name__ for migration in MIGRATIONS]  # each one shipped
    db = _connect(tmp_path / "fingerprint.db")
    for migration in MIGRATIONS[: len(SHIPPED)]:
        migration(db)
        digest = hashlib.sha256(_schema(db).encode()).hexdigest()[:16]
        assert SHIPPED[migration.__name__] == digest, migration.__name__


def test_upgrade_from_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    db = _connect(path)
    assert migrate(db) == [m.__name__ for m in MIGRATIONS]
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"root", "note", "card", "review", "setting", "migration"} <= tables
    assert migrate(db) == []  # applied once
    assert db.execute("SELECT count(*) FROM migration").fetchone()[0] == len(MIGRATIONS)


def next_card_flag(db: sqlite3.Connection) -> None:
    """A stand-in for the next release's migration."""
    db.execute("ALTER TABLE card ADD COLUMN flag INTEGER NOT NULL DEFAULT 0")


def _oldest(path: Path) -> None:
    """A database as the first release left it, with a card and a review in it."""
    db = _connect(path)
    m001_initial(db)
    db.execute("INSERT INTO migration VALUES ('m001_initial', '2026-01-01 00:00:00.000000')")
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO card (id, note, note_path, deck, kind, front, back, source, line, due, "
        "added, state, stability) VALUES ('c1', 'c1', '/n.md', 'D', 'basic', 'Q', 'A', '/n.md', "
        "3, '2026-01-05 00:00:00.000000', '2026-01-01 00:00:00.000000', 2, 4.5)"
    )
    db.execute(
        "INSERT INTO review (card_id, rating, reviewed_at, before) "
        "VALUES ('c1', 3, '2026-01-01 10:00:00.000000', '{}')"
    )
    db.close()


def test_upgrade_from_the_oldest_schema_keeps_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    _oldest(path)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, next_card_flag])
    open_store(path).close()
    db = _connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    assert [r[0] for r in db.execute("SELECT name FROM migration ORDER BY applied_at")] == [
        *(m.__name__ for m in MIGRATIONS),
        "next_card_flag",
    ]
    assert db.execute("SELECT id, state, stability, retired_from, flag FROM card").fetchall() == [
        ("c1", 2, 4.5, None, 0)
    ]
    assert db.execute(
        "SELECT c.id, r.rating FROM review r JOIN card c ON c.rowid = r.card"
    ).fetchall() == [("c1", 3)]


def _broken(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE half (x)")
    raise sqlite3.OperationalError("disk I/O error")


def test_a_failing_migration_leaves_the_old_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    _oldest(path)
    before = _schema(_connect(path))
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, _broken])
    with pytest.raises(StudyError, match=r"old\.db: database error: disk I/O error"):
        open_store(path)
    db = _connect(path)
    assert _schema(db) == before
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    _oldest(path)
    db = _connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    newer = rf"newer study \(schema {len(MIGRATIONS) + 1}, this release knows {len(MIGRATIONS)}\)"
    with pytest.raises(StudyError, match=newer):
        migrate(db)


def test_the_sqlmodel_tables_are_the_migrated_schema(tmp_path: Path) -> None:
    """One schema: the ORM's table classes and the plain-SQL paths see the same columns."""
    from sqlmodel import SQLModel

    import study.schedule.store  # noqa: F401 (defines the tables)

    db = _connect(tmp_path / "schema.db")
    migrate(db)
    for name, table in SQLModel.metadata.tables.items():
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({name})")]
        assert sorted(columns) == sorted(table.columns.keys()), name
    assert {"card", "review", "setting", "deck_setting"} <= set(SQLModel.metadata.tables)


def test_m004_turns_old_review_snapshots_into_fsrs_cards(tmp_path: Path) -> None:
    import fsrs

    db = _connect(tmp_path / "old.db")
    for migration in MIGRATIONS[:3]:
        migration(db)
    old: dict[str, object] = {
        "state": 2,
        "step": None,
        "stability": 3.5,
        "difficulty": 6.25,
        "due": "2026-03-02 12:00:00.000000",
        "last_review": "2026-02-27 08:30:00.250000",
    }
    new = {**old, "state": 1, "step": 0, "stability": None, "difficulty": None}
    new["last_review"] = None
    for before in (old, new):
        db.execute(
            "INSERT INTO review (card_id, rating, reviewed_at, before) VALUES ('c', 3, 'x', ?)",
            (json.dumps(before),),
        )
    MIGRATIONS[3](db)
    rows = [json.loads(row[0]) for row in db.execute("SELECT before FROM review ORDER BY id")]
    assert rows[0] == {
        "card_id": 0,
        "state": 2,
        "step": None,
        "stability": 3.5,
        "difficulty": 6.25,
        "due": "2026-03-02T12:00:00.000000+00:00",
        "last_review": "2026-02-27T08:30:00.250000+00:00",
    }
    card = fsrs.Card.from_dict(rows[0])
    assert card.due == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert card.last_review == datetime(2026, 2, 27, 8, 30, 0, 250000, tzinfo=UTC)
    assert fsrs.Card.from_dict(rows[1]).last_review is None
    assert rows[1]["due"] == "2026-03-02T12:00:00.000000+00:00"


def test_m010_keeps_every_review_in_typed_columns_exact_to_the_microsecond(
    tmp_path: Path,
) -> None:
    """A log as m004..m009 left it (fsrs' Card JSON, text ids and stamps) becomes typed
    columns: the card's rowid, epoch microseconds, fsrs' fields."""
    db = _connect(tmp_path / "old.db")
    for migration in MIGRATIONS[:9]:
        migration(db)
    for card_id in ("c0", "c1"):
        db.execute(
            "INSERT INTO card (id, note, note_path, deck, kind, front, back, source, line, due,"
            " added) VALUES (?, 'n', 'n.md', 'D', 'basic', 'f', 'b', 'n.md', 1, 'x', 'x')",
            (card_id,),
        )
    reviewed = {
        "card_id": 0,
        "state": 2,
        "step": None,
        "stability": 3.5,
        "difficulty": 6.25,
        "due": "2026-03-02T12:00:00.000001+00:00",
        "last_review": "2026-02-27T08:30:00.250000+00:00",
    }
    new = {"card_id": 0, "state": 1, "step": 0, "stability": None, "difficulty": None}
    new |= {"due": "2026-03-02T12:00:00+00:00", "last_review": None}  # fsrs omits a zero fraction
    for card_id, before in (("c1", reviewed), ("c0", new), ("c0", reviewed), ("gone", new)):
        db.execute(
            "INSERT INTO review (card_id, rating, reviewed_at, duration_ms, before)"
            " VALUES (?, 3, '2026-03-03 10:00:00.000250', 1500, ?)",
            (card_id, json.dumps(before)),
        )
    for stamp in ("2026-03-04 00:00:00.000000", "2026-03-05 00:00:00.000000"):
        db.execute(
            "INSERT INTO review (card_id, rating, reviewed_at, before) VALUES ('c1', 4, ?, '{}')",
            (stamp,),
        )
    db.execute("DELETE FROM review WHERE id IN (3, 6)")  # ids keep their gaps, and 6 was used

    MIGRATIONS[9](db)

    rows = db.execute(
        "SELECT id, card, rating, reviewed_at, duration_ms, before_state, before_step,"
        " before_stability, before_difficulty, before_due, before_last_review FROM review"
    ).fetchall()
    at = 1772532000000250  # 2026-03-03 10:00:00.000250 UTC
    assert rows == [
        (1, 2, 3, at, 1500, 2, None, 3.5, 6.25, 1772452800000001, 1772181000250000),
        (2, 1, 3, at, 1500, 1, 0, None, None, 1772452800000000, None),
        (4, None, 3, at, 1500, 1, 0, None, None, 1772452800000000, None),  # its card is gone
        (5, 2, 4, 1772582400000000, None, None, None, None, None, None, None),  # no snapshot
    ]
    # An undo puts back exactly the card fsrs had (due to the microsecond).
    restored = card_before(ReviewRow(card=2, rating=3, reviewed_at=at, **_before(rows[0])))
    assert (restored.state, restored.stability, restored.difficulty) == (2, 3.5, 6.25)
    assert restored.due == datetime(2026, 3, 2, 12, 0, 0, 1, tzinfo=UTC)
    assert restored.last_review == datetime(2026, 2, 27, 8, 30, 0, 250000, tzinfo=UTC)
    columns = {row[1] for row in db.execute("PRAGMA table_info(review)")}
    assert not columns & {"before", "card_id"}
    indexes = {row[1] for row in db.execute("PRAGMA index_list(review)")}
    assert indexes == {"ix_review_card"}  # by time: see ix_card_last_review
    card_indexes = {row[1] for row in db.execute("PRAGMA index_list(card)")}
    assert "ix_card_last_review" in card_indexes
    db.execute("INSERT INTO review (card, rating, reviewed_at) VALUES (1, 3, 0)")
    assert db.execute("SELECT max(id) FROM review").fetchone() == (7,)  # 6 is not handed out again


def _before(row: tuple[object, ...]) -> dict[str, object]:
    return dict(zip(BEFORE, row[5:], strict=True))


def _card_at_m010(
    db: sqlite3.Connection, card_id: str, last_review: str | None, kind: str = "basic"
) -> None:
    db.execute(
        "INSERT INTO card (id, note, note_path, deck, kind, front, back, source, line, due,"
        " added, last_review, state, anki_guid) VALUES (?, 'n', 'v/n.md', 'D', ?, 'f', 'b',"
        " '/v/n.md', 1, '2026-03-05 00:00:00.000000', '2026-03-01 00:00:00.000000', ?, 2, 'g')",
        (card_id, kind, last_review),
    )


# The card table's indexes after m011, each with whether it is unique (none is): what the id's
# uniqueness rests on differs with the file (its primary key, or m012's `ix_card_id`).
CARD_INDEXES = {
    "ix_card_status_due": 0,
    "ix_card_deck": 0,
    "ix_card_note": 0,
    "ix_card_note_path": 0,
    "ix_card_new": 0,
    "ix_card_learning": 0,
    "ix_card_review": 0,
    "ix_card_last_review": 0,
}


def test_m011_and_m012_keep_every_card_with_its_rowid_and_every_review(tmp_path: Path) -> None:
    """A file holding cards: rows, rowids (what the log names a card by) and the log's join
    unchanged, the id still its primary key; the narrowed indexes hold only the cards their
    queries read (a reviewed card; a command's reverse)."""
    db = _connect(tmp_path / "m010.db")
    for migration in MIGRATIONS[:10]:
        migration(db)
    _card_at_m010(db, "new", None)
    _card_at_m010(db, "gone", None)
    _card_at_m010(db, "seen", "2026-03-02 09:00:00.000000", kind="command-reverse")
    db.execute("DELETE FROM card WHERE id = 'gone'")  # rowid 2 left free: a gap kept
    db.execute("INSERT INTO review (card, rating, reviewed_at) VALUES (3, 3, 1772442000000000)")
    before = db.execute("SELECT rowid, * FROM card ORDER BY rowid").fetchall()

    MIGRATIONS[10](db)
    MIGRATIONS[11](db)

    assert db.execute("SELECT rowid, * FROM card ORDER BY rowid").fetchall() == before
    assert [row[0] for row in before] == [1, 3]
    joined = "SELECT c.id, r.rating FROM review r JOIN card c ON c.rowid = r.card"
    assert db.execute(joined).fetchall() == [("seen", 3)]
    unique = {row[1]: row[2] for row in db.execute("PRAGMA index_list(card)")}
    assert unique == {"sqlite_autoindex_card_1": 1, **CARD_INDEXES}  # 1: the primary key's
    db.execute("ANALYZE")  # sqlite_stat1: each index's number of entries first (none if empty)
    entries = dict(db.execute("SELECT idx, CAST(stat AS INTEGER) FROM sqlite_stat1"))
    assert entries == {
        "sqlite_autoindex_card_1": 2,
        "ix_card_deck": 2,
        "ix_card_note_path": 2,
        "ix_card_new": 1,
        "ix_card_status_due": 1,
        "ix_card_last_review": 1,
        "ix_card_note": 1,
        "ix_card_review": 1,
        "ix_review_card": 1,
    }
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_m012_gives_an_empty_card_table_an_id_index_a_first_sync_can_drop(
    tmp_path: Path,
) -> None:
    db = _connect(tmp_path / "m011.db")
    for migration in MIGRATIONS[:11]:
        migration(db)

    MIGRATIONS[11](db)

    columns = [
        (row[1], row[2], row[3], row[4], row[5]) for row in db.execute("PRAGMA table_info(card)")
    ]
    assert columns[0] == ("id", "TEXT", 1, None, 0)  # NOT NULL, no longer the primary key
    assert len(columns) == 25
    unique = {row[1]: row[2] for row in db.execute("PRAGMA index_list(card)")}
    assert unique == {"ix_card_id": 1, **CARD_INDEXES}
    _card_at_m010(db, "first", None)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: card"):
        _card_at_m010(db, "first", None)
    assert db.execute("SELECT rowid, id FROM card").fetchall() == [(1, "first")]
