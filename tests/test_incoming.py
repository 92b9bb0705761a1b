"""The changed notes parsed into plain card rows, in order, on one core or several."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from study import __version__
from study.collector import collector_paused
from study.notes.parser import parse_text
from study.schedule.incoming import Incoming, NoteRows, _in_order, parsing, read_and_parse
from study.schedule.syncwrite import CONTENT
from tests.support import DECKS, FIXTURES, REPO

NOTE = "---\ntags: [shell]\n---\n# Shell\n\n## Files\n\nWhat lists files?::ls\nCopy a file:::cp\n"


def test_rows_are_the_cards_in_insert_column_order(tmp_path: Path) -> None:
    note = tmp_path / "shell.md"
    note.write_text(NOTE)
    rows = read_and_parse(str(note), "notes/shell.md")
    assert isinstance(rows, NoteRows)
    assert rows.key == "notes/shell.md"
    cards = parse_text(NOTE, source=str(note)).cards
    assert rows.deck == "Shell"
    # The hash recorded for the note is of the very bytes parsed, with the release in it.
    expected = hashlib.sha256(__version__.encode() + b"\0" + NOTE.encode()).hexdigest()
    assert rows.content_hash == expected
    assert Incoming._fields == ("id", *CONTENT)  # sync's INSERT binds rows in this order
    for row, card in zip(rows.cards, cards, strict=True):
        incoming = Incoming._make(row)
        assert (incoming.id, incoming.front, incoming.back, incoming.line) == (
            card.id,
            card.front,
            card.back,
            card.line,
        )
        assert (incoming.note_path, incoming.source) == ("notes/shell.md", str(note))
        assert json.loads(incoming.tags) == list(card.tags) == ["shell"]
        assert incoming.section == card.section == "Files"


def test_an_unreadable_note_is_a_message(tmp_path: Path) -> None:
    note = tmp_path / "bad.md"
    note.write_bytes(b"\xff\xfe\x00")
    assert (
        read_and_parse(str(note), "bad.md")
        == f"{note}: is a binary file, not a Markdown note; skipped (its cards are kept)"
    )


def test_workers_give_the_notes_in_order(tmp_path: Path) -> None:
    paths = []
    for i in range(7):
        path = tmp_path / f"n{i}.md"
        path.write_text(f"# Deck\n\nQuestion {i}?::Answer {i}\n")
        paths.append(str(path))
    keys = [f"notes/n{i}.md" for i in range(7)]
    with parsing(paths, keys, 0) as serial:
        expected = list(serial)
    assert [note.key for note in expected if isinstance(note, NoteRows)] == keys
    for workers in (1, 2):
        with parsing(paths, keys, workers) as parallel:
            assert list(parallel) == expected
    assert [note.cards[0][4] for note in expected if isinstance(note, NoteRows)] == [
        f"Question {i}?" for i in range(7)
    ]


def test_the_caller_parses_the_chunks_no_worker_has_started(tmp_path: Path) -> None:
    """While a worker still parses the chunk due next, the caller takes the later chunks no
    worker has started (cancelling them in the pool) and gives every note in order."""
    paths = []
    for i in range(4):
        (tmp_path / f"n{i}.md").write_text(f"# Deck\n\nQuestion {i}?::Answer {i}\n")
        paths.append(str(tmp_path / f"n{i}.md"))
    keys = [f"notes/n{i}.md" for i in range(4)]
    chunks = [(paths[i : i + 1], keys[i : i + 1]) for i in range(4)]
    futures: list[Future[list[NoteRows | str]]] = [Future() for _ in chunks]
    assert futures[0].set_running_or_notify_cancel()  # a worker has the first chunk
    from_worker: list[NoteRows | str] = ["the worker's notes"]
    finish = threading.Timer(0.3, futures[0].set_result, [from_worker])
    finish.start()
    try:
        given = list(_in_order(futures, chunks))
    finally:
        finish.cancel()
    theirs = [read_and_parse(path, key) for path, key in zip(paths[1:], keys[1:], strict=True)]
    assert given == ["the worker's notes", *theirs]
    assert [future.cancelled() for future in futures] == [False, True, True, True]
    # Nothing started: the caller parses all of it itself, the first chunk too.
    futures = [Future() for _ in chunks]
    first = read_and_parse(paths[0], keys[0])
    assert list(_in_order(futures, chunks)) == [first, *theirs]


def test_parsing_makes_no_reference_cycles(tmp_path: Path) -> None:
    """A sync turns the cycle collector off: safe only while every note parsed, read or not,
    is freed by reference counting alone."""
    odd = {
        "explicit.md": NOTE + "\n## Cloze\n\n==Paris== is in {{c1::France}}.\n",
        "bad-front-matter.md": "---\ndate: 2024-02-30\nkey: [unclosed\n---\n# T\n\n- `ls`: list\n",
        "table.md": "# T\n\n| Thing | A | B |\n|---|---|---|\n| x | **1** | 2 |\n| y | 3 | 4 |\n",
    }
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in odd.items():
        (notes / name).write_text(text)
    (notes / "binary.md").write_bytes(b"\xff\xfe\x00")
    paths = [DECKS / "docker.md", *sorted(FIXTURES.rglob("*.md")), *sorted(notes.iterdir())]
    read_and_parse(str(paths[0]), "docker.md")  # first-use imports and caches are not garbage
    gc.collect()
    with collector_paused():
        assert not gc.isenabled()
        results = [read_and_parse(str(path), path.name) for path in paths]
        assert gc.collect() == 0
    assert gc.isenabled()
    assert sum(isinstance(result, NoteRows) for result in results) == len(paths) - 1


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; it only waits for init to collect it


# `study sync` with two parse workers, whatever the cores (below PARALLEL_CORES it forks none).
SYNC_WITH_TWO_WORKERS = """
import sys
import study.schedule.sync
from study.launch import entry
study.schedule.sync._workers = lambda: 2
sys.argv = ["study", "sync", sys.argv[1], "--db", sys.argv[2]]
entry()
"""


def test_a_killed_sync_leaves_no_parse_worker_behind(tmp_path: Path) -> None:
    """Issue 16, finding 7: SIGKILL the sync while its workers parse; none may outlive it."""
    if sys.platform != "linux" or (os.cpu_count() or 1) < 2:
        pytest.skip("parse workers are forked on Linux, here with two cores or more")
    notes = tmp_path / "notes"
    notes.mkdir()
    body = "".join(f"## Part {i}\n\nWhat is part {i}?\n\nIt is part {i}.\n\n" for i in range(150))
    for n in range(400):
        (notes / f"n{n}.md").write_text(f"# Note {n}\n\n{body}")
    sync = subprocess.Popen(
        [sys.executable, "-c", SYNC_WITH_TWO_WORKERS, str(notes), str(tmp_path / "s.db")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2:
        assert sync.poll() is None, "the sync ended before its workers were seen"
        assert time.monotonic() < deadline
        workers = _children(sync.pid)
        time.sleep(0.02)
    sync.kill()
    assert sync.wait(timeout=10) == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if _alive(pid)] == []
