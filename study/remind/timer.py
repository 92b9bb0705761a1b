"""The daily timer running `study remind`: a systemd user timer, a crontab line or a launchd agent.

One reminder is installed at a time, whichever backend holds it: installing again replaces it
and removes it from the other backends, so a user never gets two reminders a day. The command
put in the timer is the absolute path of the running `study` with every argument quoted, so a
deck named `x; rm -rf ~` stays a deck name. The file writers take their folder as an argument
so tests can parse what they write.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from study.atomic import write_atomic
from study.errors import StudyError
from study.remind.cron import check_printable, cron_install, cron_remove, cron_status
from study.schedule.dburl import carried_db as _carried_db

BACKENDS = ("auto", "systemd", "cron", "launchd")
UNIT = "study-remind"  # the systemd .service and .timer names
LABEL = "study.remind"  # the launchd agent label and plist name
TIMEOUT = 15  # seconds for systemctl / crontab / launchctl


@dataclass(frozen=True)
class Installed:
    """A reminder found installed: where, when, and the command it runs."""

    backend: str
    hour: int
    minute: int
    command: str
    where: str

    @property
    def at(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def parse_at(text: str) -> tuple[int, int]:
    """`"08:30"` -> (8, 30); anything else that is not a 24-hour time of day is a StudyError."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise StudyError(f"--at takes a 24-hour time of day like 08:30, not {text!r}")
    return int(match[1]), int(match[2])


def next_fire(hour: int, minute: int, now: datetime) -> datetime:
    """The next local time at hour:minute strictly after `now` (an aware datetime)."""
    local = now.astimezone()
    day = local.date()
    for _ in range(3):
        candidate = datetime.combine(day, time(hour, minute)).astimezone()
        if candidate > local:
            return candidate
        day += timedelta(days=1)
    raise AssertionError("unreachable: a daily time recurs within two days")


