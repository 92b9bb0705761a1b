"""The fsrs adapter: settings (validated, stored), the study day, intervals, `study config`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.schedule.config import set_setting
from study.schedule.rules import day_start
from study.schedule.scheduler import Foreseen, Settings, load_settings, make_scheduler, review
from study.schedule.schema import stamp
from study.schedule.settings import DEFAULTS, parse_steps, read_stored, validate
from study.schedule.store import open_store
from tests.conftest import local_zone

runner = CliRunner()
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from local_zone(monkeypatch, "America/New_York")


def test_defaults_parse_to_the_documented_settings() -> None:
    settings = Settings.from_text({})
    assert settings == Settings()
    assert settings.desired_retention == 0.9
    assert settings.learning_steps == (timedelta(minutes=1), timedelta(minutes=10))
    assert settings.new_per_day == 20
    assert settings.rollover_hour == 4
    assert settings.fuzz is True
    assert settings.learn_ahead == timedelta(0)  # a learning card is never shown early
    assert settings.leech_lapses == 8  # Anki's leech threshold
    assert set(DEFAULTS) == {
        "learn_ahead",
        "leech_lapses",
        "desired_retention",
        "learning_steps",
        "relearning_steps",
        "new_per_day",
        "reviews_per_day",
        "maximum_interval",
        "rollover_hour",
        "fuzz",
        "parameters",
        "backups",
    }
    assert DEFAULTS["backups"] == "7"


def test_steps_parse_units() -> None:
    assert parse_steps("30s 1m, 2h 1d") == (
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(hours=2),
        timedelta(days=1),
    )
    assert parse_steps("") == ()


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("desired_retention", "0.95", "0.95"),
        ("learning_steps", "1M  5m,20m", "1m 5m 20m"),
        ("relearning_steps", "", ""),
        ("new_per_day", "0", "0"),
        ("reviews_per_day", " 500 ", "500"),
        ("maximum_interval", "365", "365"),
        ("rollover_hour", "0", "0"),
        ("fuzz", "OFF", "off"),
        ("fuzz", "yes", "on"),
    ],
)
def test_valid_values_are_normalised(key: str, value: str, stored: str) -> None:
    assert validate(key, value) == stored


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("desired_retention", "1.5", "out of range"),
        ("desired_retention", "high", "not a number"),
        ("learning_steps", "1x", "bad step"),
        ("new_per_day", "-1", "out of range"),
        ("new_per_day", "2.5", "not a number"),
        ("rollover_hour", "24", "out of range"),
        ("maximum_interval", "0", "out of range"),
        ("fuzz", "maybe", "not on or off"),
        ("colour", "red", "unknown setting"),
    ],
)
def test_bad_values_are_refused(key: str, value: str, message: str) -> None:
    with pytest.raises(StudyError, match=message):
        validate(key, value)


@pytest.mark.usefixtures("new_york")
@pytest.mark.parametrize(
    ("now", "start"),
    [
        # 03:59 EST is still the evening before's study day.
        (datetime(2026, 1, 10, 8, 59, tzinfo=UTC), datetime(2026, 1, 9, 9, 0, tzinfo=UTC)),
        (datetime(2026, 1, 10, 9, 0, tzinfo=UTC), datetime(2026, 1, 10, 9, 0, tzinfo=UTC)),
        (datetime(2026, 1, 11, 4, 0, tzinfo=UTC), datetime(2026, 1, 10, 9, 0, tzinfo=UTC)),
        # DST began at 02:00 on 8 March: the day starts at 04:00 EDT, 08:00 UTC.
        (datetime(2026, 3, 8, 16, 0, tzinfo=UTC), datetime(2026, 3, 8, 8, 0, tzinfo=UTC)),
        (datetime(2026, 3, 8, 7, 59, tzinfo=UTC), datetime(2026, 3, 7, 9, 0, tzinfo=UTC)),
    ],
)
def test_the_study_day_starts_at_four_local_time(now: datetime, start: datetime) -> None:
    assert day_start(now, 4) == start
    assert day_start(now, 4).tzinfo == UTC


@pytest.mark.usefixtures("new_york")
def test_rollover_hour_moves_the_day_start() -> None:
    now = datetime(2026, 1, 10, 6, 30, tzinfo=UTC)  # 01:30 EST
    assert day_start(now, 0) == datetime(2026, 1, 10, 5, 0, tzinfo=UTC)
    assert day_start(now, 4) == datetime(2026, 1, 9, 9, 0, tzinfo=UTC)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        day_start(datetime(2026, 1, 1), 4)


def test_settings_are_stored_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with open_store(db) as store:
        assert set_setting(store, "new_per_day", "7") == "7"
        set_setting(store, "fuzz", "off")
    with open_store(db) as store:
        settings = load_settings(store)
        assert (settings.new_per_day, settings.fuzz) == (7, False)
        listed = read_stored(store.execute).values()
        assert listed["new_per_day"] == "7"
        assert listed["desired_retention"] == "0.9"
    with sqlite3.connect(db) as raw:
        assert dict(raw.execute("SELECT key, value FROM setting")) == {
            "new_per_day": "7",
            "fuzz": "off",
        }


def test_unknown_stored_keys_are_ignored() -> None:
    assert Settings.from_text({"from_a_newer_release": "x"}) == Settings()


def test_config_lists_sets_and_shows(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    listing = runner.invoke(app, ["config", "--db", db])
    assert listing.exit_code == 0, listing.output
    assert "new_per_day" in listing.output
    assert "desired_retention  0.9" in listing.output
    changed = runner.invoke(app, ["config", "new_per_day", "30", "--db", db])
    assert changed.exit_code == 0
    assert changed.output == "new_per_day = 30\n"
    shown = runner.invoke(app, ["config", "new_per_day", "--db", db])
    assert shown.output == "30\n"


def test_config_bad_value_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["config", "rollover_hour", "25", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == "study: rollover_hour: 25 is out of range (0 to 23)\n"
    assert not db.exists()
    unknown = runner.invoke(app, ["config", "colour", "red", "--db", str(db)])
    assert unknown.exit_code == 1
    assert unknown.output.startswith("study: unknown setting 'colour'")


def test_config_a_negative_value_is_refused_with_its_range_not_as_an_option(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["config", "new_per_day", "-5", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == "study: new_per_day: -5 is out of range (0 to 100000)\n"
    typo = runner.invoke(app, ["config", "--dek", "git", "--db", str(db)])
    assert (typo.exit_code, typo.output) == (
        1,
        "study: no option --dek; `study config -h` lists them\n",
    )
    assert not db.exists()


def test_config_listing_fits_40_columns_without_splitting_words(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    result = runner.invoke(app, ["config", "--db", db], env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert lines[:3] == [
        "desired_retention  0.9",
        "    chance of recalling a card when it",
        "    falls due (0.70-0.99)",
    ]
    assert "parameters         FSRS-6 defaults" in lines


def test_config_listing_at_80_columns_keeps_help_beside_the_values(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    result = runner.invoke(app, ["config", "--db", db], env={"COLUMNS": "80"})
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    at = lines.index("backups            7                daily copies of the database kept in")
    assert lines[at + 1] == "                                    backups/ beside it (0: none)"


def test_config_reading_the_settings_makes_no_database(tmp_path: Path) -> None:
    db = tmp_path / "new" / "s.db"
    shown = runner.invoke(app, ["config", "new_per_day", "--db", str(db)])
    assert (shown.exit_code, shown.output) == (0, "20\n")
    listing = runner.invoke(app, ["config", "--db", str(db)])
    assert listing.output.startswith("desired_retention  0.9")
    deck = runner.invoke(app, ["config", "--deck", "git", "--db", str(db)])
    assert deck.exit_code == 1
    assert deck.output == f"study: no study database at {db}; run `study sync PATH` first\n"
    assert not (tmp_path / "new").exists()


def test_config_refuses_a_file_that_is_not_a_study_database(tmp_path: Path) -> None:
    db = tmp_path / "todo.txt"
    db.write_text("buy milk\n")
    result = runner.invoke(app, ["config", "new_per_day", "5", "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "not a study database" in result.output
    assert db.read_text() == "buy milk\n"


def test_a_bad_stored_value_is_a_study_error() -> None:
    with pytest.raises(StudyError, match=r"stored setting new_per_day: 'lots' is not a number"):
        Settings.from_text({"new_per_day": "lots"})


class _Row(NamedTuple):
    """A card's schedule as the drill reads it (stamp text for the moments)."""

    id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: str
    last_review: str | None


