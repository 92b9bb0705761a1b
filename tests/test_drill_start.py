"""The drill's start: the first card drawn from the file before SQLModel and fsrs load, the
same card the queue puts first, and the drill going on from it through the store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.schedule.queue import build_queue
from study.schedule.store import open_store
from tests.support import REPO, reviews, synced_notes

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DECK = """# Git

## Commands

- `git status`

    Shows the working tree status.

- `git log --oneline`

    Shows the history, one line per commit.

## Branch

- What does `git switch -c NAME` do? :: Makes a branch and switches to it.
"""
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small Git deck synced at NOW, fuzzing off."""
    monkeypatch.setenv("STUDY_NOW", NOW.isoformat())
    path = synced_notes(tmp_path, {"git.md": DECK}, NOW)
    assert runner.invoke(app, ["config", "fuzz", "off", "--db", str(path)]).exit_code == 0
    return path


# Draws the first card as `study drill` does, then says what it drew and what was loaded.
EARLY = """
import io, sys
from datetime import datetime
from pathlib import Path
from study.drill.loop import Drill, Options
from study.drill.start import draw_first_early
from study.drill.terminal import KeyReader, make_console
out = io.StringIO()
now = datetime.fromisoformat(sys.argv[2])
drill = Drill(None, KeyReader(io.StringIO("")), make_console(out), lambda: now, Options())
drawn = draw_first_early(drill, Path(sys.argv[1]))
print(drawn, drill.early and drill.early[0], "sqlalchemy" in sys.modules, "fsrs" in sys.modules)
print(out.getvalue())
"""


def _early(db: Path, home: Path) -> list[str]:
    env = {**os.environ, "STUDY_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-c", EARLY, str(db), NOW.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_first_card_is_the_queues_first_drawn_before_sqlalchemy_and_fsrs(
    db: Path, tmp_path: Path
) -> None:
    with open_store(db) as store:
        first = build_queue(store, NOW)[0]
        status = store.cards()[0]
    assert status.front == "git status"  # the first card of the note, new cards in note order
    assert first == status.id

    report, *screen = _early(db, tmp_path / "home")

    assert report == f"True {first} False False"
    assert screen[0].startswith("Git › Commands  3 new · 0 learning · 0 review ─")
    assert "git status" in screen[2]
    assert screen[-2] == "space show answer · q quit"


def test_no_early_card_from_a_database_still_to_be_migrated(db: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(db, old)
    with open(old, "r+b") as file:  # the schema version in the header, as an older release's
        file.seek(60)
        file.write((3).to_bytes(4, "big"))

    assert _early(old, tmp_path / "home")[0] == "False None False False"
    assert _early(tmp_path / "none.db", tmp_path / "home")[0] == "False None False False"
    assert not (tmp_path / "none.db").exists()  # nothing made: the store does that


def _console_drill(db: Path, keys: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STUDY_NOW": NOW.isoformat(), "STUDY_HOME": str(db.parent / "h")}
    code = "import sys; from study.launch import entry; sys.argv[0] = 'study'; entry()"
    return subprocess.run(
        [sys.executable, "-c", code, "drill", *args, "--db", str(db)],
        input=keys,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )


def test_the_console_script_drills_as_the_typer_command_does(db: Path, tmp_path: Path) -> None:
    keys = " \n3\n \n1\n \n3\nq\n"
    twin = tmp_path / "twin" / "study.db"
    twin.parent.mkdir()
    shutil.copy(db, twin)

    fast = _console_drill(db, keys)
    typer_run = runner.invoke(app, ["drill", "--db", str(twin)], input=keys)

    assert fast.returncode == 0, fast.stderr
    assert typer_run.exit_code == 0, typer_run.output
    graded = [
        ("git status", 3),
        ("git log --oneline", 1),
        ("What does `git switch -c NAME` do?", 3),
    ]
    assert reviews(db) == reviews(twin) == graded
    assert "Seen 3 cards, 1 again" in fast.stdout
    assert fast.stdout == typer_run.output


def test_drill_options_the_console_script_cannot_check_go_to_typer(db: Path) -> None:
    for wrong, message in (("--limit=0", "--limit"), ("--new", "--new"), ("--new=x", "--new")):
        done = _console_drill(db, "q\n", wrong)
        assert done.returncode == 2, (wrong, done.stderr)
        assert message in done.stderr
    limited = _console_drill(db, " \n3\n \n3\n", "--limit", "1", "--new=2", "--tag", "nothing")
    assert limited.returncode == 1
    assert limited.stderr.startswith("study: no card is tagged nothing;")
    assert reviews(db) == []
    one = _console_drill(db, " \n3\n \n3\n", "--limit", "1", "--new=2", "Git")
    assert one.returncode == 0, one.stderr
    assert reviews(db) == [("git status", 3)]
