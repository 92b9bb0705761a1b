"""`study cards` end to end: the table, the JSON interface and the one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from study.cli import app
from tests.support import DECKS, REPO, vault_with_a_link_out

runner = CliRunner()
DOCKER = str(DECKS / "docker.md")
FIELDS = {"id", "deck", "kind", "front", "back", "tags", "source", "line", "section"}


def test_cards_json_is_one_array_of_stable_records() -> None:
    result = runner.invoke(app, ["cards", DOCKER, "--json"])
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    assert len(cards) == 115
    assert all(set(card) >= FIELDS for card in cards)
    first = cards[0]
    assert {key: first[key] for key in FIELDS - {"id"}} == {
        "deck": "Docker",
        "kind": "concept",
        "front": "Docker Image — What it is",
        "back": first["back"],
        "tags": ["computer_science", "containers", "api", "images", "backend"],
        "source": DOCKER,
        "line": 13,
        "section": "Docker Image > What it is",
    }
    assert first["back"].startswith("A **Docker Image** is a **read-only template**")
    assert first["related"] == ["Pushing to Docker", "Docker - Remapping a Port"]
    commands = [card for card in cards if card["kind"] == "command"]
    assert len(commands) == 28
    assert {"front": "docker ps", "back": "Lista containers em execução."}.items() <= commands[
        10
    ].items()
    assert result.stderr == (
        f"study: {DOCKER}:270: `docker build -t <nome-da-imagem> .` is listed again "
        "(first at line 187); merged into one card\n"
    )


def test_cards_table_is_readable() -> None:
    result = runner.invoke(app, ["cards", DOCKER], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Docker — 115 cards" in result.stdout
    for text in ("Docker Image — What it is", "docker version", "Container — Mutable"):
        assert text in result.stdout
    assert "CopiarEditar" not in result.stdout


def test_cards_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "git.md").write_text("# Git\n\n- `git status` — shows the state\n")
    result = runner.invoke(app, ["cards", str(tmp_path), "--json"])
    assert result.exit_code == 0
    assert [(c["deck"], c["kind"], c["front"]) for c in json.loads(result.stdout)] == [
        ("Git", "command", "git status"),
        ("Git", "command-reverse", "shows the state"),
    ]


def assert_one_line_error(result: object, message: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code != 0  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert stderr == f"study: {message}\n"


def test_missing_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cards", str(tmp_path / "nope.md")])
    assert_one_line_error(result, f"{tmp_path / 'nope.md'}: no such file or folder")
    assert result.stdout == ""


def test_empty_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cards", str(tmp_path)])
    assert_one_line_error(result, f"{tmp_path}: no Markdown notes (*.md) in this folder")


def test_non_utf8_file_among_good_ones(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("## Shell\n\n- `ls` — lists files\n", encoding="utf-8")
    bad = tmp_path / "b.md"
    bad.write_bytes("# Informação\n".encode("latin-1"))
    result = runner.invoke(app, ["cards", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert [card["front"] for card in json.loads(result.stdout)] == ["ls", "lists files"]
    assert_one_line_error(
        result, f"{bad}: is not UTF-8 text (byte 0xe7 on line 1); save it as UTF-8 to study it"
    )


def test_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "photo.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = runner.invoke(app, ["cards", str(binary)])
    assert_one_line_error(result, f"{binary}: is a binary file, not a Markdown note; skipped")
    assert "No cards found." in result.stdout


EXAMPLE = """# Docker

## Volume

### Example

```bash
docker volume create mydata
docker run -v mydata:/data myimage
```

This mounts the volume **mydata** into the container.
"""


def test_cards_show_fronts_as_written_and_keep_the_question_wide(tmp_path: Path) -> None:
    note = tmp_path / "docker.md"
    note.write_text(EXAMPLE, encoding="utf-8")
    wide = runner.invoke(app, ["cards", str(note)], env={"COLUMNS": "100"})
    assert wide.exit_code == 0, wide.output
    assert "Docker — 1 card" in wide.stdout
    rows = [line.strip("│ ") for line in wide.stdout.splitlines()]
    # Two commands, two lines, each whole in the Front column (not squeezed to a sliver).
    assert any(row.startswith("docker volume create mydata ") for row in rows)
    assert any(row.startswith("docker run -v mydata:/data ") for row in rows)
    assert "**" not in wide.stdout  # the back is rendered Markdown too

    narrow = runner.invoke(app, ["cards", str(note)], env={"COLUMNS": "40"})
    lines = [line.rstrip() for line in narrow.stdout.splitlines()]
    assert all(len(line) <= 40 for line in lines)
    assert " docker volume create mydata" in lines  # one card after another, front then back
    assert " docker run -v mydata:/data myimage" in lines


def test_cards_on_a_link_to_dev_zero_or_a_fifo_answers_at_once(tmp_path: Path) -> None:
    """Issue 16, finding 8: /dev/zero was read until memory ran out; a FIFO hung forever."""
    zero = tmp_path / "zero.md"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    for path in (zero, fifo):
        done = subprocess.run(
            [sys.executable, "-m", "study", "cards", str(path)],
            capture_output=True,
            text=True,
            timeout=30,  # generous: it answers at start-up speed
            cwd=REPO,
        )
        assert done.returncode == 1
        assert done.stderr == (
            f"study: {path}: is not a regular file (a device, FIFO or socket); skipped\n"
        )


def test_cards_skips_links_out_of_the_folder_and_says_so(tmp_path: Path) -> None:
    vault, elsewhere = vault_with_a_link_out(tmp_path, "# Shell\n\n- `pwd` — prints the folder\n")
    result = runner.invoke(app, ["cards", str(vault), "--json"])
    assert result.exit_code == 0
    assert [card["deck"] for card in json.loads(result.stdout)] == ["Shell"] * 2
    assert "hunter2" not in result.stdout
    assert result.stderr == (
        f"study: {vault / 'secret.md'}: links to {elsewhere / 'secret.md'}, outside the folder "
        f"{vault}; skipped (STUDY_FOLLOW_LINKS=1 follows such links)\n"
    )
