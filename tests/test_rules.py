"""The scheduling rules, written once: `study due` counts what the drill then serves.

The reproductions of issue 10 (a session cap raising a daily limit; `--brief` names that could
not be typed back; a tag filter that missed `Árvore`) and issue 11 (the bundled deck starving
a user's own notes on day one), and per-deck settings.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from study.cli import app
from study.drill.loop import Drill, Options
from study.drill.terminal import KeyReader, make_console
from study.errors import StudyError
from study.notes.lookup import deck_key, resolve_decks
from study.schedule.due import due_counts
from study.schedule.schema import epoch_us
from study.schedule.store import open_store
from tests.support import DECKS

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
runner = CliRunner()

THREE_REVIEWS = """# Shell

What lists files?::ls

What prints the working directory?::pwd

What removes a file?::rm
"""


def _invoke(*args: str, keys: str = "") -> str:
    result = runner.invoke(app, list(args), input=keys)
    assert result.exit_code == 0, result.output
    return result.output


def _due_json(db: Path, *decks: str) -> dict[str, dict[str, int]]:
    rows = json.loads(_invoke("due", "--json", *decks, "--db", str(db)))
    return {row["deck"]: row for row in rows}


def _shown(output: str) -> int:
    """How many cards a drill showed: each card's header line ends in its counts."""
    return sum(1 for line in output.splitlines() if line.rstrip(" ─").endswith(" review"))


@pytest.fixture
def notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDY_NOW", NOW.isoformat())
    folder = tmp_path / "notes"
    folder.mkdir()
    return folder


def _sync(db: Path, *paths: Path) -> None:
    _invoke("sync", *map(str, paths), "--db", str(db))


def _make_reviews(db: Path) -> None:
    """Every card a review due now (answered Easy 8 days ago)."""
    with sqlite3.connect(db) as conn:
        long_ago = (NOW - timedelta(days=8)).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.execute(
            "update card set state = 2, step = null, stability = 8.0, difficulty = 5.0,"
            " last_review = ?, due = ?",
            (long_ago, long_ago),
        )


def test_a_session_cap_never_raises_the_daily_review_limit(notes: Path, tmp_path: Path) -> None:
    """Issue 10: reviews_per_day 1 and three reviews due; `study due` said 1, the drill 3."""
    (notes / "shell.md").write_text(THREE_REVIEWS)
    db = tmp_path / "study.db"
    _sync(db, notes)
    _make_reviews(db)
    _invoke("config", "reviews_per_day", "1", "--db", str(db))

    assert _due_json(db)["Shell"]["review"] == 1
    out = _invoke("drill", "--limit", "5", "--db", str(db), keys="s" * 5)
    assert _shown(out) == 1
    assert _due_json(db)["Shell"]["held_review"] == 2
    out = _invoke("due", "--db", str(db))
    assert "The daily limits hold back 2 reviews" in out


def test_new_limit_hidden_cards_are_named_with_the_flag(notes: Path, tmp_path: Path) -> None:
    (notes / "shell.md").write_text(THREE_REVIEWS)
    db = tmp_path / "study.db"
    _sync(db, notes)
    _invoke("config", "new_per_day", "1", "--db", str(db))

    out = _invoke("due", "--db", str(db))
    assert "The daily limits hold back 2 new cards (`study drill --new N`" in out
    assert _shown(_invoke("drill", "--db", str(db), keys="sss")) == 1
    assert _shown(_invoke("drill", "--new", "3", "--db", str(db), keys="sss")) == 3


def test_brief_names_can_be_typed_back(notes: Path, tmp_path: Path) -> None:
    """Issue 10: `--brief` printed `docker:4`, then `study drill docker` found no deck."""
    (notes / "basics.md").write_text("# Python Basics\n\nWhat prints?::print\n")
    (notes / "docker.md").write_text("# Docker\n\nWhat lists containers?::docker ps\n")
    db = tmp_path / "study.db"
    _sync(db, notes)

    brief = _invoke("due", "--brief", "--db", str(db)).split()
    assert brief == ["docker:1", "python-basics:1"]
    for word in brief:
        name = word.split(":")[0]
        assert _shown(_invoke("drill", name, "--db", str(db), keys="s")) == 1
        assert _invoke("due", "--brief", name, "--db", str(db)).strip() == word


def test_tags_fold_unicode_case_in_drill_export_due_and_reminders(
    notes: Path, tmp_path: Path
) -> None:
    """Issue 10: `Árvore` was found by `export --tag árvore` but not by `drill --tag árvore`."""
    (notes / "trees.md").write_text("# Trees\n\n#Árvore\n\nWhat is a leaf?::an end node\n")
    (notes / "other.md").write_text("# Other\n\nWhat is a root?::the top node\n")
    db = tmp_path / "study.db"
    _sync(db, notes)

    counted = _due_json(db, "--tag", "ÁRVORE")
    assert counted["Trees"]["new"] == 1 and "Other" not in counted  # no card of it is tagged
    assert _invoke("due", "--brief", "--tag", "#árvore", "--db", str(db)) == "trees:1\n"
    reminded = _invoke("remind", "check", "--tag", "árvore", "--db", str(db))
    assert reminded == "1 card due (Trees 1) — run `study drill`\n"

    assert _shown(_invoke("drill", "--tag", "árvore", "--db", str(db), keys="ss")) == 1
    assert _shown(_invoke("drill", "--tag", "#ÁRVORE", "--db", str(db), keys="ss")) == 1
    out = tmp_path / "trees.apkg"
    exported = _invoke("export", "-o", str(out), "--tag", "árvore", "--db", str(db))
    assert "1 note, 1 card (Trees)" in exported


