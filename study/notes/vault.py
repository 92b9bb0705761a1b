"""The vault: finding a user's notes on disk and reading them without ever writing to them.

Reading is where user files meet the pure parser, so every way a file can be unreadable
(gone, not UTF-8, binary) becomes a message naming the file instead of an exception, and
the other notes still load.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from study.errors import StudyError
from study.notes.card import Card

NOTE_SUFFIXES = (".md", ".markdown")
# Folders that belong to tools, not to the user's notes (Obsidian settings, trash, VCS).
SKIPPED_FOLDERS = frozenset({".git", ".obsidian", ".trash", ".venv", "node_modules"})


@dataclass
class Loaded:
    """What a set of notes gave: cards (one per id), merge reports and unreadable files."""

    cards: list[Card] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    decks: dict[str, str] = field(default_factory=dict)  # note source -> its deck


def _is_note(path: Path) -> bool:
    return path.suffix.lower() in NOTE_SUFFIXES and not path.name.startswith(".")


def _notes_under(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        parts = path.relative_to(folder).parts
        if any(part in SKIPPED_FOLDERS or part.startswith(".") for part in parts[:-1]):
            continue
        if _is_note(path) and path.is_file():
            found.append(path)
    return sorted(found)


def check_markdown(path: Path) -> None:
    """StudyError for a file named on the command line that is not a Markdown note."""
    if path.suffix.lower() not in NOTE_SUFFIXES and not path.is_dir():
        raise StudyError(f"{path}: not a Markdown note (a notes file ends in .md)")


def find_notes(paths: Sequence[Path]) -> list[Path]:
    """The notes named by `paths`: files as given, folders searched recursively for *.md.

    A missing path, a file that is not Markdown (`notes.txt`: studying it would register text
    the parser does not understand) or a folder holding no notes is a mistake worth stopping for.
    """
    if not paths:
        raise StudyError("no notes given; name a Markdown file or a folder of notes")
    notes: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise StudyError(f"{path}: no such file or folder")
        if path.is_dir():
            found = _notes_under(path)
            if not found:
                raise StudyError(f"{path}: no Markdown notes (*.md) in this folder")
        else:
            check_markdown(path)
            found = [path]
        for note in found:
            key = note.resolve()
            if key not in seen:
                seen.add(key)
                notes.append(note)
    return notes


def read_note(path: Path) -> str:
    """The text of a note, or a StudyError naming the file when it is not UTF-8 text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StudyError(f"{path}: cannot be read ({error.strerror or error})") from None
    if b"\x00" in data:
        raise StudyError(f"{path}: is a binary file, not a Markdown note; skipped")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise StudyError(
            f"{path}: is not UTF-8 text (byte 0x{data[error.start]:02x} on line "
            f"{line}); save it as UTF-8 to study it"
        ) from None


def load_cards(paths: Sequence[Path]) -> Loaded:
    """Every card of the notes under `paths`, one per id across the whole set.

    An unreadable file is reported in `failures` and the others still load; the caller
    decides the exit code. A card whose id was already seen (the same command listed in
    two notes of one deck, or the same heading and question in two notes of one deck) is
    dropped and the merge reported.
    """
    from study.notes.parser import parse_text  # the parser is the heavy part; load it on demand

    loaded = Loaded()
    first_seen: dict[str, Card] = {}
    for path in find_notes(paths):
        try:
            text = read_note(path)
        except StudyError as error:
            loaded.failures.append(str(error))
            continue
        note = parse_text(text, source=str(path))
        loaded.decks[str(path)] = note.deck
        loaded.merged.extend(note.merged)
        for card in note.cards:
            earlier = first_seen.get(card.id)
            if earlier is None:
                first_seen[card.id] = card
                loaded.cards.append(card)
            elif not card.kind.endswith("-reverse"):  # a reverse goes with its forward card
                shown = f"`{card.front}`" if card.kind == "command" else f'"{card.front}"'
                loaded.merged.append(
                    f"{card.source}:{card.line}: {shown} is already a card "
                    f"({earlier.source}:{earlier.line}); kept one"
                )
    return loaded
