"""Sync: bring the store in line with the user's notes without ever losing review history.

The rules, in the order they apply to each card the notes now give:
- same id as a card in the store: the card is updated in place (an edited answer keeps its
  id, so it keeps its schedule and history); a retired card coming back is restored;
- a new id, in a note where a card of the same kind just lost its id: the two are matched by
  similarity of question and answer (a typo fixed, a word added, a heading or deck renamed),
  and the old row takes the new id, its review rows following;
- otherwise a new card.
A card whose source is gone is retired, never deleted. Notes are only read, and a file whose
content hash is unchanged is not parsed at all: an unchanged re-sync only hashes files, with
plain sqlite3 (study.scan). `study sync` never imports SQLModel: it runs the same SQL through
sqlite3 that `sync()` runs through a Store's connection. A first sync (no card stored yet)
writes each note's cards as the parser workers hand them over (`FirstSync`).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from study.collector import collector_paused
from study.errors import StudyError
from study.notes.vault import check_markdown, find_notes
from study.paths import db_path as resolve_db_path
from study.schedule.backup import open_for_writing
from study.schedule.database import connect as connect_to
from study.schedule.database import translated
from study.schedule.incoming import NoteRows, parsing
from study.schedule.scan import (
    Known,
    Plan,
    plan,
    quick_check,
    read_known,
    record_stamps,
    resolve_roots,
    uncovered,
)
from study.schedule.syncwrite import Changes, FirstSync, SyncReport

if TYPE_CHECKING:
    from study.schedule.store import Store


def sync_paths(
    db_path: Path | None, paths: Sequence[Path], now: datetime, forget: Sequence[Path] = ()
) -> SyncReport:
    """`study sync [PATH...] [--forget PATH]`: register `paths` (none: the registered roots)
    and sync them; unregister `forget` first, retiring the cards only it covered.

    Plain sqlite3 all the way (no SQLModel import, ~0.7 s saved on every run that changes
    something); the SQL is the same `sync()` runs through a Store.
    """
    db_path = resolve_db_path(db_path)
    for path in paths:  # before the database is opened (or made): a typo changes nothing
        check_markdown(Path(path).expanduser())
    if paths and not db_path.exists():
        find_notes([Path(root) for root in resolve_roots(paths)])  # an empty folder makes none
    scanned = None if forget else quick_check(db_path, resolve_roots(paths), now)
    if scanned is not None and scanned.idle:
        if scanned.restamped:  # touched, not changed: remember the new stamps
            _restamp(db_path, scanned)
        return SyncReport(unchanged=scanned.unchanged, skipped=scanned.skipped)
    with translated(db_path):
        open_for_writing(db_path, create=True, now=now)
        held: list[sqlite3.Connection] = []

        def connect() -> sqlite3.Connection:
            if not held:
                held.append(connect_to(db_path))
            return held[0]

        def release() -> None:
            held.pop().close()

        try:
            report = _sync(connect, release, paths, now, forget, scanned)
            connect().execute("COMMIT")
            return report
        finally:
            if held:
                release()  # without a commit: rolled back


def _restamp(db_path: Path, scanned: Plan) -> None:
    """Record the new stamps of touched notes; best effort: a file that cannot be written now
    (read-only, locked) loses nothing but a hash of those notes next time."""
    try:
        db = connect_to(db_path)
        try:
            db.execute("BEGIN IMMEDIATE")
            record_stamps(db, scanned)
            db.execute("COMMIT")
        finally:
            db.close()
    except sqlite3.Error:
        pass


def sync(
    store: Store, paths: Sequence[Path], now: datetime, forget: Sequence[Path] = ()
) -> SyncReport:
    """Register `paths` as roots (none: re-sync the registered roots) and apply the notes.

    One transaction: a failure part way leaves the store as it was. The session's rows are
    expunged after (cards may have changed, or changed id, under the ORM).
    """
    store.file_only("study sync")
    session = store.session

    def connect() -> sqlite3.Connection:
        return session.connection().connection.driver_connection  # type: ignore[return-value]

    def release() -> None:
        session.close()
        store.engine.dispose()  # reconnects on next use

    try:
        with store.writing():
            report = _sync(connect, release, paths, now, forget)
    finally:
        session.expunge_all()
    return report


@collector_paused()
def _sync(
    connect: Callable[[], sqlite3.Connection],
    release: Callable[[], None],
    paths: Sequence[Path],
    now: datetime,
    forget: Sequence[Path],
    scanned: Plan | None = None,
) -> SyncReport:
    """The sync itself, uncommitted; `release` closes the connection before a fork.

    `scanned` is the plan `quick_check` already made, so the notes are not hashed twice.
    """
    db = _as_writer(connect())
    roots = resolve_roots(paths)
    registered = [row[0] for row in db.execute("SELECT path FROM root")]
    forgotten = _forget(resolve_roots(forget), registered)
    registered = [root for root in registered if root not in forgotten]
    if not roots and not registered and not forgotten:
        raise StudyError("nothing to sync yet: run `study sync PATH` with a note or a folder")
    known = read_known(db)
    todo = scanned or plan(roots or registered, known, explicit=bool(roots), now=now)
    todo.gone += uncovered(known, forgotten, [*roots, *registered], todo.gone)
    report = SyncReport(
        unchanged=todo.unchanged, failures=list(todo.failures), skipped=list(todo.skipped)
    )
    report.forgotten = forgotten
    # Forking is safe on Linux only (macOS system libraries may not survive it).
    parallel = len(todo.changed) >= PARALLEL_FROM and _workers() > 1 and sys.platform == "linux"
    if parallel:
        release()  # a SQLite connection must never cross a fork
    with parsing(todo.changed, _workers() if parallel else 1) as results:
        db = _as_writer(connect())  # after the workers were forked
        if parallel:
            _unchanged_since(db, known, [*registered, *forgotten])
        record_stamps(db, todo)  # on the connection that commits (the first closed to fork)
        first = FirstSync.start(db, todo, now)
        notes = _collect(todo.changed, results, report, first)
    if first:
        first.finish(notes, todo)
    else:
        changes = Changes.compute(db, notes, set(todo.gone), set(notes) - set(known), report)
        changes.write(db, notes, todo, now)
    db.executemany("DELETE FROM root WHERE path = ?", [(root,) for root in forgotten])
    db.executemany(
        "INSERT INTO root (path) VALUES (:path)",
        [{"path": root} for root in roots if root not in registered],
    )
    report.parsed, report.removed = len(notes), len(todo.gone)
    return report


def _forget(roots: list[str], registered: list[str]) -> list[str]:
    """The roots to unregister (at the end, with the other writes); StudyError if one is not."""
    for root in roots:
        if root not in registered:
            listing = ", ".join(registered) or "none"
            raise StudyError(f"{root} is not registered, so there is nothing to forget ({listing})")
    return roots


def _as_writer(db: sqlite3.Connection) -> sqlite3.Connection:
    """The sync's connection inside a write transaction, waiting up to the busy timeout.

    The write lock is taken before the first read the writes depend on: a read transaction
    upgraded to a write fails at once (no waiting) when another process wrote meanwhile.
    """
    if not db.in_transaction:
        db.execute("BEGIN IMMEDIATE")
    return db


def _unchanged_since(db: sqlite3.Connection, known: dict[str, Known], roots: list[str]) -> None:
    """After parsing without the lock (workers were forked), check no other sync wrote."""
    # Only content counts: a note's stamp alone may move (another sync found it touched).
    now_known = {path: note.content_hash for path, note in read_known(db).items()}
    known_before = {path: note.content_hash for path, note in known.items()}
    now_roots = [row[0] for row in db.execute("SELECT path FROM root")]
    if now_known != known_before or sorted(now_roots) != sorted(roots):
        raise StudyError(
            "another `study sync` changed the database while this one was reading the notes; "
            "nothing was written by this one: run it again"
        )


PARALLEL_FROM = 100  # changed notes from which parsing is spread over the CPU cores


def _collect(
    paths: Sequence[str],
    results: Iterator[NoteRows | str],
    report: SyncReport,
    first: FirstSync | None,
) -> dict[str, NoteRows]:
    """The parsed notes by path; a first sync writes each one's cards as soon as it arrives."""
    notes: dict[str, NoteRows] = {}
    for path, result in zip(paths, results, strict=True):
        note = None
        if isinstance(result, str):
            report.failures.append(result)  # unreadable: its cards are left alone
        else:
            note = result
            # A first sync writes the cards as they come; after that only the deck is needed.
            notes[path] = note._replace(cards=[]) if first else note
        if first:
            first.add(path, note, report)
    return notes


def _workers() -> int:
    return min(os.cpu_count() or 1, 4)
