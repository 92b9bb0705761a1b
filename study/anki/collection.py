"""The SQLite collection inside the package: genanki writes the schema, the decks and the note
types; the notes, cards and review log are ours, batched.

Note types carry the fixed time `MODELS_CHANGED`, so a template or CSS change the user made in
Anki (newer) survives a re-import; each note carries its own modification time, so only a
note whose content changed updates its copy in Anki.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import genanki

from study.anki.note import AnkiNote
from study.anki.notetypes import BASIC, CLOZE, COMMAND, MODELS_CHANGED
from study.anki.progress import Schedule, created, revlog_rows, schedule
from study.schedule.exchange import Logged, Scheduled
from study.schedule.scheduler import Settings

_NEW = Schedule()
_REVLOG_INDEXES = (
    "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = 'revlog'"
)
DESCRIPTION = (
    "Cards made by <i>study</i> from Markdown notes. Edit the notes and export again: "
    "an edit made here is replaced when a newer export of the note is imported."
)


@dataclass
class Progress:
    """What the database knows of each card's schedule, for an export that carries it."""

    settings: Settings  # the global ones: the package's study days
    now: datetime
    cards: dict[str, Scheduled] = field(default_factory=dict)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # (reviews, lapses)
    decks: dict[str, Settings] = field(default_factory=dict)  # a deck's own, where it has any
    # The review log, a card at a time (read as the revlog is written, not held whole).
    reviews: Callable[[], Iterable[list[Logged]]] = lambda: ()


def deck_id(name: str) -> int:
    """A deck's Anki id from its name alone: the first 8 bytes of its sha256, folded into
    genanki's suggested range [2^30, 2^31)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def fields_text(note: genanki.Note) -> str:
    """The note's fields as Anki stores them (`notes.flds`): joined by the unit separator."""
    return "\x1f".join(note.fields)


def tags_text(tags: Sequence[str]) -> str:
    """The note's tags as Anki stores them (`notes.tags`): space-separated, padded."""
    return f" {' '.join(tags)} " if tags else ""


def content_hash(note: genanki.Note) -> str:
    """What a note shows in Anki, hashed: its note type, fields and tags."""
    text = f"{note.model.model_id}\x1e{fields_text(note)}\x1e{tags_text(note.tags)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_collection(
    notes: Sequence[AnkiNote], mods: Sequence[int], progress: Progress | None
) -> tuple[bytes, int, int]:
    """The collection as bytes, with the number of cards and of review-log rows.

    Built in memory: the scratch database never needs a disk, and writing it there is a
    third slower.
    """
    names = sorted({note.deck for note in notes})
    decks = {name: genanki.Deck(deck_id(name), name, DESCRIPTION) for name in names}
    for deck in decks.values():
        for model in (BASIC, COMMAND, CLOZE):
            deck.add_model(model)
    # Note and card ids count up from one start, so they are the same for the same input;
    # Anki matches notes by GUID and renumbers ids that clash.
    ids = iter(range(max([MODELS_CHANGED, *mods]) * 1000, 2**62))
    with contextlib.closing(sqlite3.connect(":memory:")) as connection:
        cursor = connection.cursor()
        genanki.Package(list(decks.values())).write_to_db(cursor, MODELS_CHANGED, ids)
        if progress is not None:
            # schedVer 2: Anki reads the answers as the v2/v3 scheduler's four buttons.
            cursor.execute(
                "UPDATE col SET crt = ?, conf = json_set(conf, '$.schedVer', 2)",
                (created(progress.settings),),
            )
        deck_ids = {name: deck.deck_id for name, deck in decks.items()}
        rows = _rows(notes, mods, deck_ids, ids, progress)
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", rows[0])
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows[1])
        _insert_revlog(cursor, rows[2])
        connection.commit()
        reviews = connection.execute("SELECT count(*) FROM revlog").fetchone()[0]
        return connection.serialize(), len(rows[1]), reviews


