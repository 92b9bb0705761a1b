"""`study import`: answers given in Anki come back once each and reschedule their cards.

The whole trip with the real `anki` package: drill in study, export, import into Anki with
scheduling, answer with Anki's own scheduler, export from Anki with scheduling, import here.
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import pytest
from anki.collection import Collection, ExportAnkiPackageOptions
from typer.testing import CliRunner

from study.anki.importer import import_package
from study.cli import app
from study.errors import StudyError
from tests.support import utc_local_time
from tests.test_progress import drilled, imported

__all__ = ["drilled", "utc_local_time"]

runner = CliRunner()
ANSWERED_IN_ANKI = 4
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def answer_in_anki(collection: Collection, count: int) -> None:
    """Answer `count` cards Good with Anki's own scheduler, as a user on AnkiDroid would."""
    collection.decks.select(collection.decks.id_for_name("Physics") or 0)
    for _ in range(count):
        card = collection.sched.getCard()
        assert card is not None
        collection.sched.answerCard(card, 3)


def export_from_anki(collection: Collection, out: Path, *, legacy: bool = False) -> Path:
    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_media=True, with_deck_configs=False, legacy=legacy
    )
    collection.export_anki_package(out_path=str(out), options=options, limit=None)
    return out


@pytest.fixture
def anki(tmp_path: Path, drilled: dict[str, str]) -> Iterator[Collection]:
    """The exported database in a fresh Anki collection, four cards then answered there."""
    collection = imported(tmp_path)
    answer_in_anki(collection, ANSWERED_IN_ANKI)
    yield collection
    collection.close()


