"""Which notes changed since the last sync: the notes under the roots, hashed.

A note whose content hash is unchanged is not parsed again, so an unchanged re-sync is only
this: list the files, hash them, compare with the `note` table. `quick_check` answers that
with plain sqlite3 (no SQLModel import), which keeps `study sync` with nothing to do well
under half a second on a vault of 1,000 notes.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from study import __version__
from study.errors import StudyError
from study.notes.vault import NoteLimits, find_notes, is_under, read_note_bytes
from study.schedule.database import header_version
from study.schedule.migrations import LATEST


def content_hash(data: bytes) -> str:
    """The hash that decides whether a note must be parsed again.

    The release is part of it, so a newer parser re-reads every note once after an upgrade.
    """
    return hashlib.sha256(__version__.encode() + b"\0" + data).hexdigest()


@dataclass
class Plan:
    """Which notes under the roots are new or changed, gone, unchanged or unreadable."""

    roots: list[str]
    present: dict[str, str] = field(default_factory=dict)  # absolute path -> hash
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


def plan(roots: Sequence[str], known: dict[str, str], explicit: bool) -> Plan:
    """Hash every note under `roots` and compare with the hashes `known` from the last sync.

    A registered root that vanished (an unmounted drive) is reported and its cards are kept;
    a path the user names now that does not exist is a StudyError (`explicit`).
    """
    result = Plan(roots=list(roots))
    protected: list[str] = []
    limits = NoteLimits.from_environment()
    for root in roots:
        try:
            notes = find_notes([Path(root)], limits, result.skipped)
        except StudyError as error:
            if explicit:
                raise
            result.failures.append(f"{error} (its cards are kept)")
            protected.append(root)
            continue
        for note in notes:
            path = os.path.abspath(note)
            try:
                result.present[path] = content_hash(read_note_bytes(note, limits))
            except StudyError as error:
                result.failures.append(f"{error} (its cards are kept)")
                protected.append(path)
    for path, digest in result.present.items():
        if known.get(path) != digest:
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


def resolve_roots(paths: Sequence[Path]) -> list[str]:
    # abspath, not resolve(): `..` is folded, a symlinked folder keeps the name the user gave.
    return list(dict.fromkeys(os.path.abspath(os.path.expanduser(p)) for p in paths))


def quick_check(db_path: Path, roots: list[str]) -> Plan | None:
    """The plan for registered roots, read with plain sqlite3 before anything else.

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
            registered = [row[0] for row in db.execute("SELECT path FROM root")]
            known = dict(db.execute("SELECT path, content_hash FROM note").fetchall())
        finally:
            db.close()
    except sqlite3.Error:
        return None  # let open_store() give the proper error
    if not roots:
        roots = registered
    if not roots or not set(roots) <= set(registered):
        return None
    result = plan(roots, known, explicit=False)
    return None if result.failures else result
