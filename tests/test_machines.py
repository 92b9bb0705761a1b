"""Folders belong to a machine: the laptop's `~/notes` is the desktop's `/home/me/vault`.

Two machines are two `STUDY_HOME`s (each keeps its machine id there) syncing two folders
into one database, on a file and on the scratch server alike.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from study.errors import StudyError
from study.schedule.answers import grade, reviews_of
from study.schedule.machine import machine_id, note_file, note_key, vault_name
from study.schedule.migrations import MIGRATIONS
from study.schedule.store import CardRow, open_store
from study.schedule.sync import SyncReport, sync_paths
from tests.support import run_together

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
SHELL = "# Shell\n\nWhat lists files?::ls\nWhat removes a file?::rm\n"
GIT = "# Git\n\nWhat shows the changes?::git diff\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The one database both machines use: a file, or a database on the scratch server."""
    if request.param == "sqlite":
        return tmp_path / "study.db"
    return Path(request.getfixturevalue("pg_url"))


class Machine:
    """A machine: its own STUDY_HOME (so its own id) and its own folder of notes."""

    def __init__(self, home: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.home, self.folder, self.monkeypatch = home, folder, monkeypatch
        folder.mkdir(parents=True)

    @contextmanager
    def on(self) -> Iterator[None]:
        with self.monkeypatch.context() as patched:
            patched.setenv("STUDY_HOME", str(self.home))
            yield

    def sync(
        self, db: Path, *paths: Path, vault: str | None = None, at: datetime = NOW
    ) -> SyncReport:
        with self.on():
            return sync_paths(db, list(paths), at, vault=vault)


def _counts(report: SyncReport) -> tuple[int, ...]:
    return (report.added, report.updated, report.moved, report.retired, report.restored)


def _cards(db: Path) -> list[tuple[str, str, str, str]]:
    with open_store(db) as store:
        rows = store.session.exec(__import__("sqlmodel").select(CardRow)).all()
        return sorted((row.front, row.back, row.status, row.note_path) for row in rows)


@pytest.fixture
def machines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Machine, Machine]:
    laptop = Machine(tmp_path / "laptop-home", tmp_path / "laptop" / "notes", monkeypatch)
    desktop = Machine(tmp_path / "desktop-home", tmp_path / "desktop" / "vault", monkeypatch)
    return laptop, desktop


@pytest.fixture
def same_note(machines: tuple[Machine, Machine]) -> tuple[Machine, Machine]:
    """Both machines with the same note, shell.md, in their folders."""
    for machine in machines:
        (machine.folder / "shell.md").write_text(SHELL)
    return machines


def test_two_machines_make_one_set_of_cards_with_one_history(
    shared: Path, same_note: tuple[Machine, Machine]
) -> None:
    laptop, desktop = same_note
    (laptop.folder / "git.md").write_text(GIT)  # not copied to the desktop yet
    assert _counts(laptop.sync(shared, laptop.folder)) == (3, 0, 0, 0, 0)
    with open_store(shared) as store:
        card = next(c for c in store.cards() if c.front == "What lists files?")
        grade(store, card.id, 3, NOW, fuzz=False)  # reviewed on the laptop
    report = desktop.sync(shared, desktop.folder, vault="notes")
    assert (_counts(report), report.merged) == ((0, 0, 0, 0, 0), [])
    assert desktop.sync(shared).parsed == 0  # its own folder, unchanged; git.md not retired
    assert _cards(shared) == [
        ("What lists files?", "ls", "active", "notes/shell.md"),
        ("What removes a file?", "rm", "active", "notes/shell.md"),
        ("What shows the changes?", "git diff", "active", "notes/git.md"),
    ]
    # An answer edited on the desktop: the same card, its laptop review kept.
    (desktop.folder / "shell.md").write_text(SHELL.replace("::ls", "::ls -la"))
    assert _counts(desktop.sync(shared, at=LATER)) == (0, 1, 0, 0, 0)
    with open_store(shared) as store:
        assert store.card(card.id).back == "ls -la"
        assert [review.rating for review in reviews_of(store, card.id)] == [3]
        grade(store, card.id, 4, LATER, fuzz=False)  # reviewed on the desktop
    (laptop.folder / "shell.md").write_text(SHELL.replace("::ls", "::ls -la"))  # copied over
    assert _counts(laptop.sync(shared, at=LATER)) == (0, 0, 0, 0, 0)
    with open_store(shared) as store:
        assert [review.rating for review in reviews_of(store, card.id)] == [3, 4]
    # Deleted on the desktop: retired once, whatever the laptop's copy says until it syncs.
    (desktop.folder / "shell.md").unlink()
    (desktop.folder / "git.md").write_text(GIT)  # and git.md copied over: the same cards
    assert _counts(desktop.sync(shared, at=LATER)) == (0, 0, 0, 2, 0)
    assert laptop.sync(shared, at=LATER).retired == 0


