"""Which notes changed since the last sync: the notes under the roots, stat-ed, then hashed.

As git's index does, each note's size and modification time (ns) are kept with its content
hash: a note whose stamp is the one recorded is not read at all; a changed stamp costs one
read and hash, and a note whose hash is unchanged is not parsed again. A note no sync
recorded is not read here at all: it is parsed whatever its hash, and hashed from the bytes
the parse reads (a first sync reads each note once). So an unchanged re-sync is only this:
list the files, stat them, compare with the `note` table.
`quick_check` answers that with plain sqlite3 (no SQLModel import).

A stamp is recorded only for a note last modified well before the sync began (`RACY_NS`):
an edit within the file system's timestamp granularity of the read could leave the same
stamp on new content, so such a note is hashed again next time (git's "racy" entries).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from study import __version__
from study.errors import StudyError
from study.notes.vault import NoteLimits, is_under, note_paths, read_note_bytes
from study.schedule.database import header_version
from study.schedule.migrations import LATEST
from study.schedule.serverdb import Connection


def content_hash(data: bytes) -> str:
    """The hash that decides whether a note must be parsed again.

    The release is part of it, so a newer parser re-reads every note once after an upgrade.
    """
    return hashlib.sha256(__version__.encode() + b"\0" + data).hexdigest()


# How long before the sync's start a note must have been modified for its stamp to be trusted
# next time: coarser than any file system's timestamp granularity (FAT's is 2 s).
RACY_NS = 3_000_000_000


class Known(NamedTuple):
    """A note as the last sync recorded it; no stamp (None) means: hash it to know."""

    content_hash: str
    size: int | None = None
    mtime_ns: int | None = None
    stamped_by: str | None = None  # the release that recorded the stamp


Stamp = tuple[int, int]  # (size, mtime_ns)

KNOWN_SQL = "SELECT path, content_hash, size, mtime_ns, stamped_by FROM note WHERE machine = ?"


def read_known(db: Connection, machine: str) -> dict[str, Known]:
    """The `note` table: each note this machine synced, its hash and stamp, by path."""
    return {path: Known(*rest) for path, *rest in db.execute(KNOWN_SQL, (machine,))}


@dataclass
class Plan:
    """Which notes under the roots are new or changed, gone, unchanged or unreadable."""

    roots: list[str]
    # Absolute path -> hash; None for a new note, hashed only as it is parsed (read once).
    present: dict[str, str | None] = field(default_factory=dict)
    # The stamp to record for each present note; None while it is too recent to trust.
    stamps: dict[str, Stamp | None] = field(default_factory=dict)
    restamped: list[str] = field(default_factory=list)  # unchanged, with a new stamp to record
    changed: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # links leaving a folder, left alone

    @property
    def idle(self) -> bool:
        return not self.changed and not self.gone


def uncovered(
    known: Iterable[str], forgotten: Sequence[str], kept: Sequence[str], gone: Sequence[str]
) -> list[str]:
    """The synced notes under a `forgotten` root that no `kept` root covers (and not `gone`)."""
    return [
        path
        for path in known
        if any(is_under(path, root) for root in forgotten)
        and not any(is_under(path, root) for root in kept)
        and path not in gone
    ]


def plan(
    roots: Sequence[str],
    known: dict[str, Known],
    explicit: bool,
    now: datetime | None = None,
) -> Plan:
    """Stat every note under `roots`, hash those whose stamp is not the one `known` from the
    last sync, and compare. `now` is when the sync began; without it no stamp is recorded.

    A registered root that vanished (an unmounted drive) is reported and its cards are kept;
    a path the user names now that does not exist is a StudyError (`explicit`).
    """
    result = Plan(roots=list(roots))
    settled = None if now is None else int(now.timestamp() * 1e9) - RACY_NS
    protected: list[str] = []
    limits = NoteLimits.from_environment()
    for root in roots:
        try:  # an absolute root: the notes' paths come absolute, with no `abspath` each
            notes = note_paths([Path(os.path.abspath(root))], limits, result.skipped)
        except StudyError as error:
            if explicit:
                raise
            result.failures.append(f"{error} (its cards are kept)")
            protected.append(root)
            continue
        for path in notes:
            try:
                _look(result, path, known.get(path), settled, limits)
            except StudyError as error:
                result.failures.append(f"{error} (its cards are kept)")
                protected.append(path)
    for path, digest in result.present.items():
        if digest is None or known[path].content_hash != digest:
            result.changed.append(path)
    result.unchanged = len(result.present) - len(result.changed)
    result.gone = [
        path
        for path in known
        if path not in result.present
        and any(is_under(path, root) for root in roots)
        and not any(is_under(path, root) for root in protected)
    ]
    return result


def _look(
    plan: Plan, path: str, known: Known | None, settled: int | None, limits: NoteLimits
) -> None:
    """One note into the plan: its stat first; read and hashed only if it was synced before
    and its stamp moved. A new note is changed whatever its hash: it is read when parsed.

    The stamp is taken before any read, so a note edited since is hashed again next time."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise StudyError(f"{path}: cannot be read ({error.strerror or error})") from None
    stamp = (info.st_size, info.st_mtime_ns)
    # Another release's stamp is not trusted: the hash includes the release (see content_hash).
    if known is not None and (*stamp, __version__) == known[1:]:
        plan.present[path], plan.stamps[path] = known.content_hash, stamp
        return
    trusted = settled is not None and info.st_mtime_ns < settled
    plan.stamps[path] = stamp if trusted else None
    if known is None:
        plan.present[path] = None
        return
    plan.present[path] = digest = content_hash(read_note_bytes(path, limits))
    if trusted and known.content_hash == digest:
        plan.restamped.append(path)


