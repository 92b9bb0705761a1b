"""The vault: finding a user's notes on disk and reading them without ever writing to them.

Reading is where user files meet the pure parser, so every way a file can be unreadable
(gone, not UTF-8, binary) becomes a message naming the file instead of an exception, and
the other notes still load.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

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
    skipped: list[str] = field(default_factory=list)  # links out of a folder, left alone


def _is_note(name: str) -> bool:
    return name.lower().endswith(NOTE_SUFFIXES) and not name.startswith(".")


DEFAULT_MAX_NOTE_MB = 8.0


@dataclass(frozen=True)
class NoteLimits:
    """What study agrees to read: how big a note may be, and whether links may leave a folder.

    The defaults come from the environment (`STUDY_MAX_NOTE_MB`, `STUDY_FOLLOW_LINKS=1`), so
    `study cards`, `study sync` and `study export` keep to the same ones.
    """

    max_bytes: int = int(DEFAULT_MAX_NOTE_MB * 1024 * 1024)
    follow_outside_links: bool = False

    @classmethod
    def from_environment(cls) -> NoteLimits:
        megabytes = os.environ.get("STUDY_MAX_NOTE_MB", "")
        try:
            size = float(megabytes) if megabytes else DEFAULT_MAX_NOTE_MB
        except ValueError:
            raise StudyError(
                f"STUDY_MAX_NOTE_MB={megabytes!r} is not a number of megabytes"
            ) from None
        follow = os.environ.get("STUDY_FOLLOW_LINKS", "") == "1"
        return cls(max_bytes=max(0, int(size * 1024 * 1024)), follow_outside_links=follow)


def is_under(path: str, folder: str) -> bool:
    """Whether the path `path` is `folder` or inside it (both absolute, compared as text)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _notes_under(folder: Path, limits: NoteLimits, skipped: list[str]) -> list[tuple[str, str]]:
    """The notes under `folder` with their real paths, links followed only while they stay
    inside it.

    A link leaving the folder (to `/etc/passwd`, to a secrets folder) is skipped and reported,
    as an image outside a note's folder is; a folder reached twice (a link loop) is walked once.
    Only links are resolved: an entry that is not one is where its folder's real path says,
    so an unchanged re-sync of 5,000 notes costs one `scandir` a folder, not a `realpath` a
    note (each of which is a `lstat` of every part of the path).
    """
    real_root = os.path.realpath(folder)
    seen_folders = {real_root}
    found: list[tuple[str, str]] = []
    # Depth first, folders in name order, each folder's subfolders claimed (`seen_folders`)
    # before any is walked: the order `os.walk` had, so the same name wins for a folder reached
    # two ways.
    waiting = [(str(folder), real_root)]
    while waiting:
        here, real_here = waiting.pop()
        kept = []
        for entry in _entries(here):
            folder_entry = _is_folder(entry)
            if folder_entry and (entry.name in SKIPPED_FOLDERS or entry.name.startswith(".")):
                continue  # a tool's folder, or a hidden one
            if not (folder_entry or _is_note(entry.name)):
                continue
            is_link = entry.is_symlink()
            real = os.path.realpath(entry.path) if is_link else os.path.join(real_here, entry.name)
            if folder_entry and real in seen_folders:
                continue  # a loop, or a second way to a folder already walked
            if is_link and _outside(entry.path, real, real_root, limits, skipped):
                continue
            if folder_entry:
                seen_folders.add(real)
                kept.append((entry.path, real))
            else:
                found.append((entry.path, real))
        waiting.extend(reversed(kept))
    return sorted(found, key=lambda pair: pair[0].split(os.sep))  # as paths sort: by parts


def _entries(folder: str) -> list[os.DirEntry[str]]:
    """A folder's entries, its folders first, each kind by name (so links leaving the folder
    are reported in the order `os.walk` met them); none when it cannot be listed (as
    `os.walk` skips it)."""
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda entry: (not _is_folder(entry), entry.name))
    except OSError:
        return []


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # through a link too
    except OSError:
        return False


def _outside(path: str, real: str, real_root: str, limits: NoteLimits, skipped: list[str]) -> bool:
    """Whether `path` leads out of the folder (reported in `skipped`) and must be left alone."""
    if is_under(real, real_root) or limits.follow_outside_links:
        return False
    skipped.append(
        f"{path}: links to {real}, outside the folder {real_root}; skipped "
        "(STUDY_FOLLOW_LINKS=1 follows such links)"
    )
    return True


