"""Automatic backups: a rolling copy of the database, made at most once a day.

The copy is made with SQLite's online backup API (`sqlite3.Connection.backup`), so it is a
consistent database even while a drill writes, into `backups/` beside the database, named
after it and the moment it was made (UTC): `study-2026-03-10T120000.db`. The last N are kept
(the `backups` setting, 0 turns them off). A damaged file is never backed up: its copy would
push a good one out of the rotation.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from study.errors import StudyError
from study.schedule.database import connect, inspect, prepare, refuse_if_damaged, translated
from study.schedule.journal import back_to_write_ahead
from study.schedule.settings import DEFAULTS

INTERVAL = timedelta(days=1)
_STAMP = "%Y-%m-%dT%H%M%S"


@dataclass(frozen=True)
class Backup:
    """One backup file of a database."""

    path: Path
    made: datetime  # aware UTC, from the name

    @property
    def name(self) -> str:
        return self.path.name


def folder_of(db_path: Path) -> Path:
    return db_path.parent / "backups"


def list_backups(db_path: Path) -> list[Backup]:
    """The backups of `db_path`, oldest first."""
    pattern = re.compile(re.escape(db_path.stem) + r"-(\d{4}-\d\d-\d\dT\d{6})\.db")
    found = []
    folder = folder_of(db_path)
    for path in folder.iterdir() if folder.is_dir() else ():
        match = pattern.fullmatch(path.name)
        if match:
            made = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
            found.append(Backup(path, made))
    return sorted(found, key=lambda backup: backup.made)


def listing(db_path: Path) -> str:
    """What `study db backups` prints."""
    found = list_backups(db_path)
    if not found:
        return f"no backups of {db_path} yet (one is made a day, when study writes to it)"
    lines = [
        f"{b.name}  {b.made:%Y-%m-%d %H:%M} UTC  {b.path.stat().st_size // 1024:,} KB"
        for b in found
    ]
    lines.append(f"in {folder_of(db_path)}; `study db restore NAME` brings one back")
    return "\n".join(lines)


def kept_backups(db: sqlite3.Connection) -> int:
    """The `backups` setting: how many daily copies to keep (0: none)."""
    row = db.execute("SELECT value FROM setting WHERE key = 'backups'").fetchone()
    try:
        return max(0, int(row[0] if row else DEFAULTS["backups"]))
    except ValueError:
        return int(DEFAULTS["backups"])


def daily_backup(db_path: Path, now: datetime) -> Backup | None:
    """Back the database up unless a backup under a day old exists; prune beyond the limit."""
    with closing(connect(db_path, read_only=True)) as db:
        keep = kept_backups(db)
    existing = list_backups(db_path)
    if keep == 0 or (existing and now - existing[-1].made < INTERVAL):
        return None
    refuse_if_damaged(db_path)
    made = now.astimezone(UTC).replace(microsecond=0)
    target = folder_of(db_path) / f"{db_path.stem}-{made.strftime(_STAMP)}.db"
    target.parent.mkdir(exist_ok=True)
    copy(db_path, target)
    for old in [*existing, Backup(target, made)][:-keep]:
        old.path.unlink(missing_ok=True)
    return Backup(target, made)


def open_for_writing(db_path: Path, create: bool, now: datetime) -> None:
    """`study.schedule.database.prepare`, with the daily backup made before any change; a file
    a killed first sync left in the rollback journal goes back to the log."""
    prepare(db_path, create, lambda path: daily_backup(path, now))
    back_to_write_ahead(db_path)


def copy(source: Path, target: Path, wal: bool = False) -> None:
    """A consistent copy of `source` at `target` (written aside, then renamed into place).

    A backup is one self-contained file; a restored database goes back to WAL, so drills
    and `study due` can share it again.
    """
    import tempfile  # here: with what it imports, ~4 ms of every sync's start otherwise

    with translated(target):
        # A name of its own: two processes making the day's first backup at once must not
        # write one half-file together (either's rename then gives a whole copy).
        handle, name = tempfile.mkstemp(".part", f"{target.name}.", target.parent)
        os.close(handle)
        partial = Path(name)
        try:
            with (
                closing(connect(source, read_only=True)) as src,
                closing(sqlite3.connect(partial, isolation_level=None)) as dst,
            ):
                src.backup(dst)
                dst.execute(f"PRAGMA journal_mode={'WAL' if wal else 'DELETE'}")
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)  # a full disk leaves no half-file behind
            raise


def restore(db_path: Path, name: str, now: datetime) -> Path | None:
    """Bring back the backup `name`; the current file (and its log) is kept aside first.

    Returns where the current file went (None: there was none). The backup is checked
    before anything is moved.
    """
    chosen = [backup for backup in list_backups(db_path) if backup.name == name]
    if not chosen:
        names = ", ".join(backup.name for backup in list_backups(db_path)) or "none yet"
        raise StudyError(f"no backup named {name!r} for {db_path} (backups: {names})")
    inspect(chosen[0].path)  # a study database this release can open, read-only
    refuse_if_damaged(chosen[0].path)
    aside = db_path.with_name(f"{db_path.name}.before-restore-{now.strftime(_STAMP)}")
    existed = db_path.exists()
    for suffix in ("", "-wal", "-shm"):
        current = Path(f"{db_path}{suffix}")
        if current.exists():
            os.replace(current, Path(f"{aside}{suffix}"))
    copy(chosen[0].path, db_path, wal=True)
    return aside if existed else None