def test_the_bundled_deck_never_starves_a_users_deck_on_day_one(
    notes: Path, tmp_path: Path
) -> None:
    """Issue 11: with the bundled deck's 20 new cards first, a user's deck got none on day one."""
    (notes / "basics.md").write_text(
        "# Python Basics\n\n" + "".join(f"What is {n}?::{n}\n\n" for n in range(5))
    )
    db = tmp_path / "study.db"
    _sync(db, DECKS, notes)  # the bundled deck registered first: its cards come first by rowid

    counts = _due_json(db)
    assert counts["Docker"]["new"] == 20
    assert counts["Python Basics"]["new"] == 5
    out = _invoke("drill", "Python Basics", "--db", str(db), keys="s" * 6)
    assert _shown(out) == 5


def test_deck_settings_override_the_global_ones(notes: Path, tmp_path: Path) -> None:
    (notes / "shell.md").write_text(THREE_REVIEWS)
    (notes / "git.md").write_text(
        "# Git\n\nWhat shows status?::git status\n\nWhat logs?::git log\n"
    )
    db = tmp_path / "study.db"
    _sync(db, notes)

    assert _invoke("config", "--deck", "shell", "new_per_day", "1", "--db", str(db)) == (
        "new_per_day = 1 for Shell\n"
    )
    _invoke("config", "new_per_day", "5", "--db", str(db))
    counts = _due_json(db)
    assert (counts["Shell"]["new"], counts["Git"]["new"]) == (1, 2)

    # One setting a paragraph: its help may wrap onto indented lines.
    listing = _invoke("config", "--deck", "Shell", "--db", str(db))
    shown = [" ".join(entry.split()) for entry in re.split(r"\n(?=\S)", listing.strip())]
    assert shown[3].split()[:2] == ["new_per_day", "1"] and shown[3].endswith("(deck)")
    assert shown[4].split()[:2] == ["reviews_per_day", "200"] and shown[4].endswith("(default)")
    assert _invoke("config", "--deck", "git", "new_per_day", "--db", str(db)) == "5  (global)\n"


def test_deck_settings_refuse_global_keys_and_unknown_decks(notes: Path, tmp_path: Path) -> None:
    (notes / "shell.md").write_text(THREE_REVIEWS)
    db = tmp_path / "study.db"
    _sync(db, notes)
    for args, message in [
        (["--deck", "Shell", "rollover_hour", "3"], "rollover_hour is one setting for all decks"),
        (["--deck", "Rust", "new_per_day", "3"], "no deck named 'Rust' (decks: Shell)"),
        (["--deck", "Shell", "new_per_day", "x"], "new_per_day: 'x' is not a number"),
    ]:
        result = runner.invoke(app, ["config", *args, "--db", str(db)])
        assert result.exit_code == 1
        assert result.output.startswith("study: ") and message in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from deck_setting").fetchone() == (0,)


def test_a_deck_setting_edited_into_nonsense_says_how_to_fix_it(
    notes: Path, tmp_path: Path
) -> None:
    (notes / "shell.md").write_text(THREE_REVIEWS)
    db = tmp_path / "study.db"
    _sync(db, notes)
    with sqlite3.connect(db) as conn:
        conn.execute("insert into deck_setting values ('shell', 'new_per_day', 'many')")
    result = runner.invoke(app, ["due", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        "study: stored setting new_per_day: 'many' is not a number; "
        "fix it with `study config --deck 'Shell' new_per_day VALUE`\n"
    )


def test_deck_lookup_folds_case_unicode_and_spacing() -> None:
    assert deck_key("Python  Basics") == "python-basics"
    assert deck_key("ÁRVORE") == "árvore"
    assert deck_key("A\u0301rvore") == "árvore"  # decomposed accent, NFC'd
    known = ["Docker", "Python Basics", "git", "Git"]
    assert resolve_decks(["python-basics", "DOCKER"], known) == ["Python Basics", "Docker"]
    assert resolve_decks(["GIT"], known) == ["Git", "git"]
    with pytest.raises(StudyError, match=r"no deck named 'Rust' \(decks: Docker, Git, Py"):
        resolve_decks(["Rust"], known)


def test_an_old_database_is_counted_without_being_migrated(tmp_path: Path) -> None:
    """`study due` opens read-only: a file from before deck settings has no deck_setting."""
    db = tmp_path / "old.db"
    open_store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("drop table deck_setting")
        conn.execute("pragma user_version = 2")
    assert _due_json(db) == {}


# --- the property: what `study due` counts is what the drill serves --------------------------

DECK_NAMES = ("Alpha", "beta", "Gamma Ray")
STAMP = "%Y-%m-%d %H:%M:%S.%f"

_card = st.tuples(
    st.integers(0, 2),  # deck
    st.integers(0, 8),  # sibling group within the deck
    st.sampled_from(["active"] * 6 + ["suspended", "retired"]),
    st.sampled_from(["new", "new", "learning", "relearning", "review", "review"]),
    st.integers(-3 * 1440, 3 * 1440),  # due, minutes from now
    st.integers(0, 10 * 1440),  # last answered, minutes before now
    st.one_of(st.none(), st.integers(-1440, 1440)),  # buried until, minutes from now
    st.one_of(st.none(), st.integers(0, 30 * 60)),  # a review logged, minutes before now
)
_limits = st.tuples(st.integers(0, 4), st.integers(0, 4))


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP)


