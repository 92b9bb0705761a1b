"""Identity between study and Anki across edits: renames keep their Anki note, the user's note
type changes survive, one edited note updates one Anki note, retired notes are tagged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from study.anki.export import export
from study.anki.note import RETIRED_TAG
from study.anki.notetypes import MODELS_CHANGED
from study.schedule.answers import grade
from study.schedule.store import open_store
from study.schedule.sync import sync
from tests.support import utc_local_time
from tests.test_progress import PHYSICS

__all__ = ["utc_local_time"]

NOTE = PHYSICS  # four notes: two basic cards, a card with its reverse, a cloze
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Trip:
    """A note synced into a database, exported and imported into one Anki collection, as
    often as a test edits the note."""

    def __init__(self, folder: Path, anki: Collection) -> None:
        self.folder, self.anki = folder, anki
        self.note = folder / "notes" / "physics.md"
        self.db = folder / "study.db"
        self.now = START
        self.logs: list[object] = []

    def round(self, text: str, answer: bool = False) -> None:
        """Write the note, sync (and answer every card Good), export from the database and
        import into Anki with the progress."""
        self.now += timedelta(days=1)
        self.note.write_text(text, encoding="utf-8")
        with open_store(self.db) as store:
            sync(store, [self.note.parent], self.now)
            for card in store.cards() if answer else ():
                grade(store, card.id, 3, self.now, fuzz=False)
        package = self.folder / f"{self.now:%d}.apkg"
        export([], package, db_path=self.db, now=self.now)
        request = ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
        self.logs.append(self.anki.import_anki_package(request).log)

    def note_of(self, search: str) -> tuple[int, int]:
        """(note id, revlog rows of its cards) of the one Anki note `search` finds."""
        (note_id,) = self.anki.find_notes(f'"{search}"')
        revlog = self.anki.db.scalar(
            "SELECT count() FROM revlog r JOIN cards c ON c.id = r.cid WHERE c.nid = ?", note_id
        )
        return note_id, revlog


@pytest.fixture
def trip(tmp_path: Path, utc_local_time: None) -> Iterator[Trip]:
    (tmp_path / "notes").mkdir()
    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield Trip(tmp_path, collection)
    collection.close()


@pytest.mark.parametrize(
    ("old", "new", "before", "after", "answers"),
    [
        ("Energy :: the", "Energy stored :: the", "Front:Energy", "Front:Energy stored", 1),
        ("## Terms", "## Key terms", "Front:Energy", "Front:Energy", 1),
        ("in a ==vacuum==.", "in a perfect ==vacuum==.", "Text:Light*", "Text:*perfect*", 2),
    ],
    ids=["question reworded", "heading renamed", "cloze sentence edited"],
)
def test_a_rename_updates_the_anki_note_in_place_with_its_history(
    trip: Trip, old: str, new: str, before: str, after: str, answers: int
) -> None:
    trip.round(NOTE, answer=True)
    note_id, revlog = trip.note_of(before)
    assert (trip.anki.note_count(), revlog) == (4, answers)

    trip.round(NOTE.replace(old, new))
    assert trip.anki.note_count() == 4  # no duplicate, no orphan
    assert trip.note_of(after) == (note_id, answers)  # the same note, its history with it
    assert trip.logs[-1].updated and not trip.logs[-1].new


def test_a_css_change_made_in_anki_survives_a_re_import(trip: Trip) -> None:
    trip.round(NOTE)
    model = trip.anki.models.by_name("study Basic")
    assert model is not None
    model["css"] += "\n.card { font-size: 30px; }"
    trip.anki.models.update_dict(model)

    trip.now = datetime(2030, 1, 1, tzinfo=UTC)  # exported after the change was made
    trip.round(NOTE.replace("the capacity to do work", "the capacity of doing work"))
    model = trip.anki.models.by_name("study Basic")
    assert model is not None and model["css"].endswith(".card { font-size: 30px; }")


def test_one_edited_note_updates_one_anki_note(trip: Trip) -> None:
    trip.round(NOTE)
    assert len(trip.logs[-1].new) == 4
    trip.round(NOTE.replace("the capacity to do work", "the capacity of doing work"))
    log = trip.logs[-1]
    assert [note.fields[0] for note in log.updated] == ["Energy"]
    assert len(log.duplicate) == 3 and not log.new  # the other three: unchanged, left alone
    trip.round(NOTE.replace("the capacity to do work", "the capacity of doing work"))
    assert not trip.logs[-1].updated  # nothing changed since: nothing updated


def test_a_note_removed_from_the_markdown_is_tagged_retired_in_anki(trip: Trip) -> None:
    trip.round(NOTE)
    trip.round(NOTE.replace("Power :: energy per unit of time\n", ""))
    (note_id,) = trip.anki.find_notes(f"tag:{RETIRED_TAG}")
    note = trip.anki.get_note(note_id)
    assert note["Front"] == "Power"
    assert trip.anki.find_notes(f"-tag:{RETIRED_TAG}") != []


def test_an_export_says_when_the_note_types_changed_since_the_last_one(
    trip: Trip, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = trip.folder / "x.apkg"
    trip.round(NOTE)
    again = export([], package, db_path=trip.db, now=trip.now)
    assert not again.note_types_changed and "note types changed" not in again.render()
    monkeypatch.setattr("study.anki.export.MODELS_CHANGED", MODELS_CHANGED + 86400)
    upgraded = export([], package, db_path=trip.db, now=trip.now)
    assert upgraded.note_types_changed
    assert "the study note types changed since your last export" in upgraded.render()
    assert not export([], package, db_path=trip.db, now=trip.now).note_types_changed
