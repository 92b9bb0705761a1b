"""`study remind ics`: the calendar file read back with the icalendar package."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from study.cli import app
from study.remind.ical import event_uid, reminder_calendar, write_calendar
from tests.test_remind import STUDY_NOW, make_db

runner = CliRunner()
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDY_NOW", STUDY_NOW)


def _event(data: bytes):  # type: ignore[no-untyped-def]
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_daily_event_with_an_alarm() -> None:
    calendar, event = _event(reminder_calendar(8, 30, NOW, ["Docker"]))
    assert str(calendar["VERSION"]) == "2.0"
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    start = event.decoded("DTSTART")
    assert (start.tzinfo, start.time()) == (None, time(8, 30))  # floating: 08:30 anywhere
    assert event.decoded("DURATION") == timedelta(minutes=15)
    assert event.decoded("DTSTAMP") == NOW
    assert "study drill Docker" in str(event["DESCRIPTION"])
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(0)


def test_uid_is_stable_per_deck_set() -> None:
    later = NOW + timedelta(days=3)
    first = _event(reminder_calendar(8, 30, NOW, ["Docker", "Git"]))[1]
    second = _event(reminder_calendar(21, 0, later, ["git", "docker"]))[1]
    assert str(first["UID"]) == str(second["UID"]) == event_uid(["Docker", "Git"])
    assert event_uid(["Docker"]) != event_uid([])


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "calendars"
    folder.mkdir()
    target = folder / "study.ics"
    target.write_text("old")
    write_calendar(target, 7, 0, NOW)
    assert _event(target.read_bytes())[1].decoded("DTSTART").time() == time(7, 0)
    assert [p.name for p in folder.iterdir()] == ["study.ics"]


def test_cli_writes_the_file(study_home: Path, tmp_path: Path) -> None:
    make_db(study_home / "study.db", {"Docker": (1, 0, 0)})
    target = tmp_path / "out" / "study.ics"
    result = runner.invoke(app, ["remind", "ics", "-o", str(target), "--at", "06:45", "docker"])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {target}: a daily event at 06:45 with an alarm\n"
    event = _event(target.read_bytes())[1]
    assert "study drill Docker" in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "25:00"], "study: --at takes a 24-hour time of day like 08:30, not '25:00'\n"),
        (["--at", "9:00", "rust"], "study: no deck named 'rust' (decks: Docker)\n"),
    ],
)
def test_cli_bad_input_writes_nothing(
    study_home: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    make_db(study_home / "study.db", {"Docker": (1, 0, 0)})
    target = tmp_path / "study.ics"
    result = runner.invoke(app, ["remind", "ics", "-o", str(target), *args])
    assert (result.exit_code, result.output) == (1, message)
    assert not target.exists()
