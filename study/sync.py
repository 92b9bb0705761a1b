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
plain sqlite3 (no SQLModel import), which keeps it well under a second on a large vault.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from study import __version__
from study.card import Card
from study.errors import StudyError
from study.match import match_cards
from study.migrations import LATEST
from study.paths import default_db_path
from study.vault import find_notes

if TYPE_CHECKING:
    from sqlmodel import Session

    from study.parser import ParsedNote
    from study.store import Store


@dataclass
class SyncReport:
    """What a sync changed; `failures` are notes that could not be read (their cards are kept)."""

    added: int = 0
    updated: int = 0
    moved: int = 0
    retired: int = 0
    restored: int = 0
    rekeyed: int = 0  # of `updated`: cards whose question changed, matched to their old row
    parsed: int = 0  # notes parsed (new or changed)
    unchanged: int = 0  # notes skipped because their content hash was unchanged
    removed: int = 0  # notes gone since the last sync
    merged: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        changes = (
            f"{self.added} added, {self.updated} updated, {self.moved} moved, "
            f"{self.retired} retired, {self.restored} restored"
        )
        notes = f"{self.parsed} notes parsed, {self.unchanged} unchanged"
        if self.removed:
            notes += f", {self.removed} removed"
        return f"{changes} ({notes})"


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

    @property
    def idle(self) -> bool:
        return not self.changed and not self.gone


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def plan(roots: Sequence[str], known: dict[str, str], explicit: bool) -> Plan:
    """Hash every note under `roots` and compare with the hashes `known` from the last sync.

    A registered root that vanished (an unmounted drive) is reported and its cards are kept;
    a path the user names now that does not exist is a StudyError (`explicit`).
    """
    result = Plan(roots=list(roots))
    protected: list[str] = []
    for root in roots:
        try:
            notes = find_notes([Path(root)])
        except StudyError as error:
            if explicit:
                raise
            result.failures.append(f"{error} (its cards are kept)")
            protected.append(root)
            continue
        for note in notes:
            path = str(note.absolute())
            try:
                result.present[path] = content_hash(note.read_bytes())
            except OSError as error:
                result.failures.append(f"{note}: cannot be read ({error.strerror or error})")
                protected.append(path)
    for path, digest in result.present.items():
        if known.get(path) != digest:
            result.changed.append(path)
    result.unchanged = len(result.present) - len(result.changed)
    result.gone = [
        path
        for path in known
        if path not in result.present
        and any(_under(path, root) for root in roots)
        and not any(_under(path, root) for root in protected)
    ]
    return result


def _resolve(paths: Sequence[Path]) -> list[str]:
    return list(dict.fromkeys(str(Path(p).expanduser().absolute()) for p in paths))


def _quick_check(db_path: Path, roots: list[str]) -> Plan | None:
    """The unchanged re-sync, answered with plain sqlite3; None when the full sync must run."""
    if not db_path.is_file():
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
    return result if result.idle and not result.failures else None


def sync_paths(db_path: Path | None, paths: Sequence[Path], now: datetime) -> SyncReport:
    """`study sync [PATH...]`: register `paths` (none: the registered roots) and sync them."""
    db_path = Path(db_path).expanduser() if db_path is not None else default_db_path()
    quick = _quick_check(db_path, _resolve(paths))
    if quick is not None:
        return SyncReport(unchanged=quick.unchanged)
    from study.store import open_store

    with open_store(db_path) as store:
        return sync(store, paths, now)


def sync(store: Store, paths: Sequence[Path], now: datetime) -> SyncReport:
    """Register `paths` as roots (none: re-sync the registered roots) and apply the notes.

    One transaction: a failure part way leaves the store as it was.
    """
    from sqlalchemy import text

    session = store.session
    roots = _resolve(paths)
    registered = list(session.execute(text("SELECT path FROM root")).scalars())
    if not roots and not registered:
        raise StudyError("nothing to sync yet: run `study sync PATH` with a note or a folder")
    known = {row[0]: row[1] for row in session.execute(text("SELECT path, content_hash FROM note"))}
    todo = plan(roots or registered, known, explicit=bool(roots))
    report = SyncReport(unchanged=todo.unchanged, failures=list(todo.failures))
    notes = _parse(todo.changed, report)
    changes = _Changes.compute(session, notes, todo.gone, report)
    changes.write(store, notes, todo, now)
    for root in roots:
        if root not in registered:
            session.execute(text("INSERT INTO root (path) VALUES (:path)"), {"path": root})
    session.commit()
    session.expunge_all()  # rows loaded before may have changed, or changed id, under the ORM
    report.parsed, report.removed = len(notes), len(todo.gone)
    return report


