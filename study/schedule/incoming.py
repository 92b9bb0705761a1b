"""The cards the changed notes now give, parsed on every core and sent back as plain rows.

Parsing is most of a big sync (a first sync, a parser upgrade), so it runs in forked worker
processes, and each note is handed over as soon as it is parsed: the caller writes while
the workers go on. A note's cards travel as plain tuples (they pickle ~6x faster than Card
objects) that are already the card rows sync inserts.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from study.errors import StudyError
from study.notes.vault import note_text, read_note_bytes
from study.schedule.scan import content_hash

if TYPE_CHECKING:
    from concurrent.futures import Future

    from study.notes.card import Card


class Incoming(NamedTuple):
    """A card as a note now gives it: its id and the card columns the note decides (CONTENT)."""

    id: str
    note: str
    deck: str
    kind: str
    front: str
    back: str
    tags: str  # JSON list
    section: str
    note_path: str
    source: str
    line: int


class NoteRows(NamedTuple):
    """A parsed note as sync needs it; `cards` are plain tuples in `Incoming`'s order."""

    key: str  # the note's key (study.schedule.machine): what its cards' note_path hold
    deck: str
    merged: list[str]
    cards: list[tuple[str | int, ...]]
    content_hash: str  # of the bytes parsed (study.schedule.scan.content_hash)


def _card_tuples(cards: list[Card], path: str, key: str) -> list[tuple[str | int, ...]]:
    # Each card unpacked as the tuple it is rather than read field by field: nine attribute
    # lookups a card were ~1/3 of this for 100,000 cards; a field added to Card fails here.
    # Every card of a note has the note's tags, mostly the very same tuple: their JSON is made
    # once, not once a card.
    tags_json: dict[tuple[str, ...], str] = {}
    last_tags: tuple[str, ...] | None = None
    tags = ""
    rows: list[tuple[str | int, ...]] = []
    for card in cards:
        card_id, note, deck, kind, front, back, _, line, _, card_tags, _ = card
        if card_tags is not last_tags:
            last_tags = card_tags
            tags = tags_json.get(card_tags) or _tags_json(tags_json, card_tags)
        rows.append((card_id, note, deck, kind, front, back, tags, card.section, key, path, line))
    return rows


def _tags_json(made: dict[tuple[str, ...], str], tags: tuple[str, ...]) -> str:
    made[tags] = json.dumps(list(tags), ensure_ascii=False)
    return made[tags]


def read_and_parse(path: str, key: str) -> NoteRows | str:
    """One note's cards, or the message saying why it cannot be read (runs in a worker too).

    `key` goes into the cards' note_path; `path`, where the file is on this machine, into
    their source. The note is hashed here, from the bytes parsed: a new note is not read
    before (study.schedule.scan), so a first sync reads each note once."""
    from study.notes.parser import parse_text

    try:
        data = read_note_bytes(path)
        text = note_text(path, data)
    except StudyError as error:
        return f"{error} (its cards are kept)"
    note = parse_text(text, source=path)
    cards = _card_tuples(note.cards, path, key)
    return NoteRows(key, note.deck, note.merged, cards, content_hash(data))


def die_with_parent(parent: int) -> None:
    """Make this worker end when the process that forked it does, even by SIGKILL.

    A killed `study sync` cannot shut its pool down; without this its workers would wait for
    work forever, adopted by init. Linux says so with prctl(PR_SET_PDEATHSIG); the parent
    may have died before the call, hence the check after it.
    """
    if sys.platform == "linux":
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@contextmanager
def parsing(
    paths: Sequence[str], keys: Sequence[str], workers: int
) -> Iterator[Iterator[NoteRows | str]]:
    """`paths` (with their `keys`) parsed in order, each once ready: in this process alone
    (`workers` 0), or with that many forked workers besides it.

    This process parses too: while the notes it needs next are still with a worker, it takes
    a later chunk no worker has started rather than wait. On two cores, one worker and this
    process cost ~12% less CPU than two workers beside it (three busy processes on two cores,
    and twice the rows pickled across), and finish no later.
    Workers are forked (spawning would re-run an unguarded calling script), all of them on
    entry (a fork-context pool never forks later), so the caller closes every SQLite
    connection before and may open one inside: a connection must never cross a fork.
    """
    if workers < 1:
        yield map(read_and_parse, paths, keys)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Imported once here, inherited by every worker (yaml: most vaults have front matter).
    import yaml  # noqa: F401

    import study.notes.parser  # noqa: F401

    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        # Small chunks: the caller gets work early and the last chunk ends sooner.
        size = max(1, len(paths) // ((workers + 1) * 32))
        chunks = [
            (paths[at : at + size], keys[at : at + size]) for at in range(0, len(paths), size)
        ]
        futures = [pool.submit(_parse_chunk, *chunk) for chunk in chunks]
        yield _in_order(futures, chunks)
    finally:
        pool.shutdown(cancel_futures=True)


def _parse_chunk(paths: Sequence[str], keys: Sequence[str]) -> list[NoteRows | str]:
    return list(map(read_and_parse, paths, keys))


def _in_order(
    futures: list[Future[list[NoteRows | str]]], chunks: list[tuple[Sequence[str], Sequence[str]]]
) -> Iterator[NoteRows | str]:
    """The chunks' notes in order. While the next chunk is not done, this process parses the
    first one from there that no worker has started (a future cancelled is one no worker will
    start); it holds a later chunk's notes until their turn, so at most a chunk or two."""
    ours: dict[int, list[NoteRows | str]] = {}
    later = 0  # chunks before this one are done, started by a worker, or ours
    for index, future in enumerate(futures):
        later = max(later, index)
        while not future.done() and later < len(futures):
            if futures[later].cancel():
                ours[later] = _parse_chunk(*chunks[later])
            later += 1
        yield from ours.pop(index) if index in ours else future.result()
