"""Faults: a drill killed mid-session, two drills at once, and inputs that are not right."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.schedule.database import prepare
from tests.support import REPO

NOW = "2026-03-10T12:00:00+00:00"
runner = CliRunner()


def deck(commands: int) -> str:
    lines = ["# Tools", "", "## Commands", ""]
    for n in range(commands):
        lines += [f"- `tool{n} run --fast`", "", f"    Runs tool number {n} quickly.", ""]
    return "\n".join(lines)


@pytest.fixture
def synced(tmp_path: Path, study_home: Path) -> tuple[Path, Path, dict[str, str]]:
    """(database, notes folder, environment) with a 12-command deck synced, fuzzing off."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "tools.md").write_text(deck(12), encoding="utf-8")
    db = tmp_path / "study.db"
    env = {**os.environ, "STUDY_HOME": str(study_home), "STUDY_NOW": NOW, "PYTHONPATH": str(REPO)}
    for args in (["sync", str(notes)], ["config", "fuzz", "off"]):
        result = runner.invoke(app, [*args, "--db", str(db)], env={"STUDY_NOW": NOW})
        assert result.exit_code == 0, result.output
    return db, notes, env


def start_drill(db: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "study", "drill", "--db", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO,
    )


def read_until(proc: subprocess.Popen[bytes], seen: bytearray, text: bytes, count: int) -> None:
    deadline = time.monotonic() + 20
    assert proc.stdout is not None
    while seen.count(text) < count:
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        chunk = os.read(proc.stdout.fileno(), 65536)
        assert chunk, f"the drill ended early:\n{seen.decode(errors='replace')}"
        seen.extend(chunk)


def review_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from review").fetchone()[0])


def test_sigkill_mid_session_loses_no_graded_answer(
    synced: tuple[Path, Path, dict[str, str]],
) -> None:
    db, _, env = synced
    with start_drill(db, env) as proc:
        assert proc.stdin is not None
        seen = bytearray()
        for graded in range(5):
            read_until(proc, seen, b"show answer", graded + 1)
            proc.stdin.write(b" \n")
            proc.stdin.flush()
            read_until(proc, seen, b"1 Again", graded + 1)
            proc.stdin.write(b"3\n")
            proc.stdin.flush()
        read_until(proc, seen, b"show answer", 6)  # the sixth card is on screen: five answers in
        proc.stdin.write(b" \n")
        proc.stdin.flush()
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    assert proc.returncode == -signal.SIGKILL
    assert review_count(db) == 5
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        answered = conn.execute("select count(*) from card where last_review is not null")
        assert answered.fetchone()[0] == 5


def test_two_drills_at_once_log_every_answer(synced: tuple[Path, Path, dict[str, str]]) -> None:
    db, _, env = synced
    keys = b" \n4\n" * 12  # each drill answers all twelve cards, Easy, as fast as it can
    with start_drill(db, env) as first, start_drill(db, env) as second:
        screens = [bytearray(), bytearray()]
        # Both wait on a card at once before either gets a key: the sessions provably overlap.
        for proc, screen in zip((first, second), screens, strict=True):
            read_until(proc, screen, b"show answer", 1)
        assert first.poll() is None and second.poll() is None
        for proc in (first, second):
            assert proc.stdin is not None
            proc.stdin.write(keys)
            proc.stdin.close()
        outputs = [
            (bytes(screen) + p.stdout.read(), p.stderr.read())  # type: ignore[union-attr]
            for p, screen in zip((first, second), screens, strict=True)
        ]
        codes = [first.wait(timeout=60), second.wait(timeout=60)]

    seen = []
    for code, (out, err) in zip(codes, outputs, strict=True):
        assert code == 0, err.decode()
        seen.append(int(re.search(rb"Seen (\d+) cards?, 0 again", out).group(1)))  # type: ignore[union-attr]
    # Every answer either drill took is logged; between them they answered every card.
    assert review_count(db) == sum(seen) >= 12
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from card where state = 2").fetchone()[0] == 12
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_three_drills_and_a_sync_loop_log_every_answer_once(
    synced: tuple[Path, Path, dict[str, str]],
) -> None:
    """Issue 16: three drills answer as fast as they can while syncs keep writing; every
    answer pressed is logged exactly once, and no sync fails for the lock."""
    db, notes, env = synced
    keys = b" \n4\n" * 12
    sync_codes: list[tuple[int, str]] = []

    def sync_loop(stop: threading.Event) -> None:
        edit = 0
        while not stop.is_set() or edit < 3:
            edit += 1
            (notes / "tools.md").write_text(deck(12) + f"\n<!-- edit {edit} -->\n")
            done = subprocess.run(
                [sys.executable, "-m", "study", "sync", "--db", str(db)],
                capture_output=True,
                text=True,
                env=env,
                cwd=REPO,
                timeout=60,
            )
            sync_codes.append((done.returncode, done.stderr))

    stop = threading.Event()
    syncing = threading.Thread(target=sync_loop, args=(stop,))
    syncing.start()
    drills = [start_drill(db, env) for _ in range(3)]
    try:
        for proc in drills:
            assert proc.stdin is not None
            proc.stdin.write(keys)
            proc.stdin.close()
        overlapped = all(proc.poll() is None for proc in drills)
        outputs = [(p.stdout.read(), p.stderr.read()) for p in drills]  # type: ignore[union-attr]
        codes = [proc.wait(timeout=120) for proc in drills]
    finally:
        stop.set()
        syncing.join(timeout=120)
        for proc in drills:
            proc.stdout.close()  # type: ignore[union-attr]
            proc.stderr.close()  # type: ignore[union-attr]
    assert overlapped, "a drill ended before the last one started: nothing ran at once"
    seen = []
    for code, (out, err) in zip(codes, outputs, strict=True):
        assert code == 0, err.decode()
        seen.append(int(re.search(rb"Seen (\d+) cards?, 0 again", out).group(1)))  # type: ignore[union-attr]
    assert all(code == 0 for code, _ in sync_codes), sync_codes
    assert len(sync_codes) >= 3
    assert review_count(db) == sum(seen) >= 12  # every answer pressed, each logged once
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from card where state = 2").fetchone()[0] == 12
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def _not_sqlite(path: Path) -> None:
    path.write_text("these are my notes, not a database\n", encoding="utf-8")


