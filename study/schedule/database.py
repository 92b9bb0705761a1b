"""Opening the study database: is the file one, may it be written, and what to say when not.

Every way a `--db` can fail gets one line naming the path, the cause and the advice that fits
it, chosen by SQLite's error code (not its message text): a full disk or a read-only folder
is not corruption, and only corruption is worth restoring a backup for. A file that is refused
is only ever opened read-only, and nothing is left beside it (no `-wal`, no `-shm`).

Plain sqlite3 and no SQLModel: `study sync` opens the file through here and must start fast.
What `study due` calls here (`connect_read_only` and the checks it makes) takes the path as
text or `Path` and uses `os.path`: pathlib is imported only where a refusal is explained.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress

from study.errors import StudyError
from study.schedule import migrations

TYPE_CHECKING = False  # not typing's: importing typing costs `study due` a few milliseconds
if TYPE_CHECKING:
    from pathlib import Path
    from typing import TypeVar

    T = TypeVar("T")

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 5.0
CHECK_ADVICE = "run `study db check` to see what is damaged"


def configure(connection: sqlite3.Connection) -> None:
    """The settings every connection gets (they are per connection, not stored in the file)."""
    # FULL: each commit waits for the write-ahead log to reach the disk, so an answer the
    # drill has taken stays taken even through a power cut (NORMAL keeps the file sound but
    # may drop the last commits: a user's answers, lost without a word). Anki does the same
    # (WAL, FULL). It costs one fsync a commit: ~0.1-0.2 ms an answer here, once a sync.
    connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    connection.execute("PRAGMA synchronous = FULL")


# The bytes a `file:` URI keeps as they are (RFC 3986's unreserved ones, and the slashes).
_URI_PLAIN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")


def file_uri(path: Path | str) -> str:
    """The `file:` URI of `path` made absolute, every other byte percent-encoded, as
    `Path.absolute().as_uri()` writes it, without importing pathlib (and urllib.parse)."""
    path = os.fspath(path)
    absolute = os.fsencode(path if os.path.isabs(path) else os.path.join(os.getcwd(), path))
    return "file://" + "".join(chr(b) if b in _URI_PLAIN else f"%{b:02X}" for b in absolute)


def connect(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    """A configured connection in autocommit mode: each write says `BEGIN IMMEDIATE` itself."""
    if read_only:
        target, uri = f"{file_uri(path)}?mode=ro", True
    else:
        target, uri = str(path), False
    connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None, uri=uri)
    configure(connection)
    return connection


def _folder_is_read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY) or not os.access(folder, os.W_OK)
    except OSError:
        return False


def _nearly_full(folder: Path) -> bool:
    try:
        status = os.statvfs(folder)
    except OSError:
        return False
    return status.f_bavail * status.f_frsize < 256 * 1024


def diagnose(path: Path | str, error: BaseException) -> StudyError:
    """The one line for a sqlite3 error met on `path` (SQLAlchemy's wrapper unwrapped)."""
    from pathlib import Path

    path = Path(path)
    cause = getattr(error, "orig", None) or error
    code = getattr(cause, "sqlite_errorcode", -1) & 0xFF
    full = code == sqlite3.SQLITE_FULL or getattr(cause, "errno", None) == errno.ENOSPC
    # Growing the `-shm` index on a full disk is an I/O error (SQLITE_IOERR_SHMSIZE), not
    # SQLITE_FULL: for any I/O error, the free space left decides.
    if full or (code == sqlite3.SQLITE_IOERR and _nearly_full(path.parent)):
        return StudyError(
            f"{path}: the disk is full, so nothing more was written; free some space and "
            "run it again (the database is fine)"
        )
    if is_busy(cause):
        return StudyError(
            f"{path} is locked by another study (a drill or a sync) and stayed locked "
            f"for {BUSY_TIMEOUT_S:g} s; nothing was lost: run it again when that one is done"
        )
    if code == sqlite3.SQLITE_READONLY or (code == sqlite3.SQLITE_CANTOPEN and path.exists()):
        where = f"the folder {path.parent}" if _folder_is_read_only(path.parent) else "the file"
        return StudyError(
            f"{path} cannot be written: {where} is read-only (the database is fine); "
            "make it writable or pick another --db"
        )
    if code == sqlite3.SQLITE_CANTOPEN:
        return _cannot_create(path)
    if code == sqlite3.SQLITE_NOTADB:
        return StudyError(f"{path} is not a study database (not SQLite); pick another --db")
    if code == sqlite3.SQLITE_CORRUPT:
        return _corrupt(path, cause)
    return StudyError(f"{path}: database error: {cause} ({CHECK_ADVICE})")


# PostgreSQL's SQLSTATEs for a write that lost to another one and may simply be tried again:
# serialization_failure, deadlock_detected, lock_not_available (the server's lock_timeout).
_SERVER_CONFLICTS = frozenset({"40001", "40P01", "55P03"})
# Tries to save one write while the database is busy; each waits out the busy (or, on a
# server, lock) timeout of BUSY_TIMEOUT_S first, so about half a minute in all.
WRITE_TRIES = 6


def is_busy(error: BaseException) -> bool:
    """Whether `error` (SQLAlchemy's wrapper unwrapped) is another process holding the lock:
    a busy SQLite file, or a server's conflict with another transaction."""
    cause = getattr(error, "orig", None) or error
    if getattr(cause, "sqlstate", None) in _SERVER_CONFLICTS:
        return True
    code = getattr(cause, "sqlite_errorcode", -1) & 0xFF
    return isinstance(cause, sqlite3.Error) and code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def until_written(write: Callable[[], T], waiting: Callable[[], None], what: str) -> T:
    """`write` (one whole transaction), tried again while `is_busy` says another writer holds
    the database: `waiting` tells the user each time. After WRITE_TRIES, one line saying that
    `what` was not saved, rather than a process that hangs on a stuck writer."""
    for _ in range(WRITE_TRIES - 1):
        try:
            return write()
        except Exception as error:
            if not is_busy(error):
                raise
            waiting()
    try:
        return write()
    except Exception as error:
        if not is_busy(error):
            raise
        raise StudyError(
            f"the database stayed busy for {WRITE_TRIES} tries (another drill or a sync holds "
            f"it); {what} was not saved"
        ) from None


def unnamed_error(error: BaseException) -> str | None:
    """The line for a database error that reached the CLI with no file named (every store and
    sync names its own, see `translated`); None when `error` is not a database error."""
    cause = getattr(error, "orig", None) or error
    if not isinstance(cause, sqlite3.Error):
        return None
    return f"database error: {cause}; nothing more was written ({CHECK_ADVICE})"


def _cannot_create(path: Path) -> StudyError:
    folder = path.parent
    if not folder.is_dir():
        return StudyError(f"{path} cannot be made: the folder {folder} does not exist")
    if _folder_is_read_only(folder):
        return StudyError(
            f"{path} cannot be made: the folder {folder} is read-only; pick another --db"
        )
    return StudyError(
        f"{path} cannot be made in {folder} ({_why_not_create(path)}); pick another --db"
    )


def _why_not_create(path: Path) -> str:
    """The system's reason a file cannot be made at `path` (SQLite only says "cannot open")."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as error:
        return error.strerror or str(error)
    path.unlink(missing_ok=True)  # it could be made after all: take the probe away
    return "the file could not be opened"


@contextmanager
def translated(path: Path | str) -> Iterator[None]:
    """Any sqlite3 (or SQLAlchemy-wrapped) database error inside becomes its one line."""
    try:
        yield
    except StudyError:
        raise
    except Exception as error:
        cause = getattr(error, "orig", None) or error
        if not isinstance(cause, sqlite3.Error) and not _disk_full(cause):
            raise
        raise diagnose(path, error) from None


def _disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno == errno.ENOSPC


@contextmanager
def nothing_left_beside(path: Path | str) -> Iterator[None]:
    """On a refusal, remove the empty `-wal`/`-shm` that opening the file just made.

    Only files that were not there before and hold no data (an empty write-ahead log; the
    `-shm` is only its index) are removed, so nothing another process uses is touched.
    """
    extras = [f"{path}-wal", f"{path}-shm"]
    existed = [os.path.exists(extra) for extra in extras]
    try:
        yield
    except StudyError:
        wal = extras[0]
        if not existed[0] and os.path.exists(wal) and os.stat(wal).st_size == 0:
            for extra, was_there in zip(extras, existed, strict=True):
                if not was_there:
                    with suppress(FileNotFoundError):
                        os.unlink(extra)
        raise


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise diagnose(path, error) from None
        raise StudyError(
            f"{path} cannot be made: the folder {path.parent} cannot be created "
            f"({error.strerror or error}); pick another --db"
        ) from None


def _check_file(path: Path, create: bool) -> bool:
    """Checks made before SQLite sees the file; whether it exists with content."""
    if path.is_dir():
        raise StudyError(f"{path} is a folder, not a study database; pass a file to --db")
    if not path.exists():
        if not create:
            raise StudyError(f"no study database at {path}; run `study sync PATH` first")
        _make_folder(path)
        return False
    return path.stat().st_size > 0


def header_version(path: Path | str) -> int:
    """The schema version in the file's header, read as bytes (no SQLite, nothing created).

    It can lag behind the true one while a change sits in the write-ahead log, never lead
    it: versions only grow. StudyError if the file is not SQLite at all.
    """
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError as error:
        raise StudyError(f"{path} cannot be read ({error.strerror or error})") from None
    if not header.startswith(SQLITE_HEADER):
        raise StudyError(f"{path} is not a study database (not SQLite); pick another --db")
    return int.from_bytes(header[60:64], "big") if len(header) == 100 else 0


def _newer(path: Path | str, version: int) -> StudyError:
    return StudyError(
        f"{path} was written by a newer study (schema {version}, this release knows "
        f"{len(migrations.MIGRATIONS)}); upgrade study to open it"
    )


def inspect(path: Path) -> int:
    """The schema version of an existing file; StudyError if the file must be refused.

    Refused from its header bytes when that is enough (not SQLite, newer), else read-only
    through SQLite, taking away any empty `-wal`/`-shm` that opening it made.
    """
    _refuse_newer_header(path)
    _roll_back_interrupted_write(path)
    with nothing_left_beside(path), translated(path), closing(connect(path, read_only=True)) as db:
        return _readable_version(path, db)


def _refuse_newer_header(path: Path | str) -> None:
    """Refuse a file a newer study wrote, from its header bytes alone (no SQLite)."""
    version = header_version(path)
    if version > len(migrations.MIGRATIONS):
        raise _newer(path, version)


def _readable_version(path: Path | str, db: sqlite3.Connection) -> int:
    """The schema version of the open `db`; StudyError unless this release can read it."""
    try:
        version = migrations.schema_version(db)
    except StudyError as error:
        raise StudyError(f"{path} {error}") from None
    if version > len(migrations.MIGRATIONS):
        raise _newer(path, version)
    return version


# Long enough for another process rolling the same hot journal back; a live writer holds on.
HOT_JOURNAL_WAIT_S = 0.1


def _roll_back_interrupted_write(path: Path | str) -> None:
    """Roll back a write killed in the rollback journal (a first sync, see study.schedule.journal).

    Its `-journal` is then hot, and a read-only connection cannot roll it back: it would
    refuse the file as read-only. Any writer's first read rolls it back; this opens one, for
    a study file only (its header holds a schema version) and if it may be written at all.
    A first sync writing now has a `-journal` too, not hot: this waits on it only briefly
    (`HOT_JOURNAL_WAIT_S`), the read-only opening after it the usual 5 s, not both.
    """
    if not os.path.exists(f"{path}-journal") or header_version(path) < 1:
        return
    try:
        # Not `connect`: its first statement already waits the whole busy timeout.
        with closing(sqlite3.connect(path, timeout=HOT_JOURNAL_WAIT_S)) as db:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass  # not writable, say: the read-only opening says why


def refuse_if_damaged(path: Path) -> None:
    """Refuse a file with damaged pages up front (~0.2 s for 100,000 cards)."""
    with translated(path), closing(connect(path, read_only=True)) as db:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(1)")]
    if problems != ["ok"]:
        # The first line says where ("*** in database main ***"), the second what.
        lines = [line for line in problems[0].splitlines() if not line.startswith("***")]
        raise _corrupt(path, lines[0] if lines else problems[0])


def _corrupt(path: Path | str, what: object) -> StudyError:
    """The one message that advises a backup: only corruption is worth restoring one for."""
    return StudyError(
        f"{path} is corrupt ({what}); {CHECK_ADVICE}, and restore it from a backup "
        "(`study db backups`) or pick another --db"
    )


def prepare(
    path: Path, create: bool, before_writing: Callable[[Path], object] | None = None
) -> None:
    """Check the file is a study database (or may become one) and migrate it.

    Every check runs read-only before anything is written, so a foreign, corrupt or newer
    file is left byte for byte as it was, with nothing beside it. `before_writing` runs on an
    accepted existing file before anything changes it (the daily backup, study.schedule.backup).
    """
    with nothing_left_beside(path), translated(path):
        version = inspect(path) if _check_file(path, create) else 0
        if before_writing is not None and version:
            before_writing(path)
        if version == len(migrations.MIGRATIONS):
            return
        with closing(connect(path)) as db:
            migrations.migrate(db)
            db.execute("PRAGMA journal_mode=WAL")


def connect_read_only(db_path: Path | str) -> sqlite3.Connection:
    """A read-only connection for the fast read paths (`study due`, reminders), or StudyError
    if the file is missing or not a study database. Nothing is created, migrated or left."""
    if not os.path.isfile(db_path):
        raise StudyError(
            f"no study database at {db_path}: run `study drill` to start with the bundled "
            "decks, or `study sync PATH` to add your notes"
        )
    _refuse_newer_header(db_path)
    _roll_back_interrupted_write(db_path)
    # One connection both checks the file (as `inspect` does) and reads it: a second one
    # would parse the schema again.
    with nothing_left_beside(db_path), translated(db_path):
        conn = connect(db_path, read_only=True)
        try:
            _readable_version(db_path, conn)
            tables = {row[0] for row in conn.execute("select name from sqlite_master")}
            if not {"card", "review", "setting"} <= tables:
                raise StudyError(
                    f"{db_path} is not a study database (no card, review, setting tables)"
                )
        except BaseException:
            conn.close()
            raise
    return conn


def has_json_log(db: sqlite3.Connection) -> bool:
    """Whether a file's review log is still the JSON one (before m010_review_typed): the read-
    only paths (`study due`, `study db check`) read a file as it is, never migrating it."""
    sql = "SELECT 1 FROM pragma_table_info('review') WHERE name = 'before'"
    return db.execute(sql).fetchone() is not None