def _fill(db: Path, now: datetime, cards: list[tuple], settings: dict) -> None:  # type: ignore[type-arg]
    states = {"new": 1, "learning": 1, "relearning": 3, "review": 2}
    with sqlite3.connect(db) as conn:
        for n, (deck, group, status, kind, due, answered, buried, logged) in enumerate(cards):
            name = DECK_NAMES[deck]
            last = None if kind == "new" else _at(now - timedelta(minutes=answered))
            conn.execute(
                "insert into card (id, note, note_path, deck, kind, front, back, source, line,"
                " status, buried_until, state, due, last_review, added)"
                " values (?, ?, 'n.md', ?, 'basic', ?, 'b', 'n.md', 1, ?, ?, ?, ?, ?, ?)",
                (
                    f"c{n}",
                    f"{name}-{group}",
                    name,
                    f"front {n}",
                    status,
                    None if buried is None else _at(now + timedelta(minutes=buried)),
                    states[kind],
                    _at(now + timedelta(minutes=due)),
                    last,
                    _at(now - timedelta(days=30)),
                ),
            )
            if logged is not None:
                last_us = None if kind == "new" else epoch_us(now - timedelta(minutes=answered))
                conn.execute(
                    "insert into review (card, rating, reviewed_at, before_state, before_due,"
                    " before_last_review) values ((select rowid from card where id = ?), 3, ?, ?,"
                    " 0, ?)",
                    (f"c{n}", epoch_us(now - timedelta(minutes=logged)), states[kind], last_us),
                )
        for key, value in settings["global"].items():
            conn.execute("insert into setting values (?, ?)", (key, str(value)))
        for deck, (new, reviews) in settings["decks"].items():
            for key, value in (("new_per_day", new), ("reviews_per_day", reviews)):
                conn.execute(
                    "insert into deck_setting values (?, ?, ?)",
                    (deck_key(DECK_NAMES[deck]), key, str(value)),
                )


def _served(db: Path, now: datetime, decks: tuple[str, ...]) -> dict[tuple[str, str], int]:
    """What a drill shows, per (deck, part), when every card is skipped."""
    seen: dict[tuple[str, str], int] = {}

    class Watched(Drill):
        def _front(self, row: Any) -> None:
            part = "new" if row.last_review is None else "review" if row.state == 2 else "learning"
            seen[row.deck, part] = seen.get((row.deck, part), 0) + 1

    with open_store(db) as store:
        reader = KeyReader(io.StringIO("s" * 200))
        Watched(store, reader, make_console(io.StringIO()), lambda: now, Options(decks)).run()
    return seen


@settings(max_examples=40, deadline=None)
@given(
    cards=st.lists(_card, max_size=30),
    global_limits=_limits,
    deck_limits=st.dictionaries(st.integers(0, 2), _limits, max_size=3),
    rollover=st.integers(0, 23),
    minutes=st.integers(0, 1440),
    only=st.sets(st.integers(0, 2), max_size=2),
)
def test_due_counts_are_what_the_drill_serves(
    cards: list[tuple],  # type: ignore[type-arg]
    global_limits: tuple[int, int],
    deck_limits: dict[int, tuple[int, int]],
    rollover: int,
    minutes: int,
    only: set[int],
) -> None:
    now = NOW + timedelta(minutes=minutes)
    settings = {
        "global": {
            "new_per_day": global_limits[0],
            "reviews_per_day": global_limits[1],
            "rollover_hour": rollover,
        },
        "decks": deck_limits,
    }
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "study.db"
        open_store(db).close()
        _fill(db, now, cards, settings)
        present = {DECK_NAMES[c[0]] for c in cards if c[2] != "retired"}
        decks = tuple(DECK_NAMES[d] for d in sorted(only) if DECK_NAMES[d] in present)
        counted = {
            (row.deck, part): getattr(row, part)
            for row in due_counts(db, now, decks)
            for part in ("learning", "review", "new")
            if getattr(row, part)
        }
        assert _served(db, now, decks) == counted