def _as_row(state: int, stability: float, difficulty: float, last: datetime | None) -> _Row:
    step = {1: 0, 2: None, 3: 0}[state]
    if last is None:  # a new card
        return _Row("c1", 1, 0, None, None, stamp(NOW), None)
    return _Row("c1", state, step, stability, difficulty, stamp(last), stamp(last))


@settings(max_examples=50, deadline=None)
@given(
    state=st.sampled_from([1, 2, 3]),
    stability=st.floats(0.1, 400),
    difficulty=st.floats(1, 10),
    since=st.one_of(st.none(), st.integers(0, 90 * 86400)),
    reading=st.integers(0, 3 * 86400),
    rating=st.sampled_from([1, 2, 3, 4]),
)
def test_the_outcome_foreseen_at_the_back_is_the_one_fsrs_gives_at_the_key(
    state: int, stability: float, difficulty: float, since: int | None, reading: int, rating: int
) -> None:
    """What the drill foresees when the back is shown is, moved on by the time the user read
    it, what fsrs gives at the key, fuzz on; and it declines (None) whenever fsrs would see
    another number of whole days since the last review."""
    shown = NOW + timedelta(seconds=since or 0)
    row = _as_row(state, stability, difficulty, None if since is None else NOW)
    scheduler = make_scheduler(Settings(fuzz=True))
    foreseen = Foreseen(scheduler, row, shown)
    key = shown + timedelta(seconds=reading)
    after = foreseen.after(row, rating, key)
    fresh = review(scheduler, row, rating, key, None)[0]
    same_days = since is None or (key - NOW).days == (shown - NOW).days
    assert (after is not None) == same_days
    if after is not None:
        fields = ("state", "step", "stability", "difficulty", "due", "last_review")
        assert [getattr(after, f) for f in fields] == [getattr(fresh, f) for f in fields]
    assert foreseen.after(row._replace(stability=stability + 1), rating, key) is None


def test_foreseen_intervals_are_the_labels() -> None:
    row = _as_row(1, 0, 0, None)  # new, at NOW: the steps 1m and 10m; Easy 8 days (FSRS-6)
    foreseen = Foreseen(make_scheduler(Settings(fuzz=False)), row, NOW)
    assert foreseen.intervals() == {
        1: timedelta(minutes=1),
        2: timedelta(minutes=5, seconds=30),  # halfway between the first two steps
        3: timedelta(minutes=10),
        4: timedelta(days=8),
    }
