"""`study drill` through the real CLI: keys scripted line by line, a fixed clock, no fuzzing."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.drill.loop import Summary, compare_typed, format_summary
from study.schedule.config import set_setting
from study.schedule.rules import day_start
from study.schedule.store import open_store
from tests.support import reviews

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
runner = CliRunner()

DECK = """# Git

## Commands

- `git status`

    Shows the working tree status.

- `git log --oneline`

    Shows the history, one line per commit.

## Branch

### What It Is:

A **branch** is a movable pointer to a commit.

| Command | Effect |
| --- | --- |
| `git branch` | lists branches |
"""
STATUS, LOG, BRANCH = "git status", "git log --oneline", "Branch — What it is"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with the small Git deck synced, fuzzing off, the clock fixed at NOW."""
    monkeypatch.setenv("STUDY_NOW", NOW.isoformat())
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "git.md").write_text(DECK, encoding="utf-8")
    path = tmp_path / "study.db"
    result = runner.invoke(app, ["sync", str(notes), "--db", str(path)])
    assert result.exit_code == 0, result.output
    with open_store(path) as store:
        set_setting(store, "fuzz", "off")
    return path


def drill(db: Path, keys: str, *args: str) -> str:
    result = runner.invoke(app, ["drill", *args, "--db", str(db)], input=keys)
    assert result.exit_code == 0, result.output
    return result.output


def card(db: Path, front: str) -> dict[str, object]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("select * from card where front = ?", (front,)).fetchone())


def test_reveal_and_grade_with_interval_labels(db: Path) -> None:
    out = drill(db, " \n3\n \n1\n \n4\n \n4\n \nq\n")

    assert reviews(db)[:3] == [(STATUS, 3), (LOG, 1), (BRANCH, 4)]
    assert len(reviews(db)) == 4  # and the table's card
    # The header: deck, heading path, cards left (one card per sibling pair, as Anki does).
    assert "Git › Commands  4 left" in out
    assert "Shows the working tree status." in out  # the back, revealed
    assert "1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d" in out
    # Learning cards come back in the same drill: `git log` (Again, 1m) first.
    assert out.split("Git › Commands  2 left")[1].split("\n")[1].strip() == LOG
    assert "Seen 4 cards, 1 again, in 0m 00s." in out
    assert "Next cards due in 1m" in out


def test_back_is_rendered_markdown(db: Path) -> None:
    out = drill(db, " \n4\n \n4\n \nq\n")
    assert "A branch is a movable pointer to a commit." in out  # **bold** rendered, not raw
    assert "**" not in out


def test_undo_restores_the_card_exactly_and_shows_it_again(db: Path) -> None:
    log_before = card(db, LOG)
    out = drill(db, " \n3\nu\n \n4\nq\n")

    # The same card is shown again, with its intervals as a new card.
    again = out.split("undone: Good")[1].splitlines()
    assert again[1].startswith("Git › Commands  4 left") and again[2].strip() == STATUS
    assert reviews(db) == [(STATUS, 4)]
    assert card(db, STATUS)["state"] == 2

    out = drill(db, "u\nq\n")  # a new drill has nothing of its own to take back
    assert "nothing to undo" in out
    assert reviews(db) == [(STATUS, 4)]

    drill(db, " \n1\nu\nq\n")  # grade `git log` Again, then undo it
    assert card(db, LOG) == log_before  # every column as it was
    assert reviews(db) == [(STATUS, 4)]


def test_skip_bury_suspend(db: Path) -> None:
    out = drill(db, "s\nb\n!\n")

    assert "skipped" in out and "buried until tomorrow" in out
    assert f"suspended (`study unsuspend {str(card(db, BRANCH)['id'])[:8]}` brings it back)" in out
    assert reviews(db) == []
    assert card(db, STATUS)["status"] == "active" and card(db, STATUS)["buried_until"] is None
    tomorrow = day_start(NOW, 4) + timedelta(days=1)  # 04:00 local time, as UTC text
    assert card(db, LOG)["buried_until"] == tomorrow.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert card(db, BRANCH)["status"] == "suspended"
    assert "Seen 0 cards, 0 again" in out


def test_suspended_cards_are_listed_and_come_back(db: Path) -> None:
    drill(db, "!\n \n3\n!\nq\n")  # suspend git status, grade git log, suspend the branch
    status, branch = card(db, STATUS)["id"], card(db, BRANCH)["id"]
    listed = runner.invoke(app, ["suspended", "--db", str(db)])
    assert listed.exit_code == 0
    assert listed.output == f"{status}  Git: git status\n{branch}  Git: {BRANCH}\n"

    back = runner.invoke(app, ["unsuspend", str(status)[:6], "--db", str(db)])
    assert back.output == f"Unsuspended 1:\n{status}  Git: git status\n"
    assert (card(db, STATUS)["status"], card(db, BRANCH)["status"]) == ("active", "suspended")
    assert "git status" in drill(db, "q\n")  # due again, first in line

    for ids, message in [
        (["ffff"], "no suspended card with id 'ffff' (see `study suspended`)"),
        ([str(branch)[:6], "nope"], "no suspended card with id 'nope' (see `study suspended`)"),
        ([str(status)], f"no suspended card with id {str(status)!r} (see `study suspended`)"),
    ]:
        failed = runner.invoke(app, ["unsuspend", *ids, "--db", str(db)])
        assert (failed.exit_code, failed.output) == (1, f"study: {message}\n")
    assert card(db, BRANCH)["status"] == "suspended"  # a typo among the ids changes nothing
    unknown = runner.invoke(app, ["suspended", "Gti", "--db", str(db)])
    assert unknown.exit_code == 1 and "study: no deck named 'Gti' (decks: Git)" in unknown.output
    runner.invoke(app, ["unsuspend", str(branch), "--db", str(db)])
    assert runner.invoke(app, ["suspended", "Git", "--db", str(db)]).output == (
        "No suspended cards.\n"
    )