def _insert_revlog(cursor: sqlite3.Cursor, rows: Iterator[tuple[Any, ...]]) -> None:
    """The review log, staged apart and copied over in id order with the indexes built after:
    its rows come a card at a time, and a million of them put straight into the indexed table,
    in that order, took three times as long."""
    cursor.execute("ATTACH DATABASE ':memory:' AS staging")  # never part of the package
    cursor.execute("CREATE TABLE staging.revlog AS SELECT * FROM main.revlog WHERE 0")
    cursor.executemany("INSERT INTO staging.revlog VALUES(?,?,?,?,?,?,?,?,?)", rows)
    indexes = cursor.execute(_REVLOG_INDEXES).fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX main.{name}")
    cursor.execute("INSERT INTO main.revlog SELECT * FROM staging.revlog ORDER BY id")
    for _, sql in indexes:
        cursor.execute(sql)
    cursor.connection.commit()
    cursor.execute("DETACH DATABASE staging")


def card_ords(note: genanki.Note) -> tuple[int, ...]:
    """The ordinals of the cards Anki makes for a note."""
    if note.model.model_type == genanki.Model.CLOZE:
        return tuple(sorted(card.ord for card in note.cards))
    return _front_back_ords(note.model.model_id, tuple(bool(f) for f in note.fields))


@lru_cache(maxsize=256)
def _front_back_ords(model_id: int, filled: tuple[bool, ...]) -> tuple[int, ...]:
    # genanki decides from which fields are filled; asking once per pattern, not per note,
    # saves a fifth of the export.
    model = BASIC if model_id == BASIC.model_id else COMMAND
    probe = genanki.Note(model, ["x" if full else "" for full in filled])
    return tuple(card.ord for card in probe.cards)


def _rows(
    notes: Sequence[AnkiNote],
    mods: Sequence[int],
    deck_ids: dict[str, int],
    ids: Iterator[int],
    progress: Progress | None,
) -> tuple[list[Any], list[Any], Iterator[Any]]:
    """The notes, cards and revlog rows (Anki's schema 11, which genanki writes), batched:
    per-row INSERTs and genanki's per-field HTML check (our fields are nh3 output) were half
    the export's time. genanki still decides GUIDs, sort fields and which cards a note has."""
    note_rows: list[tuple[Any, ...]] = []
    card_rows: list[tuple[Any, ...]] = []
    anki_ids: dict[str, int] = {}  # study card id -> Anki card id
    for built, mod in zip(notes, mods, strict=True):
        note, note_id = built.note, next(ids)
        # id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data
        head = (note_id, note.guid, note.model.model_id, mod, -1, tags_text(note.tags))
        note_rows.append((*head, fields_text(note), note.sort_field, 0, 0, ""))
        by_ord = {number: card_id for card_id, number in built.ords.items()}
        for number in card_ords(note):
            card_id, study_id = next(ids), by_ord.get(number)
            at = _NEW
            if progress is not None and study_id in progress.cards:
                anki_ids[study_id] = card_id
                counts = progress.counts.get(study_id, (0, 0))
                card = progress.cards[study_id]
                own = progress.decks.get(card.deck, progress.settings)
                at = schedule(card, counts, (progress.settings, own), progress.now, note.due)
            # id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,
            # odue, odid, flags, data
            where = (card_id, note_id, deck_ids[built.deck], number, mod, -1)
            state = (at.type, at.queue, at.due, at.ivl, at.factor)
            counts_ = (at.reps, at.lapses, at.left, 0, 0, 0, at.data)
            card_rows.append((*where, *state, *counts_))
    return note_rows, card_rows, _revlog(anki_ids, progress)


def _revlog(anki_ids: dict[str, int], progress: Progress | None) -> Iterator[tuple[Any, ...]]:
    if progress is None:
        return
    used: set[int] = set()
    for reviews in progress.reviews():
        card_id = reviews[0].card_id
        if card_id in anki_ids:
            yield from revlog_rows(anki_ids[card_id], progress.cards[card_id], reviews, used)
