"""The Anki export: study cards -> one `.apkg` that re-imports without duplicates.

Identity is what makes re-import work. The note GUID is `Card.note` (the sibling group, so
a command and its reverse are one Anki note with two cards), the note type ids are the
constants below and a deck id is a hash of the deck name: the same on every machine and
every run. Anki's default import only updates a note whose modification time is newer
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import genanki

from study.card import Card
from study.errors import StudyError
from study.notetypes import BASIC, CLOZE, COMMAND, MODELS_CHANGED
from study.render import cloze_count, render, render_plain

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: entry dates never vary


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
    deck = _clean_deck(card.deck) or "study"
    if not subdecks:
        return deck
    path = list(card.path)
    if path and path[0].casefold() == card.deck.casefold():
        path = path[1:]  # the note's title heading is the deck itself
    section = _clean_deck(path[0].replace("::", ":")) if path else ""
    return f"{deck}::{section}" if section else deck


def _clean_deck(name: str) -> str:
    return "::".join(part.strip() for part in name.split("::") if part.strip())


class _Media:
    """The image files notes refer to: resolved inside the note's folder, or reported.

    A reference is resolved and checked before anything is opened; one that leaves the
    note's folder (`../`, an absolute path, a symlink out) or names a missing file is
    reported and dropped, and its file is never read.
    """

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}  # name inside the package -> file
        self._names: dict[Path, str] = {}
        self.skipped: list[str] = []

    def resolver(self, card: Card) -> Any:
        def resolve(src: str) -> str | None:
            scheme = urlsplit(src).scheme.lower()
            if scheme in ("http", "https"):
                return src  # Anki loads remote images itself; nothing to pack
            if scheme and len(scheme) > 1:  # data:, file:, javascript: ... (C: is a drive)
                self._skip(card, src, "is not a file in the note's folder")
                return None
            path = unquote(src.split("#")[0].split("?")[0])
            return self._add(card, Path(card.source).parent, path)

        return resolve

    def _add(self, card: Card, folder: Path, src: str) -> str | None:
        try:
            base = folder.resolve()
            target = (folder / src).resolve()
        except (OSError, RuntimeError):
            self._skip(card, src, "cannot be resolved")
            return None
        if not target.is_relative_to(base):
            self._skip(card, src, "is outside the note's folder")
            return None
        if not target.is_file():
            self._skip(card, src, "is missing")
            return None
        name = self._names.get(target)
        if name is None:
            name = target.name
            if name in self.files:  # another folder's img.png: keep both, apart
                digest = hashlib.sha256(str(target).encode("utf-8")).hexdigest()[:8]
                name = f"{target.stem}-{digest}{target.suffix}"
            self._names[target] = name
            self.files[name] = target
        return name

    def _skip(self, card: Card, src: str, why: str) -> None:
        message = f"{card.source}:{card.line}: image {src!r} {why}; skipped"
        if message not in self.skipped:
            self.skipped.append(message)
        return None


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
    return html.escape(" › ".join([card.deck, *card.path]), quote=False)


def _source(card: Card) -> str:
    return html.escape(f"{card.source}:{card.line}", quote=False)


_BLANK = "[...]"


def _cloze_markdown(group: list[Card]) -> str | None:
    """The note's text with Anki deletions: `{{c1::pod}}`, `{{c2::containers}}` in order.

    The parser gives each deletion as a card whose front has `[...]` where its back (the
    whole text) has the answer, so the answer is what lies between the common start and
    end. None when the cards do not fit that shape; the note is then exported as basic.
    """
    full = group[0].back
    spans = []
    for card in group:
        at = card.front.find(_BLANK)
        before, after = card.front[:at], card.front[at + len(_BLANK) :]
        fits = card.back == full and at >= 0 and len(before) + len(after) < len(full)
        if not fits or not (full.startswith(before) and full.endswith(after)):
            return None
        spans.append((len(before), len(full) - len(after)))
    spans.sort()
    if any(end > start for (_, end), (start, _) in itertools.pairwise(spans)):
        return None  # overlapping deletions: not one cloze text
    pieces, last = [], 0
    for number, (start, end) in enumerate(spans, 1):
        pieces += [full[last:start], f"{{{{c{number}::{full[start:end]}}}}}"]
        last = end
    return "".join([*pieces, full[last:]])


def _note(group: list[Card], media: _Media, tags: list[str]) -> genanki.Note:
    """One Anki note for a sibling group, in the note type that fits its kind."""
    first = group[0]
    reverse = next((c for c in group[1:] if c.kind.endswith("-reverse")), None)
    images = media.resolver(first)
    context, source = _context(first), _source(first)
    if first.kind == "cloze":
        marked = _cloze_markdown(group)
        text = render(marked, cloze=True, images=images) if marked else ""
        if cloze_count(text):
            return genanki.Note(CLOZE, [text, "", context, source], tags=tags, guid=first.note)
    if first.kind == "command":
        description = render(first.back, images=images)
        fields = [render_plain(first.front), description, context, source, "y" if reverse else ""]
        return genanki.Note(COMMAND, fields, tags=tags, guid=first.note)
    if first.kind == "command-reverse":  # a lone reverse: still asks for the command
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
    front, back = render(first.front, images=images), render(first.back, images=images)
    fields = [front, back, context, source, back_front, back_back]
    return genanki.Note(BASIC, fields, tags=tags, guid=first.note)


def _tags(group: list[Card]) -> list[str]:
    found = {anki_tag(tag) for card in group for tag in card.tags}
    return sorted(tag for tag in found if tag)


def _build(cards: Sequence[Card], subdecks: bool) -> tuple[list[Any], _Media]:
    """Notes with their deck and modification time, in the package's order."""
    media = _Media()
    times: dict[str, int] = {}
    built = []
    for group in _groups(cards):
        note = _note(group, media, _tags(group))
        mod = max(_mtime(card.source, times) for card in group)
        built.append((deck_name(group[0], subdecks), note, mod))
    return built, media