def test_an_id_prefix_must_name_one_suspended_card(db: Path) -> None:
    with sqlite3.connect(db) as conn:  # two suspended cards whose ids start alike
        conn.execute("update card set status = 'suspended', id = 'ab' || id where kind = 'command'")
    failed = runner.invoke(app, ["unsuspend", "ab", "--db", str(db)])
    assert (failed.exit_code, failed.output) == (
        1,
        "study: 'ab' is the start of 3 suspended cards' ids\n",
    )
    assert (
        runner.invoke(
            app, ["unsuspend", "AB" + str(card(db, LOG)["id"])[2:5], "--db", str(db)]
        ).exit_code
        == 0
    )
    assert (card(db, STATUS)["status"], card(db, LOG)["status"]) == ("suspended", "active")


def test_limit_and_new(db: Path) -> None:
    out = drill(db, " \n4\n \n4\n \n4\n", "--limit", "2")
    assert len(reviews(db)) == 2 and "Seen 2 cards" in out

    out = drill(db, " \n3\n \n3\nq\n", "--new", "1")
    assert "1 left" in out
    assert [rating for _, rating in reviews(db)] == [4, 4, 3, 3]  # the same card came back


def test_typed_command_cards(db: Path) -> None:
    with sqlite3.connect(db) as conn:  # leave only the reverse cards: what does it -> command
        conn.execute("update card set status = 'suspended' where kind != 'command-reverse'")
    out = drill(db, "git   status\n\ngit log --online\n\n\nq\n", "--typed")

    assert "✓ git status" in out
    assert "expected: git log --oneline" in out
    assert "Enter Hard" in out
    assert reviews(db) == [
        ("Shows the working tree status.", 3),
        ("Shows the history, one line per commit.", 2),
    ]


def test_compare_typed_grades() -> None:
    assert compare_typed(" docker  ps -a ", "`docker ps -a`")[0] == 3
    assert compare_typed("docker ps -A", "docker ps -a")[0] == 2
    assert compare_typed("git stat", "git status")[0] == 2
    rating, diff = compare_typed("docker rm", "docker ps -a")
    assert rating == 1 and "expected: docker ps -a" in diff


def test_edit_opens_the_editor_at_the_cards_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "editor-args.json"
    script = f"import json, sys; open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))"
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c {json.dumps(script)}")
    monkeypatch.delenv("VISUAL", raising=False)
    out = drill(db, "e\nq\n")

    assert json.loads(record.read_text()) == ["+5", str(tmp_path / "notes" / "git.md")]
    assert out.count("Git › Commands  4 left") == 2  # back to the same card


def test_tag_filter_and_nothing_due(db: Path, tmp_path: Path) -> None:
    tagged = tmp_path / "notes" / "docker.md"
    tagged.write_text("# Docker\n\n#containers\n\n- `docker ps`\n\n    Lists containers.\n")
    assert runner.invoke(app, ["sync", "--db", str(db)]).exit_code == 0

    out = drill(db, " \n4\n", "--tag", "containers")
    assert "Docker  1 left" in out and "Git" not in out
    assert reviews(db) == [("docker ps", 4)]
    out = drill(db, "", "--tag", "#containers")  # a tag may be written with its '#'
    assert "Nothing to study now" in out and "Next cards due in 8d" in out


def test_unknown_deck_is_one_line(db: Path) -> None:
    result = runner.invoke(app, ["drill", "Nope", "--db", str(db)], input="q\n")
    assert result.exit_code == 1
    assert result.output == "study: no deck named 'Nope' (decks: Git)\n"


def test_first_run_drills_the_bundled_decks(
    study_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUDY_NOW", NOW.isoformat())
    result = runner.invoke(app, ["drill"], input=" \n3\nq\n")

    assert result.exit_code == 0, result.output
    assert "First run: added the bundled decks" in result.output
    assert "Docker › Docker Image › What it is" in result.output
    assert "Seen 1 card, 0 again" in result.output
    assert (study_home / "study.db").is_file()


def test_summary_wording() -> None:
    text = format_summary(Summary(seen=12, again=3, elapsed=timedelta(seconds=135)), NOW)
    assert text == "Seen 12 cards, 3 again, in 2m 15s.\nNo cards are scheduled."


def test_an_answer_reads_the_card_and_its_settings_once_and_writes_once(db: Path) -> None:
    # Two cards graded, the third left with `q` at its front: every statement the drill sends.
    import io

    from rich.console import Console
    from sqlalchemy import event

    from study.drill.loop import Drill
    from study.drill.terminal import KeyReader

    sent: list[str] = []
    with open_store(db) as store:
        event.listen(store.engine, "connect", lambda conn, _: conn.set_trace_callback(sent.append))
        reader = KeyReader(io.StringIO(" \n3\n \n3\nq\n"))
        Drill(store, reader, Console(file=io.StringIO()), lambda: NOW).run()

    def count(fragment: str) -> int:
        return sum(fragment in statement for statement in sent)

    # One read of each card shown, and one inside each grade's write (another drill may have
    # graded it meanwhile): 5, where each answer used to read its card four times (10).
    assert count("FROM card \nWHERE card.id =") == 3 + 2
    assert count("FROM setting") == 1 + 3  # the queue's limits, then once a card shown
    assert count("UPDATE card SET state") == 2  # each graded card written once
    assert count("INSERT INTO review") == 2
    assert reviews(db) == [(STATUS, 3), (LOG, 3)]