def _parse(paths: Sequence[str], report: SyncReport) -> dict[str, ParsedNote]:
    """Parse the changed notes; an unreadable one is reported and its cards left alone."""
    from study.parser import parse_text
    from study.vault import read_note

    notes = {}
    for path in paths:
        try:
            text = read_note(Path(path))
        except StudyError as error:
            report.failures.append(f"{error} (its cards are kept)")
            continue
        notes[path] = parse_text(text, source=path)
    return notes


# The card columns a note decides (the rest is the schedule, which sync never touches).
CONTENT = (
    "note",
    "note_path",
    "deck",
    "kind",
    "front",
    "back",
    "tags",
    "source",
    "line",
    "section",
)
# A change to one of these is reported as an update; a shifted line alone is not.
VISIBLE = ("note", "deck", "kind", "front", "back", "tags", "section")
_ROW = "SELECT id, status, " + ", ".join(CONTENT) + " FROM card WHERE {column} IN ({names})"
_CHUNK = 500
_UPDATE = (
    "UPDATE card SET id = :id, status = :status, "
    + ", ".join(f"{name} = :{name}" for name in CONTENT)
    + " WHERE id = :_old"
)
_NOTE = (
    "INSERT INTO note (path, deck, content_hash, synced_at)"
    " VALUES (:path, :deck, :content_hash, :synced_at)"
)
_INSERT = (
    "INSERT INTO card (id, status, state, step, due, added, "
    + ", ".join(CONTENT)
    + ") VALUES (:id, 'active', 1, 0, :due, :added, "
    + ", ".join(f":{name}" for name in CONTENT)
    + ")"
)


def _content(card: Card, path: str) -> dict[str, object]:
    return {
        "note": card.note,
        "note_path": path,
        "deck": card.deck,
        "kind": card.kind,
        "front": card.front,
        "back": card.back,
        "tags": json.dumps(list(card.tags), ensure_ascii=False),
        "source": path,
        "line": card.line,
        "section": card.section,
    }


def _known_ids(session: Session, ids: Sequence[str]) -> list[str]:
    """Which of `ids` the store has: one scan of the primary key beats many IN queries."""
    from sqlalchemy import text

    if len(ids) < 5 * _CHUNK:
        return list(ids)
    known = set(session.execute(text("SELECT id FROM card")).scalars())
    return [card_id for card_id in ids if card_id in known]


def _rows(session: Session, column: str, values: Sequence[str]) -> dict[str, dict[str, object]]:
    """Card rows (id, status and content columns) whose `column` is one of `values`."""
    from sqlalchemy import text

    rows: dict[str, dict[str, object]] = {}
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        names = ", ".join(f":v{i}" for i in range(len(chunk)))
        sql = text(_ROW.format(column=column, names=names))
        for row in session.execute(sql, {f"v{i}": v for i, v in enumerate(chunk)}).mappings():
            rows[row["id"]] = dict(row)
    return rows


