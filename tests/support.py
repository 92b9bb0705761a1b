"""Helpers shared by the test modules."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from study.notes.parser import ParsedNote

REPO = Path(__file__).resolve().parent.parent
DECKS = REPO / "decks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Two command cards (and their reverses) under one heading: the drill's and browser's deck.
GIT_DECK = """# Git

## Commands

- `git status`

    Shows the working tree status.

- `git log --oneline`

    Shows the history, one line per commit.
"""


def require_program(name: str, also_in: str | None = None) -> str:
    """The path of a system program a test needs, or a skip that names it.

    `also_in` is a glob of folders searched after PATH (Debian keeps PostgreSQL's server
    programs in /usr/lib/postgresql/VERSION/bin). Under STUDY_TEST_STRICT=1 the skip becomes
    a failure (see conftest.py).
    """
    path = shutil.which(name)
    if path is None and also_in is not None:
        found = sorted(Path("/").glob(f"{also_in.lstrip('/')}/{name}"))
        path = str(found[-1]) if found else None
    if path is None:
        where = f" or in {also_in}" if also_in else ""
        pytest.skip(f"needs the `{name}` program, which is not on PATH{where}")
    return path


_REVIEWS = (
    "select card.front, review.rating from review join card on card.rowid = review.card"
    " order by review.id"
)


def reviews(db: Path | str) -> list[tuple[str, int]]:
    """(card front, rating) of every review row, oldest first (a file, or a server's URL)."""
    if isinstance(db, str):
        return [(str(front), int(rating)) for front, rating in rows(db, _REVIEWS)]
    with sqlite3.connect(db) as conn:
        return conn.execute(_REVIEWS).fetchall()


def rows(url: str, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """A query's rows on the server at `url`, times as the SQLite file gives them (stamps)."""
    from study.schedule.store import open_store

    with open_store(url, create=False) as store:
        return [tuple(row) for row in store.execute(sql, params or {})]


def collector_states(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> list[bool]:
    """Whether the cycle collector was on each time `module.name` was called (a spy)."""
    seen: list[bool] = []
    real = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


def editor_stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$EDITOR set to a program that writes the arguments it was given, as JSON, to the file
    returned."""
    import json
    import sys

    record = tmp_path / "editor-args.json"
    script = f"import json, sys; open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))"
    monkeypatch.setenv("EDITOR", f"{sys.executable} -c {json.dumps(script)}")
    monkeypatch.delenv("VISUAL", raising=False)
    return record


def damage_card_table(db: Path) -> None:
    """Overwrite the card table's root page, leaving page 1 (header and schema) intact."""
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'card'").fetchone()
    raw.close()
    data = bytearray(db.read_bytes())
    data[4096 * (root - 1) : 4096 * root] = b"\x33" * 4096
    db.write_bytes(bytes(data))


def vault_with_a_link_out(tmp_path: Path, note: str) -> tuple[Path, Path]:
    """(vault, outside): a vault holding `note` as shell.md and `secret.md`, a link to a note
    outside it whose answer is "hunter2"."""
    vault, outside = tmp_path / "vault", tmp_path / "elsewhere"
    vault.mkdir()
    outside.mkdir()
    (outside / "secret.md").write_text("# S\n\n## Key\n\nWhat is the key?\n\nhunter2\n")
    (vault / "secret.md").symlink_to(outside / "secret.md")
    (vault / "shell.md").write_text(note)
    return vault, outside


@contextmanager
def small_disk(folder: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` mounted at `folder`: a disk a test can fill or make read-only.

    Mounting needs root; elsewhere the test is skipped with the reason (a failure under
    STUDY_TEST_STRICT=1, see conftest.py).
    """
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None:
        pytest.skip("needs root and `mount` to mount a small tmpfs (a disk to fill)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def read_only(folder: Path) -> None:
    """Remount a `small_disk` read-only (root ignores file modes, not a read-only mount)."""
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


@contextmanager
def write_lock_held(db: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding `db`'s write lock for `seconds` from when this returns, or
    until a line is written to its stdin (`release`)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db), str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    try:
        yield holder
    finally:
        holder.wait(timeout=seconds + 30)
        holder.stdout.close()
        if holder.stdin is not None and not holder.stdin.closed:
            holder.stdin.close()


def release(holder: subprocess.Popen[str]) -> None:
    """Let a `write_lock_held` go now."""
    assert holder.stdin is not None
    holder.stdin.write("go\n")
    holder.stdin.close()


_HOLD = """
import select, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
# A real write, committed: a reader that began meanwhile holds a snapshot it cannot write from.
db.execute("INSERT INTO setting (key, value) VALUES ('held', 'yes')")
db.execute("DELETE FROM setting WHERE key = 'held'")
print("locked", flush=True)
select.select([sys.stdin], [], [], float(sys.argv[2]))
db.execute("COMMIT")
"""


def help_commands(output: str) -> list[str]:
    """The command names a `--help` page lists in its Commands panel, in order.

    Only a row's first cell counts: a command's name also appearing in another's description
    (`due` in "Drill the cards due now") proves nothing.
    """
    import re

    names: list[str] = []
    inside = False
    for line in output.splitlines():
        if "─ Commands ─" in line:
            inside = True
        elif inside and line.startswith("╰"):
            break
        elif inside and (match := re.match(r"│ (\S+)  ", line)):
            names.append(match.group(1))
    return names


def triples(note: ParsedNote) -> list[tuple[str, str, str]]:
    """A note's cards as (kind, front, back): what the card-rule tests assert, card by card."""
    return [(card.kind, card.front, card.back) for card in note.cards]


@pytest.fixture
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC for the test, so study days and Anki's days fall on the same dates.

    Import it into a test module to use it there.
    """
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def synced_notes(tmp_path: Path, notes: dict[str, str], now: Any, name: str = "study.db") -> Path:
    """A database file `name` in `tmp_path` with `notes` (file name: text) written into
    `tmp_path/notes` and synced at `now`."""
    from study.schedule.store import open_store
    from study.schedule.sync import sync

    folder = tmp_path / "notes"
    folder.mkdir()
    for file_name, text in notes.items():
        (folder / file_name).write_text(text)
    db = tmp_path / name
    with open_store(db) as store:
        sync(store, [folder], now)
    return db


def run_together(work: Callable[[], object], threads: int = 2) -> list[BaseException]:
    """Run `work` in `threads` threads started together; the errors they raised."""
    import threading

    start, failures = threading.Barrier(threads), []

    def run() -> None:
        try:
            start.wait()
            work()
        except BaseException as error:  # returned to the test, which asserts there are none
            failures.append(error)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return failures
