"""`study db check`: damaged pages and broken rules of study's own data, each named."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.schedule.check import INVARIANTS, check_database
from tests.support import damage_card_table

NOTE = "# Shell\n\n## Files\n\n- `ls -la` — lists every file\n- `pwd` — prints the folder\n"
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    note = tmp_path / "shell.md"
    note.write_text(NOTE)
    path = tmp_path / "study.db"
    env = {"STUDY_NOW": "2026-03-10T12:00:00+00:00"}
    assert runner.invoke(app, ["sync", str(note), "--db", str(path)], env=env).exit_code == 0
    drilled = runner.invoke(app, ["drill", "--db", str(path)], input=" \n3\n q\n", env=env)
    assert drilled.exit_code == 0, drilled.output
    return path


def execute(db: Path, sql: str) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(sql)


def test_a_sound_database_passes(db: Path) -> None:
    result = runner.invoke(app, ["db", "check", "--db", str(db)])
    assert result.exit_code == 0
    assert (
        result.output == f"{db}: ok (pages intact; {len(INVARIANTS)} rules of study's data hold)\n"
    )


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (
            "INSERT INTO review (card, rating, reviewed_at) VALUES (999999, 3, 1773100800000000)",
            "1 row break: every review belongs to a card",
        ),
        (
            "UPDATE card SET status = 'both' WHERE last_review IS NULL",
            "3 rows break: every card has one known status",
        ),
        (
            "UPDATE card SET retired_from = 'active' WHERE last_review IS NULL",
            "3 rows break: only a retired card remembers a status to go back to",
        ),
        (
            "UPDATE card SET stability = 1.5 WHERE last_review IS NULL",
            "3 rows break: a new card has no memory state yet",
        ),
        (
            "UPDATE card SET difficulty = NULL WHERE last_review IS NOT NULL",
            "1 row break: a reviewed card has a stability and a difficulty",
        ),
        (
            "UPDATE card SET step = NULL WHERE last_review IS NULL",
            "3 rows break: a card in review has no learning step; one learning has one",
        ),
        (
            "UPDATE card SET due = '2000-01-01 00:00:00.000000' WHERE last_review IS NOT NULL",
            "1 row break: a reviewed card is due after its last review",
        ),
        ("UPDATE review SET rating = 7", "1 row break: every answer was rated 1 to 4"),
    ],
)
def test_each_broken_rule_is_named_with_its_count(db: Path, sql: str, problem: str) -> None:
    execute(db, sql)
    assert check_database(db) == [problem]
    result = runner.invoke(app, ["db", "check", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [f"{db}: 1 problem", f"  {problem}"]


def test_damaged_pages_are_reported_not_raised(db: Path) -> None:
    damage_card_table(db)
    problems = check_database(db)
    assert problems and all(p.startswith("damaged: ") for p in problems)
    result = runner.invoke(app, ["db", "check", "--db", str(db)])
    assert result.exit_code == 1
    assert "Restore a backup with `study db restore NAME`" in result.output


def test_a_file_of_garbage_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    assert check_database(path)[0].startswith("damaged: ")


def test_a_file_that_is_not_sqlite_is_named_so_not_called_damaged(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("buy milk\n" * 100)
    result = runner.invoke(app, ["db", "check", "--db", str(path)])
    assert result.exit_code == 1
    assert (
        result.output == f"study: {path} is not a study database (not SQLite); pick another --db\n"
    )


def test_a_file_with_the_json_review_log_is_checked_as_it_is(tmp_path: Path) -> None:
    """`study db check` reads a file without migrating it: a log from before m010 is still
    asked whether every review belongs to a card, in its own columns."""
    from study.schedule.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        for migration in MIGRATIONS[:8]:
            migration(conn)
            conn.execute("INSERT INTO migration VALUES (?, '2026-01-01')", (migration.__name__,))
        conn.execute("PRAGMA user_version = 8")
        conn.execute(
            "INSERT INTO review (card_id, rating, reviewed_at, before)"
            " VALUES ('gone', 3, '2026-03-10 00:00:00.000000', '{}')"
        )
    assert check_database(path) == ["1 row break: every review belongs to a card"]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (8,)  # left as it was
