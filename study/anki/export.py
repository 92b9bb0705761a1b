"""The Anki export: study cards -> one `.apkg` that re-imports without duplicates.

Identity is what makes re-import work. The note GUID is `Card.note` (the sibling group, so
a command and its reverse are one Anki note with two cards), the note type ids are
constants (study.notetypes) and a deck id is a hash of the deck name: the same on every
machine and every run. Anki's default import only updates a note whose modification time is newer
than its copy, so a note's time is its source file's mtime: edit the note, export again,
and the import updates the answer in place, keeping the review history.

genanki writes the collection; the zip is ours, deflated with fixed entry dates, so the
same input gives the same bytes and 100k cards fit in a few MB instead of ~21.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import genanki

from study.anki.media import Media
from study.anki.notetypes import BASIC, CLOZE, COMMAND, MODELS_CHANGED
from study.anki.render import cloze_count, render, render_plain
from study.collector import collector_paused
from study.errors import StudyError
from study.notes.card import Card, Kind
from study.notes.lookup import has_tag, tag_wanted

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: entry dates never vary
# Level 2 packs a collection within 8% of level 6's size in a third of the time.
_LEVEL = 2
_ZEROS = (0,) * 8  # a new card's ivl, factor, reps, lapses, left, odue, odid, flags


@dataclass
class ExportReport:
    """What went into the package, and the references left out (with why)."""

    path: Path
    notes: int = 0
    cards: int = 0
    decks: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def deck_id(name: str) -> int:
    """A deck's Anki id from its name alone: the first 8 bytes of its sha256, folded into
    genanki's suggested range [2^30, 2^31)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


@lru_cache(maxsize=4096)
def anki_tag(tag: str) -> str:
    """A study tag as an Anki tag: no spaces, `#` dropped, `a/b` nesting as `a::b`."""
    parts = [part for part in tag.lstrip("#").replace("/", "::").split("::") if part.strip()]
    return "::".join("_".join(part.split()) for part in parts)


def deck_name(card: Card, subdecks: bool) -> str:
    """The Anki deck of a card: its deck, or `Deck::Section` for the first heading below it."""
    return _deck_name(card.deck, card.path[:2] if subdecks else ())


@lru_cache(maxsize=4096)
def _deck_name(deck_title: str, path: tuple[str, ...]) -> str:
    deck = _clean_deck(deck_title) or "study"
    if not path:
        return deck
    if path[0].casefold() == deck_title.casefold():
        path = path[1:]  # the note's title heading is the deck itself
    section = _clean_deck(path[0].replace("::", ":")) if path else ""
    return f"{deck}::{section}" if section else deck


def _clean_deck(name: str) -> str:
    return "::".join(part.strip() for part in name.split("::") if part.strip())


def _mtime(source: str, cache: dict[str, int]) -> int:
    if source not in cache:
        try:
            cache[source] = int(os.stat(source).st_mtime)
        except OSError:
            cache[source] = 0
    return cache[source]


def _groups(cards: Iterable[Card]) -> list[list[Card]]:
    """Cards by sibling group, forward card first, in a stable order (deck, file, line)."""
    groups: dict[str, list[Card]] = {}
    for card in cards:
        groups.setdefault(card.note, []).append(card)
    ordered = [
        sorted(group, key=lambda c: (c.kind.endswith("-reverse"), c.id))
        for group in groups.values()
    ]
    return sorted(ordered, key=lambda g: (g[0].deck, g[0].source, g[0].line, g[0].note))


def _context(card: Card) -> str:
    return _context_of(card.deck, card.path)


@lru_cache(maxsize=4096)
def _context_of(deck: str, path: tuple[str, ...]) -> str:
    return html.escape(" › ".join([deck, *path]), quote=False)


def _source(card: Card) -> str:
    return html.escape(f"{card.source}:{card.line}", quote=False)


def _deletion(front: str, full: str) -> tuple[int, int, str] | None:
    """Where a deletion card's answer lies in the whole text, and its hint.

    The front is the whole text with this one deletion shown as `[...]` (or `[hint]`):
    the answer is what the front replaces by that bracket.
    """
    pairs = zip(front, full, strict=False)
    same = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(front), len(full)))
    start = front.rfind("[", 0, same + 1)
    end = front.find("]", start) + 1
    if start < 0 or end <= 0:
        return None
    after = front[end:]
    if not full.endswith(after) or start + len(after) >= len(full):
        return None
    hint = front[start + 1 : end - 1]
    return start, len(full) - len(after), "" if hint == "..." else hint


