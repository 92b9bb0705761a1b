"""The schema's history: named, ordered migrations, each applied once and recorded.

A database made by any older release opens in a newer one: `migrate` applies the migrations
it lacks, in order, inside one transaction, records each by name in the `migration` table and
sets `PRAGMA user_version` to the number applied. A shipped migration is never edited; a schema
change is a new function in `study.schedule.migration_steps`, appended to `MIGRATIONS`.

The migrations themselves are in `study.schedule.migration_steps`, plain SQL, not the SQLModel
classes: the classes describe today's schema, a migration must keep describing the schema of
its day.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from study.errors import StudyError
from study.schedule import migration_steps as steps
from study.schedule.schema import stamp

Migration = Callable[[sqlite3.Connection], None]

# Append only. The position in this list is the schema version the migration leads to.
MIGRATIONS: list[Migration] = [
    steps.m001_initial,
    steps.m002_card_retired_from,
    steps.m003_deck_setting,
    steps.m004_review_before_as_fsrs_card,
    steps.m005_card_queue_indexes_by_deck,
    steps.m006_anki_guid,
    steps.m007_note_stat,
    steps.m008_card_leech,
    steps.m009_folders_per_machine,
    steps.m010_review_typed,
    steps.m011_leaner_card_indexes,
    steps.m012_card_id_unique_index,
]
LATEST = len(MIGRATIONS)


def _timestamp() -> str:
    # The applied_at column is bookkeeping for humans, not part of any decision: wall clock ok.
    return stamp(datetime.now(UTC))


def schema_version(db: sqlite3.Connection) -> int:
    """The schema version of an open database; StudyError if it is not a study database."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if version == 0 and tables - {"sqlite_sequence"}:
        raise StudyError("is not a study database (it holds other tables); pick another --db file")
    if version > 0 and "migration" not in tables:
        raise StudyError("is not a study database (no migration table); pick another --db file")
    return version


def _checked_version(db: sqlite3.Connection) -> int:
    version, known = schema_version(db), len(MIGRATIONS)
    if version > known:
        raise StudyError(
            f"was written by a newer study (schema {version}, this release knows {known}); "
            "upgrade study to open it"
        )
    return version


def migrate(db: sqlite3.Connection) -> list[str]:
    """Bring the database to the latest schema; returns the names of the migrations applied.

    `db` must be in autocommit mode (isolation_level=None) so the whole upgrade is one
    explicit transaction: a crash half way leaves the old schema, never a mix. The version is
    read again inside the write lock, so two processes opening a fresh file do not both migrate.
    """
    if _checked_version(db) == len(MIGRATIONS):
        return []
    db.execute("BEGIN IMMEDIATE")
    try:
        version = _checked_version(db)
        applied = []
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            migration(db)
            db.execute(
                "INSERT INTO migration (name, applied_at) VALUES (?, ?)",
                (migration.__name__, _timestamp()),
            )
            db.execute(f"PRAGMA user_version = {number}")
            applied.append(migration.__name__)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return applied
