"""The next card made ready while the back is read (`study.drill.ahead`) changes nothing a user
sees or the database keeps: a drill that makes it ready and one that never does, given the same
keys at the same moments, print the same bytes and log the same reviews, whatever the grades
(Again and Hard bring cards back into learning, which the queue may put first)."""

from __future__ import annotations

import io
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study.drill import loop
from study.drill.loop import Drill
from study.drill.terminal import KeyReader, make_console
from study.schedule.config import set_setting
from study.schedule.store import open_store
from tests.support import synced_notes

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# Two decks; a note with a card and its reverse (siblings wait a day), questions in a table.
NOTES = {
    "shell.md": "# Shell\n\n## Files\n\nWhat lists files?::ls\nCopy a file:::cp\n"
    "What removes a file?::rm\n\n## Dirs\n\nWhat makes a folder?::mkdir\n",
    "git.md": "# Git\n\nWhat shows the status?::git status\nWhat lists commits?::git log\n"
    "What makes a branch?::git branch\n",
}
LOG = "SELECT c.front, r.rating, r.reviewed_at, r.duration_ms FROM review r JOIN card c"
LOG += " ON c.rowid = r.card ORDER BY r.id"

pytestmark = pytest.mark.usefixtures("utc")


class TimedKeys(KeyReader):
    """Scripted keys; the clock moves on by the key's wait as each key is read."""

    def __init__(self, keys: list[tuple[str, int]], moment: list[datetime]) -> None:
        super().__init__(io.StringIO(""))
        self.keys, self.moment = list(keys), moment

    def key(self, timeout: float | None = None) -> str:
        if not self.keys:
            return "q"
        key, wait = self.keys.pop(0)
        self.moment[0] += timedelta(seconds=wait)
        return key


def _drill(db: Path, keys: list[tuple[str, int]], ahead: bool) -> tuple[str, list[tuple]]:
    moment = [NOW]
    out = io.StringIO()
    with open_store(db) as store:
        drill = Drill(store, TimedKeys(keys, moment), make_console(out), lambda: moment[0])
        if not ahead:
            drill._make_ready = lambda: None  # type: ignore[method-assign]
        drill.run()
    with sqlite3.connect(db) as conn:
        logged = conn.execute(LOG).fetchall()
    conn.close()
    return out.getvalue(), logged


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ahead")
    db = synced_notes(folder, NOTES, NOW, "synced.db")
    with open_store(db) as store:
        set_setting(store, "fuzz", "off")
        set_setting(store, "learning_steps", "1m 5m")
    return db


GRADES = st.lists(
    st.tuples(st.sampled_from("1234"), st.integers(0, 400), st.integers(0, 400)),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(grades=GRADES)
def test_the_front_made_ready_is_the_front_the_drill_would_draw(
    synced: Path, tmp_path: Path, grades: list[tuple[str, int, int]]
) -> None:
    keys = [
        step for grade, reading, thinking in grades for step in ((" ", reading), (grade, thinking))
    ]
    runs = {}
    for ahead in (True, False):
        copy = tmp_path / f"{ahead}-{len(list(tmp_path.iterdir()))}.db"
        shutil.copyfile(synced, copy)
        runs[ahead] = _drill(copy, keys, ahead)
    assert runs[True] == runs[False]


def test_a_learning_card_due_again_comes_first_not_the_card_made_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Again with a step of 0 minutes makes the card due at once: the queue shows it again,
    not the card made ready behind it, which is drawn ahead again and shown after the Good."""
    db = synced_notes(tmp_path, NOTES, NOW, "again.db")
    with open_store(db) as store:
        set_setting(store, "learning_steps", "0m 5m")
    written: list[str] = []
    monkeypatch.setattr(loop, "write_drawn", lambda console, text: written.append(text))
    out, logged = _drill(db, [(" ", 5), ("1", 5), (" ", 5), ("3", 5)], ahead=True)
    lines = [line.rstrip(" ─") for line in out.splitlines()]
    assert [lines[n - 1] for n, line in enumerate(lines) if line.startswith("space show")] == [
        "What shows the status?",
        "What shows the status?",
    ]
    assert [line for line in lines if line.startswith("Git  ")] == [
        "Git  7 new · 0 learning · 0 review",
        "Git  6 new · 1 learning · 0 review",
    ]  # the last front was written from the text drawn ahead (`written`), not printed
    assert [text.splitlines()[:2] for text in written] == [
        ["Git  6 new · 1 learning · 0 review " + "─" * 45, "What lists commits?" + " " * 61]
    ]
    assert [(front, rating) for front, rating, *_ in logged] == [
        ("What shows the status?", 1),
        ("What shows the status?", 3),
    ]


class GradeElsewhere(TimedKeys):
    """As TimedKeys; as a grade key is read, another drill answers `card` (when one is set)."""

    def __init__(self, keys: list[tuple[str, int]], moment: list[datetime], db: Path) -> None:
        super().__init__(keys, moment)
        self.db, self.card = db, ""

    def key(self, timeout: float | None = None) -> str:
        key = super().key(timeout)
        if key == "3" and self.card:
            from study.schedule.answers import grade

            with open_store(self.db) as other:
                grade(other, self.card, 4, self.moment[0], fuzz=False)
            self.card = ""
        return key


def test_a_card_made_ready_then_answered_by_another_drill_is_passed_over(tmp_path: Path) -> None:
    """Each card made ready while a back is read is answered by another drill before the key:
    the answer's transaction finds it changed, so its front is not written, and the drill
    passes over it to the card after it."""
    db = synced_notes(tmp_path, NOTES, NOW, "other.db")
    moment = [NOW]
    out = io.StringIO()
    reader = GradeElsewhere([(" ", 5), ("3", 5), (" ", 5), ("3", 5)], moment, db)
    with open_store(db) as store:
        drill = Drill(store, reader, make_console(out), lambda: moment[0])
        made = drill._make_ready

        def noted() -> Any:
            ready = made()
            if ready is not None and not reader.card:
                reader.card = ready.card.id  # the other drill answers the card made ready
            return ready

        drill._make_ready = noted  # type: ignore[method-assign]
        drill.run()
    fronts = [line.rstrip() for line in out.getvalue().splitlines()]
    shown = [fronts[n - 1] for n, line in enumerate(fronts) if line.startswith("space show")]
    # Each card made ready was answered elsewhere: passed over, the next one read and shown.
    assert shown == ["What shows the status?", "What makes a branch?", "Copy a file"]
    with sqlite3.connect(db) as conn:
        logged = conn.execute(LOG).fetchall()
    conn.close()
    assert [(front, rating) for front, rating, *_ in logged] == [
        ("What lists commits?", 4),  # the other drill's
        ("What shows the status?", 3),
        ("What lists files?", 4),  # the other drill's
        ("What makes a branch?", 3),
    ]
