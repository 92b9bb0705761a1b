"""`study stats`: every figure checked against the simulated history, counted by hand here."""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.schedule.sync import sync_paths
from tests.history import START, History, copied, simulated, write_note

runner = CliRunner()
DAYS = 150
NOW = START + timedelta(days=DAYS - 1, hours=3)  # 12:00 UTC on the last simulated day


pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> History:
    """30 cards answered over 150 days (every 9th day skipped), plus 5 new cards in Extra."""
    tmp = tmp_path_factory.mktemp("history")
    history = simulated(tmp, cards=30, days=DAYS, skip_every=9)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STUDY_HOME", str(tmp / "home"))
        sync_paths(history.db, [write_note(tmp / "extra", 5, "extra.md")], NOW)
    return history


@pytest.fixture
def history(made: History, tmp_path: Path) -> History:
    """A copy of the module's history, so a test may change it."""
    return copied(made, tmp_path)


def _stats(history: History, *args: str, now: datetime = NOW) -> dict:
    result = runner.invoke(
        app, ["stats", "--json", "--db", str(history.db), *args], env={"STUDY_NOW": now.isoformat()}
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _study_day(moment: datetime) -> date:
    return (moment - timedelta(hours=4)).date()  # UTC, rollover at 04:00


def test_the_history_is_large_enough_to_mean_something(history: History) -> None:
    assert len(history.log) >= 300
    assert {answer.rating for answer in history.log} >= {1, 3}
    assert sum(1 for a in history.log if a.interval_before and a.interval_before >= 21) >= 30


def test_calendar_counts_each_study_day(history: History) -> None:
    figures = _stats(history)
    per_day = Counter(_study_day(answer.at) for answer in history.log)
    today = _study_day(NOW)
    first = today - timedelta(days=364)
    assert figures["calendar"]["first_day"] == first.isoformat()
    expected = [per_day.get(first + timedelta(days=i), 0) for i in range(365)]
    assert figures["calendar"]["reviews"] == expected
    assert sum(expected) == len(history.log)


def _streaks(studied: set[date], today: date) -> tuple[int, int]:
    """Current and longest run of studied days, counted day by day."""
    day = today if today in studied else today - timedelta(days=1)
    current = 0
    while day in studied:
        current, day = current + 1, day - timedelta(days=1)
    longest = run = 0
    for offset in range(365):
        run = run + 1 if today - timedelta(days=offset) in studied else 0
        longest = max(longest, run)
    return current, longest


def test_streaks_and_share_of_days_studied(history: History) -> None:
    studied = {_study_day(answer.at) for answer in history.log}
    for now in (NOW, NOW - timedelta(days=40), NOW - timedelta(days=100)):
        figures = _stats(history, now=now)["streak"]
        today = _study_day(now)
        current, longest = _streaks({d for d in studied if d <= today}, today)
        assert (figures["current"], figures["longest"]) == (current, longest), now
        period = (today - min(studied)).days + 1
        days = sum(1 for d in studied if d <= today)
        assert (figures["days"], figures["days_studied"]) == (period, days)
        assert figures["share"] == round(days / period, 4)
    assert 8 <= _streaks(studied, _study_day(NOW))[1] < DAYS  # skipped days break the runs


def test_a_streak_survives_a_day_not_studied_yet(history: History) -> None:
    last = max(answer.at for answer in history.log)
    on_the_day = _stats(history, now=last)["streak"]["current"]
    assert on_the_day >= 1
    tomorrow = _stats(history, now=last + timedelta(days=1))["streak"]
    assert tomorrow["current"] == on_the_day  # nothing yet today: the run up to yesterday stands
    after = _stats(history, now=last + timedelta(days=2))["streak"]
    assert after["current"] == 0


def test_true_retention_young_and_mature(history: History) -> None:
    figures = _stats(history)["retention"]
    for days in (7, 30, 365):
        since = _study_day(NOW) - timedelta(days=days - 1)
        window = [a for a in history.log if a.state_before == 2 and _study_day(a.at) >= since]
        young = [a for a in window if a.interval_before is not None and a.interval_before < 21]
        mature = [a for a in window if a.interval_before is not None and a.interval_before >= 21]
        for name, answers in (("young", young), ("mature", mature), ("all", window)):
            passed = sum(1 for a in answers if a.rating > 1)
            got = figures[str(days)][name]
            assert (got["reviews"], got["passed"]) == (len(answers), passed), (days, name)
    assert figures["365"]["all"]["reviews"] > 100


def test_cards_by_state_forecast_and_hardest(history: History) -> None:
    figures = _stats(history)
    with sqlite3.connect(history.db) as db:
        rows = db.execute("SELECT deck, state, due, last_review FROM card").fetchall()
    learnt = [(state, due, last) for deck, state, due, last in rows if last is not None]
    days = [
        (datetime.fromisoformat(due) - datetime.fromisoformat(last)).days
        for state, due, last in learnt
        if state == 2
    ]
    assert figures["cards"] == {
        "new": 5,
        "learning": sum(1 for state, _, _ in learnt if state != 2),
        "young": sum(1 for d in days if d < 21),
        "mature": sum(1 for d in days if d >= 21),
        "suspended": 0,
        "leech": 0,
        "retired": 0,
        "total": 35,
    }
    today = _study_day(NOW)
    due_days = [_study_day(datetime.fromisoformat(due).replace(tzinfo=UTC)) for _, due, _ in learnt]
    expected = [sum(1 for d in due_days if d <= today)]
    expected += [sum(1 for d in due_days if d == today + timedelta(days=i)) for i in range(1, 30)]
    assert figures["forecast"] == expected
    lapses = Counter(a.card_id for a in history.log if a.state_before == 2 and a.rating == 1)
    assert [(c["id"], c["lapses"]) for c in figures["hardest"]] == sorted(
        lapses.items(), key=lambda pair: (-pair[1], pair[0])
    )[:10]


def test_time_today_and_per_day_studied(history: History) -> None:
    figures = _stats(history)
    today = [a for a in history.log if _study_day(a.at) == _study_day(NOW)]
    assert figures["today"] == {
        "reviews": len(today),
        "minutes": round(sum(a.duration_ms for a in today) / 60000, 1),
    }
    studied = len({_study_day(a.at) for a in history.log})
    assert figures["average"] == {
        "reviews": round(len(history.log) / studied, 1),
        "minutes": round(sum(a.duration_ms for a in history.log) / 60000 / studied, 1),
    }


def test_suspended_and_leech_cards_and_a_deck_filter(history: History) -> None:
    from study.schedule.answers import suspend
    from study.schedule.config import set_setting
    from study.schedule.store import open_store

    lapses = Counter(a.card_id for a in history.log if a.state_before == 2 and a.rating == 1)
    worst, most = lapses.most_common(1)[0]
    quiet = next(a.card_id for a in history.log if a.card_id not in lapses)
    with open_store(history.db) as store:
        suspend(store, quiet)
        set_setting(store, "leech_lapses", str(most))  # the drill's leech threshold
    leeches = sum(1 for count in lapses.values() if count >= most)
    figures = _stats(history, "deck")
    assert figures["decks"] == ["Deck"]
    assert figures["cards"]["total"] == 30  # Extra's 5 new cards left out
    assert (figures["cards"]["suspended"], figures["cards"]["new"]) == (1, 0)
    assert figures["cards"]["leech"] == leeches >= 1
    assert worst in {c["id"] for c in figures["hardest"]}


def test_an_empty_database_has_zero_figures(tmp_path: Path) -> None:
    sync_paths(tmp_path / "study.db", [write_note(tmp_path / "n", 3)], NOW)
    figures = _stats(History(tmp_path / "study.db", NOW))
    assert figures["cards"]["new"] == 3
    assert figures["streak"] == {
        "current": 0,
        "longest": 0,
        "days_studied": 0,
        "days": 0,
        "share": 0.0,
    }
    assert figures["retention"]["7"]["all"] == {"reviews": 0, "passed": 0, "rate": None}


def test_the_terminal_view_shows_calendar_streak_and_forecast(history: History) -> None:
    env = {"STUDY_NOW": NOW.isoformat(), "COLUMNS": "80"}
    result = runner.invoke(app, ["stats", "--db", str(history.db)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Reviews, last year")
    calendar = lines[start + 1 : start + 8]
    assert [line[:4] for line in calendar] == [
        "Mon ",
        "    ",
        "Wed ",
        "    ",
        "Fri ",
        "    ",
        "Sun ",
    ]
    cells = "".join(line[4:] for line in calendar)
    studied = {_study_day(a.at) for a in history.log}
    assert sum(cells.count(shade) for shade in "░▒▓█") == len(studied)
    assert cells.count("·") == 365 - len(studied)
    # The first simulated day (a Monday, 61 answers, the busiest) is the darkest cell on Mon.
    assert "█" in calendar[0]
    current, longest = _streaks(studied, _study_day(NOW))
    assert f"Streak {current} day{'s' if current != 1 else ''}, longest {longest} days" in lines
    assert f"Studied {len(studied)} of 150 days" in result.output
    heading = lines.index("Due, next 30 days")
    bars = lines[heading + 1 : heading + 5]
    top = int(bars[0][:4])
    assert top == max(_stats(history)["forecast"]) > 0
    assert all(len(line) <= 35 for line in bars)  # a label and 30 day columns
    assert "Retention (not Again), desired 90%" in result.output


def test_at_forty_columns_every_line_fits(history: History) -> None:
    env = {"STUDY_NOW": NOW.isoformat(), "COLUMNS": "40"}
    result = runner.invoke(app, ["stats", "--db", str(history.db)], env=env)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 40
    assert "Streak " in result.output and "Due, next 30 days" in result.output


def test_stats_without_a_database_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert result.output.startswith("study: ") and result.output.count("\n") == 1


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/New_York"])
def test_answers_either_side_of_the_rollover_fall_on_their_study_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    from zoneinfo import ZoneInfo

    from study.schedule.answers import grade
    from study.schedule.store import open_store

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    local = ZoneInfo(zone)
    db = tmp_path / "study.db"
    sync_paths(db, [write_note(tmp_path / "n", 3)], NOW - timedelta(days=3))
    rollover = datetime(2026, 6, 1, 4, 0, tzinfo=local)  # 04:00 local, a study day's start
    moments = [
        rollover - timedelta(seconds=1),
        rollover,
        rollover + timedelta(hours=23, minutes=59),
    ]
    with open_store(db) as store:
        ids = [str(row[0]) for row in store.execute("SELECT id FROM card ORDER BY line", {})]
        for card_id, moment in zip(ids, moments, strict=True):
            grade(store, card_id, 3, moment, 1000, fuzz=False)
    now = datetime(2026, 6, 2, 12, 0, tzinfo=local)  # the next study day
    reviews = _stats(History(db, now), now=now)["calendar"]["reviews"]
    assert reviews[-3:] == [1, 2, 0]  # 03:59:59 is the evening before; 04:00 starts the day


def test_the_heading_names_three_decks_and_counts_more(tmp_path: Path) -> None:
    """A collection of many decks (a vault of 21 notes) would list every name in the heading,
    a paragraph wrapped over several lines: past three, it says how many."""
    for name in ("alpha", "beta", "gamma", "delta"):
        (tmp_path / f"{name}.md").write_text(f"# {name.title()}\n\n- {name} :: the answer\n")
    db = tmp_path / "study.db"
    env = {"STUDY_NOW": NOW.isoformat(), "COLUMNS": "80"}
    assert runner.invoke(app, ["sync", str(tmp_path), "--db", str(db)], env=env).exit_code == 0
    every = runner.invoke(app, ["stats", "--db", str(db)], env=env).output.splitlines()[0]
    three = runner.invoke(app, ["stats", "alpha", "beta", "gamma", "--db", str(db)], env=env)
    assert (every, three.output.splitlines()[0]) == (
        "4 cards in 4 decks",
        "3 cards in Alpha, Beta, Gamma",
    )
