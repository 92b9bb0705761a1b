"""`study due`: the counts per deck, the limits, the fast start-up path, and bad databases."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.schedule.due import DeckDue, due_counts
from study.schedule.duereport import render
from study.schedule.rules import day_start
from study.schedule.schema import epoch_us
from study.schedule.store import open_store
from tests.support import REPO

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STAMP = "%Y-%m-%d %H:%M:%S.%f"
runner = CliRunner()


def at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    open_store(path).close()  # the real schema, by the real migrations
    return path


def add_card(
    db: Path, card_id: str, deck: str, *, note: str | None = None, **schedule: object
) -> None:
    """A card row with a schedule; datetimes given as aware datetimes."""
    row: dict[str, object] = {
        "id": card_id,
        "note": note or card_id,
        "note_path": f"/notes/{deck}.md",
        "deck": deck,
        "kind": "basic",
        "front": f"front {card_id}",
        "back": f"back {card_id}",
        "source": f"{deck}.md",
        "line": 1,
        "status": "active",
        "state": 1,
        "due": NOW - timedelta(days=3),
        "last_review": None,
        "added": NOW - timedelta(days=3),
        **schedule,
    }
    row = {k: at(v) if isinstance(v, datetime) else v for k, v in row.items()}
    with sqlite3.connect(db) as conn:
        names = ", ".join(row)
        conn.execute(
            f"insert into card ({names}) values ({', '.join('?' * len(row))})", [*row.values()]
        )


def add_review(db: Path, card_id: str, when: datetime, before: dict[str, object]) -> None:
    """A review of `card_id` at `when`; `before` the card's state and last review (None: new)."""
    last = before["last_review"]
    last_us = epoch_us(last) if isinstance(last, datetime) else None
    with sqlite3.connect(db) as conn:
        conn.execute(
            "insert into review (card, rating, reviewed_at, duration_ms, before_state,"
            " before_due, before_last_review)"
            " values ((select rowid from card where id = ?), 3, ?, 1000, ?, ?, ?)",
            (card_id, epoch_us(when), before["state"], epoch_us(when), last_us),
        )


def reviewed(due: datetime, state: int = 2) -> dict[str, object]:
    return {"state": state, "due": due, "last_review": NOW - timedelta(days=2), "stability": 3.0}


def test_counts_per_deck_with_each_decks_new_limit(db: Path) -> None:
    start = day_start(NOW, 4)
    add_card(db, "a-learn", "alpha", **reviewed(NOW - timedelta(minutes=1), state=1))
    add_card(db, "a-relearn-later", "alpha", **reviewed(NOW + timedelta(hours=1), state=3))
    add_card(db, "a-review-now", "alpha", **reviewed(NOW - timedelta(days=1)))
    # A review due before the study day ends is shown now, as Anki does.
    add_card(db, "a-review-tonight", "alpha", **reviewed(start + timedelta(hours=23)))
    add_card(db, "a-review-tomorrow", "alpha", **reviewed(start + timedelta(hours=30)))
    add_card(db, "a-review-later", "alpha", **reviewed(NOW + timedelta(days=9)))
    add_card(db, "a-new-1", "alpha")
    add_card(db, "a-new-2", "alpha")
    for n in range(25):
        add_card(db, f"b-new-{n}", "beta")

    counts = due_counts(db, NOW)

    assert counts == [
        DeckDue("alpha", learning=1, review=2, new=2, later_today=1, tomorrow=1),
        # New cards go in the order they were added, 20 a day in each deck; 5 held back.
        DeckDue("beta", learning=0, review=0, new=20, later_today=0, tomorrow=0, held_new=5),
    ]
    assert [c.total for c in counts] == [5, 20]
    assert due_counts(db, NOW, ["beta"]) == [DeckDue("beta", 0, 0, 20, 0, 0, held_new=5)]


