"""Progress in the package: cards drilled in `study`, exported, imported into a real Anki
collection with scheduling, arrive with their schedule, FSRS memory state and review log."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest  # first

from anki.cards import Card as AnkiCard  # isort: skip (anki.cards needs anki.collection first)

from study.anki.export import export
from study.schedule.answers import bury, grade, suspend
from study.schedule.config import set_setting
from study.schedule.store import open_store
from study.schedule.sync import sync
from tests.support import utc_local_time

__all__ = ["utc_local_time"]

PHYSICS = """\
# Physics

## Terms

Energy :: the capacity to do work

Force ::: mass times acceleration

Power :: energy per unit of time

## Cloze

Light travels at ==300,000 km/s== in a ==vacuum==.
"""
DRILLED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning, well in the past
LAPSED = DRILLED + timedelta(days=2, hours=1)  # the cloze's first deletion forgotten
EXPORTED = LAPSED + timedelta(hours=1)
LIGHT = "Light travels at [...] in a vacuum."


@pytest.fixture
def drilled(tmp_path: Path, utc_local_time: None) -> dict[str, str]:
    """A database whose cards were answered under a fixed clock: card fronts -> ids."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "physics.md").write_text(PHYSICS, encoding="utf-8")
    with open_store(tmp_path / "study.db") as store:
        sync(store, [notes], DRILLED)
        set_setting(store, "fuzz", "off")
        ids = {card.front: card.id for card in store.cards()}
        energy, force = ids["Energy"], ids["Force"]
        grade(store, energy, 3, DRILLED, 4000)  # Good, then Good again after the 10 minute step
        grade(store, energy, 3, DRILLED + timedelta(minutes=10), 2500)
        grade(store, force, 1, DRILLED, 70_000)  # Again: the first learning step, one minute
        for when, rating in ((DRILLED, 3), (DRILLED + timedelta(minutes=10), 3), (LAPSED, 1)):
            grade(store, ids[LIGHT], rating, when, 1000)  # learnt, then forgotten: relearning
        suspend(store, ids["Power"])
        bury(store, ids["Light travels at 300,000 km/s in a [...]."], LAPSED)
    return ids


def imported(tmp_path: Path) -> Collection:
    """A fresh Anki collection holding the database's export, imported with scheduling."""
    package = tmp_path / "study.apkg"
    report = export([], package, db_path=tmp_path / "study.db", now=EXPORTED)
    assert (report.notes, report.cards, report.reviews) == (4, 6, 6)
    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    options = ImportAnkiPackageOptions(with_scheduling=True)
    request = ImportAnkiPackageRequest(package_path=str(package), options=options)
    collection.import_anki_package(request)
    return collection


@pytest.fixture
def anki(tmp_path: Path, drilled: dict[str, str]) -> Iterator[Collection]:
    collection = imported(tmp_path)
    yield collection
    collection.close()


def card(collection: Collection, front: str, ordinal: int = 0) -> AnkiCard:
    """The card of the note whose first field is `front` (a wildcard for a cloze)."""
    field = "Text" if front.startswith("Light") else "Front"
    query = f'"{field}:{front}" card:{ordinal + 1}'
    (card_id,) = collection.find_cards(query)
    return collection.get_card(card_id)


def anki_date(collection: Collection, day: int) -> date:
    """The calendar date of an Anki day number (the study day starts at 04:00, as Anki's)."""
    today = (datetime.now(UTC) - timedelta(hours=4)).date()
    return today + timedelta(days=day - collection.sched.today)


def test_a_card_graduated_in_study_is_a_review_card_in_anki(anki: Collection) -> None:
    energy = card(anki, "Energy")
    assert (energy.type, energy.queue, energy.ivl) == (2, 2, 2)  # review, in the review queue
    assert anki_date(anki, energy.due) == date(2026, 3, 4)  # two days after 09:10 on the 2nd
    assert (energy.reps, energy.lapses) == (2, 0)
    assert energy.memory_state is not None
    assert energy.memory_state.stability == pytest.approx(2.3065, abs=1e-3)
    assert energy.memory_state.difficulty == pytest.approx(2.1112, abs=1e-3)
    assert energy.desired_retention == pytest.approx(0.9)
    assert energy.last_review_time == int(datetime(2026, 3, 2, 9, 10, tzinfo=UTC).timestamp())


