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
plain sqlite3 (study.scan). `study sync` on a file never imports SQLModel: it runs the same SQL
through sqlite3 that `sync()` runs through a Store's connection. A first sync (no card stored yet)
writes each note's cards as the parser workers hand them over (`FirstSync`).

A sync plans only this machine's folders, and a card's note is its key (vault and path in
it), the same on every machine (study.schedule.machine). On a PostgreSQL server the same
statements run through `study.schedule.serverdb.ServerConnection`.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from study.collector import collector_paused
from study.errors import StudyError
from study.notes.vault import check_markdown, note_paths
from study.paths import db_path as resolve_db_path
from study.paths import server_url
from study.schedule.backup import open_for_writing
from study.schedule.database import connect as connect_to
from study.schedule.database import translated
from study.schedule.incoming import NoteRows, parsing
from study.schedule.journal import rollback_journal, write_ahead
from study.schedule.machine import UNCLAIMED, machine_id, note_key, vault_name
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
from study.schedule.serverdb import Connection, ServerConnection, lock_for_sync
from study.schedule.syncwrite import Changes, FirstSync, SyncReport, holds_cards

if TYPE_CHECKING:
    from study.schedule.store import Store


def sync_paths(
    db_path: Path | None,
    paths: Sequence[Path],
    now: datetime,
    forget: Sequence[Path] = (),
    vault: str | None = None,
) -> SyncReport:
    """`study sync [PATH...] [--forget PATH] [--vault NAME]`: register `paths` on this machine
    (as the vault `vault`, default each one's name) and sync them, or with none re-sync what
    this machine registered; unregister `forget` first, retiring the cards only it covered.

    Plain sqlite3 all the way (no SQLModel import, ~0.7 s saved on every run that changes
    something); the SQL is the same `sync()` runs through a Store, as it does for a server.
    """
    for path in paths:  # before the database is opened (or made): a typo changes nothing
        check_markdown(Path(path).expanduser())
    url = server_url(db_path)
    if url is not None:
        from study.schedule.store import open_store

        with open_store(url) as store:
            return sync(store, paths, now, forget, vault)
    db_path = resolve_db_path(db_path)
    if paths and not db_path.exists():
        note_paths([Path(root) for root in resolve_roots(paths)])  # an empty folder makes none
    machine = machine_id()
    quick = not forget and not vault
    scanned = quick_check(db_path, resolve_roots(paths), machine, now) if quick else None
    if scanned is not None and scanned.idle:
        if scanned.restamped:  # touched, not changed: remember the new stamps
            _restamp(db_path, scanned, machine)
        return SyncReport(unchanged=scanned.unchanged, skipped=scanned.skipped)
    with translated(db_path):
        open_for_writing(db_path, create=True, now=now)
        held: list[sqlite3.Connection] = []

        def connect() -> sqlite3.Connection:
            if not held:
                held.append(connect_to(db_path))
                if not holds_cards(held[0]):  # a first sync: see rollback_journal
                    rollback_journal(held[0])
            return held[0]

        def release() -> None:
            held.pop().close()

        try:
            report = _sync(
                connect, release, paths, now, forget, scanned, machine=machine, vault=vault
            )
            connect().execute("COMMIT")
            return report
        finally:
            if held:
                _close(held.pop())


def _close(db: sqlite3.Connection) -> None:
    """Close the sync's connection: what it did not commit is rolled back, and a file it put
    in the rollback journal for a first sync goes back to the write-ahead log."""
    try:
        if db.in_transaction:
            db.execute("ROLLBACK")
        write_ahead(db)
    except sqlite3.Error:
        pass  # the error that ended the sync is the one to report; close() rolls back
    db.close()


def _restamp(db_path: Path, scanned: Plan, machine: str) -> None:
    """Record the new stamps of touched notes; best effort: a file that cannot be written now
    (read-only, locked) loses nothing but a hash of those notes next time."""
    try:
        db = connect_to(db_path)
        try:
            db.execute("BEGIN IMMEDIATE")
            record_stamps(db, scanned, machine)
            db.execute("COMMIT")
        finally:
            db.close()
    except sqlite3.Error:
        pass


