"""Opening the database: the right one-line diagnosis for each way a `--db` fails, and waiting
for a busy database instead of failing (issue 16, findings 2, 4, 5 and 10; issue 10, item 5)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support import (
    REPO,
    damage_card_table,
    read_only,
    release,
    reviews,
    small_disk,
    write_lock_held,
)

NOW = "2026-03-10T12:00:00+00:00"
NOTE = "# Shell\n\n## Files\n\n- `ls -la` — lists every file\n- `pwd` — prints the folder\n"
runner = CliRunner()


def study(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`study ARGS` as a user runs it: its own process, through the fast launcher."""
    return subprocess.run(
        [sys.executable, "-m", "study", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "STUDY_NOW": NOW, **(env or {})},
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("study: ")
    return result.stderr


@pytest.fixture
def synced(tmp_path: Path) -> tuple[Path, Path]:
    """(database, note) with the note synced, in WAL mode as study leaves it."""
    note = tmp_path / "shell.md"
    note.write_text(NOTE)
    db = tmp_path / "study.db"
    assert study("sync", str(note), "--db", str(db)).returncode == 0
    return db, note


def cards(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT front, status FROM card ORDER BY front").fetchall()


# --- places that cannot hold a database ----------------------------------------------------


@pytest.mark.parametrize(
    ("db", "message"),
    [
        (
            "/proc/nope/study.db",
            "/proc/nope/study.db cannot be made: the folder /proc/nope cannot be created",
        ),
        ("/sys/s.db", "/sys/s.db cannot be made in /sys ("),
    ],
)
@pytest.mark.parametrize("command", [["sync", "NOTE"], ["config", "fuzz", "off"], ["drill"]])
def test_a_db_where_no_file_can_be_made_is_one_line(
    tmp_path: Path, db: str, message: str, command: list[str]
) -> None:
    if not Path("/sys").is_dir():
        pytest.skip("needs /proc and /sys (Linux)")
    (tmp_path / "n.md").write_text(NOTE)
    args = [str(tmp_path / "n.md") if arg == "NOTE" else arg for arg in command]
    line = one_line(study(*args, "--db", db))
    assert line.startswith(f"study: {message}")
    assert "corrupt" not in line and "backup" not in line


def test_due_on_a_db_in_a_missing_folder_says_there_is_none() -> None:
    line = one_line(study("due", "--db", "/proc/nope/study.db"))
    assert line.startswith("study: no study database at /proc/nope/study.db")


# --- a read-only folder and a full disk (a small tmpfs) -------------------------------------


def test_a_read_only_folder_is_not_called_corrupt(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 1024) as disk:
        note = tmp_path / "shell.md"
        note.write_text(NOTE)
        db = disk / "study.db"
        assert study("sync", str(note), "--db", str(db)).returncode == 0
        before = db.read_bytes()
        read_only(disk)
        note.write_text(NOTE + "- `cd -` — goes back\n")
        for args in (["sync"], ["config", "fuzz", "off"], ["due"]):
            line = one_line(study(*args, "--db", str(db)))
            assert line == (
                f"study: {db} cannot be written: the folder {disk} is read-only (the database "
                "is fine); make it writable or pick another --db\n"
            )
        assert db.read_bytes() == before
        new = one_line(study("sync", str(note), "--db", str(disk / "new.db")))
        made = disk / "new.db"
        assert (
            new
            == f"study: {made} cannot be made: the folder {disk} is read-only; pick another --db\n"
        )


def test_a_full_disk_during_a_first_sync_is_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    for n in range(10):  # ~1 MB of cards: more than the disk has left
        lines = [f"- `tool{n}-{i} --flag` — runs tool {n}, step {i} {'x' * 100}" for i in range(60)]
        (notes / f"t{n}.md").write_text(f"# Tools {n}\n\n## Run\n\n" + "\n".join(lines) + "\n")
    with small_disk(tmp_path / "disk", 3072) as disk:
        (disk / "filler").write_bytes(b"\0" * 2_950_000)
        db = disk / "study.db"
        line = one_line(study("sync", str(notes), "--db", str(db)))
        assert line == (
            f"study: {db}: the disk is full, so nothing more was written; free some space and "
            "run it again (the database is fine)\n"
        )
        (disk / "filler").unlink()
        result = study("sync", str(notes), "--db", str(db))  # space freed: now it goes through
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("1200 added")


# --- locked: wait for it, and say so when it lasts ------------------------------------------


def test_sync_waits_for_a_write_lock_held_2_s(synced: tuple[Path, Path]) -> None:
    db, note = synced
    note.write_text(NOTE + "- `cd -` — goes back to the last folder\n")
    with write_lock_held(db, 2):
        result = study("sync", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert " added" in result.stdout
    assert ("cd -", "active") in cards(db)


def test_a_lock_held_7_s_is_one_locked_line_and_nothing_is_lost(
    synced: tuple[Path, Path],
) -> None:
    db, note = synced
    before = cards(db)
    note.write_text(NOTE + "- `cd -` — goes back to the last folder\n")
    with write_lock_held(db, 7):
        line = one_line(study("sync", "--db", str(db)))
    assert line == (
        f"study: {db} is locked by another study (a drill or a sync) and stayed locked for "
        "5 s; nothing was lost: run it again when that one is done\n"
    )
    assert cards(db) == before
    assert study("sync", "--db", str(db)).returncode == 0  # run again: it goes in
    assert ("cd -", "active") in cards(db)


def test_config_waits_for_a_write_lock_too(synced: tuple[Path, Path]) -> None:
    db, _ = synced
    with write_lock_held(db, 2):
        result = study("config", "new_per_day", "7", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert study("config", "new_per_day", "--db", str(db)).stdout == "7\n"


# --- corrupt pages: refused up front, and one line wherever they are met --------------------


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    note = tmp_path / "deck.md"
    note.write_text("# D\n\n" + "".join(f"Q{i} {'x' * 200}?::A{i}\n" for i in range(200)))
    db = tmp_path / "study.db"
    assert study("sync", str(note), "--db", str(db)).returncode == 0
    damage_card_table(db)
    return db


@pytest.mark.parametrize("command", [["config"], ["config", "fuzz"], ["suspended"]])
def test_config_and_suspended_refuse_a_damaged_file_up_front(
    damaged: Path, command: list[str]
) -> None:
    line = one_line(study(*command, "--db", str(damaged)))
    assert line.startswith(f"study: {damaged} is corrupt (")
    assert "run `study db check` to see what is damaged" in line


def test_a_damaged_page_met_later_is_one_line_naming_db_check(damaged: Path) -> None:
    """Today's backup is made, so no check runs at open: the drill meets the damage itself."""
    backups = damaged.parent / "backups"
    backups.mkdir()
    (backups / "study-2026-03-10T110000.db").write_bytes(b"")
    line = one_line(study("drill", "--db", str(damaged)))
    assert line.startswith(f"study: {damaged} is corrupt (")
    assert "`study db check`" in line


def test_a_drill_keeps_an_answer_while_the_database_stays_locked(
    synced: tuple[Path, Path],
) -> None:
    """Issue 16, finding 6: locked past the busy timeout, the grade waits; it is never dropped."""
    db, _ = synced
    with write_lock_held(db, 60) as holder:
        drill = subprocess.Popen(
            [sys.executable, "-m", "study", "drill", "--db", str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env={**os.environ, "STUDY_NOW": NOW},
        )
        assert drill.stdin is not None and drill.stdout is not None
        drill.stdin.write(b" \n3\nq\n")
        drill.stdin.close()
        seen = bytearray()
        while b"waiting to save it" not in seen:  # 5 s of busy timeout, at least once
            chunk = os.read(drill.stdout.fileno(), 65536)
            assert chunk, seen.decode(errors="replace")
            seen.extend(chunk)
        assert reviews(db) == []
        release(holder)
        out, err = drill.stdout.read(), drill.stderr.read()  # type: ignore[union-attr]
        drill.stdout.close()
        drill.stderr.close()  # type: ignore[union-attr]
    assert drill.wait(timeout=60) == 0, err.decode()
    assert "Seen 1 card, 0 again" in (seen + out).decode()
    assert [rating for _, rating in reviews(db)] == [3]


def test_every_connection_waits_for_each_commit_to_reach_the_disk(tmp_path: Path) -> None:
    """An answer once taken survives a power cut: WAL with synchronous FULL (2), as Anki's
    collection; NORMAL (1) may drop the last commits. Both the store and plain connections."""
    from study.schedule.database import connect
    from study.schedule.store import open_store

    path = tmp_path / "study.db"
    with open_store(path) as store:
        assert list(store.execute("PRAGMA synchronous", {})) == [(2,)]
        assert list(store.execute("PRAGMA journal_mode", {})) == [("wal",)]
    plain = connect(path)
    assert plain.execute("PRAGMA synchronous").fetchone() == (2,)
    plain.close()


def test_a_read_only_connection_opens_any_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`study due` opens its file by a `file:` URI made without pathlib: the bytes SQLite would
    read as a query, a fragment or an escape are percent-encoded, as `Path.as_uri` does."""
    from study.errors import StudyError
    from study.schedule.database import connect_read_only, file_uri

    assert file_uri("/srv/a b/x?y#z%.db") == "file:///srv/a%20b/x%3Fy%23z%25.db"
    assert file_uri("/é/ok-._~.db") == "file:///%C3%A9/ok-._~.db"
    monkeypatch.chdir(tmp_path)
    for name in ("plain.db", "a b?c#d%41.db", "naïve.db"):
        assert file_uri(name) == (tmp_path / name).as_uri()
        with sqlite3.connect(tmp_path / name) as made:
            made.execute("CREATE TABLE t (x)")
        made.close()
        with pytest.raises(StudyError, match="it holds other tables"):
            connect_read_only(name)  # read through SQLite (its tables), then refused
