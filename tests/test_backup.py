"""Automatic backups and `study db backups|restore`, end to end (issue 16, item 4)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.schedule.backup import daily_backup, list_backups, restore
from study.schedule.store import open_store
from tests.support import damage_card_table, reviews, run_together

NOTE = "# Shell\n\n## Files\n\n- `ls -la` — lists every file\n- `pwd` — prints the folder\n"
runner = CliRunner()


def at(day: int, hour: int = 12) -> str:
    return f"2026-03-{day:02d}T{hour:02d}:00:00+00:00"


def run(db: Path, *args: str, now: str = at(10)) -> str:
    result = runner.invoke(app, [*args, "--db", str(db)], env={"STUDY_NOW": now})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    note = tmp_path / "shell.md"
    note.write_text(NOTE)
    path = tmp_path / "study.db"
    run(path, "sync", str(note), now=at(9))
    return path


def names(db: Path) -> list[str]:
    return [backup.name for backup in list_backups(db)]


def settings(db: Path) -> dict[str, str]:
    with closing(sqlite3.connect(db)) as conn:
        return dict(conn.execute("SELECT key, value FROM setting").fetchall())


def test_a_backup_is_made_at_most_once_a_day_when_the_file_is_opened_to_write(db: Path) -> None:
    assert names(db) == []  # the first sync made the file: nothing to back up yet
    run(db, "config", "new_per_day", "5", now=at(10, 8))
    run(db, "config", "new_per_day", "6", now=at(10, 20))  # the same day: no second copy
    run(db, "sync", now=at(11, 7))  # 23 hours later: still under a day
    assert names(db) == ["study-2026-03-10T080000.db"]
    run(db, "config", "new_per_day", "7", now=at(11, 9))
    assert names(db) == ["study-2026-03-10T080000.db", "study-2026-03-11T090000.db"]
    # Each copy holds the database as it was before that day's first change.
    assert settings(list_backups(db)[0].path) == {}
    assert settings(list_backups(db)[1].path) == {"new_per_day": "6"}


def test_due_alone_makes_no_backup(db: Path) -> None:
    run(db, "due", now=at(12))
    assert names(db) == []


def test_only_the_last_n_are_kept_and_0_turns_them_off(db: Path) -> None:
    run(db, "config", "backups", "3", now=at(10))
    for day in range(11, 16):
        run(db, "config", "fuzz", "off", now=at(day))
    assert names(db) == [
        "study-2026-03-13T120000.db",
        "study-2026-03-14T120000.db",
        "study-2026-03-15T120000.db",
    ]
    run(db, "config", "backups", "0", now=at(15))
    run(db, "config", "fuzz", "on", now=at(20))
    assert len(names(db)) == 3  # none made, none pruned


def test_backups_of_two_databases_in_one_folder_stay_apart(db: Path) -> None:
    other = db.with_name("other.db")
    run(other, "config", "fuzz", "off", now=at(9))
    run(other, "config", "fuzz", "on", now=at(10))
    run(db, "config", "fuzz", "on", now=at(10))
    assert names(other) == ["other-2026-03-10T120000.db"]
    assert names(db) == ["study-2026-03-10T120000.db"]


def test_study_db_backups_lists_them(db: Path) -> None:
    assert run(db, "db", "backups") == (
        f"no backups of {db} yet (one is made a day, when study writes to it)\n"
    )
    run(db, "config", "fuzz", "off", now=at(10))
    lines = run(db, "db", "backups").splitlines()
    assert lines[0].startswith("study-2026-03-10T120000.db  2026-03-10 12:00 UTC  ")
    assert lines[1] == f"in {db.parent / 'backups'}; `study db restore NAME` brings one back"


def test_restore_after_the_file_was_overwritten_with_garbage(db: Path) -> None:
    run(db, "drill", now=at(10))  # no key pressed: opened for writing, so backed up
    backup = names(db)[0]
    runner.invoke(app, ["drill", "--db", str(db)], input=" \n3\n", env={"STUDY_NOW": at(10)})
    assert len(reviews(db)) == 1
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    garbage = b"\x00\x13 not a database any more " * 500
    db.write_bytes(garbage)

    broken = runner.invoke(app, ["due", "--db", str(db)], env={"STUDY_NOW": at(10)})
    assert broken.exit_code == 1 and "is not a study database (not SQLite)" in broken.output

    out = run(db, "db", "restore", backup, now=at(10, 13))
    aside = db.with_name("study.db.before-restore-2026-03-10T130000")
    assert out == f"restored {backup} into {db}\n  the database it replaced is kept as {aside}\n"
    assert aside.read_bytes() == garbage  # kept, never deleted
    assert reviews(db) == []  # the backup was made before the review
    assert run(db, "due", "--brief", now=at(10, 13)) == "shell:2\n"
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM card").fetchone()[0] == 4  # two reversed
    assert run(db, "db", "check").startswith(f"{db}: ok")


def test_restore_keeps_the_current_file_and_its_log_aside(db: Path) -> None:
    run(db, "config", "new_per_day", "5", now=at(10))
    run(db, "config", "new_per_day", "9", now=at(10))
    aside = restore(db, names(db)[0], datetime(2026, 3, 10, 14, tzinfo=UTC))
    assert settings(db) == {}
    assert settings(aside) == {"new_per_day": "9"}


def test_restoring_an_unknown_name_changes_nothing(db: Path) -> None:
    before = db.read_bytes()
    result = runner.invoke(app, ["db", "restore", "nope.db", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == f"study: no backup named 'nope.db' for {db} (backups: none yet)\n"
    assert db.read_bytes() == before


def test_a_damaged_file_is_never_backed_up(db: Path) -> None:
    damage_card_table(db)
    with pytest.raises(StudyError, match="is corrupt"):
        daily_backup(db, datetime(2026, 3, 10, tzinfo=UTC))
    assert names(db) == []


def test_open_store_backs_up_before_migrating_nothing_more(db: Path) -> None:
    with open_store(db, now=datetime(2026, 3, 12, tzinfo=UTC)):
        pass
    assert names(db) == ["study-2026-03-12T000000.db"]


def test_restore_when_the_database_file_is_gone(db: Path) -> None:
    run(db, "config", "fuzz", "off", now=at(10))
    db.unlink()
    Path(f"{db}-wal").unlink(missing_ok=True)
    Path(f"{db}-shm").unlink(missing_ok=True)
    out = run(db, "db", "restore", "study-2026-03-10T120000.db")
    assert out == f"restored study-2026-03-10T120000.db into {db}\n"
    assert run(db, "db", "check").startswith(f"{db}: ok")


def test_two_copies_to_one_backup_at_once_both_finish_whole(db: Path, tmp_path: Path) -> None:
    # Two processes opening the file to write on a new day both make its first backup: each
    # writes a file of its own and renames it, so neither breaks the other's copy.
    from study.schedule.backup import copy

    target = tmp_path / "backup.db"

    def make() -> None:
        for _ in range(20):
            copy(db, target)

    assert run_together(make) == []
    with closing(sqlite3.connect(target)) as conn:
        counted = conn.execute("SELECT count(*) FROM card").fetchone()
    assert counted == (4,)  # the note's 2 commands, each both ways
    assert sorted(path.name for path in tmp_path.glob("backup.db*")) == ["backup.db"]
