"""`study drill` through the real CLI: keys scripted line by line, a fixed clock, no fuzzing."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.drill.screen import Summary, format_summary
from study.drill.typed import compare_typed
from study.schedule import database
from study.schedule.config import set_setting
from study.schedule.dbcopy import copy_collection
from study.schedule.rules import day_start
from study.schedule.store import open_store
from tests.support import editor_stand_in, reviews, rows

Db = Path | str  # a SQLite file, or a server's URL
# The card table's columns in order, on the server (its `rowid` is the order new cards come in).
_COLUMNS = (
    "select array_agg(column_name::text order by ordinal_position) from information_schema.columns"
    " where table_name = 'card'"
)

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


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Db:
    """A database with the small Git deck synced, fuzzing off, the clock fixed at NOW: a file,
    or the same collection copied onto a fresh database on the scratch server."""
    monkeypatch.setenv("STUDY_NOW", NOW.isoformat())
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "git.md").write_text(DECK, encoding="utf-8")
    path = tmp_path / "study.db"
    result = runner.invoke(app, ["sync", str(notes), "--db", str(path)])
    assert result.exit_code == 0, result.output
    with open_store(path) as store:
        set_setting(store, "fuzz", "off")
    if request.param == "sqlite":
        return path
    url = str(request.getfixturevalue("pg_url"))
    copy_collection(path, url, NOW)
    return url


# The tests that need the file itself: SQLite's own statement trace.
file_only = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


def drill(db: Db, keys: str, *args: str) -> str:
    result = runner.invoke(app, ["drill", *args, "--db", str(db)], input=keys)
    assert result.exit_code == 0, result.output
    return result.output


def card(db: Db, front: str) -> dict[str, object]:
    """A card's row as SQLite gives it (times as stamp text), on a file or on the server."""
    if isinstance(db, str):
        [values] = rows(db, "select * from card where front = :front", {"front": front})
        [names] = rows(db, _COLUMNS)
        return {name: value for name, value in zip(names[0], values, strict=True)}
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("select * from card where front = ?", (front,)).fetchone())


def test_reveal_and_grade_with_interval_labels(db: Db) -> None:
    out = drill(db, " \n3\n \n1\n \n4\n \n4\n \nq\n")

    assert reviews(db) == [(STATUS, 3), (LOG, 1), (BRANCH, 4), ("git branch", 4)]
    # The header: deck, heading path, and the counts still to come today (one card per
    # sibling pair, as Anki does), the card on screen included.
    assert "Git › Commands  4 new · 0 learning · 0 review" in out
    assert "Shows the working tree status." in out  # the back, revealed
    assert "1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d" in out
    assert "space/enter Good · u undo · s skip · b bury · ! suspend · e edit · q quit" in out
    # After Good then Again, both wait in learning; the clock does not move, so neither is
    # shown again early: the drill ends and says when the first is due.
    assert "Git › Branch › What it is  2 new · 2 learning · 0 review" in out
    assert "The next learning card is due in 1m (" in out
    assert "Seen 4 cards, 1 again, in 0m 00s." in out
    assert "Still to study today: 0 new · 2 learning · 0 review" in out
    assert "Next cards due in 1m" in out


def test_learn_ahead_shows_a_learning_card_early_as_anki_does(db: Db) -> None:
    with open_store(db) as store:
        set_setting(store, "learn_ahead", "20")
    out = drill(db, " \n3\n \n1\n \n4\n \n4\n \n4\n \n4\n")

    # `git log` (Again, 1m) comes back first, then `git status` (Good, 10m).
    assert reviews(db)[4:] == [(LOG, 4), (STATUS, 4)]
    assert out.split("0 new · 2 learning · 0 review")[1].split("\n")[2].strip() == LOG


def test_space_or_enter_after_the_answer_grades_good(db: Db) -> None:
    drill(db, " \n \n\n\nq\n")  # space shows, space grades; Enter shows, Enter grades
    assert reviews(db) == [(STATUS, 3), (LOG, 3)]


