"""Sync: every way of editing a synced note keeps the history it should, card by card."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import shutil
import sqlite3
import string
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select
from typer.testing import CliRunner

import study.notes.vault
import study.schedule.incoming
import study.schedule.scan
import study.schedule.sync
from study.cli import app
from study.collector import collector_paused
from study.errors import StudyError
from study.notes.parser import parse_text
from study.notes.vault import NoteLimits
from study.schedule.answers import grade, reviews_of, suspend
from study.schedule.migrations import LATEST
from study.schedule.queue import build_queue
from study.schedule.store import CardRow, Store, open_store
from study.schedule.sync import SyncReport, sync, sync_paths
from tests.support import DECKS, FIXTURES, collector_states, reviews, vault_with_a_link_out

runner = CliRunner()
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=3)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

SHELL = """# Shell

## Files

What lists files?::ls
What prints the working directroy?::pwd
Copy a file:::cp
What removes a file?::rm
"""


@dataclass
class Vault:
    """A note folder synced into a store, with some history on every card."""

    folder: Path
    store: Store

    @property
    def note(self) -> Path:
        return self.folder / "shell.md"

    def edit(self, old: str, new: str) -> SyncReport:
        text = self.note.read_text()
        assert old in text
        self.note.write_text(text.replace(old, new))
        return sync(self.store, [], LATER)

    def row(self, front: str) -> CardRow:
        rows = self.store.session.exec(select(CardRow).where(CardRow.front == front)).all()
        assert len(rows) == 1, f"{front!r}: {len(rows)} rows"
        return rows[0]

    def history(self, front: str) -> list[tuple[int, datetime]]:
        logged = reviews_of(self.store, self.row(front).id)  # moments in epoch microseconds
        return [(r.rating, EPOCH + timedelta(microseconds=r.reviewed_at)) for r in logged]


def _schedule(row: CardRow) -> tuple[object, ...]:
    return (row.state, row.stability, row.difficulty, row.due, row.last_review)


@pytest.fixture(params=["sqlite", "postgresql"])
def vault(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Vault]:
    """The same rules on a SQLite file and on a database on the scratch server."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "shell.md").write_text(SHELL)
    target = (
        tmp_path / "study.db" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    )
    with open_store(target) as store:
        report = sync(store, [folder], NOW)
        assert (report.added, report.parsed) == (5, 1)
        for card in store.cards():
            grade(store, card.id, 3, NOW, fuzz=False)
            grade(store, card.id, 4, NOW + timedelta(minutes=10), fuzz=False)
        yield Vault(folder, store)


def _counts(report: SyncReport) -> tuple[int, ...]:
    return (report.added, report.updated, report.moved, report.retired, report.restored)


HISTORY = [(3, NOW), (4, NOW + timedelta(minutes=10))]


def test_unchanged_notes_are_not_parsed(vault: Vault) -> None:
    report = sync(vault.store, [], LATER)
    assert _counts(report) == (0, 0, 0, 0, 0)
    assert (report.parsed, report.unchanged) == (0, 1)


def test_an_edited_answer_keeps_id_schedule_and_history(vault: Vault) -> None:
    before = vault.row("What lists files?")
    card_id, schedule = before.id, _schedule(before)
    report = vault.edit("::ls\n", "::ls -la\n")
    assert _counts(report) == (0, 1, 0, 0, 0)
    after = vault.row("What lists files?")
    assert (after.id, after.back, _schedule(after)) == (card_id, "ls -la", schedule)
    assert vault.history("What lists files?") == HISTORY


def test_a_fixed_typo_in_the_question_keeps_the_history(vault: Vault) -> None:
    old = vault.row("What prints the working directroy?")
    old_id, schedule = old.id, _schedule(old)
    report = vault.edit("directroy", "directory")
    assert _counts(report) == (0, 1, 0, 0, 0)
    assert report.rekeyed == 1
    new = vault.row("What prints the working directory?")
    assert new.id != old_id
    assert _schedule(new) == schedule
    assert vault.history("What prints the working directory?") == HISTORY
    assert reviews_of(vault.store, old_id) == []