def study_rows(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        reviews = conn.execute(
            "SELECT c.id, r.rating, r.reviewed_at, r.duration_ms, r.before_state, r.before_step,"
            " r.before_stability, r.before_difficulty, r.before_due, r.before_last_review"
            " FROM review r JOIN card c ON c.rowid = r.card ORDER BY r.id"
        ).fetchall()
        cards = conn.execute(
            "SELECT id, state, step, stability, difficulty, due, last_review FROM card ORDER BY id"
        ).fetchall()
    return reviews, cards


def oracle(answers: list[tuple[datetime, int]]) -> fsrs.Card:
    """fsrs' own rescheduling of a card from its answers (default settings, no fuzz)."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    logs = [fsrs.ReviewLog(0, fsrs.Rating(rating), at, None) for at, rating in answers]
    return scheduler.reschedule_card(fsrs.Card(card_id=0), logs)


def test_answers_from_anki_are_merged_once_and_reschedule_their_cards(
    tmp_path: Path, anki: Collection, drilled: dict[str, str]
) -> None:
    package = export_from_anki(anki, tmp_path / "from-anki.apkg")
    with zipfile.ZipFile(package) as archive:
        assert "collection.anki21b" in archive.namelist()  # zstd: Anki's modern format
    db = tmp_path / "study.db"

    report = import_package(package, db_path=db)
    assert (report.anki_cards, report.matched, report.unknown_cards) == (6, 6, 0)
    assert (report.answers, report.added, report.rescheduled) == (6 + 4, 4, 4)
    reviews, cards = study_rows(db)
    assert len(reviews) == 6 + ANSWERED_IN_ANKI

    # Every card's schedule is what fsrs gives for its merged history, Anki's answers included.
    by_front = {v: k for k, v in drilled.items()}
    revlog = anki.db.all(
        "SELECT r.id, r.ease, n.sfld, c.ord FROM revlog r JOIN cards c ON c.id = r.cid"
        " JOIN notes n ON n.id = c.nid ORDER BY r.id"
    )
    assert len(revlog) == 6 + ANSWERED_IN_ANKI
    with sqlite3.connect(db) as conn:
        history = conn.execute(
            "SELECT c.id, r.reviewed_at, r.rating FROM review r JOIN card c ON c.rowid = r.card"
        ).fetchall()
    for card_id, state, step, stability, difficulty, due, last_review in cards:
        assert (last_review is None) == (state == 1 and step == 0 and stability is None)
        answers = [
            (EPOCH + timedelta(microseconds=at), rating)  # the log's epoch microseconds
            for who, at, rating in history
            if who == card_id
        ]
        if not answers:
            assert state == 1 and stability is None, by_front[card_id]
            continue
        expected = oracle(answers)
        assert (state, step) == (int(expected.state), expected.step), by_front[card_id]
        assert stability == pytest.approx(expected.stability)
        assert difficulty == pytest.approx(expected.difficulty)
        assert datetime.fromisoformat(due).replace(tzinfo=UTC) == expected.due
    anki_times = sorted(revlog_id for revlog_id, *_ in revlog)
    study_times = sorted(round(at / 1000) for _, at, _ in history)
    drilled_ms = int(datetime(2026, 3, 2, 9, tzinfo=UTC).timestamp() * 1000)
    # Anki's ids for study's own answers are their times (those that share a moment with
    # another answer moved a millisecond or two apart).
    moved = [drilled_ms + 1, drilled_ms + 2, drilled_ms + 600_001]
    assert [t for t in anki_times if t not in study_times] == moved

    again = import_package(package, db_path=db)
    assert (again.added, again.rescheduled) == (0, 0)
    assert study_rows(db) == (reviews, cards)  # a second import changes nothing


def test_a_package_in_anki_s_older_format_imports_the_same(
    tmp_path: Path, anki: Collection
) -> None:
    package = export_from_anki(anki, tmp_path / "legacy.apkg", legacy=True)
    with zipfile.ZipFile(package) as archive:
        assert "collection.anki21b" not in archive.namelist()
    report = import_package(package, db_path=tmp_path / "study.db")
    assert (report.matched, report.added) == (6, ANSWERED_IN_ANKI)


def test_a_dry_run_reports_and_changes_nothing(tmp_path: Path, anki: Collection) -> None:
    package = export_from_anki(anki, tmp_path / "from-anki.apkg")
    before = study_rows(tmp_path / "study.db")
    result = runner.invoke(
        app, ["import", str(package), "--dry-run", "--db", str(tmp_path / "study.db")]
    )
    assert result.exit_code == 0, result.output
    assert "6 Anki cards, 6 of them study cards; would add 4 of their 10 answers" in result.output
    assert study_rows(tmp_path / "study.db") == before


def test_cards_only_anki_has_are_reported_not_invented(tmp_path: Path, anki: Collection) -> None:
    note = anki.new_note(anki.models.by_name("Basic") or {})
    note["Front"], note["Back"] = "Made in <b>Anki</b>", "not in the Markdown"
    anki.add_note(note, anki.decks.id_for_name("Physics") or 0)
    package = export_from_anki(anki, tmp_path / "from-anki.apkg")
    before = study_rows(tmp_path / "study.db")[1]
    report = import_package(package, db_path=tmp_path / "study.db")
    assert (report.anki_cards, report.unknown_cards, report.unknown) == (7, 1, ["Made in Anki"])
    assert "1 Anki cards are not study cards (left alone): Made in Anki" in report.render()
    assert len(study_rows(tmp_path / "study.db")[1]) == len(before)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not an Anki package"),
        (None, "no Anki collection inside"),
        (b"SQLite format 3\x00" + b"garbage" * 100, "the collection is not readable"),
        (b"\x28\xb5\x2f\xfd" + b"garbage", "the collection is damaged"),
    ],
)
def test_a_file_that_is_no_anki_package_is_one_line_error(
    tmp_path: Path, drilled: dict[str, str], content: bytes | None, message: str
) -> None:
    package = tmp_path / "bad.apkg"
    if content is None or content.startswith((b"SQLite", b"\x28\xb5")):
        with zipfile.ZipFile(package, "w") as archive:
            archive.writestr("media", "{}")
            if content is not None:  # a collection inside, but broken
                archive.writestr("collection.anki21b", content)
    else:
        package.write_bytes(content)
    with pytest.raises(StudyError, match=message):
        import_package(package, db_path=tmp_path / "study.db")
    result = runner.invoke(app, ["import", str(package), "--db", str(tmp_path / "study.db")])
    assert result.exit_code == 1
    assert result.output.startswith("study: ") and message in result.output
    assert "Traceback" not in result.output


def test_a_whole_collection_package_imports_too(tmp_path: Path, anki: Collection) -> None:
    colpkg = tmp_path / "collection.colpkg"
    anki.export_collection_package(str(colpkg), include_media=True, legacy=False)
    report = import_package(colpkg, db_path=tmp_path / "study.db")
    assert (report.anki_cards, report.matched, report.added) == (6, 6, ANSWERED_IN_ANKI)


def test_importing_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(tmp_path), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"study: {tmp_path}: is a folder; give an .apkg or .colpkg exported from Anki\n"
    )


def test_answers_from_anki_merge_onto_a_server_as_onto_the_file(
    tmp_path: Path, anki: Collection, pg_url: str
) -> None:
    from study.schedule.store import open_store

    package = export_from_anki(anki, tmp_path / "from-anki.apkg")
    db = tmp_path / "study.db"
    assert runner.invoke(app, ["db", "copy", str(db), pg_url]).exit_code == 0
    on_file, on_server = (
        import_package(package, db_path=db),
        import_package(package, db_path=pg_url),
    )
    assert (
        (on_server.added, on_server.rescheduled) == (on_file.added, on_file.rescheduled) == (4, 4)
    )
    logs = []
    for target in (db, pg_url):
        with open_store(target) as store:
            reviews = store.execute(
                "SELECT c.id, r.rating, r.reviewed_at, r.duration_ms, r.before_state,"
                " r.before_step, r.before_stability, r.before_difficulty, r.before_due,"
                " r.before_last_review FROM review r JOIN card c ON c.rowid = r.card"
                " ORDER BY r.reviewed_at, c.id",
                {},
            )
            cards = store.execute(
                "SELECT id, state, step, stability, difficulty, due, last_review FROM card"
                " ORDER BY id",
                {},
            )
            logs.append((list(reviews), list(cards)))
    assert logs[1] == logs[0]
    assert len(logs[0][0]) == 6 + ANSWERED_IN_ANKI
