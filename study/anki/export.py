"""The Anki export: study cards -> one `.apkg` that re-imports without duplicates.

Identity is what makes re-import work. The note GUID is the sibling group's (study.anki.note),
kept through renames; the note type ids are constants (study.anki.notetypes) and a deck id is
a hash of the deck name: the same on every machine and every run. Anki's default import only
updates a note whose modification time is newer than its copy: exported from the database, a
note's time moves only when its content changed (the content hash is stored per card);
exported straight from files, it is the file's modification time.

An export from the database carries the schedule and the review log (study.anki.progress),
so Anki's "import any learning progress" continues where the terminal left off.

genanki writes the collection; the zip is ours, deflated with fixed entry dates, so the
same input gives the same bytes and 100k cards fit in a few MB instead of ~21.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from study.anki.collection import Progress, content_hash, deck_id, write_collection
from study.anki.media import Media
from study.anki.note import (
    RETIRED_TAG,
    AnkiNote,
    anki_tag,
    build_note,
    groups,
    guid_of,
    note_tags,
)
from study.anki.notetypes import MODELS_CHANGED
from study.atomic import atomic_output
from study.collector import collector_paused
from study.errors import StudyError
from study.notes.card import Card
from study.notes.lookup import has_tag, tag_wanted
from study.schedule.schema import Status
from study.words import plural

if TYPE_CHECKING:
    from study.schedule.store import Store

__all__ = ["ExportReport", "anki_tag", "deck_id", "deck_name", "export", "write_package"]

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: entry dates never vary
# Level 2 packs a collection within 8% of level 6's size in a third of the time.
_LEVEL = 2


@dataclass
class ExportReport:
    """What went into the package, and the references left out (with why)."""

    path: Path
    notes: int = 0
    cards: int = 0
    reviews: int = 0
    retired: int = 0
    note_types_changed: bool = False  # since the last export from this database
    decks: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def render(self) -> str:
        """The line `study export` prints."""
        media = f", {plural(len(self.media), 'media file')}" if self.media else ""
        decks = ", ".join(self.decks) if len(self.decks) <= 3 else f"{len(self.decks)} decks"
        counts = f"{plural(self.notes, 'note')}, {plural(self.cards, 'card')}"
        line = f"wrote {self.path}: {counts} ({decks}){media}"
        if self.reviews:
            line += f", {plural(self.reviews, 'review')}"
        if self.retired:
            line += (
                f"; {plural(self.retired, 'retired card')} tagged {RETIRED_TAG} (see the README)"
            )
        if self.note_types_changed:
            line += (
                "\nthe study note types changed since your last export: importing replaces"
                " their templates and CSS in Anki (a change you made to them there is lost)"
            )
        return line


@dataclass
class Sources:
    """What the notes are exported from: how a Source field names its note, and the
    database's view of each card (None for an export straight from files)."""

    roots: tuple[Path, ...] = ()
    progress: Progress | None = None
    guids: dict[str, str] = field(default_factory=dict)
    retired: frozenset[str] = frozenset()
    store: Store | None = None  # where the notes' new times are recorded

    labels: dict[str, str] = field(default_factory=dict)  # source -> label, computed once

    def label(self, card: Card) -> str:
        """The note's path relative to the root it was found under (or its name): never
        absolute, and the same however the path was typed."""
        label = self.labels.get(card.source)
        if label is None:
            label = self.labels[card.source] = _label(card.source, self.roots)
        return label


def _label(source: str, roots: tuple[Path, ...]) -> str:
    path = Path(os.path.abspath(source))
    for root in sorted(roots, key=lambda r: len(r.parts), reverse=True):
        if path != root and path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.name


def resolved_roots(paths: Sequence[str | Path]) -> tuple[Path, ...]:
    """Registered files and folders as absolute paths; a file's root is its folder."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(os.path.abspath(given))
        found[path.parent if path.is_file() or path.suffix == ".md" else path] = None
    return tuple(found)


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


def _build(cards: Sequence[Card], subdecks: bool, sources: Sources) -> tuple[list[AnkiNote], Media]:
    """The Anki notes, in the package's order, and the media they refer to."""
    media = Media()
    built = []
    for group in groups(cards):
        retired = all(card.id in sources.retired for card in group)
        built.append(
            build_note(
                group,
                media,
                guid=guid_of(group, sources.guids),
                tags=note_tags(group, retired),
                deck=deck_name(group[0], subdecks),
                source=sources.label,
            )
        )
    return built, media


def _file_times(notes: Sequence[AnkiNote]) -> list[int]:
    times: dict[str, int] = {}
    return [max(_mtime(card.source, times) for card in note.cards) for note in notes]


def _stored_times(notes: Sequence[AnkiNote], progress: Progress) -> tuple[list[int], list[Any]]:
    """Each note's time: as stored while its content is unchanged, else the export's time
    (always later than the stored one); and the (hash, time, card id) rows to store."""
    now = int(progress.now.timestamp())
    times, changed = [], []
    for note in notes:
        cards = [progress.cards[c.id] for c in note.cards if c.id in progress.cards]
        digest = content_hash(note.note)
        stored = [card.anki_mod for card in cards if card.anki_hash == digest and card.anki_mod]
        if stored and len(stored) == len(cards):
            times.append(max(stored))
            continue
        last = max((card.anki_mod or 0 for card in cards), default=0)
        times.append(max(now, last + 1))
        changed += [(digest, times[-1], card.id) for card in cards]
    return times, changed


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def _write_zip(target: BinaryIO, collection: bytes, media: dict[str, Path]) -> None:
    names = sorted(media)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry("collection.anki2"), collection, compresslevel=_LEVEL)
        index = {str(number): name for number, name in enumerate(names)}
        archive.writestr(_entry("media"), json.dumps(index, sort_keys=True))
        for number, name in enumerate(names):
            with media[name].open("rb") as source, archive.open(_entry(str(number)), "w") as out:
                shutil.copyfileobj(source, out, 1 << 20)