def test_the_counts_follow_every_answer(db: Db) -> None:
    out = drill(db, " \n3\n \n4\nq\n")
    headers = [line.split("  ", 1)[1].split(" ─")[0] for line in out.splitlines() if " › " in line]
    assert headers == [
        "4 new · 0 learning · 0 review",  # git status, new
        "3 new · 1 learning · 0 review",  # Good: it waits 10 minutes in learning
        "2 new · 1 learning · 0 review",  # Easy on git log: a review in 8 days, not today
    ]


def test_back_is_rendered_markdown(db: Db) -> None:
    out = drill(db, " \n4\n \n4\n \nq\n")
    assert "A branch is a movable pointer to a commit." in out  # **bold** rendered, not raw
    assert "**" not in out


def test_undo_restores_the_card_exactly_and_shows_it_again(db: Db) -> None:
    log_before = card(db, LOG)
    out = drill(db, " \n3\nu\n \n4\nq\n")

    # The same card is shown again, with its intervals as a new card.
    again = out.split("undone: Good")[1].splitlines()
    assert again[1].startswith("Git › Commands  4 new · 0 learning")
    assert again[3].strip() == STATUS  # the front is a code block: a blank line above
    assert reviews(db) == [(STATUS, 4)]
    assert card(db, STATUS)["state"] == 2

    out = drill(db, "u\nq\n")  # a new drill has nothing of its own to take back
    assert "nothing to undo" in out
    assert reviews(db) == [(STATUS, 4)]

    drill(db, " \n1\nu\nq\n")  # grade `git log` Again, then undo it
    assert card(db, LOG) == log_before  # every column as it was
    assert reviews(db) == [(STATUS, 4)]


def test_skip_bury_suspend(db: Db) -> None:
    out = drill(db, "s\nb\n!\n")

    assert "skipped" in out and "buried until tomorrow" in out
    assert f"suspended (`study unsuspend {str(card(db, BRANCH)['id'])[:8]}` brings it back)" in out
    assert reviews(db) == []
    assert card(db, STATUS)["status"] == "active" and card(db, STATUS)["buried_until"] is None
    tomorrow = day_start(NOW, 4) + timedelta(days=1)  # 04:00 local time, as UTC text
    assert card(db, LOG)["buried_until"] == tomorrow.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert card(db, BRANCH)["status"] == "suspended"
    assert "Seen 0 cards, 0 again" in out


def test_suspended_cards_are_listed_and_come_back(db: Db) -> None:
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


def test_an_id_prefix_must_name_one_suspended_card(db: Db) -> None:
    with open_store(db) as store, store.writing():  # two suspended cards whose ids start alike
        store.execute(
            "update card set status = 'suspended', id = 'ab' || id where kind = 'command'", {}
        )
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


def test_limit_and_new(db: Db) -> None:
    out = drill(db, " \n4\n \n4\n \n4\n", "--limit", "2")
    assert len(reviews(db)) == 2 and "Seen 2 cards" in out

    out = drill(db, " \n3\n", "--new", "1")
    assert "1 new · 0 learning · 0 review" in out
    assert [rating for _, rating in reviews(db)] == [4, 4, 3]


def test_typed_command_cards(db: Db) -> None:
    with open_store(db) as store, store.writing():  # only the reverse cards: it does -> command
        store.execute("update card set status = 'suspended' where kind != 'command-reverse'", {})
    out = drill(db, "git   status\n\ngit log --online\n\n\nq\n", "--typed")

    assert "✓ git status" in out
    assert "✗ expected: git log --oneline" in out
    assert out.count("git log --oneline") == 1  # the command shown once, not again as a back
    assert "space/enter Hard" in out
    assert reviews(db) == [
        ("Shows the working tree status.", 3),
        ("Shows the history, one line per commit.", 2),
    ]


def test_compare_typed_grades() -> None:
    assert compare_typed(" docker  ps -a ", "`docker ps -a`")[0] == 3
    assert compare_typed("docker ps -A", "docker ps -a")[0] == 2
    assert compare_typed("git stat", "git status")[0] == 2
    rating, diff = compare_typed("docker rm", "docker ps -a")
    assert (rating, diff) == (1, "✗ expected: docker [bold green underline]ps -a[/]")


