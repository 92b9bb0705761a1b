"""The reminder: one line saying what is due, sent where the user will see it.

A reminder is run by a timer or a shell prompt, so this module stays on the fast path: stdlib
and `study.schedule.due` only (plain sqlite3, no sqlmodel). The prompt line is
`study.schedule.duereport.brief_line`; installing the daily timer lives in `study.remind.timer`,
the calendar file in `study.remind.ical`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from study.words import plural

if TYPE_CHECKING:
    from study.schedule.due import DeckDue

NAMED_DECKS = 3  # the busiest decks a reminder names
NOTIFY_TIMEOUT = 10  # seconds; a hung notification daemon must not hang a timer job


def due_message(counts: Sequence[DeckDue], decks: Sequence[str] = (), minimum: int = 1) -> str:
    """ "12 cards due (Docker 9, Git 3) — run `study drill`", or "" below `minimum`.

    Decks are listed busiest first, so the one that needs the user most is read first; past
    three, the others are counted.
    """
    import shlex

    due = sorted((c for c in counts if c.total > 0), key=lambda c: (-c.total, c.deck.lower()))
    total = sum(c.total for c in due)
    if total == 0 or total < minimum:
        return ""
    noun = "card" if total == 1 else "cards"
    parts = ", ".join(f"{c.deck} {c.total}" for c in due[:NAMED_DECKS])
    if len(due) > NAMED_DECKS:  # a notification, not a table: the rest are counted
        parts += f" and {plural(len(due) - NAMED_DECKS, 'more deck')}"
    command = shlex.join(["study", "drill", *decks])
    return f"{total} {noun} due ({parts}) — run `{command}`"


def resolve_decks(db_path: Path | str | None, decks: Sequence[str]) -> list[str]:
    """The stored names of the decks the user typed (`study.notes.lookup`); unknown decks are
    an error. Checked before anything is installed or sent, so a typo never becomes a daily
    timer that reminds of nothing.
    """
    from study.notes.lookup import resolve_decks as resolve
    from study.schedule.due import deck_names

    return resolve(decks, deck_names(db_path)) if decks else []


def check(
    db_path: Path | str | None,
    now: datetime,
    decks: Sequence[str] = (),
    minimum: int = 1,
    tags: Sequence[str] = (),
) -> str:
    """The reminder line for what is due at `now` in `decks` (all when empty) with one of
    `tags` (all when empty), or ""."""
    from study.schedule.due import due_counts

    resolved = resolve_decks(db_path, decks)
    return due_message(
        due_counts(db_path, now, resolved, held=False, tags=tags), decks=resolved, minimum=minimum
    )


def _applescript_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def session_bus(env: Mapping[str, str]) -> str | None:
    """The desktop session's D-Bus address, resolved now: the one given, else the standard
    socket `$XDG_RUNTIME_DIR/bus` when it exists; None when there is no session to reach.

    A cron job runs without DBUS_SESSION_BUS_ADDRESS, so the installed reminder carries
    XDG_RUNTIME_DIR and finds the bus when it fires (the address may change between logins,
    the folder does not).
    """
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime, "bus").is_socket():
        return f"unix:path={Path(runtime, 'bus')}"
    return None


def notifier_command(
    message: str, env: Mapping[str, str] | None = None, platform: str | None = None
) -> list[str] | None:
    """The command that shows `message` as a desktop notification here, or None if none can.

    notify-send needs a session bus (`session_bus`): without one (an ssh login, a cron job with
    nothing to find it by) it would fail or hang, so the line is printed instead.
    """
    import shutil

    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    path = env.get("PATH")
    if platform == "darwin":
        osascript = shutil.which("osascript", path=path)
        if osascript:
            script = f'display notification {_applescript_string(message)} with title "study"'
            return [osascript, "-e", script]
        return None
    notify_send = shutil.which("notify-send", path=path)
    if notify_send and session_bus(env):
        return [notify_send, "--app-name=study", "study", message]
    return None


def _with_bus(env: Mapping[str, str]) -> dict[str, str]:
    """The environment for notify-send, with the session bus address it needs."""
    bus = session_bus(env)
    return {**env, "DBUS_SESSION_BUS_ADDRESS": bus} if bus else dict(env)


def notify(message: str, env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Show `message` as a desktop notification; False when there is no notifier or it failed."""
    import subprocess

    command = notifier_command(message, env, platform)
    if command is None:
        return False
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=NOTIFY_TIMEOUT,
            env=_with_bus(os.environ if env is None else env),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