def test_a_machine_never_retires_cards_of_a_folder_it_does_not_have(
    shared: Path, machines: tuple[Machine, Machine]
) -> None:
    laptop, desktop = machines
    (laptop.folder / "shell.md").write_text(SHELL)
    (desktop.folder / "git.md").write_text(GIT)
    laptop.sync(shared, laptop.folder)
    report = desktop.sync(shared, desktop.folder)  # a vault of its own ("vault")
    assert (_counts(report), report.failures) == ((1, 0, 0, 0, 0), [])
    laptop.folder.joinpath("shell.md").unlink()
    laptop.folder.rmdir()  # the laptop's drive unmounted: only the laptop hears of it
    assert (_counts(desktop.sync(shared)), desktop.sync(shared).failures) == ((0,) * 5, [])
    assert [row[2] for row in _cards(shared)] == ["active"] * 3
    with laptop.on():
        assert machine_id() != _desktop_id(desktop)


def _desktop_id(desktop: Machine) -> str:
    with desktop.on():
        return machine_id()


def test_the_editor_opens_the_note_where_it_is_on_this_machine(
    shared: Path, machines: tuple[Machine, Machine]
) -> None:
    laptop, desktop = machines
    for machine in machines:
        (machine.folder / "sub").mkdir()
        (machine.folder / "sub" / "shell.md").write_text(SHELL)
    desktop.sync(shared, desktop.folder, vault="notes")
    laptop.sync(shared, laptop.folder)  # parsed last here: the card's source is the laptop's
    with open_store(shared) as store:
        row = store.card(store.cards()[0].id)
        assert row.source == str(laptop.folder / "sub" / "shell.md")
        with desktop.on():
            found = note_file(store.execute, row.note_path, row.source)
        assert found == desktop.folder / "sub" / "shell.md"


def test_vault_names_and_note_keys() -> None:
    assert vault_name("/home/me/notes", {}) == "notes"
    assert vault_name("/mnt/notes", {"/home/me/notes": "notes"}) == "notes-2"
    assert vault_name("/home/me/vault", {}, "notes") == "notes"
    with pytest.raises(StudyError, match="already /home/me/notes on this machine"):
        vault_name("/mnt/vault", {"/home/me/notes": "notes"}, "notes")
    with pytest.raises(StudyError, match="a vault name has no `/`"):
        vault_name("/mnt/vault", {}, "a/b")
    roots = {"/home/me/notes": "notes", "/home/me/notes/git": "git", "/tmp/one.md": "one.md"}
    assert note_key("/home/me/notes/git/basics.md", roots) == "notes/git/basics.md"
    assert note_key("/tmp/one.md", roots) == "one.md"


def test_a_folder_given_another_vault_name_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "shell.md").write_text(SHELL)
    sync_paths(tmp_path / "study.db", [folder], NOW)
    with pytest.raises(
        StudyError, match=r"is already the vault 'notes' here; `study sync --forget"
    ):
        sync_paths(tmp_path / "study.db", [folder], NOW, vault="vault")