@dataclass
class _Changes:
    """The writes one sync makes, decided before any is made."""

    updates: list[dict[str, object]] = field(default_factory=list)  # by "_old" id
    rekeys: list[dict[str, str]] = field(default_factory=list)  # review rows to follow a card
    retire: list[str] = field(default_factory=list)
    inserts: list[tuple[str, Card]] = field(default_factory=list)

    @classmethod
    def compute(
        cls,
        session: Session,
        notes: dict[str, ParsedNote],
        gone: Sequence[str],
        report: SyncReport,
    ) -> _Changes:
        """Decide each card's fate (see the module docstring for the rules)."""
        changes = cls()
        old = _rows(session, "note_path", [*notes, *gone])
        incoming = _incoming(notes, report)
        elsewhere = _rows(session, "id", _known_ids(session, [i for i in incoming if i not in old]))
        resynced = set(notes) | set(gone)
        fresh: list[tuple[str, Card]] = []
        for card_id, (path, card) in incoming.items():
            row = old.get(card_id) or elsewhere.get(card_id)
            if row is None:
                fresh.append((path, card))
            elif row["status"] != "retired" and row["note_path"] not in resynced:
                report.merged.append(
                    f"{path}:{card.line}: `{card.front}` is already a card "
                    f"({row['note_path']}:{row['line']}); kept that one"
                )
            else:
                changes._update(row, path, card, report)
        orphans = [r for i, r in old.items() if i not in incoming and r["status"] != "retired"]
        matched = match_cards([r for r in orphans if r["note_path"] in notes], fresh)
        for row, (path, card) in matched:
            changes._update(row, path, card, report, rekey=True)
        taken = {id(pair[1]) for _, pair in matched}
        changes.inserts = [pair for pair in fresh if id(pair[1]) not in taken]
        report.added += len(changes.inserts)
        claimed = {row["id"] for row, _ in matched}
        changes.retire = [str(r["id"]) for r in orphans if r["id"] not in claimed]
        report.retired += len(changes.retire)
        return changes

    def _update(
        self, row: dict[str, object], path: str, card: Card, report: SyncReport, rekey: bool = False
    ) -> None:
        values = _content(card, path)
        status = row["status"]
        if status == "retired":
            status = "active"
            report.restored += 1
        elif rekey:
            report.updated += 1
            report.rekeyed += 1
            self.rekeys.append({"old": str(row["id"]), "new": card.id})
        elif row["note_path"] != path:
            report.moved += 1
        elif any(row[name] != values[name] for name in VISIBLE):
            report.updated += 1
        elif all(row[name] == values[name] for name in CONTENT):
            return
        self.updates.append({**values, "id": card.id, "status": status, "_old": row["id"]})

    def write(self, store: Store, notes: dict[str, ParsedNote], todo: Plan, now: datetime) -> None:
        """Make the writes in bulk, in the session's transaction, uncommitted.

        Plain executemany through the session's connection: SQLModel's per-value processing
        made the ORM bulk insert (`session.execute(insert(CardRow), rows)`) 2.5x slower on
        100,000 cards; the datetime text written is exactly what SQLModel writes.
        """
        from study.store import to_db

        run = store.session.connection().exec_driver_sql
        stamp = to_db(now).strftime("%Y-%m-%d %H:%M:%S.%f")
        if self.updates:
            run(_UPDATE, self.updates)
        if self.rekeys:
            run("UPDATE review SET card_id = :new WHERE card_id = :old", self.rekeys)
        if self.retire:
            retire = [{"id": card_id} for card_id in self.retire]
            run("UPDATE card SET status = 'retired' WHERE id = :id", retire)
        if self.inserts:
            rows = [
                {**_content(card, path), "id": card.id, "due": stamp, "added": stamp}
                for path, card in sorted(self.inserts, key=lambda pair: (pair[0], pair[1].line))
            ]
            run(_INSERT, rows)
        resynced = [{"path": path} for path in [*notes, *todo.gone]]
        if resynced:
            run("DELETE FROM note WHERE path = :path", resynced)
        if notes:
            stamps = [
                {"path": p, "deck": n.deck, "content_hash": todo.present[p], "synced_at": stamp}
                for p, n in notes.items()
            ]
            run(_NOTE, stamps)


def _incoming(notes: dict[str, ParsedNote], report: SyncReport) -> dict[str, tuple[str, Card]]:
    """Every card of the parsed notes, one per id (the first note listing it wins)."""
    incoming: dict[str, tuple[str, Card]] = {}
    for path, parsed in notes.items():
        report.merged.extend(parsed.merged)
        for card in parsed.cards:
            earlier = incoming.get(card.id)
            if earlier is None:
                incoming[card.id] = (path, card)
            elif card.kind == "command":
                report.merged.append(
                    f"{path}:{card.line}: `{card.front}` is already a card "
                    f"({earlier[0]}:{earlier[1].line}); kept one"
                )
    return incoming
