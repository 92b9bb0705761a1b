"""`study drill` in a real terminal: tmux runs it, keys are pressed one by one, no Enter."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from tests.support import GIT_DECK, REPO, require_program, reviews

NOW = "2026-03-10T12:00:00+00:00"
DECK = GIT_DECK


class Tmux:
    """A tmux server of our own (its own socket), so no user session is touched."""

    def __init__(self, socket: str) -> None:
        self.tmux = require_program("tmux")
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "drill", *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "drill", "-S", "-200")

    def wait_for(self, text: str, count: int = 1, timeout: float = 15.0) -> str:
        """Polls the screen until `text` is on it `count` times; fails with the screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if screen.count(text) >= count:
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} (x{count}) never appeared; the screen:\n{screen}")
            time.sleep(0.05)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(f"study-test-{os.getpid()}-{tmp_path.name}")
    yield server
    subprocess.run([server.tmux, "-L", server.socket, "kill-server"], capture_output=True)


def synced(tmp_path: Path, study_home: Path) -> tuple[Path, dict[str, str]]:
    """The small deck synced into a fresh database, fuzzing off: (database, environment)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "git.md").write_text(DECK, encoding="utf-8")
    db = tmp_path / "study.db"
    env = {"STUDY_HOME": str(study_home), "STUDY_NOW": NOW}
    runner = CliRunner()
    assert runner.invoke(app, ["sync", str(notes), "--db", str(db)], env=env).exit_code == 0
    assert runner.invoke(app, ["config", "fuzz", "off", "--db", str(db)], env=env).exit_code == 0
    return db, env


def launch(tmux: Tmux, db: Path, env: dict[str, str], *args: str, width: int = 100) -> None:
    """Starts `study drill ARGS` in the tmux session, then reports how the terminal was left."""
    drill = shlex.join([sys.executable, "-m", "study", "drill", *args, "--db", str(db)])
    # After the drill: is the terminal back in canonical mode (line editing, echo)?
    # The shell traps SIGINT so a Ctrl-C ends the drill, not the script that reports its exit.
    mode = "echo MODE=$(stty -a | grep -o -- '-\\?icanon')"
    script = f"trap : INT; {drill}; echo EXIT=$?; {mode}; sleep 60"
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # COLUMNS/LINES, if the test's environment has them, would hide the pane's own size.
    path = shlex.quote(str(REPO))
    command = f"env -u COLUMNS -u LINES {exports} PYTHONPATH={path} sh -c {shlex.quote(script)}"
    tmux.run(
        "new-session", "-d", "-s", "drill", "-x", str(width), "-y", "50", "-c", str(REPO), command
    )


def grade_first(tmux: Tmux, key: str) -> None:
    """Reveals the first card, grades it with `key`, and waits for the second."""
    tmux.wait_for("space show answer")
    tmux.keys("Space")
    tmux.wait_for("1 Again")
    tmux.keys(key)
    tmux.wait_for("space show answer", count=2)


def test_drill_pressed_key_by_key(tmux: Tmux, tmp_path: Path, study_home: Path) -> None:
    db, env = synced(tmp_path, study_home)
    launch(tmux, db, env)

    tmux.wait_for("space show answer")
    assert "Git › Commands  2 new · 0 learning · 0 review" in tmux.screen()
    tmux.keys("Space")
    screen = tmux.wait_for("1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d")
    assert "Shows the working tree status." in screen
    tmux.keys("Space")  # Space again, after the answer: Good, as in Anki
    tmux.wait_for("Git › Commands  1 new · 1 learning · 0 review")  # counted after the answer
    tmux.keys("Space")
    tmux.wait_for("1 Again", count=2)
    tmux.keys("1")  # no Enter: a single key grades
    tmux.wait_for("next card in")  # only learning cards are left, none due yet: no early card
    screen = tmux.screen()
    assert screen.count("space show answer") == 2
    tmux.keys("u")  # any key ends the wait
    screen = tmux.wait_for("MODE=")
    assert "Seen 2 cards, 1 again" in screen and "EXIT=0" in screen
    assert "Still to study today: 0 new · 2 learning · 0 review" in screen
    assert "MODE=icanon" in screen  # the terminal is restored (not "-icanon")

    assert reviews(db) == [("git status", 3), ("git log --oneline", 1)]


def test_undo_shows_the_card_again(tmux: Tmux, tmp_path: Path, study_home: Path) -> None:
    db, env = synced(tmp_path, study_home)
    launch(tmux, db, env)
    grade_first(tmux, "1")
    tmux.keys("u")
    screen = tmux.wait_for("space show answer", count=3)
    assert "undone: Again" in screen
    assert screen.split("undone: Again")[1].count("git status") == 1  # shown again
    tmux.keys("q")
    tmux.wait_for("MODE=")
    assert reviews(db) == []


def test_a_learning_card_waits_for_its_step_with_a_countdown(
    tmux: Tmux, tmp_path: Path, study_home: Path
) -> None:
    db, env = synced(tmp_path, study_home)
    runner = CliRunner()
    runner.invoke(app, ["config", "learning_steps", "3s 10m", "--db", str(db)], env=env)
    with sqlite3.connect(db) as conn:  # one card, so only its own step can bring it back
        conn.execute("update card set status = 'suspended' where front != 'git status'")
    del env["STUDY_NOW"]  # the real clock: the countdown has to run out
    launch(tmux, db, env)
    tmux.wait_for("space show answer")
    tmux.keys("Space")
    tmux.wait_for("1 Again 3s")
    started = time.monotonic()
    tmux.keys("1")
    tmux.wait_for("next card in 0:0")
    tmux.wait_for("space show answer", count=2, timeout=20)
    assert time.monotonic() - started >= 2.5  # not shown before its 3 seconds were up
    tmux.keys("q")
    screen = tmux.wait_for("MODE=")
    assert "EXIT=0" in screen


def test_ctrl_c_quits_with_the_summary_and_130(
    tmux: Tmux, tmp_path: Path, study_home: Path
) -> None:
    db, env = synced(tmp_path, study_home)
    launch(tmux, db, env)
    grade_first(tmux, "4")
    tmux.keys("C-c")
    screen = tmux.wait_for("MODE=")
    assert "Seen 1 card, 0 again" in screen
    assert "EXIT=130" in screen and "MODE=icanon" in screen
    assert reviews(db) == [("git status", 4)]


def test_a_code_front_keeps_its_lines(tmux: Tmux, tmp_path: Path, study_home: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "docker.md").write_text(
        "# Docker\n\n## Volume\n\n### Example\n\n```bash\ndocker volume create mydata\n"
        "docker run -v mydata:/data myimage\n```\n\nThis mounts the volume into the container.\n",
        encoding="utf-8",
    )
    db = tmp_path / "study.db"
    env = {"STUDY_HOME": str(study_home), "STUDY_NOW": NOW}
    assert CliRunner().invoke(app, ["sync", str(notes), "--db", str(db)], env=env).exit_code == 0
    launch(tmux, db, env)
    screen = tmux.wait_for("space show answer")
    lines = [line.strip() for line in screen.splitlines()]
    at = lines.index("docker volume create mydata")  # two commands, two lines
    assert lines[at + 1] == "docker run -v mydata:/data myimage"
    tmux.keys("q")
    tmux.wait_for("MODE=")


def test_forty_columns_break_between_whole_phrases(
    tmux: Tmux, tmp_path: Path, study_home: Path
) -> None:
    db, env = synced(tmp_path, study_home)
    launch(tmux, db, env, width=40)
    tmux.wait_for("space show answer")
    tmux.keys("Space")
    screen = tmux.wait_for("4 Easy")
    lines = [line.rstrip() for line in screen.splitlines()]
    assert "1 Again 1m   2 Hard 6m   3 Good 10m" in lines
    assert "4 Easy 8d" in lines
    assert "space/enter Good · u undo · s skip" in lines
    assert "b bury · ! suspend · e edit · q quit" in lines
    assert "Git › Commands" in lines and "2 new · 0 learning · 0 review" in lines
    assert all(len(line) <= 40 for line in lines)
    tmux.keys("q")
    screen = tmux.wait_for("MODE=")
    words = set(DECK.split()) | set(screen.split("MODE=")[0].split()) - {"EXIT=0"}
    assert "commi" not in words and "statu" not in words  # no word cut in two


def test_typed_answer_in_a_terminal(tmux: Tmux, tmp_path: Path, study_home: Path) -> None:
    db, env = synced(tmp_path, study_home)
    with sqlite3.connect(db) as conn:  # only the reverse cards: what it does -> the command
        conn.execute("update card set status = 'suspended' where kind != 'command-reverse'")
    launch(tmux, db, env, "--typed")

    tmux.wait_for("type the command")
    tmux.keys("git   stat", "Enter")  # typed and echoed key by key
    screen = tmux.wait_for("space/enter Hard")
    assert "✗ expected: git status" in screen
    assert screen.count("git status") == 1  # the command is shown once, as the diff
    tmux.keys("Enter")  # accept the proposed grade
    tmux.wait_for("type the command", count=2)
    tmux.keys("Enter")  # nothing typed: just show the answer
    tmux.wait_for("1 Again", count=2)
    tmux.keys("q")
    screen = tmux.wait_for("MODE=")
    assert "EXIT=0" in screen and "MODE=icanon" in screen
    assert reviews(db) == [("Shows the working tree status.", 2)]


def test_typed_answer_escape_leaves(tmux: Tmux, tmp_path: Path, study_home: Path) -> None:
    db, env = synced(tmp_path, study_home)
    launch(tmux, db, env, "--typed")
    tmux.wait_for("Esc: leave")  # the prompt says how to leave
    tmux.keys("q", "Escape")  # q is text here; Esc leaves at once
    screen = tmux.wait_for("MODE=")
    assert "EXIT=0" in screen and "Seen 0 cards" in screen
    assert reviews(db) == []


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc: Linux, like tmux here)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_sigterm_restores_the_terminal(tmux: Tmux, tmp_path: Path, study_home: Path) -> None:
    db, env = synced(tmp_path, study_home)
    launch(tmux, db, env)
    tmux.wait_for("space show answer")
    shell = int(tmux.run("display-message", "-p", "-t", "drill", "#{pane_pid}"))
    [drill] = children(shell)
    os.kill(drill, signal.SIGTERM)

    screen = tmux.wait_for("MODE=")
    assert "EXIT=143" in screen  # 128 + SIGTERM, through SystemExit: the `finally`s ran
    assert "MODE=icanon" in screen


def test_no_color_draws_the_drill_without_colour(
    tmux: Tmux, tmp_path: Path, study_home: Path
) -> None:
    db, env = synced(tmp_path, study_home)

    def coloured(screen: str) -> bool:
        """Whether any SGR sequence sets a colour (39/49, tmux's "default colour", do not)."""
        for params in re.findall(r"\x1b\[([0-9;]*)m", screen):
            codes = {int(code) for code in params.split(";") if code}
            if codes & {*range(30, 39), *range(40, 49), *range(90, 98), *range(100, 108)}:
                return True
        return False

    def drawn(server: Tmux, extra: dict[str, str]) -> str:
        launch(server, db, {**env, **extra})
        server.wait_for("space show answer")
        server.keys("Space")
        server.wait_for("1 Again")
        screen = server.run("capture-pane", "-p", "-e", "-t", "drill")  # -e: with its escapes
        server.keys("q")
        server.wait_for("MODE=")
        return screen

    second = Tmux(f"{tmux.socket}-plain")  # a server of its own: no session name reused
    try:
        plain = drawn(second, {"NO_COLOR": "1"})
    finally:
        subprocess.run([second.tmux, "-L", second.socket, "kill-server"], capture_output=True)
    assert coloured(drawn(tmux, {}))  # the code block is coloured normally
    assert "git status" in plain and not coloured(plain)