def study_command() -> list[str]:
    """The absolute command of the running `study`, for a timer that runs without our PATH."""
    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name == "study":
        found = argv0 if os.sep in argv0 else shutil.which(argv0)
        if found and Path(found).is_file():
            return [str(Path(found).resolve())]
    beside = Path(sys.executable).parent / "study"
    if beside.is_file():
        return [str(beside.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "study"]


def reminder_argv(decks: Sequence[str] = (), minimum: int = 1, db: Path | None = None) -> list[str]:
    """The full command a timer runs: `study remind check [--db] [--min] -- DECK...`.

    A server's URL goes in as it is (StudyError if it holds a password: the line is readable
    in the process list and the timer's files); a file's path, absolute."""
    argv = [*study_command(), "remind", "check"]
    if db is not None:
        argv += ["--db", _carried_db(str(db))]
    if minimum != 1:
        argv += ["--min", str(minimum)]
    return [*argv, "--", *decks] if decks else argv


def reminder_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables the timer must carry over: STUDY_HOME, so it reads the same database, and
    what finds the desktop's session bus when it fires (`reminder.session_bus`): the runtime
    folder, and the bus address only when it is not the folder's standard socket."""
    env = os.environ if env is None else env
    carried = {}
    home = env.get("STUDY_HOME")
    if home:
        carried["STUDY_HOME"] = str(Path(home).expanduser().absolute())
    if env.get("STUDY_DB"):
        carried["STUDY_DB"] = _carried_db(env["STUDY_DB"])
    # Where libpq finds a server's password and services: files, so never the password itself
    # (PGPASSWORD is not carried: it would be written into the timer line).
    for name in ("PGPASSFILE", "PGSERVICEFILE"):
        if env.get(name):
            carried[name] = str(Path(env[name]).expanduser().absolute())
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime:
        carried["XDG_RUNTIME_DIR"] = runtime
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address and address != f"unix:path={Path(runtime or '/nonexistent', 'bus')}":
        carried["DBUS_SESSION_BUS_ADDRESS"] = address
    return carried


def installed_environment(command: str) -> dict[str, str]:
    """The `NAME=value` words a crontab command starts with (what `cron_line` wrote)."""
    carried = {}
    for word in shlex.split(command):
        name, equals, value = word.partition("=")
        if not (equals and re.fullmatch(r"[A-Z_][A-Z0-9_]*", name)):
            break
        carried[name] = value
    return carried


def delivery(backend: str, env: Mapping[str, str]) -> str:
    """How an installed reminder will reach the user, said plainly."""
    if backend == "launchd":
        return "a macOS notification"
    if backend == "systemd":
        return "a desktop notification (the systemd user manager knows the session bus)"
    if "DBUS_SESSION_BUS_ADDRESS" in env or "XDG_RUNTIME_DIR" in env:
        where = env.get("XDG_RUNTIME_DIR", "the session bus address")
        return f"a desktop notification, through the session bus found in {where} when it fires"
    return (
        "only a terminal line: cron runs without the desktop session's bus, and none was found"
        " to carry (cron mails the line, if mail is set up)"
    )


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT, check=False,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess(command, 127, "", str(error))


# --- systemd ------------------------------------------------------------------------------


def systemd_quote(word: str) -> str:
    """One ExecStart/Environment word: systemd's own quoting, not the shell's.

    systemd only accepts a quote around a whole word (no `'"'"'` trick), expands `%`
    specifiers and `$VARIABLES`, so those are doubled and the rest is C-escaped.
    """
    escaped = word.replace("%", "%%").replace("$", "$$")
    if re.fullmatch(r"[\w@+=:,./-]+", escaped):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unit_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where systemd looks for the user's own units."""
    env = os.environ if env is None else env
    config = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def write_systemd_units(
    folder: Path, hour: int, minute: int, argv: Sequence[str], env: Mapping[str, str]
) -> list[Path]:
    """Write study-remind.service and study-remind.timer into `folder`; returns both paths."""
    check_printable(argv, env)
    environment = "".join(f"Environment={systemd_quote(f'{k}={v}')}\n" for k, v in env.items())
    service = (
        "[Unit]\nDescription=study: remind of the cards due today\n\n"
        "[Service]\nType=oneshot\n"
        f"{environment}ExecStart={' '.join(systemd_quote(word) for word in argv)}\n"
    )
    timer = (
        f"[Unit]\nDescription=study: daily review reminder at {hour:02d}:{minute:02d}\n\n"
        f"[Timer]\nOnCalendar=*-*-* {hour:02d}:{minute:02d}:00\nPersistent=true\n"
        f"Unit={UNIT}.service\n\n[Install]\nWantedBy=timers.target\n"
    )
    paths = [folder / f"{UNIT}.service", folder / f"{UNIT}.timer"]
    for path, text in zip(paths, (service, timer), strict=True):
        write_atomic(path, text.encode("utf-8"))
    return paths


def systemd_answers() -> bool:
    """True when a systemd user manager is really there (not just the systemctl program)."""
    systemctl = shutil.which("systemctl")
    return bool(systemctl) and _run(str(systemctl), "--user", "show-environment").returncode == 0


def _systemctl(*args: str) -> subprocess.CompletedProcess[str]:
    return _run(shutil.which("systemctl") or "systemctl", "--user", *args)


def systemd_install(
    folder: Path, hour: int, minute: int, argv: Sequence[str], env: Mapping[str, str]
) -> None:
    paths = write_systemd_units(folder, hour, minute, argv, env)
    for step in (["daemon-reload"], ["enable", f"{UNIT}.timer"], ["restart", f"{UNIT}.timer"]):
        done = _systemctl(*step)
        if done.returncode != 0:
            for path in paths:
                path.unlink(missing_ok=True)
            _systemctl("daemon-reload")
            raise StudyError(f"`systemctl --user {' '.join(step)}` failed: {done.stderr.strip()}")


def systemd_remove(folder: Path) -> bool:
    paths = [folder / f"{UNIT}.service", folder / f"{UNIT}.timer"]
    if not any(path.exists() for path in paths):
        return False
    if shutil.which("systemctl"):
        _systemctl("disable", "--now", f"{UNIT}.timer")
    for path in paths:
        path.unlink(missing_ok=True)
    if shutil.which("systemctl"):
        _systemctl("daemon-reload")
    return True


def systemd_status(folder: Path) -> Installed | None:
    import configparser

    timer, service = folder / f"{UNIT}.timer", folder / f"{UNIT}.service"
    if not timer.is_file():
        return None
    units = configparser.ConfigParser(interpolation=None, strict=False)
    units.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        units.read([timer, service], encoding="utf-8")
        when = re.search(r"(\d{2}):(\d{2})", units["Timer"]["OnCalendar"])
        command = units["Service"]["ExecStart"] if units.has_section("Service") else "?"
    except (configparser.Error, KeyError):
        when = None
    if when is None:
        raise StudyError(f"cannot read {timer}: remove it with `study remind uninstall`")
    return Installed("systemd", int(when[1]), int(when[2]), command, str(timer))


# --- launchd ------------------------------------------------------------------------------


def agent_dir() -> Path:
    """Where launchd looks for the user's own agents (macOS)."""
    return Path.home() / "Library" / "LaunchAgents"


def write_launchd_plist(
    folder: Path, hour: int, minute: int, argv: Sequence[str], env: Mapping[str, str]
) -> Path:
    """Write the launchd agent into `folder`. launchd takes the argv as a list: no quoting."""
    agent: dict[str, object] = {
        "Label": LABEL,
        "ProgramArguments": list(argv),
        "StartCalendarInterval": {"Hour": hour, "Minute": minute},
        "ProcessType": "Background",
    }
    if env:
        agent["EnvironmentVariables"] = dict(env)
    path = folder / f"{LABEL}.plist"
    write_atomic(path, plistlib.dumps(agent))
    return path


def _launchctl(*args: str) -> subprocess.CompletedProcess[str]:
    return _run(shutil.which("launchctl") or "launchctl", *args)


def launchd_install(
    folder: Path, hour: int, minute: int, argv: Sequence[str], env: Mapping[str, str]
) -> None:
    path = write_launchd_plist(folder, hour, minute, argv, env)
    domain = f"gui/{os.getuid()}"
    _launchctl("bootout", f"{domain}/{LABEL}")  # the old agent, if loaded; may fail harmlessly
    done = _launchctl("bootstrap", domain, str(path))
    if done.returncode != 0:
        path.unlink(missing_ok=True)
        raise StudyError(f"`launchctl bootstrap` failed: {done.stderr.strip()}")


def launchd_remove(folder: Path) -> bool:
    path = folder / f"{LABEL}.plist"
    if not path.exists():
        return False
    if shutil.which("launchctl"):
        _launchctl("bootout", f"gui/{os.getuid()}/{LABEL}")
    path.unlink(missing_ok=True)
    return True


def launchd_status(folder: Path) -> Installed | None:
    path = folder / f"{LABEL}.plist"
    if not path.is_file():
        return None
    try:
        agent = plistlib.loads(path.read_bytes())
        when = agent["StartCalendarInterval"]
        return Installed(
            "launchd", when["Hour"], when["Minute"], shlex.join(agent["ProgramArguments"]),
            str(path),
        )  # fmt: skip
    except (plistlib.InvalidFileException, KeyError, TypeError, ValueError):
        raise StudyError(f"cannot read {path}: remove it with `study remind uninstall`") from None


# --- choosing, installing, removing -------------------------------------------------------


def choose_backend(backend: str = "auto", platform: str | None = None) -> str:
    """The backend to install into: the one asked for if it works here, else the best one."""
    platform = sys.platform if platform is None else platform
    if backend not in BACKENDS:
        raise StudyError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "launchd" or (backend == "auto" and platform == "darwin"):
        if shutil.which("launchctl") is None:
            raise StudyError("no `launchctl` here: launchd agents are for macOS")
        return "launchd"
    if backend in ("auto", "systemd") and systemd_answers():
        return "systemd"
    if backend == "systemd":
        raise StudyError("`systemctl --user` does not answer here: use --backend cron")
    if shutil.which("crontab") is None:
        raise StudyError(
            "cannot schedule a daily reminder: no systemd user manager and no `crontab` "
            "program; install cron, or use `study remind ics` for a calendar alarm"
        )
    return "cron"


def _remove(backend: str) -> bool:
    if backend == "systemd":
        return systemd_remove(unit_dir())
    if backend == "launchd":
        return launchd_remove(agent_dir())
    with contextlib.suppress(StudyError):
        return cron_remove()
    return False


def install(
    hour: int, minute: int, argv: Sequence[str], env: Mapping[str, str], backend: str = "auto"
) -> Installed:
    """Install the daily reminder, replacing any installed one wherever it is."""
    chosen = choose_backend(backend)
    check_printable(argv, env)
    if chosen == "systemd":
        systemd_install(unit_dir(), hour, minute, argv, env)
    elif chosen == "launchd":
        launchd_install(agent_dir(), hour, minute, argv, env)
    else:
        cron_install(hour, minute, argv, env)
    for other in ("systemd", "cron", "launchd"):
        if other != chosen:
            _remove(other)
    found = status_of(chosen)
    assert found is not None, "the reminder just installed must be found"
    return found


def uninstall(backend: str = "auto") -> list[str]:
    """Remove the reminder from `backend` (every backend for "auto"); the ones it was in."""
    if backend not in BACKENDS:
        raise StudyError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    chosen = ("systemd", "cron", "launchd") if backend == "auto" else (backend,)
    return [name for name in chosen if _remove(name)]


def status_of(backend: str) -> Installed | None:
    if backend == "systemd":
        return systemd_status(unit_dir())
    if backend == "launchd":
        return launchd_status(agent_dir())
    found = cron_status()
    return None if found is None else Installed("cron", *found, "crontab -l")


def status() -> list[Installed]:
    """Every reminder found installed (normally one)."""
    found = (status_of(name) for name in ("systemd", "cron", "launchd"))
    return [item for item in found if item is not None]
