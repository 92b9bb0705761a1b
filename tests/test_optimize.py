"""`study optimize`: fitted parameters on a simulated learner, stored, used, rescheduled from
history; `--dry-run`, a fresh database, `--retention`."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import pytest
from typer.testing import CliRunner

from study.cli import app
from study.schedule.answers import grade
from study.schedule.store import open_store
from study.schedule.sync import sync_paths
from study.stats.optimize import MIN_ITEMS
from tests.history import History, copied, simulated, write_note

runner = CliRunner()
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> History:
    """100 cards answered over 200 days by a learner who forgets faster than the defaults."""
    return simulated(tmp_path_factory.mktemp("learner"), cards=100, days=200, seed=7)


@pytest.fixture
def history(made: History, tmp_path: Path) -> History:
    return copied(made, tmp_path)


def _run(db: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.output


def _dump(db: Path) -> tuple[list, list, list, list]:  # type: ignore[type-arg]
    with sqlite3.connect(db) as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("card", "review", "setting", "deck_setting")
        )


def _stored(db: Path, table: str = "setting") -> list[float]:
    with sqlite3.connect(db) as conn:
        (text,) = conn.execute(f"SELECT value FROM {table} WHERE key = 'parameters'").fetchone()
    return [float(part) for part in text.split(",")]


def _losses(output: str, name: str) -> tuple[float, float]:
    line = next(line for line in output.splitlines() if line.strip().startswith(name))
    before, after = line.split(name)[1].split("->")
    return float(before), float(after)


def test_optimize_fits_stores_and_reports(history: History) -> None:
    output = _run(history.db, "optimize")
    weights = _stored(history.db)
    defaults = fsrs.scheduler.DEFAULT_PARAMETERS
    assert len(weights) == 21
    assert sum(abs(a - b) for a, b in zip(weights, defaults, strict=True)) > 0.5
    # The learner's first-day stabilities (w0 Again, w2 Good) are below the defaults'.
    assert weights[0] < defaults[0] + 0.3 and weights[2] < defaults[2]
    loss_before, loss_after = _losses(output, "log loss")
    rmse_before, rmse_after = _losses(output, "RMSE")
    assert loss_after <= loss_before and rmse_after <= rmse_before
    assert "stored globally" in output
    shown = _run(history.db, "config", "parameters")
    assert shown.strip() == ", ".join(f"{w:.4f}" for w in weights)
    assert "(global)" in _run(history.db, "config")


def test_the_next_answer_uses_the_fitted_parameters(history: History) -> None:
    from study.schedule.answers import grade
    from study.schedule.scheduler import to_fsrs
    from study.schedule.store import open_store

    _run(history.db, "optimize")
    weights = _stored(history.db)
    now = history.now + timedelta(days=30)
    with open_store(history.db) as store:
        (card_id,) = next(iter(store.execute("SELECT id FROM card WHERE state = 2 LIMIT 1", {})))
        before = to_fsrs(store.card(card_id))
        row = grade(store, card_id, 3, now, fuzz=False)
        due = row.due.replace(tzinfo=UTC)
    fitted = fsrs.Scheduler(parameters=weights, enable_fuzzing=False)
    default = fsrs.Scheduler(enable_fuzzing=False)
    assert due == fitted.review_card(before, fsrs.Rating.Good, now)[0].due
    assert due != default.review_card(before, fsrs.Rating.Good, now)[0].due


def test_dry_run_stores_nothing(history: History) -> None:
    before = _dump(history.db)
    output = _run(history.db, "optimize", "--dry-run")
    assert "dry run: nothing stored" in output and "log loss" in output
    assert _dump(history.db) == before


def test_a_deck_gets_its_own_parameters(history: History) -> None:
    _run(history.db, "optimize", "--deck", "deck")
    assert len(_stored(history.db, "deck_setting")) == 21
    with sqlite3.connect(history.db) as conn:
        assert conn.execute("SELECT count(*) FROM setting WHERE key = 'parameters'").fetchone() == (
            0,
        )
    assert "(deck)" in _run(history.db, "config", "--deck", "deck", "parameters")


def test_a_fresh_database_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    sync_paths(db, [write_note(tmp_path / "notes", 5)], datetime(2026, 1, 1, tzinfo=UTC))
    before = _dump(db)
    result = runner.invoke(app, ["optimize", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        "study: 0 reviews logged, 0 of them on a later day than a card's first (what FSRS "
        f"learns from); optimizing needs {MIN_ITEMS}, {MIN_ITEMS} more (nothing changed)\n"
    )
    assert _dump(db) == before


def test_reviews_of_one_day_are_counted_but_not_usable(tmp_path: Path) -> None:
    # Three answers on the first day of two cards, one a day later: FSRS can learn from the
    # last alone, and the refusal says so rather than "0 reviews".
    db = tmp_path / "study.db"
    day = datetime(2026, 1, 1, 9, tzinfo=UTC)
    sync_paths(db, [write_note(tmp_path / "notes", 5)], day)
    with open_store(db) as store:
        first, second = (row.id for row in store.cards()[:2])
        grade(store, first, 1, day, fuzz=False)
        grade(store, first, 3, day + timedelta(minutes=2), fuzz=False)
        grade(store, second, 3, day, fuzz=False)
        grade(store, first, 3, day + timedelta(days=1), fuzz=False)
    result = runner.invoke(app, ["optimize", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == (
        "study: 4 reviews logged, 1 of them on a later day than a card's first (what FSRS "
        f"learns from); optimizing needs {MIN_ITEMS}, {MIN_ITEMS - 1} more (nothing changed)\n"
    )


def test_a_retention_change_reschedules_from_history(history: History) -> None:
    cards, reviews, _, _ = _dump(history.db)
    output = _run(history.db, "config", "desired_retention", "0.8")
    assert output.splitlines()[1].startswith("rescheduled 100 cards from their history;")
    after_cards, after_reviews, _, _ = _dump(history.db)
    assert after_reviews == reviews  # the log is only read
    with sqlite3.connect(history.db) as conn:
        rows = dict(conn.execute("SELECT id, due FROM card").fetchall())
        logs = conn.execute(
            "SELECT c.id, r.rating, r.reviewed_at FROM review r JOIN card c ON c.rowid = r.card"
            " ORDER BY r.reviewed_at"
        ).fetchall()
    lower = fsrs.Scheduler(desired_retention=0.8, enable_fuzzing=False)
    card_id = logs[0][0]
    replay = [
        fsrs.ReviewLog(0, fsrs.Rating(rating), EPOCH + timedelta(microseconds=at), None)
        for cid, rating, at in logs
        if cid == card_id
    ]
    expected = lower.reschedule_card(fsrs.Card(card_id=0), replay).due
    assert datetime.fromisoformat(rows[card_id]).replace(tzinfo=UTC) == expected
    assert after_cards != cards


def test_retention_simulation_changes_nothing_unless_applied(history: History) -> None:
    before = _dump(history.db)
    output = _run(history.db, "optimize", "--retention")
    assert _dump(history.db) == before
    lines = output.splitlines()
    table = [line.split() for line in lines[2:-1]]
    assert [row[0] for row in table][:1] == ["0.70"] and "0.95" in [row[0] for row in table]
    best = lines[-1].split("most knowledge per minute at ")[1][:4]
    assert any(row[0] == best and "<-" in row for row in table)
    reviews = [float(row[1]) for row in table]
    assert reviews == sorted(reviews)  # a higher retention costs more reviews a day
    applied = _run(history.db, "optimize", "--retention", "--apply")
    assert f"desired_retention = {float(best)}" in applied
    assert _run(history.db, "config", "desired_retention").strip() == str(float(best))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--apply"], "study: --apply goes with --retention"),
        (["--retention", "--dry-run"], "study: --retention changes nothing unless --apply"),
    ],
)
def test_options_that_do_not_go_together_are_one_line(
    history: History, args: list[str], message: str
) -> None:
    before = _dump(history.db)
    result = runner.invoke(app, ["optimize", *args, "--db", str(history.db)])
    assert result.exit_code == 1 and result.output.startswith(message)
    assert result.output.count("\n") == 1
    assert _dump(history.db) == before