def _cloze_markdown(group: list[Card]) -> str | None:
    """The note's text with Anki deletions: `{{c1::pod}}`, `{{c2::containers}}` in order.

    The parser gives each deletion of one text as a sibling card whose back is the whole
    text. None when the cards do not fit that shape; the note is then exported as basic.
    """
    full = group[0].back
    found = [_deletion(card.front, full) if card.back == full else None for card in group]
    spans = sorted(span for span in found if span is not None)
    if len(spans) != len(group):
        return None
    if any(end > start for (_, end, _), (start, _, _) in itertools.pairwise(spans)):
        return None  # overlapping deletions: not one cloze text
    pieces, last = [], 0
    for number, (start, end, hint) in enumerate(spans, 1):
        hint = f"::{hint}" if hint else ""
        pieces += [full[last:start], f"{{{{c{number}::{full[start:end]}{hint}}}}}"]
        last = end
    return "".join([*pieces, full[last:]])


def _note(group: list[Card], media: Media, tags: list[str]) -> genanki.Note:
    """One Anki note for a sibling group, in the note type that fits its kind."""
    first = group[0]
    reverse = next((c for c in group[1:] if c.kind.endswith("-reverse")), None)
    images = media.resolver(first)
    context, source = _context(first), _source(first)
    if first.kind == Kind.CLOZE:
        marked = _cloze_markdown(group)
        text = render(marked, cloze=True, images=images) if marked else ""
        if cloze_count(text):
            return genanki.Note(CLOZE, [text, "", context, source], tags=tags, guid=first.note)
    if first.kind == Kind.COMMAND:
        description = render(first.back, images=images)
        fields = [render_plain(first.front), description, context, source, "y" if reverse else ""]
        return genanki.Note(COMMAND, fields, tags=tags, guid=first.note)
    if first.kind == Kind.COMMAND_REVERSE:  # a lone reverse: still asks for the command
        fields = [
            render_plain(first.back),
            render(first.front, images=images),
            context,
            source,
            "y",
        ]
        return genanki.Note(COMMAND, fields, tags=tags, guid=first.note)
    back_front = render(reverse.front, images=images) if reverse else ""
    back_back = render(reverse.back, images=images) if reverse else ""
    if first.kind == Kind.EXAMPLE:  # the front is the command lines themselves
        front = f"<pre><code>{render_plain(first.front)}</code></pre>"
    else:
        front = render(first.front, images=images)
    fields = [front, render(first.back, images=images), context, source, back_front, back_back]
    return genanki.Note(BASIC, fields, tags=tags, guid=first.note)


def _tags(group: list[Card]) -> list[str]:
    return list(_tags_of(tuple(tag for card in group for tag in card.tags)))


@lru_cache(maxsize=4096)
def _tags_of(tags: tuple[str, ...]) -> tuple[str, ...]:
    # A note's cards share the note's tags: one computation per distinct set, not per card.
    return tuple(sorted({anki_tag(tag) for tag in tags} - {""}))


def _build(cards: Sequence[Card], subdecks: bool) -> tuple[list[Any], Media]:
    """Notes with their deck and modification time, in the package's order."""
    media = Media()
    times: dict[str, int] = {}
    built = []
    for group in _groups(cards):
        note = _note(group, media, _tags(group))
        mod = max(_mtime(card.source, times) for card in group)
        built.append((deck_name(group[0], subdecks), note, mod))
    return built, media


def _write_collection(built: list[Any]) -> tuple[bytes, int]:
    """The collection genanki makes, with each note's own modification time, as bytes.

    It is built in memory: the scratch database never needs a disk, and writing it there
    is a third faster.
    """
    names = sorted({name for name, _, _ in built})
    decks = {name: genanki.Deck(deck_id(name), name) for name in names}
    newest = max([MODELS_CHANGED, *(mod for _, _, mod in built)])
    for deck in decks.values():
        for model in (BASIC, COMMAND, CLOZE):
            deck.add_model(model)
    # Note and card ids count up from one start, so they are the same for the same input;
    # Anki matches notes by GUID and renumbers ids that clash.
    ids = iter(range(newest * 1000, 2**62))
    with contextlib.closing(sqlite3.connect(":memory:")) as connection:
        cursor = connection.cursor()
        genanki.Package(list(decks.values())).write_to_db(cursor, newest, ids)
        notes, cards = _anki_rows(built, {name: deck.deck_id for name, deck in decks.items()}, ids)
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", notes)
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)
        connection.commit()
        return connection.serialize(), len(cards)


def _card_ords(note: genanki.Note) -> tuple[int, ...]:
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