def check_markdown(path: Path) -> None:
    """StudyError for a file named on the command line that is not a Markdown note."""
    if path.suffix.lower() not in NOTE_SUFFIXES and not path.is_dir():
        raise StudyError(f"{path}: not a Markdown note (a notes file ends in .md)")


def find_notes(
    paths: Sequence[Path], limits: NoteLimits | None = None, skipped: list[str] | None = None
) -> list[Path]:
    """The notes named by `paths`: files as given, folders searched recursively for *.md.

    A missing path, a file that is not Markdown (`notes.txt`: studying it would register text
    the parser does not understand) or a folder holding no notes is a mistake worth stopping
    for. Links leaving a folder are reported in `skipped` (see `_notes_under`).
    """
    return [Path(note) for note in note_paths(paths, limits, skipped)]


def note_paths(
    paths: Sequence[Path], limits: NoteLimits | None = None, skipped: list[str] | None = None
) -> list[str]:
    """`find_notes` as text: a re-sync of thousands of notes makes no `Path` of each."""
    if not paths:
        raise StudyError("no notes given; name a Markdown file or a folder of notes")
    limits = limits or NoteLimits.from_environment()
    skipped = [] if skipped is None else skipped
    notes: list[str] = []
    seen: set[str] = set()
    for path in paths:
        if not path.exists():
            raise StudyError(f"{path}: no such file or folder")
        if path.is_dir():
            found = _notes_under(path, limits, skipped)
            if not found:
                raise StudyError(f"{path}: no Markdown notes (*.md) in this folder")
        else:
            check_markdown(path)
            found = [(str(path), os.path.realpath(path))]
        for note, real in found:
            if real not in seen:
                seen.add(real)
                notes.append(note)
    return notes


def read_note_bytes(path: Path | str, limits: NoteLimits | None = None) -> bytes:
    """A note's bytes, read only from a regular file no bigger than the limit.

    A device (`/dev/zero` never ends), a FIFO (blocks until someone writes) or a socket is
    refused before it is opened, and the file is opened non-blocking in case it was swapped
    for one since: every answer comes at once, at a cost bounded by the limit.
    """
    limits = limits or NoteLimits.from_environment()
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise StudyError(f"{path}: is not a regular file (a device, FIFO or socket); skipped")
        if status.st_size > limits.max_bytes:
            raise _too_big(path, limits)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as file:
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode):
                raise StudyError(f"{path}: is not a regular file; skipped")
            data = _read_up_to(file, opened.st_size, limits.max_bytes + 1)
    except OSError as error:
        raise StudyError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(data) > limits.max_bytes:
        raise _too_big(path, limits)  # it grew since the stat
    return data


def _read_up_to(file: BinaryIO, size: int, most: int) -> bytes:
    """At most `most` bytes of a file whose size was `size` when it was opened.

    A read asks for the size it expects (plus one byte, to see the file grew) rather than
    for `most`: a read of n bytes sets aside n bytes first, and the limit is 8 MB for a
    note of a few kilobytes. Only a file that grew since is read on, still up to `most`.
    """
    data = file.read(min(size, most - 1) + 1)
    if len(data) > size and len(data) < most:
        data += file.read(most - len(data))
    return data


def _too_big(path: Path | str, limits: NoteLimits) -> StudyError:
    megabytes = round(limits.max_bytes / (1024 * 1024), 3)
    return StudyError(
        f"{path}: is larger than {megabytes:g} MB, the limit for a note; skipped "
        "(STUDY_MAX_NOTE_MB raises it)"
    )


def read_note(path: Path, limits: NoteLimits | None = None) -> str:
    """The text of a note, or a StudyError naming the file when it is not UTF-8 text."""
    return note_text(path, read_note_bytes(path, limits))


def note_text(path: Path | str, data: bytes) -> str:
    """The text of the note `path` whose bytes are `data` (`read_note` once they are read)."""
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
    limits = NoteLimits.from_environment()
    for path in find_notes(paths, limits, loaded.skipped):
        try:
            text = read_note(path, limits)
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