def _m008_file(path: Path, folder: Path) -> None:
    """A database as release m008 left it: a registered folder, its note and a card."""
    db = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:8]:
        migration(db)
        db.execute(
            "INSERT INTO migration VALUES (?, '2026-01-01 00:00:00.000000')", (migration.__name__,)
        )
    db.execute("PRAGMA user_version = 8")
    note = str(folder / "git" / "shell.md")
    db.execute("INSERT INTO root VALUES (?)", (str(folder),))
    db.execute(
        "INSERT INTO note VALUES (?, 'Shell', 'h', '2026-01-01 00:00:00.000000', NULL, NULL, NULL)",
        (note,),
    )
    db.execute(
        "INSERT INTO card (id, note, note_path, deck, kind, front, back, source, line, due, "
        "added) VALUES ('c1', 'c1', ?, 'Shell', 'basic', 'Q', 'A', ?, 3, "
        "'2026-01-05 00:00:00.000000', '2026-01-01 00:00:00.000000')",
        (note, note),
    )
    db.close()


def test_m009_stores_an_earlier_releases_notes_by_vault_key(tmp_path: Path) -> None:
    path, folder = tmp_path / "old.db", tmp_path / "notes"
    _m008_file(path, folder)
    open_store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT machine, path, vault FROM root").fetchall() == [
        ("", str(folder), "notes")
    ]
    assert db.execute("SELECT machine, path, note_key FROM note").fetchall() == [
        ("", str(folder / "git" / "shell.md"), "notes/git/shell.md")
    ]
    assert db.execute("SELECT note_path, source FROM card").fetchall() == [
        ("notes/git/shell.md", str(folder / "git" / "shell.md"))
    ]


def test_the_first_sync_after_the_upgrade_takes_the_folders_and_keeps_every_card(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "shell.md").write_text(SHELL)
    old = tmp_path / "old.db"
    sync_paths(old, [folder], NOW)
    db = sqlite3.connect(old, isolation_level=None)  # back to how m008 kept them
    db.execute("UPDATE root SET machine = ''")
    db.execute("UPDATE note SET machine = ''")
    db.close()
    report = sync_paths(old, [], LATER)
    assert (_counts(report), report.parsed, report.unchanged) == ((0,) * 5, 0, 1)
    with sqlite3.connect(old) as db:
        assert db.execute("SELECT machine FROM root").fetchall() == [(machine_id(),)]


def test_a_server_made_before_m009_is_upgraded_when_opened(tmp_path: Path, pg_url: str) -> None:
    """The same migration function as the file's, through the sync's adapter."""
    import psycopg

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "shell.md").write_text(SHELL)
    sync_paths(Path(pg_url), [folder], NOW)
    note = str(folder / "shell.md")
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        for statement in (  # the tables as the server was made before m009
            "DELETE FROM migration WHERE name = 'm009_folders_per_machine'",
            "ALTER TABLE root DROP COLUMN machine, DROP COLUMN vault",
            "ALTER TABLE root ADD PRIMARY KEY (path)",
            "ALTER TABLE note DROP COLUMN machine, DROP COLUMN note_key",
            "ALTER TABLE note ADD PRIMARY KEY (path)",
            "ALTER TABLE note ALTER COLUMN mtime_ns TYPE INTEGER, ALTER COLUMN size TYPE INTEGER",
        ):
            conn.execute(statement)
        conn.execute("UPDATE card SET note_path = %s", (note,))
    assert _counts(sync_paths(Path(pg_url), [], LATER)) == (0,) * 5
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        assert conn.execute("SELECT DISTINCT note_path FROM card").fetchall() == [
            ("notes/shell.md",)
        ]
        assert conn.execute("SELECT machine, vault FROM root").fetchall() == [
            (machine_id(), "notes")
        ]
        names = conn.execute("SELECT name FROM migration").fetchall()
        assert ("m009_folders_per_machine",) in names


