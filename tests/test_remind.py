"""`study remind`: the reminder line, who gets it (a stand-in notify-send), `study due --brief`."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.remind.reminder import check, notifier_command, resolve_decks, session_bus
from study.schedule.due import deck_names
from study.schedule.duereport import brief_line
from study.schedule.store import open_store
from tests.conftest import local_zone
from tests.support import help_commands

runner = CliRunner()
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
STUDY_NOW = NOW.isoformat()
MESSAGE = "12 cards due (Docker 9, Git 3) — run `study drill`"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def make_db(path: Path, decks: dict[str, tuple[int, int, int]]) -> Path:
    """A real study database (the store's own schema) with, per deck, (reviews due now,
    new cards, reviews due in five days)."""
    open_store(path).close()
    rows = []
    for deck, (due, new, later) in decks.items():
        kinds = [("due", due), ("new", new), ("later", later)]
        for what, count in kinds:
            for n in range(count):
                card_id = f"{deck}-{what}-{n}"
                reviewed = None if what == "new" else _stamp(NOW - timedelta(days=10))
                when = {"due": NOW - timedelta(days=1), "new": NOW - timedelta(hours=1)}
                due_at = when.get(what, NOW + timedelta(days=5))
                state = 1 if what == "new" else 2
                where = (f"/notes/{deck}.md", deck, "basic", f"q{n}", "a", f"{deck}.md", n + 1)
                rows.append(
                    (card_id, card_id, *where, state, _stamp(due_at), reviewed, _stamp(NOW))
                )
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO card (id, note, note_path, deck, kind, front, back, source, line, state,"
            " due, last_review, added) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    db.close()
    return path


@pytest.fixture(autouse=True)
def utc_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC and the CLI's clock is fixed, so every count and time is exact."""
    monkeypatch.setenv("STUDY_NOW", STUDY_NOW)
    yield from local_zone(monkeypatch, "UTC")


@pytest.fixture
def db(study_home: Path) -> Path:
    decks = {"Docker": (9, 0, 4), "Git": (0, 3, 0), "Data Science": (0, 0, 2)}
    return make_db(study_home / "study.db", decks)


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `notify-send` on PATH that records its arguments, one per line, in a file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "notify-send.args"
    script = bin_dir / "notify-send"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{record}"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/0/bus")
    return record


def test_message_names_decks_busiest_first(db: Path) -> None:
    assert check(db, NOW) == MESSAGE


def test_message_for_chosen_decks_suggests_drilling_them(db: Path) -> None:
    assert check(db, NOW, ["git"]) == "3 cards due (Git 3) — run `study drill Git`"
    assert check(db, NOW, ["docker", "Git"], minimum=12) == (
        "12 cards due (Docker 9, Git 3) — run `study drill Docker Git`"
    )


def test_min_holds_back_small_reminders(db: Path) -> None:
    assert check(db, NOW, minimum=12) == MESSAGE
    assert check(db, NOW, minimum=13) == ""


def test_nothing_due_is_no_message(db: Path) -> None:
    assert check(db, NOW, ["Data Science"]) == ""


def test_decks_resolve_case_insensitively_and_unknown_is_an_error(db: Path) -> None:
    assert deck_names(db) == ["Data Science", "Docker", "Git"]
    assert resolve_decks(db, ["docker", "DOCKER", "git"]) == ["Docker", "Git"]
    with pytest.raises(StudyError, match="no deck named 'rust'"):
        resolve_decks(db, ["rust"])


def test_brief_line_for_prompts(db: Path) -> None:
    from study.schedule.due import due_counts

    assert brief_line(due_counts(db, NOW)) == "docker:9 git:3"
    later = due_counts(db, NOW + timedelta(days=5))
    assert brief_line(later) == "data-science:2 docker:13 git:3"
    assert brief_line(due_counts(db, NOW, ["Data Science"])) == ""