def _anki_rows(built: list[Any], deck_ids: dict[str, int], ids: Iterator[int]) -> tuple[list, list]:
    """The notes and cards rows genanki's Note.write_to_db would insert one by one.

    Same columns and values (Anki's schema 11, which genanki writes), batched: per-row
    INSERTs and genanki's per-field HTML check (our fields are nh3 output) were half the
    export's time. genanki still decides GUIDs, fields, tags and which cards a note has.
    """
    notes: list[tuple[Any, ...]] = []
    cards: list[tuple[Any, ...]] = []
    for name, note, mod in built:
        note_id = next(ids)
        # id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data
        fields, tags = note._format_fields(), note._format_tags()
        row = (note_id, note.guid, note.model.model_id, mod, -1, tags, fields, note.sort_field)
        notes.append((*row, 0, 0, ""))
        for number in _card_ords(note):
            # id, nid, did, ord, mod, usn, type, queue, due, then ivl ... odid, flags: 0, data
            head = (next(ids), note_id, deck_ids[name], number, mod, -1, 0, 0, note.due)
            cards.append((*head, *_ZEROS, ""))
    return notes, cards


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def _write_zip(target: Path, collection: bytes, media: dict[str, Path]) -> None:
    names = sorted(media)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry("collection.anki2"), collection, compresslevel=_LEVEL)
        index = {str(number): name for number, name in enumerate(names)}
        archive.writestr(_entry("media"), json.dumps(index, sort_keys=True))
        for number, name in enumerate(names):
            with media[name].open("rb") as source, archive.open(_entry(str(number)), "w") as out:
                shutil.copyfileobj(source, out, 1 << 20)


@collector_paused()
def write_package(cards: Sequence[Card], out: Path, *, subdecks: bool = False) -> ExportReport:
    """Write `cards` to the Anki package `out`, atomically: all of it or nothing.

    The package is built in a temporary file beside `out` and renamed over it at the end,
    so a failure (full disk, unreadable image) leaves the old file, or no file, behind.
    """
    if not cards:
        raise StudyError("nothing to export: no cards match; check the deck names and --tag")
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise StudyError(f"{out}: is a folder; give a file name such as {out / 'study.apkg'}")
    if not folder.is_dir():
        raise StudyError(f"{out}: {folder} is not an existing folder; create it first")
    built, media = _build(cards, subdecks)
    report = ExportReport(path=out, notes=len(built), skipped=media.skipped)
    report.decks = sorted({name for name, _, _ in built})
    report.media = sorted(media.files)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".tmp")
        os.close(handle)
    except OSError as error:
        raise StudyError(f"{out}: cannot write here ({error.strerror or error})") from None
    try:
        collection, report.cards = _write_collection(built)
        _write_zip(Path(temporary), collection, media.files)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except (OSError, sqlite3.Error) as error:
        why = getattr(error, "strerror", None) or error
        raise StudyError(f"{out}: cannot write the package ({why})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return report


def _tagged(cards: list[Card], tags: Sequence[str]) -> list[Card]:
    wanted = tag_wanted(tags)
    return [card for card in cards if has_tag(card.tags, wanted)]


def _store_cards(decks: list[str], tags: Sequence[str], db_path: Path | None) -> list[Card]:
    from study.schedule.store import (
        open_store,  # sqlmodel is heavy: only when decks come from the store
    )

    try:
        store = open_store(db_path, create=False)
    except StudyError as error:
        if not decks:
            raise
        names = ", ".join(repr(d) for d in decks)
        raise StudyError(f"no such file, folder or deck: {names} ({error})") from None
    with store:
        try:
            stored = store.resolve_decks(decks)
        except StudyError as error:
            raise StudyError(f"no such file or folder, and {error}") from None
        return store.cards(decks=stored, tags=tags)


def export(
    targets: Sequence[str],
    out: Path,
    *,
    tags: Sequence[str] = (),
    subdecks: bool = False,
    db_path: Path | None = None,
) -> ExportReport:
    """Export decks and notes to `out`: what `study export` does.

    A target that exists on disk is a note or a folder of notes, parsed straight from the
    files (no database needed); any other target is a deck name in the store. No target
    at all means every deck in the store.
    """
    paths = [Path(t) for t in targets if Path(t).exists()]
    decks = [t for t in targets if not Path(t).exists()]
    cards: dict[str, Card] = {}
    failures: list[str] = []
    if paths:
        from study.notes.vault import load_cards

        loaded = load_cards(paths)
        failures = [*loaded.skipped, *loaded.failures]
        cards.update((c.id, c) for c in _tagged(loaded.cards, tags))
    if decks or not paths:
        cards.update((c.id, c) for c in _store_cards(decks, tags, db_path))
    report = write_package(list(cards.values()), out, subdecks=subdecks)
    report.skipped[:0] = failures
    return report
