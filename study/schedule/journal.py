"""A first sync's journal: the rollback journal for the one bulk write, then back to the log.

Plain sqlite3, for `study sync` on a file (a server has no such journal to choose).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from study.schedule.database import BUSY_TIMEOUT_S, connect

WAL_HEADER = 2  # the file format's read and write versions (header bytes 18, 19) in the log


def rollback_journal(connection: sqlite3.Connection) -> bool:
    """Put a file nobody else has open in the rollback journal for one bulk write; whether it
    now is. `write_ahead` puts it back after the commit.

    A first sync writes the whole file (~50 MB at 100,000 cards). Through the write-ahead log
    every page is written twice (into the log, then checkpointed into the file); the rollback
    journal keeps only pages that held data before, which a new file has almost none of. Its
    commit costs ~0.05 s of CPU against ~0.13 s, and a crash mid-write rolls back from the
    journal as surely as from the log: the file is as it was before, or whole. Leaving the
    log needs every other connection closed, so with a drill or a `study due` open this
    gives up at once (no busy wait) and the write goes through the log as usual.
    """
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        return False  # in use elsewhere
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return str(mode) == "delete"


def write_ahead(connection: sqlite3.Connection) -> None:
    """Back to the write-ahead log every file is kept in (drills and syncs read while one
    writes); best effort, as a commit already made must not be reported failed: a file left
    in the rollback journal works, only with readers waiting on writers, until the next
    writing sync puts it back."""
    try:
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
    except sqlite3.OperationalError:
        pass


def back_to_write_ahead(path: Path) -> None:
    """A file a first sync left in the rollback journal (killed before `write_ahead` ran) put
    back in the log as it is opened for writing, so a drill does not go on in the rollback
    journal, where a reader waits for each writer. The header says the mode without opening
    SQLite; with the file open elsewhere this gives up at once, as `rollback_journal` does."""
    try:
        with open(path, "rb") as file:
            header = file.read(20)
    except OSError:
        return  # the opening that follows says what is wrong with the file
    if len(header) < 20 or header[18] == WAL_HEADER:
        return
    with closing(connect(path)) as connection:
        connection.execute("PRAGMA busy_timeout = 0")
        write_ahead(connection)