def test_a_word_added_to_the_question_keeps_the_history(vault: Vault) -> None:
    schedule = _schedule(vault.row("What removes a file?"))
    report = vault.edit("What removes a file?", "What removes a file for good?")
    assert (_counts(report), report.rekeyed) == ((0, 1, 0, 0, 0), 1)
    assert _schedule(vault.row("What removes a file for good?")) == schedule
    assert vault.history("What removes a file for good?") == HISTORY


def test_a_card_and_its_reverse_both_follow_a_question_edit(vault: Vault) -> None:
    forward, reverse = _schedule(vault.row("Copy a file")), _schedule(vault.row("cp"))
    report = vault.edit("Copy a file:::cp", "Copy one file:::cp")
    assert report.rekeyed == 2
    assert _schedule(vault.row("Copy one file")) == forward
    assert _schedule(vault.row("cp")) == reverse
    assert vault.row("cp").back == "Copy one file"
    assert vault.row("cp").note == vault.row("Copy one file").note
    assert vault.history("cp") == HISTORY


def test_a_rewritten_question_is_a_new_card_and_the_old_one_retires(vault: Vault) -> None:
    old_id = vault.row("What removes a file?").id
    report = vault.edit("What removes a file?::rm", "Which signal stops a process?::SIGTERM")
    assert _counts(report) == (1, 0, 0, 1, 0)
    assert vault.row("What removes a file?").status == "retired"
    assert vault.row("Which signal stops a process?").last_review is None
    assert len(reviews_of(vault.store, old_id)) == 2


def test_a_removed_card_is_retired_and_restored_with_its_history(vault: Vault) -> None:
    row = vault.row("What removes a file?")
    card_id, schedule = row.id, _schedule(row)
    report = vault.edit("What removes a file?::rm\n", "")
    assert _counts(report) == (0, 0, 0, 1, 0)
    retired = vault.row("What removes a file?")
    assert (retired.status, _schedule(retired)) == ("retired", schedule)
    assert card_id not in build_queue(vault.store, LATER + timedelta(days=30))
    assert "What removes a file?" not in [c.front for c in vault.store.cards()]
    report = vault.edit("Copy a file", "What removes a file?::rm\nCopy a file")
    assert _counts(report) == (0, 0, 0, 0, 1)
    restored = vault.row("What removes a file?")
    assert (restored.id, restored.status, _schedule(restored)) == (card_id, "active", schedule)
    assert vault.history("What removes a file?") == HISTORY


def test_a_suspended_card_comes_back_suspended(vault: Vault) -> None:
    card_id = vault.row("What removes a file?").id
    suspend(vault.store, card_id)
    vault.edit("What removes a file?::rm\n", "")
    retired = vault.row("What removes a file?")
    assert (retired.status, retired.retired_from) == ("retired", "suspended")
    report = vault.edit("Copy a file", "What removes a file?::rm\nCopy a file")
    assert _counts(report) == (0, 0, 0, 0, 1)
    restored = vault.row("What removes a file?")
    assert (restored.id, restored.status, restored.retired_from) == (card_id, "suspended", None)
    assert card_id not in build_queue(vault.store, LATER + timedelta(days=30))


def test_a_card_moved_to_another_note_of_the_deck_keeps_its_id(vault: Vault) -> None:
    card_id = vault.row("What removes a file?").id
    other = vault.folder / "more.md"
    other.write_text("---\ndeck: Shell\n---\n## Files\n\nWhat removes a file?::rm\n")
    vault.note.write_text(SHELL.replace("What removes a file?::rm\n", ""))
    report = sync(vault.store, [], LATER)
    assert _counts(report) == (0, 0, 1, 0, 0)
    moved = vault.row("What removes a file?")
    # A note is stored by its key: the vault (the folder's name) and its path in there.
    assert (moved.id, moved.note_path, moved.source, moved.line) == (
        card_id,
        "notes/more.md",
        str(other),
        6,
    )
    assert vault.history("What removes a file?") == HISTORY


def test_a_renamed_deck_keeps_every_card_history(vault: Vault) -> None:
    schedules = {c.front: _schedule(vault.row(c.front)) for c in vault.store.cards()}
    report = vault.edit("# Shell", "# Unix shell")
    assert (_counts(report), report.rekeyed) == ((0, 5, 0, 0, 0), 5)
    assert vault.store.decks() == ["Unix shell"]
    for front, schedule in schedules.items():
        assert _schedule(vault.row(front)) == schedule
        assert vault.history(front) == HISTORY


