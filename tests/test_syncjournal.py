"""A first sync writes through the rollback journal and leaves the file in the write-ahead log.

Through the log a new file's pages are written twice (log, then checkpoint); the rollback
journal writes them once. Whatever happens to the sync, the file ends whole, in the log.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from study.errors import StudyError
from study.schedule.database import prepare
from study.schedule.journal import rollback_journal
from study.schedule.store import open_store
from study.schedule.sync import sync_paths
from study.schedule.syncwrite import FirstSync
from tests.support import REPO

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _notes(folder: Path, count: int = 3) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"n{i}.md").write_text(f"# Deck\n\nQuestion {i}?::Answer {i}\n")
    return folder


def _mode_and_cards(db: Path) -> tuple[str, int]:
    with closing(sqlite3.connect(db)) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        return mode, conn.execute("SELECT count(*) FROM card").fetchone()[0]


def _modes_while_writing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The journal mode of the sync's connection each time a first sync finishes writing."""
    seen: list[str] = []
    finish = FirstSync.finish

    def spy(self: FirstSync, *args: object) -> None:
        seen.append(self.db.execute("PRAGMA journal_mode").fetchone()[0])
        finish(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(FirstSync, "finish", spy)
    return seen


def test_a_first_sync_writes_through_the_rollback_journal_then_goes_back_to_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _modes_while_writing(monkeypatch)
    db = tmp_path / "s.db"
    report = sync_paths(db, [_notes(tmp_path / "notes")], NOW)
    assert (report.added, seen) == (3, ["delete"])
    assert _mode_and_cards(db) == ("wal", 3)
    assert not Path(f"{db}-journal").exists()
    (tmp_path / "notes" / "n3.md").write_text("# Deck\n\nQuestion 3?::Answer 3\n")
    assert sync_paths(db, [], NOW).added == 1  # not a first sync: the log all along
    assert seen == ["delete"]
    assert _mode_and_cards(db) == ("wal", 4)


def test_a_first_sync_beside_an_open_connection_stays_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _modes_while_writing(monkeypatch)
    db = tmp_path / "s.db"
    prepare(db, create=True)
    with closing(sqlite3.connect(db)) as other:  # a drill or `study due` holding it open
        assert other.execute("SELECT count(*) FROM card").fetchone() == (0,)
        assert sync_paths(db, [_notes(tmp_path / "notes")], NOW).added == 3
        assert seen == ["wal"]
        assert other.execute("SELECT count(*) FROM card").fetchone() == (3,)
    assert _mode_and_cards(db) == ("wal", 3)


def test_leaving_the_log_gives_up_at_once_and_keeps_the_busy_timeout(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    prepare(db, create=True)
    with closing(sqlite3.connect(db)) as other, closing(sqlite3.connect(db)) as mine:
        other.execute("SELECT count(*) FROM card").fetchone()
        mine.execute("PRAGMA busy_timeout = 5000")
        assert rollback_journal(mine) is False
        assert mine.execute("PRAGMA busy_timeout").fetchone() == (5000,)
        assert mine.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_failed_first_sync_leaves_no_card_and_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise StudyError("the disk went away")

    monkeypatch.setattr(FirstSync, "finish", fail)
    db = tmp_path / "s.db"
    with pytest.raises(StudyError, match="the disk went away"):
        sync_paths(db, [_notes(tmp_path / "notes")], NOW)
    assert _mode_and_cards(db) == ("wal", 0)
    assert not Path(f"{db}-journal").exists()


# Killed after 25 notes written, uncommitted; from the third note on, the page cache holds 5
# pages, so written pages spill into the file and the journal is hot.
KILLED_MID_WRITE = """
import os, signal, sys
from datetime import UTC, datetime
from pathlib import Path
from study.schedule.store import open_store
from study.schedule.syncwrite import FirstSync
from study.schedule.sync import sync_paths

add = FirstSync.add
def add_then_die(self, *args):
    add(self, *args)
    if self.written == 2:
        self.db.execute("PRAGMA cache_size = 5")
    if self.written == 25:
        os.kill(os.getpid(), signal.SIGKILL)
FirstSync.add = add_then_die
sync_paths(Path(sys.argv[1]), [Path(sys.argv[2])], datetime(2026, 3, 2, tzinfo=UTC))
"""


def test_a_first_sync_killed_mid_write_leaves_a_whole_file_and_the_next_one_syncs(
    tmp_path: Path,
) -> None:
    db, notes = tmp_path / "s.db", tmp_path / "notes"
    notes.mkdir()
    for i in range(30):
        cards = "".join(f"Question {i}.{j} {'x' * 200}?::Answer {j}\n" for j in range(100))
        (notes / f"n{i:02d}.md").write_text(f"# Deck {i}\n\n{cards}")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, str(db), str(notes)], cwd=REPO, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    assert Path(f"{db}-journal").stat().st_size > 0  # hot: only a writer may roll it back
    due = subprocess.run(  # read-only, yet not refused as a read-only file
        [sys.executable, "-m", "study", "due", "--db", str(db)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (due.returncode, due.stderr) == (0, "")
    assert due.stdout.startswith("No cards yet")
    assert not Path(f"{db}-journal").exists()
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert sync_paths(db, [notes], NOW).added == 3000
    assert _mode_and_cards(db) == ("wal", 3000)


def test_a_file_a_killed_first_sync_left_in_the_rollback_journal_goes_back_to_the_log(
    tmp_path: Path,
) -> None:
    """Killed between `rollback_journal` and `write_ahead`, a first sync leaves the file in the
    rollback journal; the drill that opens it next (the bundled decks' first run writes
    through the store, not `sync_paths`) puts it back in the log."""
    db = tmp_path / "s.db"
    prepare(db, create=True)
    with closing(sqlite3.connect(db)) as killed:
        assert rollback_journal(killed) is True
    assert db.read_bytes()[18:20] == b"\x01\x01"  # the header: the rollback journal
    with open_store(db) as store:
        assert store.execute("SELECT count(*) FROM card", {}).fetchone() == (0,)
    assert db.read_bytes()[18:20] == b"\x02\x02"  # the write-ahead log
    assert _mode_and_cards(db) == ("wal", 0)


def test_a_file_in_the_rollback_journal_open_elsewhere_is_opened_as_it_is(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    prepare(db, create=True)
    with closing(sqlite3.connect(db)) as killed:
        rollback_journal(killed)
    with closing(sqlite3.connect(db)) as other:
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM card").fetchone()  # a reader holds the file
        with open_store(db) as store:  # no wait: the mode is left for the next opening
            assert store.execute("SELECT count(*) FROM card", {}).fetchone() == (0,)
        other.execute("COMMIT")
    assert db.read_bytes()[18:20] == b"\x01\x01"


def test_study_due_beside_a_first_sync_writing_waits_once_not_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first sync writing in the rollback journal has a `-journal` that is not hot: the look
    for a killed write waits on it only briefly (it waited the whole busy timeout before the
    read-only opening waited its own: `study due` took 10 s to say "locked for 5 s")."""
    from study.schedule import database

    db = tmp_path / "s.db"
    prepare(db, create=True)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.3)
    waits: list[tuple[str, float]] = []  # each connection opened: how, how long it waits
    plain = sqlite3.connect

    def spied(target: str, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        waits.append(("read-only" if kwargs.get("uri") else "writable", kwargs["timeout"]))
        return plain(target, *args, **kwargs)

    with closing(sqlite3.connect(db, isolation_level=None)) as sync:
        assert rollback_journal(sync) is True
        sync.execute("BEGIN EXCLUSIVE")
        sync.execute("CREATE TABLE written (x)")  # the sync's write, uncommitted
        assert Path(f"{db}-journal").exists()
        monkeypatch.setattr(database.sqlite3, "connect", spied)
        with pytest.raises(StudyError, match="is locked by another study"):
            database.connect_read_only(db)
        monkeypatch.undo()
        sync.execute("ROLLBACK")
    assert waits == [("writable", 0.1), ("read-only", 0.3)]