def test_two_syncs_at_once_take_turns(shared: Path, tmp_path: Path) -> None:
    """Two syncs of the same notes into an empty database at the same moment: one adds the
    cards, the other finds them (the file's write lock, the server's advisory lock)."""
    folder = tmp_path / "notes"
    folder.mkdir()
    for n in range(40):  # long enough for the two to overlap
        (folder / f"n{n}.md").write_text(f"# Deck {n}\n\nQuestion {n}?::{n}\nAnd {n}?::{n}\n")
    for _ in range(2):  # made, then backed up (the day's first write) before the race
        open_store(shared, now=NOW).close()
    reports: list[SyncReport] = []
    assert run_together(lambda: reports.append(sync_paths(shared, [folder], NOW))) == []
    assert sorted(report.added for report in reports) == [0, 80]
    assert len(_cards(shared)) == 80


def test_the_sync_command_takes_a_vault_name(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from study.cli import app

    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "shell.md").write_text(SHELL)
    db = str(tmp_path / "study.db")
    result = CliRunner().invoke(app, ["sync", str(folder), "--vault", "notes", "--db", db])
    assert result.exit_code == 0, result.output
    assert _cards(Path(db))[0][3] == "notes/shell.md"
    bad = CliRunner().invoke(app, ["sync", str(folder), "--vault", "a/b", "--db", db])
    assert (bad.exit_code, bad.output) == (
        1,
        f"study: {folder} is already the vault 'notes' here; `study sync --forget {folder}` "
        "first to register it as 'a/b'\n",
    )


def test_a_vault_synced_under_another_name_gets_a_hint_that_works(
    shared: Path, same_note: tuple[Machine, Machine]
) -> None:
    laptop, desktop = same_note
    laptop.sync(shared, laptop.folder)
    with open_store(shared) as store:
        card_id = store.cards()[0].id
        grade(store, card_id, 3, NOW, fuzz=False)
    wrong = desktop.sync(shared, desktop.folder)  # "vault", not "notes": the cards stay
    assert (_counts(wrong), len(wrong.merged)) == ((0,) * 5, 2)
    folder = desktop.folder
    assert wrong.hints == [
        f"the notes in {folder} are cards of the vault 'notes' already (another folder, "
        f"another machine?); if it is that vault: `study sync --forget {folder}`, "
        f"then `study sync {folder} --vault notes`"
    ]
    assert wrong.render().endswith(f"\n  hint: {wrong.hints[0]}")
    with desktop.on():
        forgot = sync_paths(shared, [], LATER, [folder])
        joined = sync_paths(shared, [folder], LATER, vault="notes")
    assert (_counts(forgot), _counts(joined), joined.merged, joined.hints) == (
        (0,) * 5,
        (0,) * 5,
        [],
        [],
    )
    with open_store(shared) as store:
        assert store.card(card_id).source == str(folder / "shell.md")  # the desktop's now
        assert [review.rating for review in reviews_of(store, card_id)] == [3]


def test_an_export_takes_the_notes_and_images_where_they_are_on_this_machine(
    same_note: tuple[Machine, Machine], shared: Path
) -> None:
    import zipfile

    from study.anki.export import export

    laptop, desktop = same_note
    for machine in same_note:
        prompt = "\n## The prompt\n\nIt ends in `$` when you are not root.\n\n![it](pic.png)\n"
        (machine.folder / "shell.md").write_text(SHELL + prompt)
        (machine.folder / "pic.png").write_bytes(b"\x89PNG a picture")
    desktop.sync(shared, desktop.folder, vault="notes")  # the laptop's vault, on the desktop
    laptop.sync(shared, laptop.folder, at=LATER)  # synced last: the cards' source is here
    for path in laptop.folder.iterdir():  # and the laptop's folder is not on the desktop
        path.unlink()
    with desktop.on():
        report = export([], desktop.folder.parent / "out.apkg", db_path=shared, now=LATER)
    assert report.skipped == []
    assert report.media == ["pic.png"]
    with zipfile.ZipFile(report.path) as package:
        media = package.read("media").decode()
        assert "pic.png" in media
