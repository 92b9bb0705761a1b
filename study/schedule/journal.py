"""A first sync's journal: the rollback journal for the one bulk write, then back to the log.

Plain sqlite3, for `study sync` on a file (a server has no such journal to choose).
"""

from __future__ import annotations

import sqlite3

from study.schedule.database import BUSY_TIMEOUT_S


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
