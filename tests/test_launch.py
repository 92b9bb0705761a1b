"""The console script: `study due` and `study sync` answered without importing Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from tests.support import REPO

NOTE = "# Git\n\n- `git status` — Shows the working tree status.\n"


def study(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`python -m study ARGS` as a whole process, reporting which heavy modules it imported."""
    code = (
        "import sys; from study.launch import entry; sys.argv = ['study', *sys.argv[1:]]\n"
        "try:\n    entry()\nfinally:\n"
        "    print('typer' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "STUDY_HOME": str(home), "STUDY_NOW": "2026-11-27T12:00:00+00:00"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=REPO
    )


def test_sync_fast_path_prints_what_the_typer_command_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = tmp_path / "git.md"
    note.write_text(NOTE)
    fast = study("sync", str(note), home=tmp_path / "fast")
    assert fast.returncode == 0, fast.stderr
    assert (
        fast.stdout
        == "2 added, 0 updated, 0 moved, 0 retired, 0 restored (1 note parsed, 0 unchanged)\n"
    )
    assert fast.stderr == "False\n"  # Typer never imported

    monkeypatch.setenv("STUDY_NOW", "2026-11-27T12:00:00+00:00")
    typer_run = CliRunner().invoke(app, ["sync", str(note), "--db", str(tmp_path / "t.db")])
    assert typer_run.output == fast.stdout


def test_sync_fast_path_fails_like_the_cli_when_a_note_is_missing(tmp_path: Path) -> None:
    done = study("sync", str(tmp_path / "nowhere.md"), home=tmp_path / "h")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines()[0].startswith("study: ")
    assert "nowhere.md" in done.stderr.splitlines()[0]


def test_unknown_flags_and_help_go_to_typer(tmp_path: Path) -> None:
    helped = study("sync", "-h", home=tmp_path / "h")
    assert helped.returncode == 0
    assert "Register notes or folders" in helped.stdout
    assert helped.stderr == "True\n"
    wrong = study("due", "--bogus", home=tmp_path / "h")
    assert wrong.returncode == 2
    assert "No such option: --bogus" in wrong.stderr


def test_sync_forget_goes_through_typer_from_the_console_script(tmp_path: Path) -> None:
    note = tmp_path / "git.md"
    note.write_text(NOTE)
    assert study("sync", str(note), home=tmp_path / "h").returncode == 0
    forgot = study("sync", "--forget", str(note), home=tmp_path / "h")
    assert forgot.returncode == 0, forgot.stderr
    assert forgot.stdout.startswith("0 added, 0 updated, 0 moved, 2 retired, 0 restored")
    assert forgot.stderr == "True\n"  # a flag the fast path does not know: Typer parsed it


def test_bare_study_is_answered_without_typer(tmp_path: Path) -> None:
    fresh = study(home=tmp_path)
    assert fresh.returncode == 0
    assert fresh.stdout.startswith("No study database yet.\n\nTry:\n")
    assert "(the bundled decks on a first run)" in fresh.stdout
    assert fresh.stderr == "False\n"  # no Typer: the overview starts as fast as `study due`
    assert not (tmp_path / "study.db").exists()  # looking never creates a database

    (tmp_path / "git.md").write_text(NOTE, encoding="utf-8")
    assert study("sync", str(tmp_path / "git.md"), home=tmp_path).returncode == 0
    synced = study(home=tmp_path)
    assert "Git " in synced.stdout and "1 card to study now" in synced.stdout
    assert "bundled decks" not in synced.stdout  # a user with notes is not sent to them