def sync(
    store: Store,
    paths: Sequence[Path],
    now: datetime,
    forget: Sequence[Path] = (),
    vault: str | None = None,
) -> SyncReport:
    """Register `paths` as roots (none: re-sync the registered roots) and apply the notes.

    One transaction: a failure part way leaves the store as it was. The session's rows are
    expunged after (cards may have changed, or changed id, under the ORM). On a server the
    same SQL runs through `ServerConnection` (study.schedule.serverdb).
    """
    session = store.session

    def connect() -> Connection:
        raw = session.connection().connection.driver_connection
        return raw if store.url is None else ServerConnection(raw)  # type: ignore[return-value]

    def release() -> None:
        session.close()
        store.engine.dispose()  # reconnects on next use

    try:
        with store.writing():
            report = _sync(connect, release, paths, now, forget, machine=machine_id(), vault=vault)
    finally:
        session.expunge_all()
    return report


@collector_paused()
def _sync(
    connect: Callable[[], Connection],
    release: Callable[[], None],
    paths: Sequence[Path],
    now: datetime,
    forget: Sequence[Path],
    scanned: Plan | None = None,
    *,
    machine: str,
    vault: str | None = None,
) -> SyncReport:
    """The sync itself, uncommitted; `release` closes the connection before a fork.

    `scanned` is the plan `quick_check` already made, so the notes are not hashed twice.
    Only this `machine`'s folders are planned (study.schedule.machine).
    """
    db = _as_writer(connect(), machine)
    roots = resolve_roots(paths)
    folders = Folders.read(db, machine, roots, resolve_roots(forget), vault)
    registered, forgotten = folders.registered, folders.forgotten
    if not roots and not registered and not forgotten:
        raise StudyError("nothing to sync yet: run `study sync PATH` with a note or a folder")
    known = read_known(db, machine)
    todo = scanned or plan(roots or registered, known, explicit=bool(roots), now=now)
    todo.gone += uncovered(known, forgotten, [*roots, *registered], todo.gone)
    report = SyncReport(
        unchanged=todo.unchanged, failures=list(todo.failures), skipped=list(todo.skipped)
    )
    report.forgotten = forgotten
    keys = folders.keys(db, [*todo.changed, *todo.gone])
    # Forking is safe on Linux only (macOS system libraries may not survive it).
    parallel = len(todo.changed) >= PARALLEL_FROM and _workers() > 0 and sys.platform == "linux"
    if parallel:
        release()  # a SQLite connection must never cross a fork
    changed_keys = [keys[path] for path in todo.changed]
    with parsing(todo.changed, changed_keys, _workers() if parallel else 0) as results:
        db = _as_writer(connect(), machine)  # after the workers were forked
        if parallel:
            _unchanged_since(db, known, [*registered, *forgotten], machine)
        record_stamps(db, todo, machine)  # on the connection that commits (the first closed)
        first = FirstSync.start(db, todo, now, keys, machine)
        notes = _collect(todo.changed, results, report, first)
    if first:
        first.finish(notes, todo)
    else:
        gone, new = {keys[p] for p in todo.gone}, {keys[p] for p in notes if p not in known}
        Changes.compute(db, notes, gone, new, report).write(db, notes, todo, now, machine)
    folders.write(db)
    report.hints = folders.hints(report.kept_in)
    report.parsed, report.removed = len(notes), len(todo.gone)
    return report


