"""Opening the database file: is it a study database (or may it become one), then migrate it.

The schema's history is `study.schedule.migrations`; this module decides whether a file may
be opened at all and gives every connection its settings. Plain sqlite3, no SQLModel:
`study sync` and `study due` open files through it without the ORM's import cost.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from study.errors import StudyError
from study.schedule.migrations import LATEST, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 5.0


def prepare(path: Path, create: bool) -> None:
    """Check the file is a study database (or may become one) and migrate it.

    Every check runs before anything is written, so a foreign, corrupt or newer file is left
    byte for byte as it was. Plain sqlite3: `study sync` uses it without importing SQLModel.
    """
    if path.is_dir():
        raise StudyError(f"{path} is a folder, not a study database; pass a file to --db")
    if not path.exists():
        if not create:
            raise StudyError(f"no study database at {path}; run `study sync PATH` first")
        path.parent.mkdir(parents=True, exist_ok=True)
    elif path.stat().st_size > 0:
        with path.open("rb") as file:
            if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise StudyError(f"{path} is not a study database (not SQLite); pick another --db")
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            migrate(db)
            db.execute("PRAGMA journal_mode=WAL")
        finally:
            db.close()
    except StudyError as error:
        raise StudyError(f"{path} {error}") from None
    except sqlite3.DatabaseError as error:
        raise StudyError(
            f"{path} is corrupt ({error}); restore it from a backup or pick another --db"
        ) from None


def configure(connection: sqlite3.Connection) -> None:
    """The settings every connection gets (they are per connection, not stored in the file)."""
    # With WAL, NORMAL keeps integrity always; a killed process loses no commit (a power cut
    # may lose the last ones), and grade() commits every answer on its own.
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    connection.execute("PRAGMA synchronous = NORMAL")


def connect_read_only(db_path: Path) -> sqlite3.Connection:
    """A read-only connection for the fast read paths (`study due`, reminders), or StudyError
    if the file is missing or not a study database. Nothing is created or migrated."""
    if not db_path.is_file():
        raise StudyError(
            f"no study database at {db_path}: run `study drill` to start with the bundled "
            "decks, or `study sync PATH` to add your notes"
        )
    with db_path.open("rb") as file:
        if file.read(16) != SQLITE_HEADER:
            raise StudyError(f"{db_path} is not a study database (not SQLite); pick another --db")
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise StudyError(corrupt(db_path, error)) from None
    if not {"card", "review", "setting"} <= tables:
        conn.close()
        raise StudyError(f"{db_path} is not a study database (no card, review, setting tables)")
    version = int(conn.execute("pragma user_version").fetchone()[0])
    if version > LATEST:
        conn.close()
        raise StudyError(
            f"{db_path} was written by a newer study (schema {version}, this release knows "
            f"{LATEST}); upgrade study to read it"
        )
    return conn


def corrupt(db_path: Path, error: Exception) -> str:
    """The message for a file SQLite cannot read."""
    return f"{db_path} is corrupt ({error}); restore it from a backup or pick another --db"