def test_edit_opens_the_editor_at_the_cards_line(
    db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = editor_stand_in(tmp_path, monkeypatch)
    out = drill(db, "e\nq\n")

    assert json.loads(record.read_text()) == ["+5", str(tmp_path / "notes" / "git.md")]
    assert out.count("Git › Commands  4 new · 0 learning · 0 review") == 2  # the same card


def test_tag_filter_and_nothing_due(db: Db, tmp_path: Path) -> None:
    tagged = tmp_path / "notes" / "docker.md"
    tagged.write_text("# Docker\n\n#containers\n\n- `docker ps`\n\n    Lists containers.\n")
    assert runner.invoke(app, ["sync", "--db", str(db)]).exit_code == 0

    out = drill(db, " \n4\n", "--tag", "containers")
    assert "Docker  1 new · 0 learning · 0 review" in out and "Git" not in out
    assert reviews(db) == [("docker ps", 4)]
    out = drill(db, "", "--tag", "#containers")  # a tag may be written with its '#'
    assert "Nothing to study now" in out and "Next cards due in 8d" in out


def test_unknown_deck_is_one_line(db: Db) -> None:
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


@file_only
def test_an_answer_is_one_write_that_reads_its_card_and_the_next(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two cards graded, the third left with `q` at its front: every statement the drill sends,
    # on the store's connection and on the drill's own one for the answers.
    import io

    from rich.console import Console
    from sqlalchemy import event

    from study.drill.loop import Drill
    from study.drill.terminal import KeyReader
    from study.schedule import answering

    sent: list[str] = []  # on both connections
    own: list[str] = []  # on the drill's own

    def traced(path: Path) -> sqlite3.Connection:
        connection = database.connect(path)
        connection.set_trace_callback(
            lambda statement: (sent.append(statement), own.append(statement))
        )
        return connection

    monkeypatch.setattr(answering, "connect", traced)
    with open_store(db) as store:
        event.listen(store.engine, "connect", lambda conn, _: conn.set_trace_callback(sent.append))
        reader = KeyReader(io.StringIO(" \n3\n \n3\nq\n"))
        Drill(store, reader, Console(file=io.StringIO()), lambda: NOW).run()

    def count(fragment: str) -> int:
        return sum(fragment in statement for statement in sent)

    # Each card read once before it is shown (the first as the drill reaches it, the next two
    # while the back before them is read), then inside each answer's write the answered card
    # again (another drill may have answered it meanwhile) and the next card, whose front
    # drawn ahead is shown only if it is as read then: 3 + 2 * 2.
    assert count("source, line FROM card WHERE id = ") == 3 + 2 * 2
    assert count("FROM card \nWHERE card.id =") == 0  # never through the ORM
    # Once a card shown; the rest once a session: the drill's own (learn_ahead, the study
    # day, which the look at learning cards due later today takes from it), the queue's
    # limits at the start, and the summary's look at what is left.
    assert count("FROM setting") == 3 + 1 + 1 + 1
    assert count("UPDATE card SET state") == 2  # each graded card written once
    assert count("INSERT INTO review") == 2
    # On the drill's own connection: a card and its deck's settings (three statements) read
    # before it is shown, and each answer one transaction: its card, the write, the next card.
    words = [statement.split(" ")[0] for statement in own if not statement.startswith("PRAGMA")]
    read = ["SELECT"] * 4
    answer = ["BEGIN", "SELECT", "UPDATE", "INSERT", "SELECT", "COMMIT"]
    assert words == read + read + answer + read + answer
    assert reviews(db) == [(STATUS, 3), (LOG, 3)]


def test_good_on_a_new_card_then_the_next_days_queue_keeps_the_steps(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = drill(db, " \n3\nq\n", "--limit", "1")  # Good on `git status`: the 10m step
    assert "3 Good 10m" in out
    assert card(db, STATUS)["state"] == 1  # still learning, due at 12:10
    out = drill(db, "q\n")  # 12:00 still: the other cards, never `git status` early
    assert out.split("\n")[2].strip() == LOG

    monkeypatch.setenv("STUDY_NOW", (NOW + timedelta(days=1)).isoformat())
    out = drill(db, " \n3\nq\n", "--limit", "1")
    # The next day it comes first, as a learning card (not as a new or review card), and Good
    # now graduates it: the label is the interval it gets.
    assert out.splitlines()[0].startswith("Git › Commands  3 new · 1 learning · 0 review")
    assert out.splitlines()[2].strip() == STATUS
    assert "3 Good 7d" in out  # a day late, fsrs credits the day it was remembered over
    graduated = card(db, STATUS)
    assert graduated["state"] == 2
    assert graduated["due"] == "2026-03-18 12:00:00.000000"  # 7 days from 03-11, as labelled


def test_a_card_forgotten_leech_lapses_times_is_suspended_and_offers_the_editor(
    db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = editor_stand_in(tmp_path, monkeypatch)
    with open_store(db) as store:
        set_setting(store, "leech_lapses", "2")
    drill(db, " \n4\nq\n", "--limit", "1")  # Easy: `git status` is a review card in 8 days
    day = 8
    for lapse in (1, 2):
        monkeypatch.setenv("STUDY_NOW", (NOW + timedelta(days=day)).isoformat())
        out = drill(db, " \n1\ne\n" if lapse == 2 else " \n1\n", "--limit", "1")
        day += 1
        if lapse == 1:  # relearn it: Good after its 10m step, the next day
            monkeypatch.setenv("STUDY_NOW", (NOW + timedelta(days=day)).isoformat())
            drill(db, " \n3\n", "--limit", "1")
            day = day + 20
    assert "Leech: forgotten too often, so suspended. e edit the note at line 5" in out
    assert json.loads(record.read_text()) == ["+5", str(tmp_path / "notes" / "git.md")]
    leech = card(db, STATUS)
    assert (leech["status"], leech["leech"]) == ("suspended", 1)
    listed = runner.invoke(app, ["list", "--leech", "--json", "--db", str(db)])
    assert [c["front"] for c in json.loads(listed.output)] == [STATUS]
    assert json.loads(listed.output)[0]["lapses"] == 2

    drill(db, "u\nq\n")  # a new drill cannot undo; the leech stays until unsuspended
    assert card(db, STATUS)["status"] == "suspended"


def test_the_summary_is_right_in_every_case(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line a sentence

    def summary(keys: str, *args: str) -> list[str]:
        out = drill(db, keys, *args)
        return out.split("Seen ")[1].splitlines()

    left = "Still to study today: 4 new · 0 learning · 0 review; `study drill` goes on."
    assert summary("q\n") == ["0 cards, 0 again, in 0m 00s.", left]  # quit at once
    assert summary("s\ns\ns\ns\n") == ["0 cards, 0 again, in 0m 00s.", left]  # skipped all
    with open_store(db) as store:
        set_setting(store, "new_per_day", "1")
    graded_one = summary(" \n4\n")  # graded one, then the limit is reached
    assert graded_one[0] == "1 card, 0 again, in 0m 00s."
    assert graded_one[1].startswith("The daily limits hold back ")
    assert graded_one[1].endswith(" new cards (`study drill --new N` studies N more today).")
    assert graded_one[2] == "Next cards due in 8d (2026-03-18 12:00); `study due` shows what waits."
    held = runner.invoke(app, ["due", "--db", str(db)]).output.splitlines()[-1]
    assert graded_one[1] == held  # the drill says it in `study due`'s words, with its count
    assert drill(db, "").startswith("Nothing to study now.\nSeen 0 cards")  # nothing due


def test_typed_shows_the_cards_to_type_from_the_start(db: Db) -> None:
    out = drill(db, "git status\n \nq\n", "--typed")
    # Not `git status` (the command card) first: its reverse, to be typed.
    assert out.splitlines()[1].strip() == "Shows the working tree status."
    assert reviews(db) == [("Shows the working tree status.", 3)]


def test_a_tag_no_card_has_is_one_line_not_an_empty_drill(db: Db) -> None:
    result = runner.invoke(app, ["drill", "--tag", "nope", "--db", str(db)], input="q\n")
    assert result.exit_code == 1
    assert result.output == (
        "study: no card is tagged nope; `study cards PATH --json` shows the cards' tags\n"
    )
    assert reviews(db) == []