def _write_collection(db: Path, built: list[Any]) -> int:
    """The collection genanki makes, with each note's own modification time."""
    names = sorted({name for name, _, _ in built})
    decks = {name: genanki.Deck(deck_id(name), name) for name in names}
    newest = max([MODELS_CHANGED, *(mod for _, _, mod in built)])
    for deck in decks.values():
        for model in (BASIC, COMMAND, CLOZE):
            deck.add_model(model)
    # Note and card ids count up from one start, so they are the same for the same input;
    # Anki matches notes by GUID and renumbers ids that clash.
    ids = iter(range(newest * 1000, 2**62))
    cards = 0
    with contextlib.closing(sqlite3.connect(db)) as connection:
        cursor = connection.cursor()
        genanki.Package(list(decks.values())).write_to_db(cursor, newest, ids)
        for name, note, mod in built:
            note.write_to_db(cursor, mod, decks[name].deck_id, ids)
            cards += len(note.cards)
        connection.commit()
    return cards


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def _write_zip(target: Path, db: Path, media: dict[str, Path]) -> None:
    names = sorted(media)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with db.open("rb") as source, archive.open(_entry("collection.anki2"), "w") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        index = {str(number): name for number, name in enumerate(names)}
        archive.writestr(_entry("media"), json.dumps(index, sort_keys=True))
        for number, name in enumerate(names):
            with media[name].open("rb") as source, archive.open(_entry(str(number)), "w") as out:
                shutil.copyfileobj(source, out, 1 << 20)


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
        raise StudyError(f"{out}: the folder {folder} does not exist")
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
        with tempfile.TemporaryDirectory(prefix="study-export-") as scratch:
            db = Path(scratch) / "collection.anki2"
            report.cards = _write_collection(db, built)
            _write_zip(Path(temporary), db, media.files)
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
    # The same rule as Store.cards: any of the tags, `#` and case ignored.
    if not tags:
        return cards
    wanted = {tag.lstrip("#").casefold() for tag in tags}
    return [c for c in cards if wanted & {t.lstrip("#").casefold() for t in c.tags}]


def _store_cards(decks: list[str], tags: Sequence[str], db_path: Path | None) -> list[Card]:
    from study.store import open_store  # sqlmodel is heavy: only when decks come from the store

    try:
        store = open_store(db_path, create=False)
    except StudyError as error:
        if not decks:
            raise
        names = ", ".join(repr(d) for d in decks)
        raise StudyError(f"no such file, folder or deck: {names} ({error})") from None
    with store:
        known = {name.casefold(): name for name in store.decks()}
        unknown = [d for d in decks if d.casefold() not in known]
        if unknown:
            listed = ", ".join(sorted(known.values())) or "none yet"
            names = ", ".join(repr(d) for d in unknown)
            raise StudyError(f"no such file, folder or deck: {names}; known decks: {listed}")
        return store.cards(decks=[known[d.casefold()] for d in decks], tags=tags)


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
        from study.vault import load_cards

        loaded = load_cards(paths)
        failures = loaded.failures
        cards.update((c.id, c) for c in _tagged(loaded.cards, tags))
    if decks or not paths:
        cards.update((c.id, c) for c in _store_cards(decks, tags, db_path))
    report = write_package(list(cards.values()), out, subdecks=subdecks)
    report.skipped[:0] = failures
    return report
