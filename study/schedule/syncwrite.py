"""Sync's writing half: the card rows a sync changes, and a first sync's streaming inserts.

`study.schedule.sync` reads the notes and decides what to sync; this module turns the parsed
notes into rows: the same id updates a card in place, a lost id is matched by similarity, a
gone card is retired, a new one inserted. Plain sqlite3 on the sync's connection.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from study.schedule.cardinsert import CONTENT, VISIBLE, CardInserts
from study.schedule.incoming import Incoming, NoteRows
from study.schedule.match import match_cards
from study.schedule.scan import Plan, stamp_row
from study.schedule.schema import Status
from study.schedule.schema import stamp as text_stamp
from study.schedule.serverdb import Connection
from study.words import plural


@dataclass
class SyncReport:
    """What a sync changed; `failures` are notes that could not be read (their cards are kept)."""

    added: int = 0
    updated: int = 0
    moved: int = 0
    retired: int = 0
    restored: int = 0
    rekeyed: int = 0  # of updated/moved: cards whose question changed, matched to their old row
    parsed: int = 0  # notes parsed (new or changed)
    unchanged: int = 0  # notes skipped because their content hash was unchanged
    removed: int = 0  # notes gone since the last sync
    merged: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # links out of a folder, left alone
    forgotten: list[str] = field(default_factory=list)  # roots unregistered by --forget
    # The vaults (study.schedule.machine) of cards a note here gave again, kept where they are.
    kept_in: set[str] = field(default_factory=set)
    hints: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        changes = (
            f"{self.added} added, {self.updated} updated, {self.moved} moved, "
            f"{self.retired} retired, {self.restored} restored"
        )
        notes = f"{plural(self.parsed, 'note')} parsed, {self.unchanged} unchanged"
        if self.removed:
            notes += f", {self.removed} removed"
        return f"{changes} ({notes})"

    def render(self) -> str:
        """What `study sync` prints: the summary, each root forgotten, each merge of a card,
        and what to do about it."""
        forgot = [
            f"  forgot: {root} (`study sync {shlex.quote(root)}` brings it back)"
            for root in self.forgotten
        ]
        merged = [f"  merged: {line}" for line in self.merged]
        hints = [f"  hint: {line}" for line in self.hints]
        return "\n".join([self.summary(), *forgot, *merged, *hints])


_ROW = (
    "SELECT id, status, retired_from, "
    + ", ".join(CONTENT)
    + " FROM card WHERE {column} IN ({names})"
)
_CHUNK = 500
# A card given a new id keeps the Anki GUID it was known by (SQLite reads the old `note`).
_UPDATE = (
    "UPDATE card SET id = :id, status = :status, retired_from = NULL, "
    "anki_guid = COALESCE(anki_guid, note), "
    + ", ".join(f"{name} = :{name}" for name in CONTENT)
    + " WHERE id = :_old"
)
_NOTE = (
    "INSERT INTO note (machine, path, note_key, deck, content_hash, synced_at, size, mtime_ns,"
    " stamped_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def reviewed_only(index_sql: str) -> bool:
    """Whether an index (SQLite's or the server's statement) holds only reviewed cards."""
    return "last_review IS NOT NULL" in index_sql


def _known_ids(db: Connection, ids: Sequence[str]) -> list[str]:
    """Which of `ids` the store has: one scan of the id's index beats many IN queries."""
    if len(ids) < 5 * _CHUNK:
        return list(ids)
    known = {row[0] for row in db.execute("SELECT id FROM card")}
    return [card_id for card_id in ids if card_id in known]


def _stored_rows(
    db: Connection, column: str, values: Sequence[str]
) -> dict[str, dict[str, object]]:
    """Card rows (id, status and content columns) whose `column` is one of `values`."""
    rows: dict[str, dict[str, object]] = {}
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        sql = _ROW.format(column=column, names=", ".join("?" * len(chunk)))
        cursor = db.execute(sql, chunk)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            rows[row[0]] = dict(zip(names, row, strict=True))
    return rows