@collector_paused()
def write_package(
    cards: Sequence[Card],
    out: Path,
    *,
    subdecks: bool = False,
    sources: Sources | None = None,
) -> ExportReport:
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
    sources = sources or Sources(roots=resolved_roots(sorted({c.source for c in cards})))
    built, media = _build(cards, subdecks, sources)
    progress, changed = sources.progress, list[Any]()
    if progress is None:
        mods = _file_times(built)
    else:
        mods, changed = _stored_times(built, progress)
    report = ExportReport(path=out, notes=len(built), skipped=media.skipped)
    report.decks = sorted({note.deck for note in built})
    report.media = sorted(media.files)
    report.retired = sum(1 for c in cards if c.id in sources.retired)
    try:
        with atomic_output(out) as handle:
            collection, report.cards, report.reviews = write_collection(built, mods, progress)
            _write_zip(handle, collection, media.files)
        if sources.store is not None:  # committed by the caller
            from study.schedule.exchange import exported_note_types, store_anki_times

            store_anki_times(sources.store, changed)
            before = exported_note_types(sources.store, MODELS_CHANGED)
            report.note_types_changed = before is not None and before < MODELS_CHANGED
    except (OSError, sqlite3.Error) as error:
        why = getattr(error, "strerror", None) or error
        raise StudyError(f"{out}: cannot write the package ({why})") from None
    return report


def _tagged(cards: list[Card], tags: Sequence[str]) -> list[Card]:
    wanted = tag_wanted(tags)
    return [card for card in cards if has_tag(card.tags, wanted)]


def _open_store(decks: Sequence[str], db_path: Path | None) -> Store:
    from study.schedule.store import open_store  # sqlmodel is heavy: only for the store

    try:
        return open_store(db_path, create=False)
    except StudyError as error:
        if not decks:
            raise
        names = ", ".join(repr(d) for d in decks)
        raise StudyError(f"no such file, folder or deck: {names} ({error})") from None


# Every card the database has for the decks: a retired one goes with a tag to find it by.
EXPORTED = (Status.ACTIVE, Status.SUSPENDED, Status.RETIRED)


def _store_cards(store: Store, decks: Sequence[str], tags: Sequence[str]) -> list[Card]:
    try:
        stored = store.resolve_decks(decks)
    except StudyError as error:
        raise StudyError(f"no such file or folder, and {error}") from None
    return store.cards(decks=stored, tags=tags, statuses=EXPORTED)


def store_sources(
    store: Store, cards: Sequence[Card], now: datetime | None, roots: Sequence[Path] = ()
) -> Sources:
    """What the database adds to an export of `cards`: GUIDs, retirements, the registered
    roots the Source field is relative to and, given `now`, schedules and reviews."""

    from study.schedule.exchange import logged_reviews, review_counts, schedules
    from study.schedule.machine import local_vaults
    from study.schedule.scheduler import load_settings

    wanted = {card.id for card in cards}
    found = {i: card for i, card in schedules(store, EXPORTED).items() if i in wanted}
    registered = list(local_vaults(store.execute).values())  # this machine's folders
    sources = Sources(
        roots=(*roots, *resolved_roots(registered)),
        guids={i: card.anki_guid for i, card in found.items() if card.anki_guid},
        retired=frozenset(i for i, card in found.items() if card.status == Status.RETIRED),
        store=store,
    )
    if now is not None:
        progress = Progress(load_settings(store), now, found, review_counts(store))
        decks = {card.deck for card in found.values()}
        progress.decks = {deck: load_settings(store, deck) for deck in decks}
        progress.reviews = lambda: logged_reviews(store)
        sources.progress = progress
    return sources


def export(
    targets: Sequence[str],
    out: Path,
    *,
    tags: Sequence[str] = (),
    subdecks: bool = False,
    db_path: Path | None = None,
    now: datetime | None = None,
) -> ExportReport:
    """Export decks and notes to `out`: what `study export` does.

    A target that exists on disk is a note or a folder of notes, parsed straight from the
    files (no database needed); any other target is a deck name in the store. No target
    at all means every deck in the store, with each card's schedule and review log.
    """
    paths = [Path(t) for t in targets if Path(t).exists()]
    decks = [t for t in targets if not Path(t).exists()]
    roots = resolved_roots(paths)
    cards: dict[str, Card] = {}
    failures: list[str] = []
    if paths:
        from study.notes.vault import load_cards

        loaded = load_cards(paths)
        failures = [*loaded.skipped, *loaded.failures]
        cards.update((c.id, c) for c in _tagged(loaded.cards, tags))
    if decks or not paths:
        from study.clock import current_time

        with _open_store(decks, db_path) as store:
            cards.update((c.id, c) for c in _store_cards(store, decks, tags))
            sources = store_sources(store, list(cards.values()), now or current_time(), roots)
            report = write_package(list(cards.values()), out, subdecks=subdecks, sources=sources)
            store.session.commit()  # each note's content hash and time, once the file is there
    else:
        sources = Sources(roots=roots)
        report = write_package(list(cards.values()), out, subdecks=subdecks, sources=sources)
    report.skipped[:0] = failures
    return report
