"""The crontab entry that runs the daily reminder, edited line by line.

cron is the fallback where no systemd user manager answers. The `crontab` program is the only
way in (`crontab -l`, `crontab -`); our entry is the one line ending in CRON_MARKER, and every
other line is written back byte for byte. python-crontab was tried and re-renders every job
(spacing, comment and variable order), which breaks the promise never to touch other lines.
"""

from __future__ import annotations

import contextlib
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence

from study.errors import StudyError

CRON_MARKER = "# study-remind"  # ends our crontab line: how we find it again, and only it
TIMEOUT = 15  # seconds for the crontab program


def check_printable(argv: Sequence[str], env: Mapping[str, str]) -> None:
    """A newline in an argument would end a crontab line or a unit file's ExecStart early."""
    for value in [*argv, *env.values()]:
        if any(ord(ch) < 32 for ch in value):
            raise StudyError(f"cannot schedule an argument with a control character: {value!r}")


def cron_line(hour: int, minute: int, argv: Sequence[str], env: Mapping[str, str]) -> str:
    """Our crontab line. cron hands the command to /bin/sh, so every word is shlex-quoted, and
    an unescaped % would end the command, so it is escaped."""
    check_printable(argv, env)
    words = [f"{k}={shlex.quote(v)}" for k, v in env.items()] + [shlex.quote(a) for a in argv]
    command = " ".join(words).replace("%", "\\%")
    return f"{minute} {hour} * * * {command} {CRON_MARKER}"


def _is_ours(line: str) -> bool:
    return line.rstrip().endswith(CRON_MARKER)


def _crontab(option: str, text: str | None = None) -> subprocess.CompletedProcess[str]:
    """Runs `crontab OPTION` (feeding it `text`); StudyError when it cannot be run at all."""
    crontab = shutil.which("crontab")
    if crontab is None:
        raise StudyError("no `crontab` program: install cron, or use `study remind ics`")
    try:
        return subprocess.run(
            [crontab, option], input=text, capture_output=True, text=True, timeout=TIMEOUT,
            check=False, stdin=subprocess.DEVNULL if text is None else None,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StudyError(f"`crontab {option}` failed: {error}") from None


def read_crontab() -> str:
    """The user's crontab as the `crontab` program has it ("" when the user has none)."""
    done = _crontab("-l")
    if done.returncode != 0:
        if "no crontab for" in done.stderr:
            return ""
        raise StudyError(f"`crontab -l` failed: {done.stderr.strip()}")
    return done.stdout


def write_crontab(text: str) -> None:
    """Replace the user's crontab in one `crontab -` call (the program checks it first)."""
    done = _crontab("-", text)
    if done.returncode != 0:
        raise StudyError(f"`crontab -` refused the new crontab: {done.stderr.strip()}")


def replace_cron_line(text: str, line: str | None) -> str:
    """The crontab `text` with our line replaced by `line` (or removed when None).

    Other lines are kept byte for byte: python-crontab re-renders every job and moves
    comments and variables around, so the edit is done here, line by line.
    """
    kept = [old for old in text.splitlines() if not _is_ours(old)]
    if line is not None:
        kept.append(line)
    return "".join(f"{old}\n" for old in kept)


def cron_install(hour: int, minute: int, argv: Sequence[str], env: Mapping[str, str]) -> None:
    line = cron_line(hour, minute, argv, env)
    write_crontab(replace_cron_line(read_crontab(), line))


def cron_remove() -> bool:
    if shutil.which("crontab") is None:
        return False
    text = read_crontab()
    if not any(_is_ours(line) for line in text.splitlines()):
        return False
    rest = replace_cron_line(text, None)
    if rest.strip():
        write_crontab(rest)
    else:  # it was only ours: leave the user with no crontab, as before the install
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(
                [shutil.which("crontab") or "crontab", "-r"], capture_output=True,
                timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL,
            )  # fmt: skip
    return True


def cron_status() -> tuple[int, int, str] | None:
    """(hour, minute, command) of our crontab line, or None when there is none."""
    if shutil.which("crontab") is None:
        return None
    for line in read_crontab().splitlines():
        if _is_ours(line) and not line.lstrip().startswith("#"):
            fields = line.split(None, 5)
            command = fields[5].rstrip()[: -len(CRON_MARKER)].rstrip().replace("\\%", "%")
            return int(fields[1]), int(fields[0]), command
    return None