@dataclass
class Changes:
    """The writes one sync makes, decided before any is made."""

    updates: list[dict[str, object]] = field(default_factory=list)  # by "_old" id
    retire: list[str] = field(default_factory=list)
    inserts: list[tuple[str, Incoming]] = field(default_factory=list)

    @classmethod
    def compute(
        cls,
        db: Connection,
        notes: dict[str, NoteRows],
        gone: set[str],
        new_notes: set[str],
        report: SyncReport,
    ) -> Changes:
        """Decide each card's fate (see the module docstring for the rules).

        `notes` are by path on this machine; `gone` and `new_notes` are note keys
        (study.schedule.machine): a card's note_path is its note's key, the same everywhere.
        """
        changes = cls()
        keys = {note.key for note in notes.values()}
        old = _stored_rows(db, "note_path", [*keys, *gone])
        incoming = _incoming(notes, report)
        elsewhere = _stored_rows(db, "id", _known_ids(db, [i for i in incoming if i not in old]))
        resynced = keys | gone
        fresh: list[tuple[str, Incoming]] = []
        for card_id, (path, card) in incoming.items():
            row = old.get(card_id) or elsewhere.get(card_id)
            if row is None:
                fresh.append((path, card))
            elif row["status"] != Status.RETIRED and row["note_path"] not in resynced:
                report.kept_in.add(str(row["note_path"]).split("/", 1)[0])
                report.merged.append(
                    f"{card.source}:{card.line}: `{card.front}` is already a card "
                    f"({row['source']}:{row['line']}); kept that one"
                )
            else:
                changes._update(row, path, card, report)
        orphans = [r for i, r in old.items() if i not in incoming and r["status"] != "retired"]
        matched = match_cards([r for r in orphans if r["note_path"] in keys], fresh)
        claimed = {row["id"] for row, _ in matched}
        taken = {id(pair[1]) for _, pair in matched}
        # A renamed file whose deck is named after it: every id changed, in a note that is
        # new, while the old note is gone. Match across those two, by kind.
        matched += match_cards(
            [r for r in orphans if r["note_path"] in gone and r["id"] not in claimed],
            [pair for pair in fresh if pair[0] in new_notes and id(pair[1]) not in taken],
            by_note=False,
        )
        for row, (path, card) in matched:
            changes._update(row, path, card, report, rekey=True)
        claimed = {row["id"] for row, _ in matched}
        taken = {id(pair[1]) for _, pair in matched}
        changes.inserts = [pair for pair in fresh if id(pair[1]) not in taken]
        report.added += len(changes.inserts)
        changes.retire = [str(r["id"]) for r in orphans if r["id"] not in claimed]
        report.retired += len(changes.retire)
        return changes

    def _update(
        self,
        row: dict[str, object],
        path: str,
        card: Incoming,
        report: SyncReport,
        rekey: bool = False,
    ) -> None:
        values: dict[str, object] = card._asdict()
        status = row["status"]
        if rekey:
            report.rekeyed += 1
        if status == Status.RETIRED:
            status = row["retired_from"] or Status.ACTIVE  # a suspended card stays suspended
            report.restored += 1
        elif row["note_path"] != path:
            report.moved += 1
        elif rekey or any(row[name] != values[name] for name in VISIBLE):
            report.updated += 1
        elif all(row[name] == values[name] for name in CONTENT):
            return
        self.updates.append({**values, "status": status, "_old": row["id"]})

    def write(
        self, db: Connection, notes: dict[str, NoteRows], todo: Plan, now: datetime, machine: str
    ) -> None:
        """Make the writes in bulk with executemany, uncommitted.

        Plain SQL: SQLModel's per-value processing made the ORM bulk insert
        (`session.execute(insert(CardRow), rows)`) 2.5x slower on 100,000 cards; the datetime
        text written is exactly what SQLModel writes.
        """
        stamp = text_stamp(now)
        # Card ids are hashes, so a big first sync inserts all over the indexes: a larger page
        # cache for these writes makes 100,000 inserts ~1.5x faster.
        db.execute(f"PRAGMA cache_size = {-64 * 1024}")
        db.executemany(_UPDATE, self.updates)
        retire = [{"id": card_id} for card_id in self.retire]
        db.executemany(
            f"UPDATE card SET retired_from = status, status = '{Status.RETIRED}' WHERE id = :id",
            retire,
        )
        # New cards are added in note and line order: their rowid is the order they are studied.
        inserts = sorted(self.inserts, key=lambda pair: (pair[0], pair[1].line))
        CardInserts(stamp).write(db, [card for _, card in inserts])
        _write_notes(db, notes, todo, stamp, machine)
        db.execute("PRAGMA cache_size = -2000")  # SQLite's default


def _write_notes(
    db: Connection, notes: dict[str, NoteRows], todo: Plan, stamp: str, machine: str
) -> None:
    """Record the notes this machine synced (by path: their stamp skips the read next time,
    their hash the parser) and forget its gone ones."""
    gone = [(machine, path) for path in [*notes, *todo.gone]]
    db.executemany("DELETE FROM note WHERE machine = ? AND path = ?", gone)
    db.executemany(
        _NOTE,
        [
            (machine, path, note.key, note.deck, note.content_hash, stamp, *stamp_row(todo, path))
            for path, note in notes.items()
        ],
    )


def _incoming(notes: dict[str, NoteRows], report: SyncReport) -> dict[str, tuple[str, Incoming]]:
    """Every card of the parsed notes, one per id (the first note listing it wins), with its
    note's key."""
    taken: Taken = {}
    incoming: dict[str, tuple[str, Incoming]] = {}
    for path, parsed in notes.items():
        for row in _take(taken, path, parsed, report):
            incoming[row[_ID]] = (parsed.key, Incoming._make(row))  # type: ignore[index]
    return incoming