def test_a_card_in_a_learning_step_keeps_its_step_and_due_minute(anki: Collection) -> None:
    force = card(anki, "Force")
    assert (force.type, force.queue, force.left) == (1, 1, 2)  # learning, two steps to go
    assert force.due == int(datetime(2026, 3, 2, 9, 1, tzinfo=UTC).timestamp())
    assert force.memory_state is not None
    assert force.memory_state.stability == pytest.approx(0.212, abs=1e-3)
    assert force.memory_state.difficulty == pytest.approx(6.4133, abs=1e-3)


def test_new_suspended_and_buried_cards_keep_their_state(anki: Collection) -> None:
    reverse = card(anki, "Force", 1)
    assert (reverse.type, reverse.queue, reverse.ivl, reverse.reps) == (0, 0, 0, 0)
    assert reverse.memory_state is None
    power = card(anki, "Power")
    assert (power.type, power.queue) == (0, -1)  # new and suspended
    second = card(anki, "Light travels at*", 1)  # `vacuum`, buried until the next study day
    assert (second.type, second.queue) == (0, -3)


def test_a_forgotten_card_is_relearning_with_its_lapse_counted(anki: Collection) -> None:
    first = card(anki, "Light travels at*")
    assert (first.type, first.queue, first.reps, first.lapses, first.left) == (3, 1, 3, 1, 1)
    assert first.due == int((LAPSED + timedelta(minutes=10)).timestamp())  # the relearning step
    assert first.ivl == 1
    assert first.memory_state is not None
    assert first.memory_state.stability == pytest.approx(0.6077, abs=1e-3)


def test_the_review_log_arrives_as_revlog_rows(anki: Collection) -> None:
    energy, force, light = card(anki, "Energy"), card(anki, "Force"), card(anki, "Light*")
    rows = anki.db.all("SELECT id, cid, ease, ivl, lastIvl, time, type FROM revlog ORDER BY id")
    drilled, ten = int(DRILLED.timestamp() * 1000), 600_000
    # Answers at the same moment are moved a millisecond apart, the cards taken in the order
    # they were added (the note's order: Energy, Force, Light).
    assert rows == [
        [drilled, energy.id, 3, -600, 0, 4000, 0],  # learning: 10 minutes next
        [drilled + 1, force.id, 1, -60, 0, 60_000, 0],  # Again: one minute; a minute at most
        [drilled + 2, light.id, 3, -600, 0, 1000, 0],
        [drilled + ten, energy.id, 3, 2, -600, 2500, 0],  # graduated: 2 days
        [drilled + ten + 1, light.id, 3, 2, -600, 1000, 0],
        [int(LAPSED.timestamp() * 1000), light.id, 1, -600, 2, 1000, 1],  # a review, forgotten
    ]


def test_the_package_s_revlog_keeps_anki_s_indexes(tmp_path: Path, drilled: dict[str, str]) -> None:
    package = tmp_path / "study.apkg"
    export([], package, db_path=tmp_path / "study.db", now=EXPORTED)
    with zipfile.ZipFile(package) as archive, sqlite3.connect(":memory:") as db:
        db.deserialize(archive.read("collection.anki2"))
        tables = db.execute("SELECT type, name FROM sqlite_master WHERE tbl_name = 'revlog'")
        assert sorted(tables) == [
            ("index", "ix_revlog_cid"),
            ("index", "ix_revlog_usn"),
            ("table", "revlog"),
        ]
        assert db.execute("SELECT count(*) FROM revlog").fetchone() == (6,)


def test_a_deck_s_own_retention_travels_with_its_cards(
    tmp_path: Path, drilled: dict[str, str]
) -> None:
    with open_store(tmp_path / "study.db") as store:
        set_setting(store, "desired_retention", "0.85", deck="Physics")
    collection = imported(tmp_path)
    try:
        assert card(collection, "Energy").desired_retention == pytest.approx(0.85)
    finally:
        collection.close()