def test_an_error_inside_a_fast_command_is_not_run_again_through_typer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: a ValueError deep in a sync re-ran the sync through Typer (output twice)."""
    import study.schedule.sync
    from study.launch import entry

    calls: list[list[Path]] = []

    def failing_sync(db: object, paths: list[Path], *rest: object) -> None:
        calls.append(paths)
        raise ValueError("a bug deep inside the sync")

    monkeypatch.setattr(study.schedule.sync, "sync_paths", failing_sync)
    monkeypatch.setattr(sys, "argv", ["study", "sync", str(tmp_path / "notes.md")])
    with pytest.raises(ValueError, match="a bug deep inside the sync"):
        entry()
    assert calls == [[tmp_path / "notes.md"]]


def test_due_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    """`study due | head -0`: the reader is gone before the table is written."""
    note = tmp_path / "git.md"
    note.write_text(NOTE)
    assert study("sync", str(note), home=tmp_path).returncode == 0
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "STUDY_HOME": str(tmp_path), "STUDY_NOW": "2026-11-27T12:00:00+00:00"}
    code = "import sys; from study.launch import entry; sys.argv = ['study', 'due']; entry()"
    with os.fdopen(write_end, "w") as closed_pipe:
        done = subprocess.run(
            [sys.executable, "-c", code], stdout=closed_pipe, stderr=subprocess.PIPE,
            text=True, env=env, cwd=REPO,
        )  # fmt: skip
    assert done.stderr == ""  # no BrokenPipeError traceback
    assert done.returncode == 1


# What `study due` must not load: Typer and pydantic (the CLI), SQLAlchemy, SQLModel and fsrs
# (the store and the scheduler), rich and markdown-it (the drill's screen); nor, a few
# milliseconds each, typing, shutil (its archive modules: zlib, bz2, lzma), json (read only
# for --tag and --json) and the server's connection (`serverdb`: a server's migrations); nor
# pathlib (with fnmatch and urllib.parse: ~2 ms, the file is found with os.path) and textwrap
# (~1 ms; the summary is wrapped by `duereport.wrap`, here at 30 columns).
HEAVY = ("typer", "pydantic", "sqlalchemy", "sqlmodel", "fsrs", "rich", "markdown_it")
LIGHTER = (
    *("typing", "shutil", "bz2", "lzma", "json", "study.schedule.serverdb"),
    *("pathlib", "fnmatch", "urllib.parse", "textwrap"),
)


def test_study_due_loads_none_of_the_heavy_modules(tmp_path: Path) -> None:
    (tmp_path / "git.md").write_text(NOTE, encoding="utf-8")
    assert study("sync", str(tmp_path / "git.md"), home=tmp_path).returncode == 0
    code = (
        "import sys; from study.launch import entry; sys.argv = ['study', 'due']\n"
        "entry()\n"
        f"print(sorted(name for name in {HEAVY + LIGHTER!r} if name in sys.modules), "
        "file=sys.stderr)\n"
    )
    env = {**os.environ, "STUDY_HOME": str(tmp_path), "STUDY_NOW": "2026-11-27T12:00:00+00:00"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "30"},
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == [
        "1 card to study now (0 more",
        "later today, 0 tomorrow).",
    ]
    assert done.stderr == "[]\n"


def test_study_sync_runs_with_the_collector_off_and_freezes_what_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As `study due`: from its first import on, no collection walks what a sync made (its
    exit included); a caller that goes on gets the collector back."""

    import study.schedule.sync
    from tests.support import collector_states

    (tmp_path / "git.md").write_text(NOTE, encoding="utf-8")
    monkeypatch.setenv("STUDY_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["study", "sync", str(tmp_path / "git.md")])
    seen = collector_states(monkeypatch, study.schedule.sync, "sync_paths")
    _entry_with_the_collector_off_and_frozen(seen)
    assert capsys.readouterr().out == (
        "2 added, 0 updated, 0 moved, 0 retired, 0 restored (1 note parsed, 0 unchanged)\n"
    )


def _entry_with_the_collector_off_and_frozen(seen: list[bool]) -> None:
    """Run the launcher: the collector was off in the command (`seen`), is back on after,
    and what the command left alive is frozen."""
    import gc

    from study.launch import entry

    gc.unfreeze()
    try:
        entry()
        assert (seen, gc.isenabled()) == ([False], True)
        assert gc.get_freeze_count() > 1000  # the modules, their functions, ...
    finally:
        gc.unfreeze()


def test_study_due_runs_with_the_collector_off_and_freezes_what_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python's exit then walks no object `study due` made (~3 ms of it); a caller that goes
    on gets the collector back."""

    from study.schedule import duereport
    from tests.support import collector_states

    (tmp_path / "git.md").write_text(NOTE, encoding="utf-8")
    assert study("sync", str(tmp_path / "git.md"), home=tmp_path).returncode == 0
    monkeypatch.setenv("STUDY_HOME", str(tmp_path))
    monkeypatch.setenv("STUDY_NOW", "2026-11-27T12:00:00+00:00")
    monkeypatch.setattr(sys, "argv", ["study", "due", "--brief"])
    seen = collector_states(monkeypatch, duereport, "run")
    _entry_with_the_collector_off_and_frozen(seen)
    assert capsys.readouterr().out == "git:1\n"