Row = tuple[str | int, ...]  # a card as the workers send it, in `Incoming`'s order
# The note each card id came from, not its row: a first sync lets the rows go once written
# (500,000 held to the end were ~40% of its memory at 5,000 notes). A command's line too:
# a command listed again in another note is reported with where it was first.
Taken = dict[str, str | tuple[str, int]]
_ID, _KIND, _FRONT, _LINE = (Incoming._fields.index(f) for f in ("id", "kind", "front", "line"))


def _take(taken: Taken, path: str, note: NoteRows, report: SyncReport) -> list[Row]:
    """Add a note's cards to `taken` unless an earlier note gave the id; returns those added.

    Plain tuples, not `Incoming`s: a first sync takes 100,000 cards here, one at a time.
    """
    report.merged.extend(note.merged)
    added = []
    for row in note.cards:
        card_id: str = row[_ID]  # type: ignore[assignment]
        earlier = taken.get(card_id)
        if earlier is None:
            line: int = row[_LINE]  # type: ignore[assignment]
            taken[card_id] = (path, line) if row[_KIND] == "command" else path
            added.append(row)
        elif row[_KIND] == "command":
            where = ":".join(map(str, earlier)) if isinstance(earlier, tuple) else earlier
            report.merged.append(
                f"{path}:{row[_LINE]}: `{row[_FRONT]}` is already a card ({where}); kept one"
            )
    return added


def holds_cards(db: Connection) -> bool:
    """Whether the store has any card: a sync into one with none is a first sync."""
    return db.execute("SELECT 1 FROM card LIMIT 1").fetchone() is not None


class FirstSync:
    """A sync into an empty card table writes each note's cards as soon as the note is parsed.

    Parsing is most of a first sync; writing while the workers parse the next notes hides
    most of the writing. It makes exactly the rows `Changes` would: with no card stored, every
    card is new, the first note (in the plan's order, the order notes arrive in) giving an id
    wins, and cards are added in (note key, line) order. The two orders differ when a folder
    name is a prefix of another ("git/", "git-2/"): a note then waits for those before it.
    """

    # The share of notes written after which the indexes are built: late enough that most
    # cards go in without index upkeep, early enough that the build (~0.3 s at 85,000 cards)
    # runs while the workers parse the rest instead of after them (a first sync ~7% faster).
    INDEX_AT = 0.85

    def __init__(self, db: Connection, todo: Plan, stamp: str, keys: dict[str, str], machine: str):
        self.db, self.stamp, self.machine = db, stamp, machine
        self.inserts = CardInserts(stamp)
        self.indexes: list[tuple[str, str]] = []
        self.taken: Taken = {}
        self.order = sorted(todo.changed, key=keys.__getitem__)  # the order cards are added in
        self.written = 0  # notes of `order` written so far
        self.waiting: dict[str, list[Row]] = {}

    @classmethod
    def start(
        cls, db: Connection, todo: Plan, now: datetime, keys: dict[str, str], machine: str
    ) -> FirstSync | None:
        """Begin one, or None when the store holds cards.

        The card table's indexes are dropped, to be built in one go once most cards are in
        (INDEX_AT): keeping them up to date row by row costs more than the rows themselves,
        the id's unique index most (hashed ids land all over it; on a file made since
        m012_card_id_unique_index it is an index of its own, `ix_card_id`, dropped too; a
        primary key stays). All of it inside the sync's transaction: a failure or a reader
        never sees the table without them, and the unique index refuses a repeated id when
        it is built. The indexes of reviewed cards stay: no new card enters them, and
        building one again would read the whole table for nothing.
        """
        if holds_cards(db):
            return None
        if not db.in_transaction:
            db.execute("BEGIN")  # DDL outside a transaction would commit on its own
        indexes = [
            (name, sql)
            for name, sql in db.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = 'card' AND sql IS NOT NULL"
            )
            if not reviewed_only(sql)
        ]
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        db.execute(f"PRAGMA cache_size = {-64 * 1024}")  # see Changes.write
        first = cls(db, todo, text_stamp(now), keys, machine)
        first.indexes = indexes
        return first

    def add(self, path: str, note: NoteRows | None, report: SyncReport) -> None:
        """Take a note's cards (None: it could not be read) and write every note now due."""
        cards = [] if note is None else _take(self.taken, path, note, report)
        report.added += len(cards)
        self.waiting[path] = sorted(cards, key=itemgetter(_LINE))
        while self.written < len(self.order) and self.order[self.written] in self.waiting:
            cards = self.waiting.pop(self.order[self.written])
            self.inserts.write(self.db, cards)
            self.written += 1
            if self.written >= len(self.order) * self.INDEX_AT:
                self._build_indexes()

    def _build_indexes(self) -> None:
        for _, sql in self.indexes:
            self.db.execute(sql)
        self.indexes = []

    def finish(self, notes: dict[str, NoteRows], todo: Plan) -> None:
        self._build_indexes()
        _write_notes(self.db, notes, todo, self.stamp, self.machine)
        self.db.execute("PRAGMA cache_size = -2000")  # SQLite's default
