"""`study import`: reviews done in Anki or AnkiDroid, brought back into the review log.

A package exported from Anki with scheduling is a zip holding the collection: zstd-compressed
`collection.anki21b` in packages from Anki 2.1.50 on (beside a stub `collection.anki2` that only
says "please update"), plain SQLite `collection.anki21` or `collection.anki2` in older ones.
Only three tables are read (`notes` for GUIDs, `cards` for ordinals, `revlog` for answers),
whose columns have not changed since Anki 2.0, with `zstandard` and `sqlite3`: no Anki install
is needed. An Anki card is a study card when its note's GUID and its ordinal are those the
export gives that card (study.anki.note); cards Anki has that `study` does not are reported,
never invented.
"""

from __future__ import annotations

import contextlib
import html
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from study.errors import StudyError

if TYPE_CHECKING:
    from study.schedule.exchange import Answer
    from study.schedule.scheduler import Settings
    from study.schedule.store import Store

# Newest first: a modern package also holds an old-format stub collection.
_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Revlog types that are answers: learning, review, relearning, filtered deck (4 and 5 are
# manual reschedules and changes, no answer given); ease 1-4 are the four buttons.
_ANSWER_TYPES = (0, 1, 2, 3)
_LISTED = 5  # unknown cards named in the report; the rest are counted


@dataclass
class ImportReport:
    """What an import found and did (or, for a dry run, would do)."""

    path: Path
    dry_run: bool = False
    anki_cards: int = 0
    matched: int = 0
    answers: int = 0  # answers in the package for matched cards
    added: int = 0  # of those, new to the review log
    rescheduled: int = 0  # cards whose schedule was recomputed
    unknown: list[str] = field(default_factory=list)  # Anki notes study has no card for
    unknown_cards: int = 0

    def render(self) -> str:
        verb = "would add" if self.dry_run else "added"
        lines = [
            f"{self.path}: {self.anki_cards} Anki cards, {self.matched} of them study cards; "
            f"{verb} {self.added} of their {self.answers} answers, "
            f"{self.rescheduled} cards rescheduled"
        ]
        if self.unknown_cards:
            shown = "; ".join(self.unknown[:_LISTED])
            more = f" and {len(self.unknown) - _LISTED} more" if len(self.unknown) > _LISTED else ""
            lines.append(
                f"{self.unknown_cards} Anki cards are not study cards (left alone): {shown}{more}"
            )
        return "\n".join(lines)


@dataclass
class AnkiCard:
    guid: str
    ord: int
    sort_field: str
    answers: list[Answer] = field(default_factory=list)


def read_collection(path: Path) -> bytes:
    """The SQLite bytes of the collection inside an Anki package; StudyError if there is none."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            member = next((name for name in _COLLECTIONS if name in names), None)
            if member is None:
                raise StudyError(f"{path}: no Anki collection inside; export it from Anki again")
            data = archive.read(member)
    except (OSError, zipfile.BadZipFile) as error:
        why = getattr(error, "strerror", None) or error
        raise StudyError(f"{path}: not an Anki package ({why})") from None
    if data.startswith(_ZSTD_MAGIC):
        import zstandard

        try:
            with zstandard.ZstdDecompressor().stream_reader(data) as reader:
                data = reader.read()
        except zstandard.ZstdError as error:
            raise StudyError(f"{path}: the collection is damaged ({error})") from None
    return data


@contextlib.contextmanager
def _opened(data: bytes, path: Path) -> Iterator[sqlite3.Connection]:
    if data[18:20] == b"\x02\x02":
        # A collection saved in WAL mode: an in-memory copy must say "rollback journal".
        data = data[:18] + b"\x01\x01" + data[20:]
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(data)
        # A package is someone else's file: no functions from its schema, damage caught early.
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA cell_size_check = ON")
        yield connection
    except sqlite3.DatabaseError as error:
        raise StudyError(f"{path}: the collection is not readable ({error})") from None
    finally:
        connection.close()


def anki_cards(path: Path) -> dict[int, AnkiCard]:
    """Every card of the package by Anki card id, with its note's GUID and its answers."""
    from study.schedule.exchange import Answer

    with _opened(read_collection(path), path) as db:
        cards = {
            card_id: AnkiCard(guid, number, str(sort_field))
            for card_id, guid, number, sort_field in db.execute(
                "SELECT c.id, n.guid, c.ord, n.sfld FROM cards c JOIN notes n ON n.id = c.nid"
            )
        }
        types = ", ".join(str(kind) for kind in _ANSWER_TYPES)
        query = (
            "SELECT id, cid, ease, time FROM revlog"
            f" WHERE ease BETWEEN 1 AND 4 AND type IN ({types}) ORDER BY id"
        )
        for revlog_id, card_id, ease, time in db.execute(query):
            if card_id in cards:
                at = datetime.fromtimestamp(revlog_id / 1000, UTC)
                cards[card_id].answers.append(Answer(at, int(ease), int(time) or None))
    return cards


def _study_ids(store: Store) -> dict[tuple[str, int], str]:
    """(GUID, ordinal) -> study card id, for every card the database has, as exported."""
    from study.anki.export import EXPORTED, store_sources
    from study.anki.media import Media
    from study.anki.note import build_note, groups, guid_of

    cards = store.cards(statuses=EXPORTED)
    sources = store_sources(store, cards, None)
    found: dict[tuple[str, int], str] = {}
    media = Media()
    for group in groups(cards):
        guid = guid_of(group, sources.guids)
        note = build_note(group, media, guid=guid, tags=[], deck="", source=sources.label)
        for card_id, number in note.ords.items():
            found[(guid, number)] = card_id
    return found


def import_package(
    path: Path, *, db_path: Path | None = None, dry_run: bool = False
) -> ImportReport:
    """Merge the answers of an Anki package into the review log: what `study import` does."""
    from study.schedule.exchange import is_known, known_answers, merge_answers
    from study.schedule.scheduler import load_settings
    from study.schedule.store import open_store

    if not path.is_file():
        what = "is a folder" if path.is_dir() else "no such file"
        raise StudyError(f"{path}: {what}; give an .apkg or .colpkg exported from Anki")
    package = anki_cards(path)
    report = ImportReport(path=path, dry_run=dry_run, anki_cards=len(package))
    with open_store(db_path, create=False) as store:
        ids = _study_ids(store)
        settings: dict[str, Settings] = {}  # by deck: a deck may have its own
        known = known_answers(store)
        unknown: dict[str, str] = {}
        for card in package.values():
            card_id = ids.get((card.guid, card.ord))
            if card_id is None:
                report.unknown_cards += 1
                unknown.setdefault(card.guid, _excerpt(card.sort_field))
                continue
            report.matched += 1
            report.answers += len(card.answers)
            fresh = [a for a in card.answers if not is_known(a, known.get(card_id, ()))]
            added = 0
            if fresh:
                row = store.card(card_id)
                if row.deck not in settings:
                    settings[row.deck] = load_settings(store, row.deck)
                added = merge_answers(store, row, fresh, settings[row.deck])
            report.added += added
            report.rescheduled += bool(added)
        report.unknown = sorted(unknown.values())
        if dry_run:
            store.session.rollback()
        else:
            store.session.commit()
    return report


def _excerpt(field: str) -> str:
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", field)).split())
    return text if len(text) <= 40 else text[:39] + "…"