def test_cli_sends_a_notification_and_prints_nothing_when_not_a_terminal(
    db: Path, stand_in: Path
) -> None:
    result = runner.invoke(app, ["remind"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert stand_in.read_text(encoding="utf-8").splitlines() == [
        "--app-name=study",
        "study",
        MESSAGE,
    ]


def test_cli_prints_when_there_is_no_session_bus(
    db: Path, stand_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    result = runner.invoke(app, ["remind", "--min", "2", "docker"])
    assert result.exit_code == 0, result.output
    assert result.output == "9 cards due (Docker 9) — run `study drill Docker`\n"
    assert not stand_in.exists()


def test_cli_sends_nothing_when_nothing_is_due(db: Path, stand_in: Path) -> None:
    for args in (["remind", "Data Science"], ["remind", "check", "--min", "13"]):
        result = runner.invoke(app, args)
        assert (result.exit_code, result.output) == (0, "")
    assert not stand_in.exists()


def test_cli_explicit_db(tmp_path: Path, stand_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    other = make_db(tmp_path / "other.db", {"Rust": (1, 0, 0)})
    result = runner.invoke(app, ["remind", "--db", str(other)])
    assert result.output == "1 card due (Rust 1) — run `study drill`\n"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["remind", "rust"], "study: no deck named 'rust' (decks: Data Science, Docker, Git)\n"),
        (["remind", "--min", "0"], None),
    ],
)
def test_cli_bad_input_is_one_line(db: Path, args: list[str], error: str | None) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    if error is not None:
        assert result.output == error


def test_cli_without_a_database_says_what_to_do(study_home: Path) -> None:
    result = runner.invoke(app, ["remind"])
    assert result.exit_code == 1
    assert result.output.startswith("study: no study database at ")
    assert len(result.output.splitlines()) == 1


def test_notifier_choice_by_platform(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("notify-send", "osascript"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    linux = {"PATH": str(bin_dir), "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1/bus"}
    assert notifier_command("hi", linux, "linux") == [
        str(bin_dir / "notify-send"), "--app-name=study", "study", "hi",
    ]  # fmt: skip
    assert notifier_command("hi", {"PATH": str(bin_dir)}, "linux") is None
    assert notifier_command('say "x" \\ y', {"PATH": str(bin_dir)}, "darwin") == [
        str(bin_dir / "osascript"), "-e",
        'display notification "say \\"x\\" \\\\ y" with title "study"',
    ]  # fmt: skip
    assert notifier_command("hi", {"PATH": str(tmp_path)}, "darwin") is None


def test_remind_help_lists_the_subcommands() -> None:
    result = runner.invoke(app, ["remind", "-h"])
    assert result.exit_code == 0
    assert help_commands(result.output) == ["check", "install", "uninstall", "status", "ics"]


def test_due_brief_for_shell_prompts(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = runner.invoke(app, ["due", "--brief"])
    assert (result.exit_code, result.output) == (0, "docker:9 git:3\n")
    assert runner.invoke(app, ["due", "--brief", "Data Science"]).output == ""
    from study.launch import entry  # the console script's fast path, without Typer

    for args, printed in (
        (["due", "--brief"], "docker:9 git:3\n"),
        (["due", "--brief", "Git"], "git:3\n"),
        (["due", "--brief", "Data Science"], ""),
    ):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("sys.argv", ["study", *args])
            entry()
        assert capsys.readouterr().out == printed


def test_cli_a_file_that_is_not_a_study_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not sqlite")
    for args in (["remind", "--db", str(bogus)], ["remind", "--db", str(bogus), "docker"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert result.output.startswith(f"study: {bogus} is not a ")
        assert len(result.output.splitlines()) == 1
    assert bogus.read_text() == "not sqlite"


def test_end_to_end_after_a_real_sync(study_home: Path, stand_in: Path) -> None:
    """The bundled deck through `study sync`: 20 new cards a day (the default limit) are due."""
    from tests.support import DECKS

    synced = runner.invoke(app, ["sync", str(DECKS / "docker.md")])
    assert synced.exit_code == 0, synced.output
    assert runner.invoke(app, ["due", "--brief"]).output == "docker:20\n"
    assert runner.invoke(app, ["remind", "--min", "21"]).output == ""
    assert not stand_in.exists()
    assert runner.invoke(app, ["remind"]).output == ""
    message = "20 cards due (Docker 20) — run `study drill`"
    assert stand_in.read_text(encoding="utf-8").splitlines()[-1] == message


def test_in_a_terminal_it_notifies_and_prints(db: Path, stand_in: Path, tmp_path: Path) -> None:
    """A real terminal (tmux): stdout is a tty, so the line is printed beside the notification."""
    import shlex
    import subprocess
    import sys

    from tests.support import require_program

    tmux = require_program("tmux")
    socket = f"study-remind-{os.getpid()}"
    env = {
        key: os.environ[key]
        for key in ("PATH", "STUDY_HOME", "STUDY_NOW", "TZ", "DBUS_SESSION_BUS_ADDRESS")
    }
    study = Path(sys.executable).parent / "study"
    command = [str(study) if study.is_file() else sys.executable, "remind"]
    if not study.is_file():
        command[1:1] = ["-m", "study"]
    words = ["env", *(f"{k}={v}" for k, v in env.items()), *command]
    shell = f"{shlex.join(words)}; echo REMIND-DONE; sleep 30"
    subprocess.run([tmux, "-L", socket, "new-session", "-d", "-s", "r", "-x", "150", "-y", "10",
                    shell], check=True, timeout=10)  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        screen = ""
        while "REMIND-DONE" not in screen and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = subprocess.run([tmux, "-L", socket, "capture-pane", "-p", "-t", "r"],
                                    capture_output=True, text=True, check=True).stdout  # fmt: skip
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True, check=False)
    assert screen.splitlines()[0] == MESSAGE, screen
    assert stand_in.read_text(encoding="utf-8").splitlines() == [
        "--app-name=study",
        "study",
        MESSAGE,
    ]


def bus_socket(folder: Path) -> Iterator[Path]:
    """A listening Unix socket named `bus` in `folder`, as a desktop session has one."""
    import socket

    path = folder / "bus"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        yield path


@pytest.fixture
def runtime_dir() -> Iterator[Path]:
    # A short path: a Unix socket's name may not be longer than ~100 bytes.
    with tempfile.TemporaryDirectory(prefix="study-run-") as folder:
        yield from bus_socket(Path(folder))


def test_session_bus_is_found_from_the_runtime_folder(runtime_dir: Path, tmp_path: Path) -> None:
    assert session_bus({"DBUS_SESSION_BUS_ADDRESS": "unix:abstract=/x"}) == "unix:abstract=/x"
    folder = str(runtime_dir.parent)
    assert session_bus({"XDG_RUNTIME_DIR": folder}) == f"unix:path={runtime_dir}"
    assert session_bus({"XDG_RUNTIME_DIR": str(tmp_path)}) is None  # no socket there
    assert session_bus({}) is None


def test_a_reminder_from_cron_reaches_the_desktop_by_its_runtime_folder(
    db: Path, stand_in: Path, runtime_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # cron's environment: no bus address, only what the installed line carried.
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime_dir.parent))
    script = stand_in.parent / "bin" / "notify-send"
    script.write_text(f'#!/bin/sh\necho "$DBUS_SESSION_BUS_ADDRESS" >> "{stand_in}"\n')
    result = runner.invoke(app, ["remind"])
    assert (result.exit_code, result.output) == (0, "")
    assert stand_in.read_text(encoding="utf-8") == f"unix:path={runtime_dir}\n"


def test_a_reminder_names_the_three_busiest_decks_and_counts_the_rest() -> None:
    """A vault of 21 notes made a notification listing 21 decks: the three that need the user
    most are named, the others counted."""
    from study.remind.reminder import due_message
    from study.schedule.due import DeckDue

    counts = [DeckDue(name, 0, 0, new, 0, 0) for name, new in [
        ("Git", 20), ("SSH", 7), ("Docker", 19), ("Pilas", 6), ("Bash", 20), ("Empty", 0)
    ]]  # fmt: skip
    assert due_message(counts) == (
        "72 cards due (Bash 20, Git 20, Docker 19 and 2 more decks) — run `study drill`"
    )
    assert due_message(counts[:3]) == "46 cards due (Git 20, Docker 19, SSH 7) — run `study drill`"
    assert due_message(counts[:4]) == (
        "52 cards due (Git 20, Docker 19, SSH 7 and 1 more deck) — run `study drill`"
    )