@dataclass
class Folders:
    """This machine's registered folders and their vaults, and the change a sync makes."""

    machine: str
    vaults: dict[str, str]  # every folder (or file) registered here -> its vault
    forgotten: list[str]
    new: dict[str, str]  # folders to register now -> their vaults

    @property
    def registered(self) -> list[str]:
        return [root for root in self.vaults if root not in self.forgotten]

    @classmethod
    def read(
        cls, db: Connection, machine: str, roots: list[str], forget: list[str], vault: str | None
    ) -> Folders:
        """StudyError for a root to forget that is not registered, or a registered one given
        another `vault` name."""
        sql = "SELECT path, vault FROM root WHERE machine = ?"
        vaults = dict(db.execute(sql, (machine,)).fetchall())
        folders = cls(machine, vaults, _forget(forget, list(vaults)), {})
        for root in roots:
            named = vaults.get(root)
            if named is None:
                folders.new[root] = vault_name(root, {**vaults, **folders.new}, vault)
            elif vault and named != vault:
                raise StudyError(
                    f"{root} is already the vault {named!r} here; `study sync --forget "
                    f"{shlex.quote(root)}` first to register it as {vault!r}"
                )
        return folders

    def keys(self, db: Connection, paths: list[str]) -> dict[str, str]:
        """Each note's key: the one it was stored with here, else from its folder now."""
        sql = "SELECT path, note_key FROM note WHERE machine = ?"
        stored = dict(db.execute(sql, (self.machine,)).fetchall())
        roots = {root: self.vaults[root] for root in self.registered} | self.new
        return {path: stored.get(path) or note_key(path, roots) for path in paths}

    def hints(self, kept_in: set[str]) -> list[str]:
        """A folder registered now whose notes are another machine's vault under another name:
        say how to make them one (their cards stay the other's until then)."""
        elsewhere = sorted(kept_in - set(self.vaults.values()) - set(self.new.values()))
        return [
            f"the notes in {root} are cards of the vault {other!r} already (another folder, "
            f"another machine?); if it is that vault: `study sync --forget {shlex.quote(root)}`, "
            f"then `study sync {shlex.quote(root)} --vault {shlex.quote(other)}`"
            for root in self.new
            for other in elsewhere
        ]

    def write(self, db: Connection) -> None:
        db.executemany(
            "DELETE FROM root WHERE machine = ? AND path = ?",
            [(self.machine, root) for root in self.forgotten],
        )
        db.executemany(
            "INSERT INTO root (machine, path, vault) VALUES (?, ?, ?)",
            [(self.machine, root, vault) for root, vault in self.new.items()],
        )


def _forget(roots: list[str], registered: list[str]) -> list[str]:
    """The roots to unregister (at the end, with the other writes); StudyError if one is not."""
    for root in roots:
        if root not in registered:
            listing = ", ".join(registered) or "none"
            raise StudyError(f"{root} is not registered, so there is nothing to forget ({listing})")
    return roots


def _as_writer(db: Connection, machine: str) -> Connection:
    """The sync's connection inside a write transaction, waiting up to the busy timeout.

    The write lock is taken before the first read the writes depend on: a read transaction
    upgraded to a write fails at once (no waiting) when another process wrote meanwhile.
    A server has no lock on the whole database: syncs take turns on an advisory lock.
    Folders and notes registered before they belonged to machines become this one's.
    """
    if isinstance(db, ServerConnection):
        lock_for_sync(db)
    elif not db.in_transaction:
        db.execute("BEGIN IMMEDIATE")
    for table in ("root", "note"):
        db.execute(f"UPDATE {table} SET machine = ? WHERE machine = ?", (machine, UNCLAIMED))
    return db


def _unchanged_since(
    db: Connection, known: dict[str, Known], roots: list[str], machine: str
) -> None:
    """After parsing without the lock (workers were forked), check no other sync wrote."""
    # Only content counts: a note's stamp alone may move (another sync found it touched).
    now_known = {path: note.content_hash for path, note in read_known(db, machine).items()}
    known_before = {path: note.content_hash for path, note in known.items()}
    sql = "SELECT path FROM root WHERE machine = ?"
    now_roots = [row[0] for row in db.execute(sql, (machine,))]
    if now_known != known_before or sorted(now_roots) != sorted(roots):
        raise StudyError(
            "another `study sync` changed the database while this one was reading the notes; "
            "nothing was written by this one: run it again"
        )


PARALLEL_FROM = 100  # changed notes from which parsing is spread over the CPU cores
# Cores from which parsing is spread at all. Two processes parsing at once on two cores cost
# ~10-15% more CPU than one parsing alone (measured: the same notes in two halves, together
# and one after the other), and the writing needs a core as well: on two cores, a first sync
# of 1,000 notes cost ~3.6 s of CPU parsed here alone against ~4.1-4.2 s beside two workers,
# for 0.65 s less wait on a quiet machine (at most half the parse) and none on a busy one.
# The goal is CPU (issue 15).
PARALLEL_CORES = 3


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
            # A first sync writes the cards as they come; after that only deck and key are needed.
            notes[path] = note._replace(cards=[]) if first else note
        if first:
            first.add(path, note, report)
    return notes


def _workers() -> int:
    """Parse workers to fork besides this process, which parses too: one per other core,
    none below PARALLEL_CORES."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = min(cores or 1, 4)
    return cores - 1 if cores >= PARALLEL_CORES else 0