def test_new_cards_introduced_today_use_up_the_daily_limit(db: Path) -> None:
    for n in range(30):
        add_card(db, f"new-{n}", "alpha")
    # Answered 5 minutes ago as a new card: its last review is that answer, as a grade leaves it.
    answered = NOW - timedelta(minutes=5)
    seen = reviewed(NOW + timedelta(minutes=5), state=1) | {"last_review": answered}
    add_card(db, "seen", "alpha", **seen)
    add_review(db, "seen", answered, {"state": 1, "last_review": None})
    with sqlite3.connect(db) as conn:
        conn.execute("insert into setting (key, value) values ('new_per_day', '8')")

    [alpha] = due_counts(db, NOW)

    assert (alpha.new, alpha.later_today) == (7, 1)


def test_a_file_with_the_json_review_log_is_counted_unmigrated(tmp_path: Path) -> None:
    # `study due` never migrates (read-only): a file from before the typed log (m010) still
    # counts the new cards introduced today from its JSON snapshots.
    from study.schedule.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:8]:
        migration(conn)
        conn.execute("insert into migration values (?, '2026-01-01')", (migration.__name__,))
    conn.execute("pragma user_version = 8")
    conn.close()
    for n in range(30):
        add_card(path, f"new-{n}", "alpha")
    add_card(path, "seen", "alpha", **reviewed(NOW + timedelta(minutes=5), state=1))
    with sqlite3.connect(path) as conn:
        conn.execute(
            "insert into review (card_id, rating, reviewed_at, before) values ('seen', 3, ?, ?)",
            (at(NOW - timedelta(minutes=5)), json.dumps({"state": 1, "last_review": None})),
        )
        conn.execute("insert into setting (key, value) values ('new_per_day', '8')")

    [alpha] = due_counts(path, NOW)

    assert (alpha.new, alpha.later_today) == (7, 1)
    with sqlite3.connect(path) as conn:
        assert conn.execute("pragma user_version").fetchone()[0] == 8  # left as it was


def test_siblings_buried_and_suspended_cards_wait(db: Path) -> None:
    add_card(db, "fwd", "alpha", note="pair")
    add_card(db, "rev", "alpha", note="pair")  # a card and its reverse: one a day
    add_card(db, "buried", "alpha", buried_until=NOW + timedelta(hours=10))
    add_card(db, "off", "alpha", status="suspended")
    add_card(db, "answered", "alpha", note="pair2", **reviewed(NOW + timedelta(days=4)))
    add_card(db, "its-reverse", "alpha", note="pair2", last_review=None)
    with sqlite3.connect(db) as conn:  # the sibling was answered this study day
        conn.execute("update card set last_review = ? where id = 'answered'", (at(NOW),))

    assert due_counts(db, NOW) == [DeckDue("alpha", 0, 0, 1, 0, 0)]


def test_a_card_answered_today_is_not_held_back_by_its_own_answer(db: Path) -> None:
    # "pair": the learning card answered an hour ago is due again; its new reverse waits.
    add_card(db, "learning", "alpha", note="pair", **reviewed(NOW - timedelta(minutes=5), 1))
    add_card(db, "reverse", "alpha", note="pair", last_review=None)
    # "both": two relearning cards of one note, both answered today: each holds the other.
    add_card(db, "both-1", "alpha", note="both", **reviewed(NOW - timedelta(minutes=5), 3))
    add_card(db, "both-2", "alpha", note="both", **reviewed(NOW - timedelta(minutes=5), 3))
    # A sibling answered yesterday (before the 04:00 rollover) holds nothing back.
    add_card(db, "old", "beta", note="old", **reviewed(NOW + timedelta(days=5)))
    add_card(db, "old-reverse", "beta", note="old", last_review=None)
    with sqlite3.connect(db) as conn:
        today = at(NOW - timedelta(hours=1))
        for card in ("learning", "both-1", "both-2"):
            conn.execute("update card set last_review = ? where id = ?", (today, card))
        yesterday = at(datetime(2026, 3, 10, 3, 59, tzinfo=UTC))
        conn.execute("update card set last_review = ? where id = 'old'", (yesterday,))

    assert due_counts(db, NOW) == [
        DeckDue("alpha", 1, 0, 0, 0, 0),
        DeckDue("beta", 0, 0, 1, 0, 0),
    ]