def _corrupt(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("create table t (x)")
        conn.executemany("insert into t values (?)", [("x" * 500,)] * 50)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the header survives, the first page does not
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    result = runner.invoke(app, ["config", "fuzz", "off", "--db", str(path)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma user_version = 999")
    conn.execute("pragma journal_mode = delete")  # fold the WAL in: `before` is all of it
    conn.close()


def _newer_in_wal_mode(path: Path) -> None:
    """A study database a newer release wrote, in WAL mode as study leaves it, at rest."""
    _newer(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("pragma journal_mode = wal")
    assert not Path(f"{path}-wal").exists()  # the last connection closed folds the log in


def _foreign_in_wal_mode(path: Path) -> None:
    """Another program's database, in WAL mode, at rest."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("pragma journal_mode = wal")
        conn.execute("create table photos (name text)")
    assert not Path(f"{path}-wal").exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_sqlite, "is not a study database"),
        (_corrupt, "corrupt"),
        (_newer, "newer"),
        # Opening a WAL-mode file makes `-wal`/`-shm` beside it: a refusal takes them away.
        (_newer_in_wal_mode, "was written by a newer study"),
        (_foreign_in_wal_mode, "is not a study database"),
    ],
)
@pytest.mark.parametrize("command", [["drill"], ["due"], ["sync"], ["config"]])
def test_bad_databases_are_one_line_errors_and_left_alone(
    tmp_path: Path, make: object, message: str, command: list[str]
) -> None:
    path = tmp_path / "bad.db"
    make(path)  # type: ignore[operator]
    before = path.read_bytes()
    result = runner.invoke(app, [*command, "--db", str(path)], input="q\n")

    assert result.exit_code != 0
    assert result.output.startswith("study: ") and result.output.count("\n") == 1
    assert message in result.output
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.glob("bad.db*")] == ["bad.db"]  # no -wal, no -shm left


def test_prepare_refuses_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    _foreign_in_wal_mode(path)
    with pytest.raises(StudyError, match="is not a study database"):
        prepare(path, create=True)
    assert [p.name for p in tmp_path.glob("other.db*")] == ["other.db"]


def test_vanished_note_folder(synced: tuple[Path, Path, dict[str, str]]) -> None:
    db, notes, _ = synced
    shutil.rmtree(notes)
    before = db.read_bytes()
    result = runner.invoke(app, ["sync", "--db", str(db)], env={"STUDY_NOW": NOW})

    assert result.exit_code != 0
    assert f"study: {notes}" in result.output
    assert db.read_bytes() == before
    # The cards and their history are still there: the drill goes on.
    drill = runner.invoke(
        app, ["drill", "--db", str(db)], input=" \n3\nq\n", env={"STUDY_NOW": NOW}
    )
    assert drill.exit_code == 0, drill.output
    assert review_count(db) == 1


def test_unknown_deck(synced: tuple[Path, Path, dict[str, str]]) -> None:
    db, _, _ = synced
    for command in (["drill", "Nope"], ["due", "Nope"]):
        result = runner.invoke(app, [*command, "--db", str(db)], input="q\n")
        assert result.exit_code == 1
        assert result.output.startswith("study: no deck named 'Nope'")
        assert result.output.count("\n") == 1
