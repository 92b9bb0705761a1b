"""The card: one question and its answer, and the one function that decides its identity."""

from __future__ import annotations

import hashlib
import unicodedata
from enum import StrEnum
from functools import lru_cache
from typing import Final, NamedTuple


class Kind(StrEnum):
    """The kinds of card the parser makes (a StrEnum: stored and compared as its text).

    A kind ending in "-reverse" is the sibling of the kind without it: both share a `note` id,
    so they are buried together and exported as one Anki note.
    """

    CONCEPT = "concept"  # heading + sub-heading -> section body
    EXAMPLE = "example"  # command(s) in a code block -> the sentence explaining them
    CODE = "code"  # heading -> a code block nobody explained (a Dockerfile)
    TABLE = "table"  # row label + column header -> cell
    TABLE_REVERSE = "table-reverse"  # a row's value -> the column (the named thing) it belongs to
    SUMMARY = "summary"  # term -> definition
    COMMAND = "command"  # command -> what it does
    COMMAND_REVERSE = "command-reverse"  # what it does -> the command
    BASIC = "basic"  # explicit front::back
    BASIC_REVERSE = "basic-reverse"  # explicit front:::back, the other direction
    CLOZE = "cloze"  # ==text== or {{c1::text}}


# The longest answer a card may have, in characters of its Markdown text: past this a student
# cannot grade it honestly. The card rules split or drop longer answers (see
# benchmarks/quality.py, which measures against the same number).
MAX_ANSWER_CHARS: Final = 400


class Card(NamedTuple):
    """A card as the parser makes it; the store adds the schedule on top.

    Immutable, as a value should be; a named tuple rather than a frozen dataclass because a
    note makes ~100 of them and a frozen dataclass takes three times as long to build.
    """

    id: str
    note: str  # shared by a card and its reverse: the sibling group, and the Anki note GUID
    deck: str
    kind: str
    front: str
    back: str
    source: str  # the note's path as given
    line: int  # 1-based line of the card's question in the note
    path: tuple[str, ...] = ()  # heading path, outermost first, titles cleaned
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # [[wikilinks]] of the note

    @property
    def section(self) -> str:
        return " > ".join(self.path)

    def to_json(self) -> dict[str, object]:
        """The `study cards --json` record; its field names are a stable interface."""
        return {
            "id": self.id,
            "note": self.note,
            "deck": self.deck,
            "kind": self.kind,
            "front": self.front,
            "back": self.back,
            "tags": list(self.tags),
            "source": self.source,
            "line": self.line,
            "section": self.section,
            "related": list(self.related),
        }


def _normalise(text: str) -> str:
    # Case, spacing and Unicode form never change an id: "Docker  image" is "docker image".
    if not text.isascii():  # ASCII is its own normal form
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.casefold().split())


@lru_cache(maxsize=1024)
def _asked_in(deck: str, kind: str, path: tuple[str, ...]) -> hashlib._Hash:
    """The start of an id's text, hashed: the deck, kind and heading path repeat for every
    card of a section (the key rarely does), so they are normalised, joined and hashed once.
    Each id copies this hash and adds its key: a copy costs less than a new hash, which
    looks its algorithm up again and hashes the start again (~20% of an id's time)."""
    parts = [_normalise(deck), kind, *(_normalise(p) for p in path), "\x1f", ""]
    return _sha256("\x1e".join(parts).encode("utf-8"))


def card_id(deck: str, kind: str, path: tuple[str, ...], key: str) -> str:
    """The stable id of a card: the one place that decides identity.

    An id is made of what asks the question: the deck, the kind, the heading path and the
    question's key (the command, the row and column, the term, the explicit front). The
    answer never takes part, so fixing an answer keeps the id and the card's history.
    Spacing and case in any part do not count. Moving a card under another heading, renaming
    the deck or rewording the question gives a new id (sync then matches it to the old card
    by similarity, so history survives the usual edits).
    """
    return keyed_id(deck, kind, path, id_key(key))


def id_key(key: str) -> bytes:
    """A question's key as `card_id` hashes it: a card and its reverse share one."""
    return _normalise(key).encode("utf-8")


def keyed_id(deck: str, kind: str, path: tuple[str, ...], key: bytes) -> str:
    """`card_id` of a key already made `id_key`."""
    hashed = _asked_in(deck, kind, path).copy()
    hashed.update(key)
    return hashed.digest()[:8].hex()  # 16 hex digits


_sha256 = hashlib.sha256
