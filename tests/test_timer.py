"""The daily timer: the real `crontab` program, and the systemd / launchd files parsed back.

The crontab tests run the real `crontab` on a throwaway user made for each test (a shim on
PATH adds `-u`), so the developer's own crontab is never touched, even by a killed run.
"""

from __future__ import annotations

import configparser
import os
import plistlib
import secrets
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.remind import cron, timer
from tests.support import require_program
from tests.test_remind import STUDY_NOW, make_db, utc_clock  # noqa: F401 (autouse fixture)

runner = CliRunner()
EVIL = "x; rm -rf ~"
USER_CRONTAB = (
    "# my own jobs\n"
    "MAILTO=me@example.com\n"
    "\n"
    "*/5  *  * * *   /usr/bin/backup --fast   # nightly\n"
    "@reboot  echo hi\n"
    "0 3 * * 1-5 echo 50\\% off\n"
)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary HOME: the systemd and launchd folders of these tests live in it."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return folder


@pytest.fixture
def db(study_home: Path) -> Path:
    return make_db(study_home / "study.db", {"Docker": (9, 0, 0), EVIL: (1, 0, 0)})


SHIM_FOLDER = "study-test-crontab"  # the only `crontab` these tests may run


def _crontab(*args: str, text: str | None = None) -> subprocess.CompletedProcess[str]:
    """The tests' `crontab` (the shim on PATH); never the developer's own."""
    crontab = require_program("crontab")
    assert Path(crontab).parent.name == SHIM_FOLDER, f"not the scratch crontab: {crontab}"
    return subprocess.run([crontab, *args], input=text, capture_output=True, text=True, check=False)


@pytest.fixture
def crontab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A crontab holding USER_CRONTAB that belongs to a user made for this test.

    A `crontab` shim first on PATH runs the real program with `-u` on a throwaway system user,
    so study and the test edit that user's crontab; the developer's is never read or written,
    and a killed run leaves at most a stray `study-test-*` user, never a lost line.
    """
    real = require_program("crontab")
    if os.geteuid() != 0:
        pytest.skip("needs root: the tests' crontab belongs to a user made for them (crontab -u)")
    useradd, userdel = require_program("useradd"), require_program("userdel")
    user = f"study-test-{secrets.token_hex(4)}"
    made = subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    shim = tmp_path / SHIM_FOLDER / "crontab"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(real)} -u {user} "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("STUDY_REMIND_BACKEND", "cron")
    # Its own patch, so a test's monkeypatch.undo() puts back the shim's PATH, not the real one.
    with pytest.MonkeyPatch.context() as path:
        path.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
        try:
            assert _crontab("-", text=USER_CRONTAB).returncode == 0
            yield USER_CRONTAB
        finally:
            subprocess.run([real, "-u", user, "-r"], capture_output=True, check=False)
            subprocess.run([userdel, user], capture_output=True, check=False)


def _study_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.endswith(cron.CRON_MARKER)]


def _installed() -> str:
    done = _crontab("-l")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_install_reinstall_uninstall_keep_the_users_lines(db: Path, crontab: str) -> None:
    first = runner.invoke(app, ["remind", "install", "--at", "08:30", "docker", EVIL])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("daily reminder at 08:30 (cron), next Sat 2026-11-28 08:30\n")
    text = _installed()
    assert text.startswith(crontab)
    assert len(_study_lines(text)) == 1
    assert _study_lines(text)[0].startswith("30 8 * * * ")

    again = runner.invoke(app, ["remind", "install", "--at", "21:05", "--min", "5"])
    assert again.exit_code == 0, again.output
    text = _installed()
    assert text.startswith(crontab)
    [line] = _study_lines(text)
    assert line.startswith("5 21 * * * ")
    assert line.split()[-5:] == ["check", "--min", "5", "#", "study-remind"]

    status = runner.invoke(app, ["remind", "status"])
    assert status.output.splitlines()[0] == (
        "cron: daily at 21:05, next Fri 2026-11-27 21:05 (crontab -l)"
    )
    assert status.output.splitlines()[2].startswith("  shows: ")

    gone = runner.invoke(app, ["remind", "uninstall"])
    assert gone.output == "removed the daily reminder (cron)\n"
    assert _installed() == crontab
    assert runner.invoke(app, ["remind", "uninstall"]).output == "no daily reminder was installed\n"
    assert runner.invoke(app, ["remind", "status"]).output.startswith("no daily reminder")


def test_installed_line_runs_under_sh_with_decks_kept_whole(
    db: Path, crontab: str, tmp_path: Path
) -> None:
    """Run the crontab line's command the way cron does, through /bin/sh."""
    result = runner.invoke(app, ["remind", "install", "--at", "07:00", EVIL])
    assert result.exit_code == 0, result.output
    [line] = _study_lines(_installed())
    command = line.split(None, 5)[5].replace("\\%", "%")  # cron unescapes % itself
    words = shlex.split(command, comments=True)
    assert words[0].startswith("STUDY_HOME=")
    assert Path(words[1]).is_absolute()
    assert words[-2:] == ["--", EVIL]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "STUDY_NOW": STUDY_NOW}
    done = subprocess.run(["/bin/sh", "-c", command], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"1 card due ({EVIL} 1) — run `study drill '{EVIL}'`\n"


def test_cron_line_quotes_words_and_escapes_percent() -> None:
    line = cron.cron_line(6, 0, ["/opt/study", "remind", "check", "--", "50% off"], {"A": "b c"})
    assert line == "0 6 * * * A='b c' /opt/study remind check -- '50\\% off' # study-remind"
    with pytest.raises(StudyError, match="control character"):
        cron.cron_line(6, 0, ["/opt/study", "two\nlines"], {})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "25:00"], "study: --at takes a 24-hour time of day like 08:30, not '25:00'\n"),
        (["--at", "nine"], "study: --at takes a 24-hour time of day like 08:30, not 'nine'\n"),
        (["--at", "08:30", "rust"], "study: no deck named 'rust' (decks: Docker, x; rm -rf ~)\n"),
        (["--at", "08:30", "--backend", "hourly"], "study: unknown backend 'hourly'; choose "
         "one of auto, systemd, cron, launchd\n"),
    ],
)  # fmt: skip
def test_bad_install_is_one_line_and_installs_nothing(
    db: Path, crontab: str, home: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["remind", "install", *args])
    assert (result.exit_code, result.output) == (1, message)
    assert _installed() == crontab
    assert not (home / ".config").exists()


