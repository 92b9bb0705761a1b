"""`study list` and `study show` through the CLI: filters, search, JSON, id prefixes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from tests.support import GIT_DECK

runner = CliRunner()
NOW = "2026-03-10T12:00:00+00:00"
DECK = (
    GIT_DECK
    + """
- `git stash`

    Puts changes aside.
"""
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small deck synced; `git status` answered Good then Easy, `git stash` suspended."""
    monkeypatch.setenv("STUDY_NOW", NOW)
    (tmp_path / "git.md").write_text(DECK, encoding="utf-8")
    path = tmp_path / "study.db"
    assert runner.invoke(app, ["sync", str(tmp_path / "git.md"), "--db", str(path)]).exit_code == 0
    runner.invoke(app, ["config", "fuzz", "off", "--db", str(path)])
    drilled = runner.invoke(app, ["drill", "--db", str(path)], input=" \n3\n \n4\n \n!\n")
    assert drilled.exit_code == 0, drilled.output
    monkeypatch.setenv("STUDY_NOW", "2026-03-10T12:10:00+00:00")
    runner.invoke(app, ["drill", "--db", str(path)], input=" \n4\nq\n")
    return path


def listed(db: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["list", *args, "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_list_json_has_state_due_interval_lapses_and_source(db: Path, tmp_path: Path) -> None:
    cards = {card["front"]: card for card in listed(db)}
    assert set(cards) == {
        "git status",
        "git log --oneline",
        "git stash",
        "Shows the working tree status.",
        "Shows the history, one line per commit.",
        "Puts changes aside.",
    }
    status = cards["git status"]
    assert status["state"] == "review" and status["status"] == "active"
    assert status["reviews"] == 2 and status["lapses"] == 0 and status["leech"] is False
    assert status["source"] == str(tmp_path / "git.md") and status["line"] == 5
    log = cards["git log --oneline"]  # Easy on a new card: 8 days, from 12:00
    assert (log["state"], log["due"], log["interval_days"]) == (
        "review",
        "2026-03-18T12:00:00+00:00",
        8.0,
    )
    assert cards["git stash"]["status"] == "suspended"
    assert (
        cards["Puts changes aside."]["state"] == "new"
        and cards["Puts changes aside."]["due"] is None
    )


def test_list_filters_and_search(db: Path) -> None:
    assert [c["front"] for c in listed(db, "--suspended")] == ["git stash"]
    assert [c["front"] for c in listed(db, "--search", "HISTORY")] == [
        "git log --oneline",  # found by its back
        "Shows the history, one line per commit.",
    ]
    assert {c["front"] for c in listed(db, "--new")} == {
        "git stash",
        "Shows the working tree status.",
        "Shows the history, one line per commit.",
        "Puts changes aside.",
    }
    assert listed(db, "--due") == []  # all answered cards wait days
    assert listed(db, "--leech") == []
    assert len(listed(db, "git")) == 6  # a deck as typed: case does not matter


def test_list_text_is_two_lines_a_card(db: Path) -> None:
    result = runner.invoke(app, ["list", "--suspended", "--db", str(db)], env={"COLUMNS": "300"})
    lines = result.output.splitlines()
    stash = listed(db, "--suspended")[0]
    assert lines[0] == f"{str(stash['id'])[:8]}  Git: git stash"
    assert lines[1].split(" · ")[0].strip() == "new, suspended"
    assert lines[1].endswith("git.md:13")
    assert lines[2] == "1 card"


def test_show_by_prefix_with_history(db: Path) -> None:
    status = next(c for c in listed(db) if c["front"] == "git status")
    result = runner.invoke(app, ["show", str(status["id"])[:6].upper(), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{status['id']}  Git › Commands\ncommand card from ")
    history = result.output.split("History:\n")[1].splitlines()
    assert [line.split()[2:5] for line in history] == [
        ["Good", "interval", "10m"],
        ["Easy", "interval", "4d"],  # fsrs: Easy on a card in learning
    ]

    data = json.loads(
        runner.invoke(app, ["show", str(status["id"]), "--json", "--db", str(db)]).output
    )
    assert [(h["grade"], h["rating"], h["reviewed_at"]) for h in data["history"]] == [
        ("Good", 3, "2026-03-10T12:00:00+00:00"),
        ("Easy", 4, "2026-03-10T12:10:00+00:00"),
    ]
    assert data["history"][0]["interval_days"] == pytest.approx(10 / 1440, abs=1e-4)


def test_a_learning_step_lists_with_the_interval_it_gave(tmp_path: Path) -> None:
    """Good on a new card is the 10m step: the card's line says 10m, as its history does
    (rounded to hundredths of a day it read 0.01 day, shown as 14m)."""
    (tmp_path / "git.md").write_text(DECK, encoding="utf-8")
    path = tmp_path / "study.db"
    env = {"STUDY_NOW": NOW, "COLUMNS": "300"}
    runner.invoke(app, ["sync", str(tmp_path / "git.md"), "--db", str(path)], env=env)
    runner.invoke(app, ["config", "fuzz", "off", "--db", str(path)], env=env)
    runner.invoke(app, ["drill", "--db", str(path), "--limit", "1"], input=" \n3\n", env=env)
    learning = runner.invoke(app, ["list", "--db", str(path)], env=env).output.splitlines()
    fields = learning[1].split(" · ")
    assert (fields[0].strip(), fields[2]) == ("learning", "interval 10m")
    card = runner.invoke(app, ["show", learning[0].split()[0], "--db", str(path)], env=env)
    assert [
        line.split(" · ")[1] for line in card.output.splitlines() if line.startswith("Due:")
    ] == ["interval 10m"]


def test_show_refuses_an_unknown_or_ambiguous_prefix(db: Path) -> None:
    with sqlite3.connect(db) as conn:  # two ids that start alike
        conn.execute("update card set id = 'ab' || id where kind = 'command'")
    ambiguous = runner.invoke(app, ["show", "ab", "--db", str(db)])
    assert (ambiguous.exit_code, ambiguous.output) == (
        1,
        "study: 'ab' is the start of 3 cards' ids\n",
    )
    unknown = runner.invoke(app, ["show", "zz", "--db", str(db)])
    assert (unknown.exit_code, unknown.output) == (
        1,
        "study: no card with id 'zz' (see `study list`)\n",
    )


@pytest.mark.parametrize(
    "command",
    [["list"], ["show", "abc"], ["due"], ["suspended"], ["unsuspend", "abc"]],
    ids=" ".join,
)
def test_read_only_commands_never_create_a_database(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "absent.db"
    result = runner.invoke(app, [*command, "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.startswith(f"study: no study database at {db}")
    assert not db.exists()


def test_config_shows_the_defaults_without_creating_a_database(study_home: Path) -> None:
    listing = runner.invoke(app, ["config"])
    assert listing.exit_code == 0 and "learn_ahead        0 " in listing.output
    shown = runner.invoke(app, ["config", "leech_lapses"])
    assert (shown.exit_code, shown.output) == (0, "8\n")
    assert list(study_home.iterdir()) == []