def test_a_deleted_note_retires_its_cards(vault: Vault) -> None:
    vault.note.unlink()
    (vault.folder / "other.md").write_text("# Other\n\nQ?::A\n")
    report = sync(vault.store, [], LATER)
    assert (_counts(report), report.removed) == ((1, 0, 0, 5, 0), 1)
    assert vault.store.decks() == ["Other"]


def test_an_unreadable_note_keeps_its_cards(vault: Vault) -> None:
    vault.note.write_bytes(SHELL.encode() + b"\xff\xfe broken")
    report = sync(vault.store, [], LATER)
    assert _counts(report) == (0, 0, 0, 0, 0)
    assert len(report.failures) == 1
    assert "not UTF-8" in report.failures[0]
    assert len(vault.store.cards()) == 5


def test_a_vanished_registered_folder_keeps_its_cards(vault: Vault) -> None:
    for path in vault.folder.iterdir():
        path.unlink()
    vault.folder.rmdir()
    report = sync(vault.store, [], LATER)
    assert _counts(report) == (0, 0, 0, 0, 0)
    assert "no such file or folder" in report.failures[0]
    assert len(vault.store.cards()) == 5


def test_a_missing_path_given_now_is_an_error(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(StudyError, match="no such file or folder"):
        sync(vault.store, [tmp_path / "gone"], LATER)


def test_nothing_registered_is_an_error(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store, pytest.raises(StudyError, match="nothing to sync"):
        sync(store, [], NOW)


def test_a_card_listed_in_two_notes_is_one_card(vault: Vault) -> None:
    (vault.folder / "copy.md").write_text(
        "---\ndeck: Shell\n---\n## Files\n\nWhat lists files?::ls\n"
    )
    report = sync(vault.store, [], LATER)
    assert _counts(report) == (0, 0, 0, 0, 0)
    assert "already a card" in report.merged[0]
    assert vault.row("What lists files?").note_path == "notes/shell.md"


def _fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in folder.iterdir()
    }


def test_notes_are_never_written(vault: Vault) -> None:
    vault.edit("directroy", "directory")
    vault.edit("::ls\n", "::ls -l\n")
    vault.note.write_text(vault.note.read_text())
    before = _fingerprint(vault.folder)
    sync(vault.store, [vault.folder], LATER)
    sync(vault.store, [], LATER)
    assert _fingerprint(vault.folder) == before


def test_unchanged_resync_is_answered_without_opening_the_store(vault: Vault) -> None:
    """On a file; a server's URL goes the full way, to the same answers."""
    db = Path(vault.store.url or vault.store.path)
    report = sync_paths(db, [], LATER)
    assert (report.parsed, report.unchanged) == (0, 1)
    vault.edit("::ls\n", "::ls -1\n")  # then a real change goes the full way
    vault.note.write_text(vault.note.read_text().replace("::ls -1\n", "::ls -a\n"))
    assert sync_paths(db, [], LATER).updated == 1


# --- the CLI ---------------------------------------------------------------------------------


def test_sync_command_registers_then_resyncs(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shell.md").write_text(SHELL)
    db = str(tmp_path / "s.db")
    first = runner.invoke(app, ["sync", str(notes), "--db", db], env={"STUDY_NOW": NOW.isoformat()})
    assert first.exit_code == 0, first.output
    assert first.output == (
        "5 added, 0 updated, 0 moved, 0 retired, 0 restored (1 note parsed, 0 unchanged)\n"
    )
    again = runner.invoke(app, ["sync", "--db", db])
    assert again.output.startswith("0 added, 0 updated")
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT path FROM root").fetchall() == [(str(notes),)]


def _statuses(db: str) -> dict[str, str]:
    with sqlite3.connect(db) as raw:
        return dict(raw.execute("SELECT front, status FROM card"))


def test_forget_unregisters_a_folder_and_retires_only_its_cards(tmp_path: Path) -> None:
    shell, git = tmp_path / "shell", tmp_path / "git"
    for folder, text in ((shell, SHELL), (git, "# Git\n\n## Basics\n\nShow the log?::git log\n")):
        folder.mkdir()
        (folder / "note.md").write_text(text)
    db = str(tmp_path / "s.db")
    env = {"STUDY_NOW": NOW.isoformat()}
    assert runner.invoke(app, ["sync", str(shell), str(git), "--db", db], env=env).exit_code == 0
    with open_store(Path(db)) as store:
        grade(store, store.cards(["Git"])[0].id, 3, NOW)

    forgot = runner.invoke(app, ["sync", "--forget", str(git), "--db", db], env=env)
    assert forgot.exit_code == 0, forgot.output
    assert forgot.output == (
        "0 added, 0 updated, 0 moved, 1 retired, 0 restored "
        "(0 notes parsed, 1 unchanged, 1 removed)\n"
        f"  forgot: {git} (`study sync {git}` brings it back)\n"
    )
    assert _statuses(db)["Show the log?"] == "retired"
    assert set(_statuses(db).values()) == {"active", "retired"}
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT path FROM root").fetchall() == [(str(shell),)]
    assert runner.invoke(app, ["sync", "--db", db], env=env).output.startswith("0 added")

    back = runner.invoke(app, ["sync", str(git), "--db", db], env=env)
    assert back.output.startswith("0 added, 0 updated, 0 moved, 0 retired, 1 restored")
    assert _statuses(db)["Show the log?"] == "active"
    assert [rating for _, rating in reviews(Path(db))] == [3]  # its history came back with it


def test_forget_keeps_what_another_root_still_covers(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shell.md").write_text(SHELL)
    db = str(tmp_path / "s.db")
    runner.invoke(app, ["sync", str(notes), str(notes / "shell.md"), "--db", db])
    forgot = runner.invoke(app, ["sync", "--forget", str(notes / "shell.md"), "--db", db])
    assert forgot.output.startswith("0 added, 0 updated, 0 moved, 0 retired, 0 restored")
    assert set(_statuses(db).values()) == {"active"}


def test_forget_is_how_a_vanished_folder_stops_failing_every_sync(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shell.md").write_text(SHELL)
    db = str(tmp_path / "s.db")
    runner.invoke(app, ["sync", str(notes), "--db", db])
    shutil.rmtree(notes)
    assert runner.invoke(app, ["sync", "--db", db]).exit_code == 1
    forgot = runner.invoke(app, ["sync", "--forget", str(notes), "--db", db])
    assert forgot.exit_code == 0, forgot.output
    assert set(_statuses(db).values()) == {"retired"}
    after = runner.invoke(app, ["sync", "--db", db])  # the vanished folder is no longer named
    assert (
        after.output
        == "study: nothing to sync yet: run `study sync PATH` with a note or a folder\n"
    )


def test_forget_of_a_path_never_registered_changes_nothing(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shell.md").write_text(SHELL)
    db = tmp_path / "s.db"
    runner.invoke(app, ["sync", str(notes), "--db", str(db)])
    before = _statuses(str(db))
    result = runner.invoke(app, ["sync", "--forget", str(tmp_path / "elsewhere"), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        f"study: {tmp_path / 'elsewhere'} is not registered, so there is nothing to forget "
        f"({notes})\n"
    )
    assert _statuses(str(db)) == before
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT path FROM root").fetchall() == [(str(notes),)]


def test_sync_command_with_nothing_registered_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sync", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert result.output == (
        "study: nothing to sync yet: run `study sync PATH` with a note or a folder\n"
    )


def _newer(path: Path) -> None:
    open_store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute(f"PRAGMA user_version = {LATEST + 1}")


def _corrupt(path: Path) -> None:
    _newer(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {LATEST}")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\x5a" * (4096 - 100)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("not a database\n"), "is not a study database (not SQLite)"),
        (_corrupt, "is corrupt"),
        (_newer, "was written by a newer study"),
    ],
)
def test_sync_command_refuses_bad_databases_and_leaves_them_alone(
    tmp_path: Path, make: object, message: str
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shell.md").write_text(SHELL)
    db = tmp_path / "s.db"
    make(db)  # type: ignore[operator]
    before = db.read_bytes()
    for args in (["sync", str(notes), "--db", str(db)], ["sync", "--db", str(db)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert result.output.count("\n") == 1
        assert result.output.startswith(f"study: {db} ")
        assert message in result.output
        assert db.read_bytes() == before


# --- properties ------------------------------------------------------------------------------

_WORDS = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8)
_PHRASE = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
_CARDS = st.lists(
    st.tuples(_PHRASE, _PHRASE), min_size=1, max_size=12, unique_by=lambda pair: pair[0]
)


def _sync_into(folder: Path, db: Path) -> dict[str, tuple[str, str]]:
    with open_store(db) as store:
        sync(store, [folder], NOW)
        return {c.id: (c.front, c.back) for c in store.cards()}


@settings(max_examples=25, deadline=None)
@given(cards=_CARDS)
def test_a_sync_round_trip_loses_nothing_and_ids_are_deterministic(
    cards: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "notes"
        folder.mkdir()
        lines = "".join(f"Q {front}?::A {back}\n" for front, back in cards)
        (folder / "deck.md").write_text(f"# Deck\n\n{lines}")
        first = _sync_into(folder, Path(temp) / "one.db")
        assert sorted(first.values()) == sorted((f"Q {f}?", f"A {b}") for f, b in cards)
        assert first == _sync_into(folder, Path(temp) / "two.db")  # same ids in a new store
        with open_store(Path(temp) / "one.db") as store:
            report = sync(store, [], NOW)
            assert report.parsed == 0
            assert {c.id: (c.front, c.back) for c in store.cards()} == first


def test_corruption_found_mid_sync_is_one_line(tmp_path: Path) -> None:
    """Page 1 is intact, so the checks at open pass; the card table's pages are not."""
    note = tmp_path / "deck.md"
    note.write_text(
        "# D\n\n" + "".join(f"Question {i}?::Answer {i} {'x' * 200}\n" for i in range(200))
    )
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["sync", str(note), "--db", str(db)]).exit_code == 0
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    data[4096 * 3 : 4096 * 6] = b"\x33" * (4096 * 3)
    db.write_bytes(bytes(data))
    note.write_text("# D\n\nQ?::A\n")
    result = runner.invoke(app, ["sync", "--db", str(db)])
    assert result.exit_code == 1
    assert re.fullmatch(
        f"study: {re.escape(str(db))} is corrupt \\(Page [456]: btreeInitPage\\(\\) returns "
        "error code 11\\); run `study db check` to see what is damaged, and restore it from a "
        "backup \\(`study db backups`\\) or pick another --db\n",
        result.output,
    )


def test_sync_command_exits_non_zero_when_a_note_cannot_be_read(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shell.md").write_text(SHELL)
    (notes / "photo.md").write_bytes(b"\x89PNG\x00\x00")
    db = str(tmp_path / "s.db")
    result = runner.invoke(app, ["sync", str(notes / ".." / "notes"), "--db", db])
    assert result.exit_code == 1
    assert result.output.startswith("5 added")
    assert f"study: {notes}/photo.md: is a binary file" in result.output
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT path FROM root").fetchall() == [(str(notes),)]


def test_a_big_sync_parses_on_every_core_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(6):
        (folder / f"n{i}.md").write_text(
            f"# Deck {i % 2}\n\n## H{i}\n\nQuestion {i}?::Answer {i}\n"
        )
    (folder / "bad.md").write_bytes(b"\xff\xfe\x00")
    serial = _sync_into(folder, tmp_path / "serial.db")
    monkeypatch.setattr(study.schedule.sync, "PARALLEL_FROM", 2)
    monkeypatch.setattr(study.schedule.sync, "_workers", lambda: 2)
    with open_store(tmp_path / "parallel.db") as store:
        report = sync(store, [folder], NOW)
        assert (report.added, report.parsed, len(report.failures)) == (6, 6, 1)
        assert {c.id: (c.front, c.back) for c in store.cards()} == serial
        assert store.decks() == ["Deck 0", "Deck 1"]  # the store works after the fork


def test_study_sync_never_imports_sqlmodel(tmp_path: Path) -> None:
    """SQLModel costs ~0.7 s to import here; `study sync` runs plain sqlite3 instead."""
    import subprocess
    import sys

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shell.md").write_text(SHELL)
    script = (
        "import sys; from datetime import datetime, UTC; from pathlib import Path\n"
        "from study.schedule.sync import sync_paths\n"
        f"r = sync_paths(Path({str(tmp_path / 's.db')!r}), [Path({str(notes)!r})], "
        "datetime(2026, 3, 2, tzinfo=UTC))\n"
        "print(r.added, 'sqlmodel' in sys.modules, 'sqlalchemy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout == "5 False False\n", result.stderr


def test_a_renamed_note_named_deck_keeps_every_card_history(tmp_path: Path) -> None:
    """No H1 and no front matter: the deck is the file name, so renaming changes every id."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "docker.md").write_text(
        "## Images\n\nWhat lists images?::docker images\nPull:::docker pull\n"
    )
    with open_store(tmp_path / "s.db") as store:
        sync(store, [folder], NOW)
        assert store.decks() == ["Docker"]
        for card in store.cards():
            grade(store, card.id, 3, NOW, fuzz=False)
        before = {c.front: reviews_of(store, c.id)[0].reviewed_at for c in store.cards()}
        (folder / "docker.md").rename(folder / "containers.md")
        report = sync(store, [], LATER)
        assert (_counts(report), report.rekeyed, report.removed) == ((0, 0, 3, 0, 0), 3, 1)
        assert store.decks() == ["Containers"]
        after = {c.front: reviews_of(store, c.id)[0].reviewed_at for c in store.cards()}
        assert after == before


_EDITS = st.lists(
    st.tuples(st.sampled_from(["drop", "answer", "question", "add"]), st.integers(0, 50), _WORDS),
    max_size=8,
)


@settings(max_examples=25, deadline=None)
@given(cards=_CARDS, edits=_EDITS)
def test_no_edit_ever_loses_a_review_or_a_card(
    cards: list[tuple[str, str]], edits: list[tuple[str, int, str]]
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "notes"
        folder.mkdir()
        note = folder / "deck.md"
        lines = [f"Q {front}?::A {back}" for front, back in cards]
        note.write_text("# Deck\n\n" + "\n".join(lines) + "\n")
        with open_store(Path(temp) / "s.db") as store:
            sync(store, [folder], NOW)
            for card in store.cards():
                grade(store, card.id, 3, NOW, fuzz=False)
            for action, index, word in edits:
                at = index % len(lines) if lines else 0
                if action == "add" or not lines:
                    lines.append(f"Q new {word} {index}?::A {word}")
                elif action == "drop":
                    lines.pop(at)
                elif action == "answer":
                    lines[at] += f" {word}"
                else:
                    lines[at] = lines[at].replace("?::", f" {word}?::", 1)
            note.write_text("# Deck\n\n" + "\n".join(lines) + "\n")
            sync(store, [], LATER)
            with sqlite3.connect(store.path) as raw:
                assert raw.execute("SELECT count(*) FROM review").fetchone()[0] == len(cards)
                orphaned = "SELECT count(*) FROM review WHERE card NOT IN (SELECT rowid FROM card)"
                assert raw.execute(orphaned).fetchone()[0] == 0
                assert raw.execute("SELECT count(*) FROM card").fetchone()[0] >= len(cards)
            parsed = parse_text(note.read_text(), source=str(note))
            assert {c.id for c in store.cards()} == {c.id for c in parsed.cards}


def _card_table(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as raw:
        return raw.execute("SELECT rowid, * FROM card ORDER BY rowid").fetchall()


def _indexes(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as raw:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        return raw.execute(sql).fetchall()


def git_notes(folder: Path) -> Path:
    """Three notes of one deck in `folder`, in "git/" and "git-2/", sharing two card ids."""
    for sub, name, answer in [("git", "a", "one"), ("git-2", "b", "two"), ("git", "c", "three")]:
        (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / sub / f"{name}.md").write_text(
            f"---\ndeck: Git\n---\n## Basics\n\nWhat is HEAD?::{answer}\n"
            f"Only in {name}?::yes 100%\n\n## Commands\n\n- `git status`: {answer}\n"
        )
    return folder


def test_a_first_sync_writes_what_the_general_path_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync into an empty store writes notes as they are parsed; the result is the same.

    "git/" sorts before "git-2/" as a folder but after it as a path string: cards are added in
    path order while the first note of the plan wins a shared id.
    """
    folder = git_notes(tmp_path / "notes")
    (folder / "git" / "bad.md").write_bytes(b"\xff\xfe\x00")
    monkeypatch.setattr(study.schedule.sync, "PARALLEL_FROM", 2)
    monkeypatch.setattr(study.schedule.sync, "_workers", lambda: 2)
    monkeypatch.setattr(
        study.schedule.syncwrite.FirstSync, "INDEX_AT", 0.5
    )  # indexes built half way
    streamed = sync_paths(tmp_path / "first.db", [folder], NOW)
    monkeypatch.setattr(
        study.schedule.syncwrite.FirstSync, "start", classmethod(lambda *args: None)
    )
    general = sync_paths(tmp_path / "general.db", [folder], NOW)
    assert streamed == general
    assert (streamed.added, len(streamed.failures)) == (6, 1)
    assert [line.split(": ", 1)[1][:28] for line in streamed.merged] == 2 * [
        "`git status` is already a ca"
    ]
    rows = _card_table(tmp_path / "first.db")
    assert rows == _card_table(tmp_path / "general.db")
    heads = [row for row in rows if row[6] == "What is HEAD?"]
    assert [(head[7], Path(str(head[3])).parent.name) for head in heads] == [("one", "git")]
    folders = [Path(str(row[3])).parent.name for row in rows]
    assert folders == ["git-2"] + 5 * ["git"]  # added in path order: "git-2/" < "git/"
    assert _indexes(tmp_path / "first.db") == _indexes(tmp_path / "general.db")
    with sqlite3.connect(tmp_path / "first.db") as raw:  # the indexes hold every row
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute(
            "SELECT count(*) FROM card INDEXED BY ix_card_deck WHERE deck = 'Git'"
        ).fetchone() == (6,)


def test_a_first_sync_rebuilds_only_the_indexes_its_cards_enter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New cards have no review: the indexes of reviewed cards stay, empty, never rebuilt.
    The id's unique index is rebuilt with the others, and still refuses a repeated id."""
    statements: list[str] = []
    connect = study.schedule.sync.connect_to

    def traced(path: Path) -> sqlite3.Connection:
        db = connect(path)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(study.schedule.sync, "connect_to", traced)
    sync_paths(tmp_path / "study.db", [git_notes(tmp_path / "notes")], NOW)
    dropped = sorted(s.split('"')[1] for s in statements if s.startswith("DROP INDEX"))
    assert dropped == [
        "ix_card_deck",
        "ix_card_id",
        "ix_card_new",
        "ix_card_note",
        "ix_card_note_path",
    ]
    built = sorted(s.split(" ON ")[0] for s in statements if s.startswith("CREATE "))
    assert built == [
        "CREATE INDEX ix_card_deck",
        "CREATE INDEX ix_card_new",
        "CREATE INDEX ix_card_note",
        "CREATE INDEX ix_card_note_path",
        "CREATE UNIQUE INDEX ix_card_id",
    ]
    with sqlite3.connect(tmp_path / "study.db") as raw:
        kept = "SELECT count(*) FROM card INDEXED BY ix_card_new WHERE last_review IS NULL"
        assert raw.execute(kept).fetchone() == (6,)
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: card"):
            raw.execute("INSERT INTO card SELECT * FROM card LIMIT 1")


def test_syncing_makes_no_reference_cycles(tmp_path: Path) -> None:
    """A sync pauses the cycle collector: it must leave nothing only the collector could free."""
    notes = tmp_path / "notes"
    shutil.copytree(FIXTURES / "tldr", notes)
    shutil.copy(DECKS / "docker.md", notes / "docker.md")
    warm = sync_paths(tmp_path / "warm.db", [notes], NOW)  # first-use imports and caches
    gc.collect()
    with collector_paused():
        first = sync_paths(tmp_path / "study.db", [notes], NOW)
        tar = notes / "en" / "tar.md"
        tar.write_text(tar.read_text().replace("into the current directory", "here"))
        (notes / "en" / "chmod.md").unlink()
        again = sync_paths(tmp_path / "study.db", [], LATER)
        assert gc.collect() == 0
    assert first.added == warm.added > 200
    assert (again.updated, again.retired, again.parsed) == (2, 16, 1)


def test_the_collector_is_paused_during_a_sync_and_back_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = collector_states(monkeypatch, study.schedule.sync, "plan")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "shell.md").write_text(SHELL)
    sync_paths(tmp_path / "s.db", [notes], NOW)
    assert seen == [False] and gc.isenabled()


@pytest.mark.parametrize("on", ["sqlite", "postgresql"])
def test_a_resync_reads_only_the_note_whose_stamp_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, on: str
) -> None:
    """On a server too: a stamp in ns (2023: > 2**60) is kept whole, as on the file."""
    folder = tmp_path / "notes"
    folder.mkdir()
    settled = 1_700_000_000_000_000_000  # 2023: long before NOW, so the stamps are trusted
    for name, text in (("a.md", "# A\n\nQa::Aa\n"), ("b.md", "# B\n\nQb::Ab\n")):
        (folder / name).write_text(text)
        os.utime(folder / name, ns=(settled, settled))
    db = tmp_path / "study.db" if on == "sqlite" else Path(request.getfixturevalue("pg_url"))
    read: list[str] = []
    real = study.notes.vault.read_note_bytes

    def spy(path: Path | str, limits: NoteLimits | None = None) -> bytes:
        read.append(Path(path).name)
        return real(path, limits)

    monkeypatch.setattr(study.schedule.incoming, "read_note_bytes", spy)  # what parsing reads with
    monkeypatch.setattr(study.schedule.scan, "read_note_bytes", spy)  # what hashing reads with
    assert sync_paths(db, [folder], NOW).added == 2
    assert read == ["a.md", "b.md"]  # new notes: parsed and hashed from one read
    read.clear()
    assert sync_paths(db, [], LATER).unchanged == 2
    assert read == []
    (folder / "b.md").write_text("# B\n\nQb::Ac\n")  # same size; its time moves
    report = sync_paths(db, [], LATER)
    assert (report.updated, report.parsed) == (1, 1)
    assert read == ["b.md", "b.md"]  # hashed, then parsed: a.md never read


def test_sync_skips_a_link_out_of_the_folder_and_reports_it(tmp_path: Path) -> None:
    """Issue 16, finding 8: a link to a file elsewhere became cards (and went into exports)."""
    vault, elsewhere = vault_with_a_link_out(tmp_path, SHELL)
    db = tmp_path / "s.db"
    skipped = (
        f"study: {vault / 'secret.md'}: links to {elsewhere / 'secret.md'}, outside the folder "
        f"{vault}; skipped (STUDY_FOLLOW_LINKS=1 follows such links)\n"
    )
    for args in (["sync", str(vault)], ["sync"]):  # the full sync, then the quick unchanged one
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert result.stderr == skipped
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT count(*) FROM card WHERE back LIKE '%hunter2%'").fetchone() == (
            0,
        )
        assert raw.execute("SELECT count(*) FROM card").fetchone()[0] > 0


def test_a_sync_of_a_missing_path_or_an_empty_folder_makes_no_database(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    (tmp_path / "empty").mkdir()
    missing = CliRunner().invoke(app, ["sync", str(tmp_path / "nope.md"), "--db", str(db)])
    assert (missing.exit_code, missing.stderr) == (
        1,
        f"study: {tmp_path}/nope.md: no such file or folder\n",
    )
    empty = CliRunner().invoke(app, ["sync", str(tmp_path / "empty"), "--db", str(db)])
    assert empty.exit_code == 1
    assert empty.stderr == f"study: {tmp_path}/empty: no Markdown notes (*.md) in this folder\n"
    assert not db.exists()


def test_a_first_sync_reports_a_command_listed_again_in_another_note(tmp_path: Path) -> None:
    """A first sync keeps each id's note (and a command's line), not its row, to say where."""
    folder = tmp_path / "notes"
    folder.mkdir()
    first, second = folder / "a.md", folder / "b.md"
    first.write_text("---\ndeck: Unix\n---\n## Shell\n\n- `ls` — lists files\n- `pwd` — where\n")
    second.write_text("---\ndeck: Unix\n---\n- `ls` — shows a folder\n")
    with open_store(tmp_path / "s.db") as store:
        report = sync(store, [folder], NOW)
        assert report.merged == [f"{second}:4: `ls` is already a card ({first}:6); kept one"]
        assert report.added == 4
        assert sorted(c.front for c in store.cards() if c.kind == "command") == ["ls", "pwd"]