def test_no_crontab_and_no_systemd_is_an_error(
    db: Path, crontab: str, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for backend in ("auto", "cron", "systemd"):
        result = runner.invoke(app, ["remind", "install", "--at", "08:30", "--backend", backend])
        assert result.exit_code == 1
        assert result.output.startswith("study: ")
        assert len(result.output.splitlines()) == 1
    monkeypatch.undo()
    assert _installed() == crontab
    assert not (home / ".config").exists()


def test_systemd_units_parse_and_quote_for_systemd(tmp_path: Path) -> None:
    argv = ["/opt/my study/study", "remind", "check", "--", EVIL, 'say "hi"', "50%", "$HOME"]
    paths = timer.write_systemd_units(tmp_path, 7, 5, argv, {"STUDY_HOME": "/data/my study"})
    assert [p.name for p in paths] == ["study-remind.service", "study-remind.timer"]
    units = configparser.ConfigParser(interpolation=None)
    units.read(paths)
    assert units["Timer"]["OnCalendar"] == "*-*-* 07:05:00"
    assert units["Timer"]["Persistent"] == "true"
    assert units["Timer"]["Unit"] == "study-remind.service"
    assert units["Install"]["WantedBy"] == "timers.target"
    assert units["Service"]["Type"] == "oneshot"
    assert units["Service"]["Environment"] == '"STUDY_HOME=/data/my study"'
    exec_start = units["Service"]["ExecStart"]
    assert exec_start == (
        '"/opt/my study/study" remind check -- "x; rm -rf ~" "say \\"hi\\"" "50%%" "$$HOME"'
    )
    unescaped = exec_start.replace("%%", "%").replace("$$", "$")
    assert shlex.split(unescaped) == argv  # shlex expands no $: systemd's rules once unescaped
    found = timer.systemd_status(tmp_path)
    assert found is not None
    assert (found.backend, found.at) == ("systemd", "07:05")


def test_launchd_plist_parses_with_plistlib(tmp_path: Path) -> None:
    argv = ["/opt/study", "remind", "check", "--", EVIL]
    path = timer.write_launchd_plist(tmp_path, 21, 30, argv, {"STUDY_HOME": "/data"})
    agent = plistlib.loads(path.read_bytes())
    assert path.name == "study.remind.plist"
    assert agent["Label"] == "study.remind"
    assert agent["ProgramArguments"] == argv
    assert agent["StartCalendarInterval"] == {"Hour": 21, "Minute": 30}
    assert agent["EnvironmentVariables"] == {"STUDY_HOME": "/data"}
    found = timer.launchd_status(tmp_path)
    assert found is not None
    assert (found.at, found.command) == ("21:30", shlex.join(argv))


def test_reminder_argv_is_absolute_and_carries_db(tmp_path: Path) -> None:
    argv = timer.reminder_argv(["Docker"], 3, tmp_path / "x.db")
    assert Path(argv[0]).is_absolute()
    assert argv[argv.index("remind") :] == [
        "remind", "check", "--db", str(tmp_path / "x.db"), "--min", "3", "--", "Docker",
    ]  # fmt: skip
    assert timer.reminder_environment({"STUDY_HOME": "/d"}) == {"STUDY_HOME": "/d"}
    assert timer.reminder_environment({}) == {}


def test_the_reminder_carries_what_finds_the_session_bus() -> None:
    standard = {
        "XDG_RUNTIME_DIR": "/run/user/7",
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/7/bus",
    }
    assert timer.reminder_environment(standard) == {"XDG_RUNTIME_DIR": "/run/user/7"}
    odd = {"DBUS_SESSION_BUS_ADDRESS": "unix:abstract=/tmp/dbus-x"}
    assert timer.reminder_environment(odd) == odd  # not derivable: carried as it is
    assert timer.delivery("cron", {"XDG_RUNTIME_DIR": "/run/user/7"}) == (
        "a desktop notification, through the session bus found in /run/user/7 when it fires"
    )
    assert timer.delivery("cron", {"STUDY_HOME": "/d"}).startswith("only a terminal line")
    assert timer.installed_environment(
        "STUDY_HOME=/d XDG_RUNTIME_DIR=/run/user/7 /bin/study remind check -- 'A=B'"
    ) == {"STUDY_HOME": "/d", "XDG_RUNTIME_DIR": "/run/user/7"}


def test_study_command_prefers_the_running_script(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Path(sys.executable).parent / "study"
    if script.is_file():
        monkeypatch.setattr(sys, "argv", [str(script), "remind"])
        assert timer.study_command() == [str(script.resolve())]
    monkeypatch.setattr(sys, "argv", ["-c"])
    monkeypatch.setattr(sys, "executable", "/nowhere/python3")
    assert timer.study_command() == ["/nowhere/python3", "-m", "study"]


@pytest.mark.parametrize(
    ("text", "expected"), [("08:30", (8, 30)), ("0:00", (0, 0)), ("23:59", (23, 59))]
)
def test_parse_at(text: str, expected: tuple[int, int]) -> None:
    assert timer.parse_at(text) == expected


@pytest.mark.parametrize("text", ["25:00", "nine", "12:60", "", "8:5", "08:30pm", "-1:00"])
def test_parse_at_rejects(text: str) -> None:
    with pytest.raises(StudyError):
        timer.parse_at(text)


def test_next_fire_is_today_or_tomorrow() -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert timer.next_fire(12, 1, now).isoformat() == "2026-11-27T12:01:00+00:00"
    assert timer.next_fire(12, 0, now).isoformat() == "2026-11-28T12:00:00+00:00"
    assert timer.next_fire(8, 30, now).isoformat() == "2026-11-28T08:30:00+00:00"
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    assert timer.next_fire(8, 30, now).isoformat() == "2026-11-28T08:30:00+01:00"


def test_a_user_without_a_crontab_is_left_without_one(db: Path, crontab: str) -> None:
    _crontab("-r")
    assert runner.invoke(app, ["remind", "install", "--at", "08:30"]).exit_code == 0
    assert len(_study_lines(_installed())) == 1
    assert runner.invoke(app, ["remind", "uninstall"]).exit_code == 0
    assert "no crontab for" in _crontab("-l").stderr


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """systemd's own parser (`systemd-analyze verify`) reads the units without a complaint."""
    analyze = require_program("systemd-analyze")
    program = tmp_path / "my study" / "study"
    program.parent.mkdir()
    program.symlink_to("/bin/echo")
    argv = [str(program), "remind", "check", "--", EVIL, 'say "hi"', "50%", "$HOME", "a\\b"]
    units = tmp_path / "units"
    paths = timer.write_systemd_units(units, 7, 5, argv, {"STUDY_HOME": "/data/my study"})
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_LEVEL": "notice"}
    done = subprocess.run([analyze, "verify", "--user", *map(str, paths)], env=env, cwd=units,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_install_and_status_say_how_the_reminder_reaches_the_user(
    db: Path, crontab: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/run/user/7")
    shown = "  shows: a desktop notification, through the session bus found in /run/user/7"
    installed = runner.invoke(app, ["remind", "install", "--at", "08:30"])
    assert installed.exit_code == 0, installed.output
    assert installed.output.splitlines()[2] == f"{shown} when it fires"
    assert " XDG_RUNTIME_DIR=/run/user/7 " in _study_lines(_installed())[0]
    status = runner.invoke(app, ["remind", "status"])
    assert status.output.splitlines()[2] == f"{shown} when it fires"

    monkeypatch.delenv("XDG_RUNTIME_DIR")
    bare = runner.invoke(app, ["remind", "install", "--at", "08:30"])
    assert bare.output.splitlines()[2].startswith("  shows: only a terminal line: cron runs")
    runner.invoke(app, ["remind", "uninstall"])
