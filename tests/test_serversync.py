"""`study sync` on a PostgreSQL server: the file's SQL through one adapter, the file's results.

The rules themselves (update, match, retire, restore) run on both in tests/test_sync.py (its
`vault` fixture is parametrized over a file and a server); here, what only a server can get
wrong: the statements' translation, a parallel first sync's index rebuild, a failure part way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import study.schedule.sync
import study.schedule.syncwrite
from study.cli import app
from study.schedule.serverdb import server_statement
from study.schedule.store import open_store
from study.schedule.sync import sync_paths
from tests.test_sync import git_notes

runner = CliRunner()
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _folder(tmp_path: Path) -> Path:
    return git_notes(tmp_path / "notes")


def _cards(target: Path | str) -> list[tuple[object, ...]]:
    with open_store(target) as store:
        return [
            (card.id, card.deck, card.kind, card.front, card.back, card.line, card.tags)
            for card in store.cards()
        ]


def test_statements_are_translated_in_one_place() -> None:
    assert server_statement("UPDATE card SET id = :id WHERE id = :_old AND x = '5%'") == (
        "UPDATE card SET id = %(id)s WHERE id = %(_old)s AND x = '5%%'"
    )
    assert server_statement("DELETE FROM note WHERE path = ?") == (
        "DELETE FROM note WHERE path = %s"
    )
    assert server_statement("PRAGMA cache_size = -2000") is None
    assert server_statement("INSERT OR FAIL INTO card (id, line) VALUES (?, ?), (?, ?)") == (
        "INSERT INTO card (id, line) VALUES (%s, %s), (%s, %s)"
    )


def test_a_parallel_first_sync_on_the_server_makes_the_files_cards(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked parsers, the streamed first sync and its index rebuild, on the server."""
    folder = _folder(tmp_path)
    monkeypatch.setattr(study.schedule.sync, "PARALLEL_FROM", 2)
    monkeypatch.setattr(study.schedule.sync, "_workers", lambda: 2)
    monkeypatch.setattr(study.schedule.syncwrite.FirstSync, "INDEX_AT", 0.5)
    on_file = sync_paths(tmp_path / "study.db", [folder], NOW)
    on_server = sync_paths(Path(pg_url), [folder], NOW)
    assert on_server == on_file
    assert (on_server.added, on_server.parsed) == (6, 3)
    assert _cards(pg_url) == _cards(tmp_path / "study.db")
    assert ("Only in a?", "yes 100%") in [(row[3], row[4]) for row in _cards(pg_url)]
    import psycopg

    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        indexes = conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'card' ORDER BY indexname"
        ).fetchall()
    assert [name for (name,) in indexes] == [
        "card_pkey",
        "ix_card_deck",
        "ix_card_last_review",
        "ix_card_learning",
        "ix_card_new",
        "ix_card_note",
        "ix_card_note_path",
        "ix_card_review",
        "ix_card_rowid",
        "ix_card_status_due",
    ]


def test_a_sync_that_fails_part_way_leaves_the_server_as_it_was(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    sync_paths(Path(pg_url), [folder], NOW)
    sync_paths(tmp_path / "study.db", [folder], NOW)
    before = _cards(pg_url)
    (folder / "git-2" / "b.md").write_text("---\ndeck: Git\n---\nA new question?::yes\n")

    def broken(*args: object) -> None:
        raise RuntimeError("the connection dropped")

    with monkeypatch.context() as patched, pytest.raises(RuntimeError):
        patched.setattr(study.schedule.syncwrite, "_write_notes", broken)  # after card writes
        sync_paths(Path(pg_url), [], NOW)
    assert _cards(pg_url) == before
    report = sync_paths(Path(pg_url), [], NOW)
    assert (report.added, report.retired, report.parsed) == (1, 1, 1)  # "Only in b?" retired
    assert report == sync_paths(tmp_path / "study.db", [], NOW)
    assert _cards(pg_url) == _cards(tmp_path / "study.db")


def test_the_sync_command_on_a_server_says_what_it_did(tmp_path: Path, pg_url: str) -> None:
    folder = _folder(tmp_path)
    first = runner.invoke(app, ["sync", str(folder), "--db", pg_url])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(
        "6 added, 0 updated, 0 moved, 0 retired, 0 restored (3 notes parsed, 0 unchanged)\n"
    )
    again = runner.invoke(app, ["sync", "--db", pg_url])
    assert again.output == (
        "0 added, 0 updated, 0 moved, 0 retired, 0 restored (0 notes parsed, 3 unchanged)\n"
    )