def stamp_row(todo: Plan, path: str) -> tuple[int | None, int | None, str | None]:
    """The (size, mtime_ns, stamped_by) columns to record for a note: all NULL when too
    recent to trust."""
    stamp = todo.stamps.get(path)
    return (None, None, None) if stamp is None else (*stamp, __version__)


def record_stamps(db: Connection, todo: Plan, machine: str) -> None:
    """Write the new stamps of notes whose content did not change (uncommitted)."""
    db.executemany(
        "UPDATE note SET size = ?, mtime_ns = ?, stamped_by = ? WHERE machine = ? AND path = ?",
        [(*stamp_row(todo, path), machine, path) for path in todo.restamped],
    )


def resolve_roots(paths: Sequence[Path]) -> list[str]:
    # abspath, not resolve(): `..` is folded, a symlinked folder keeps the name the user gave.
    return list(dict.fromkeys(os.path.abspath(os.path.expanduser(p)) for p in paths))


def quick_check(
    db_path: Path, roots: list[str], machine: str, now: datetime | None = None
) -> Plan | None:
    """The plan for this machine's registered roots, read with plain sqlite3 before anything.

    None when it cannot be had this way (no database yet, an old schema, a root not yet
    registered, an unreadable file): the full sync then plans itself.
    """
    if not db_path.is_file():
        return None
    try:
        if header_version(db_path) != LATEST:
            return None  # not opened at all: a file to refuse gets nothing made beside it
    except StudyError:
        return None
    try:
        db = sqlite3.connect(f"{db_path.absolute().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != LATEST:
                return None
            sql = "SELECT path FROM root WHERE machine = ?"
            registered = [row[0] for row in db.execute(sql, (machine,))]
            known = read_known(db, machine)
        finally:
            db.close()
    except sqlite3.Error:
        return None  # let open_store() give the proper error
    if not roots:
        roots = registered
    if not roots or not set(roots) <= set(registered):
        return None
    result = plan(roots, known, explicit=False, now=now)
    return None if result.failures else result