def test_due_agrees_with_the_drill_queue(db: Path) -> None:
    from study.schedule.queue import build_queue

    add_card(db, "l", "alpha", **reviewed(NOW - timedelta(minutes=1), state=1))
    add_card(db, "r", "beta", **reviewed(NOW - timedelta(days=1)))
    add_card(db, "s1", "beta", note="s")
    add_card(db, "s2", "beta", note="s")
    for n in range(30):
        add_card(db, f"n{n}", "alpha" if n % 2 else "gamma")
    with open_store(db) as store:
        queue = build_queue(store, NOW)
    # alpha: 1 learning + 15 new; beta: 1 review + 1 of the siblings; gamma: 15 new.
    assert sum(c.total for c in due_counts(db, NOW)) == len(queue) == 33


def test_cli_table_json_and_overview(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDY_NOW", NOW.isoformat())
    add_card(db, "x", "alpha", **reviewed(NOW - timedelta(days=1)))
    add_card(db, "y", "alpha")

    table = runner.invoke(app, ["due", "--db", str(db)])
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[:2] == [
        "deck   learning  review  new  later today  tomorrow",
        "alpha         0       1    1            0         0",
    ]
    assert "2 cards to study now" in table.output

    as_json = runner.invoke(app, ["due", "--json", "--db", str(db)])
    assert json.loads(as_json.output) == [
        {
            "deck": "alpha",
            "learning": 0,
            "review": 1,
            "new": 1,
            "later_today": 0,
            "tomorrow": 0,
            "held_review": 0,
            "held_new": 0,
            "total": 2,
        }
    ]
    monkeypatch.setenv("STUDY_HOME", str(db.parent))  # the default database is this one
    overview = runner.invoke(app, [])
    assert overview.exit_code == 0
    assert "alpha" in overview.output and "study drill" in overview.output


def test_fast_path_imports_no_heavy_module(db: Path) -> None:
    add_card(db, "y", "alpha")
    code = (
        "import sys; from study.launch import entry;"
        "sys.argv = ['study', 'due', '--db', sys.argv[1]];"
        "entry(); heavy = ('typer', 'sqlmodel', 'sqlalchemy', 'fsrs', 'rich', 'markdown_it',"
        " 'pydantic');"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))"
    )
    env = {**os.environ, "STUDY_NOW": NOW.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", code, str(db)], capture_output=True, text=True, env=env, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == "alpha         0       0    1            0         0"
    assert done.stdout.splitlines()[-1] == "[]"


def test_empty_database_and_unknown_deck(db: Path) -> None:
    assert render(due_counts(db, NOW), as_json=False).startswith("No cards yet")
    result = runner.invoke(app, ["due", "nope", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == "study: no deck named 'nope' (decks: none yet; run `study sync PATH`)\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no study database at"),
        (b"hello, not a database at all" * 100, "is not a study database"),
        ("plain-sqlite", "is not a study database"),
        ("newer", "was written by a newer study"),
    ],
)
def test_bad_databases_are_one_line_errors(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "x.db"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "plain-sqlite":
        with sqlite3.connect(path) as conn:
            conn.execute("create table t (x)")
    elif content == "newer":
        open_store(path).close()
        with sqlite3.connect(path) as conn:
            conn.execute("pragma user_version = 999")
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(StudyError, match=message):
        due_counts(path, NOW)
    result = runner.invoke(app, ["due", "--db", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("study: ") and result.output.count("\n") == 1
    assert (path.read_bytes() if path.exists() else None) == before


def test_a_tag_narrows_the_cards_due_now_and_later(db: Path) -> None:
    start = day_start(NOW, 4)
    tagged = {"tags": '["#Árvore"]'}
    add_card(db, "t-now", "alpha", **tagged, **reviewed(NOW - timedelta(days=1)))
    add_card(db, "t-later", "alpha", **tagged, **reviewed(NOW + timedelta(hours=1), state=1))
    add_card(db, "t-tomorrow", "alpha", **tagged, **reviewed(start + timedelta(hours=30)))
    add_card(db, "u-now", "alpha", **reviewed(NOW - timedelta(days=1)))
    add_card(db, "u-later", "alpha", **reviewed(NOW + timedelta(hours=2), state=3))
    add_card(db, "u-new", "alpha")

    assert due_counts(db, NOW) == [DeckDue("alpha", 0, 2, 1, 2, 1)]
    assert due_counts(db, NOW, tags=["árvore"]) == [DeckDue("alpha", 0, 1, 0, 1, 1)]
    assert due_counts(db, NOW, tags=["pinheiro"]) == []


def test_a_deck_without_the_tag_is_not_listed_and_an_unknown_tag_is_said(db: Path) -> None:
    add_card(db, "t-new", "alpha", tags='["#Árvore"]')
    add_card(db, "b-new", "beta")
    assert due_counts(db, NOW, tags=["árvore"]) == [DeckDue("alpha", 0, 0, 1, 0, 0)]
    typo = runner.invoke(app, ["due", "--tag", "arvre", "--db", str(db)])
    assert typo.exit_code == 1
    assert typo.stderr == (
        "study: no card is tagged arvre; `study cards PATH --json` shows the cards' tags\n"
    )
    brief = runner.invoke(app, ["due", "--brief", "--tag", "arvre", "--db", str(db)])
    assert (brief.exit_code, brief.stdout) == (0, "")  # the prompt line stays empty


def test_the_due_table_fits_a_40_column_terminal() -> None:
    from study.schedule.duereport import format_table

    counts = [
        DeckDue("Cozinha Básica", learning=0, review=2, new=13, later_today=1, tomorrow=4),
        DeckDue("Git Basics", learning=1, review=0, new=20, later_today=0, tomorrow=0),
    ]
    assert format_table(counts, columns=40).splitlines() == [
        "  learn  review  new  later  tmrw",
        "Cozinha Básica",
        "      0       2   13      1     4",
        "Git Basics",
        "      1       0   20      0     0",
        "all decks",
        "      1       2   33      1     4",
    ]
    assert format_table(counts, columns=80).splitlines()[:2] == [
        "deck            learning  review  new  later today  tomorrow",
        "Cozinha Básica         0       2   13            1         4",
    ]


def test_the_due_summary_wraps_between_words_at_40_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    counts = [DeckDue("Docker", 0, 0, 19, 1, 0, held_new=95)]
    assert render(counts, as_json=False).splitlines() == [
        "  learn  review  new  later  tmrw",
        "Docker",
        "      0       0   19      1     0",
        "",
        "19 cards to study now (1 more later",
        "today, 0 tomorrow).",
        "The daily limits hold back 95 new cards",
        "(`study drill --new N` studies N more",
        "today).",
    ]


def test_the_summary_wraps_as_textwrap_would_without_importing_it() -> None:
    """`wrap` stands in for `textwrap.wrap` on `study due`'s sentences: the same lines on every
    sentence it writes, at every width (a word longer than the line goes to textwrap)."""
    import textwrap

    from study.schedule.duereport import held_text, summary_line, wrap

    assert wrap("19 cards to study now (1 more later today, 0 tomorrow).", 24) == [
        "19 cards to study now (1",
        "more later today, 0",
        "tomorrow).",
    ]
    # A word longer than the line: textwrap's cut, which fills the line before it too.
    assert wrap("raise `reviews_per_day`", 8) == ["raise `r", "eviews_p", "er_day`"]
    sentences = [held_text(new, reviews) for new in (0, 1, 95) for reviews in (0, 1, 12_345)]
    counts = [[DeckDue("d", 0, 0, due, 1, 7)] for due in (0, 1, 2235)]
    sentences += [summary_line(deck) for deck in counts]
    assert len([s for s in sentences if s]) == 11
    for sentence in filter(None, sentences):
        for width in range(1, 130):
            assert wrap(sentence, width) == textwrap.wrap(sentence, width), (sentence, width)
