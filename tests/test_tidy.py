"""The small things: plurals, help without `<bool>`, Markdown files only, `.apkg` outputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app

runner = CliRunner()
NOTE = "# Git\n\n- `git status` — Shows the working tree status.\n"


def test_one_note_one_card_in_the_singular(tmp_path: Path) -> None:
    (tmp_path / "git.md").write_text(NOTE, encoding="utf-8")
    db = str(tmp_path / "s.db")
    synced = runner.invoke(app, ["sync", str(tmp_path / "git.md"), "--db", db])
    assert synced.output.endswith("(1 note parsed, 0 unchanged)\n")
    exported = runner.invoke(app, ["export", "-o", str(tmp_path / "git.apkg"), "--db", db])
    assert exported.exit_code == 0, exported.output
    assert "1 note, 2 cards (Git)" in exported.output


@pytest.mark.parametrize("command", [["--help"], ["drill", "-h"], ["list", "-h"]], ids=" ".join)
def test_flags_show_no_bool_type_in_help(command: list[str]) -> None:
    result = runner.invoke(app, command, env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    assert "--help" in result.output


@pytest.mark.parametrize("command", ["cards", "sync"])
def test_a_text_file_is_refused_in_one_line(tmp_path: Path, command: str) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("# Not Markdown\n\n- `ls` — lists\n", encoding="utf-8")
    db = tmp_path / "s.db"
    extra = ["--db", str(db)] if command == "sync" else []
    result = runner.invoke(app, [command, str(notes), *extra])
    assert (result.exit_code, result.output) == (
        1,
        f"study: {notes}: not a Markdown note (a notes file ends in .md)\n",
    )
    assert not db.exists()  # nothing registered, no database made


def test_export_output_must_be_an_apkg(tmp_path: Path) -> None:
    (tmp_path / "git.md").write_text(NOTE, encoding="utf-8")
    note = str(tmp_path / "git.md")
    wrong = runner.invoke(app, ["export", note, "-o", str(tmp_path / "git.txt")])
    assert (wrong.exit_code, wrong.stderr) == (
        1,
        f"study: -o {tmp_path / 'git.txt'}: an Anki package ends in .apkg (try -o git.apkg)\n",
    )
    assert not (tmp_path / "git.txt").exists()

    bare = runner.invoke(app, ["export", note, "-o", str(tmp_path / "git")])
    assert bare.exit_code == 0, bare.output
    assert f"study: writing {tmp_path / 'git.apkg'}: an Anki package ends in .apkg" in bare.stderr
    assert (tmp_path / "git.apkg").is_file() and not (tmp_path / "git").exists()
