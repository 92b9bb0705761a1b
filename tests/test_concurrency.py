"""Two drills on one database at once, on a SQLite file and on the PostgreSQL server: each
answer is logged once, a card one drill answered is not shown by the other afterwards, and a
write that meets another writer's lock waits and is saved (or, stuck, ends in one line)."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from study.drill.loop import Drill
from study.drill.terminal import KeyReader, make_console
from study.errors import StudyError
from study.schedule import database
from study.schedule.store import Store, open_store
from tests.pgserver import collection_at, libpq
from tests.support import reviews

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# Six questions, each its own note (a heading apiece), so all six are new cards due today.
NOTES = {
    "tools.md": "# Tools\n\n"
    + "".join(f"## Part {n}\n\nWhat is tool {n}?::answer {n}\n\n" for n in range(1, 7))
}


class GatedReader(KeyReader):
    """Scripted keys that wait, at the first key, until `go` is set (and say so in `waiting`)."""

    def __init__(self, keys: str, waiting: threading.Event, go: threading.Event) -> None:
        super().__init__(io.StringIO(keys))
        self.waiting, self.go = waiting, go

    def key(self, timeout: float | None = None) -> str:
        if not self.waiting.is_set():
            self.waiting.set()
            assert self.go.wait(30), "the other drill never finished"
        return super().key(timeout)


def _drill(store: Store, reader: KeyReader, clock: datetime) -> tuple[str, int]:
    """Runs one drill to its end; returns what it printed and how many cards it graded."""
    out = io.StringIO()
    summary = Drill(store, reader, make_console(out), lambda: clock).run()
    return out.getvalue(), summary.seen


def test_two_drills_grade_different_cards_and_log_each_answer_once(
    tmp_path: Path, db_target: Path | str
) -> None:
    """B queues all six cards, then waits on the first; meanwhile A skips it, answers cards 2
    and 3, and quits on 4. B answers 1, passes over 2 and 3 without showing them, answers 4-6.

    B's clock runs five minutes ahead of A's (two machines): a check by answer time would take
    A's answers for older than B's start and show cards 2 and 3 again."""
    target = collection_at(db_target, tmp_path, NOTES, NOW)
    b_waiting, a_done, outputs, failures = threading.Event(), threading.Event(), {}, []

    def drill_b() -> None:
        try:
            with open_store(target) as store:
                reader = GatedReader(" \n3\n" * 4, b_waiting, a_done)
                outputs["B"] = _drill(store, reader, NOW + timedelta(minutes=5))
        except BaseException as error:  # named by the assertion below
            failures.append(error)
            b_waiting.set()

    b = threading.Thread(target=drill_b)
    b.start()
    assert b_waiting.wait(30)
    try:
        with open_store(target) as store:
            outputs["A"] = _drill(store, KeyReader(io.StringIO("s\n \n3\n \n3\nq\n")), NOW)
    finally:
        a_done.set()
        b.join(60)
    assert failures == []
    shown = {
        name: [n for n in range(1, 7) if f"What is tool {n}?" in out]
        for name, (out, _) in outputs.items()
    }
    assert shown == {"A": [1, 2, 3, 4], "B": [1, 4, 5, 6]}
    assert {name: graded for name, (_, graded) in outputs.items()} == {"A": 2, "B": 4}
    logged = reviews(target)  # (front, rating) of every review row
    assert sorted(logged) == [(f"What is tool {n}?", 3) for n in range(1, 7)]


def _row_locked(url: str, card_id: str) -> Any:
    """Another session on the server holding the card's row (until its connection commits)."""
    import psycopg

    conn = psycopg.connect(libpq(url))
    conn.execute("SELECT 1 FROM card WHERE id = %s FOR UPDATE", (card_id,))
    return conn


@pytest.fixture
def short_lock_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's lock_timeout at 100 ms instead of 5 s, and three tries, to keep it quick."""
    from study.schedule import server

    monkeypatch.setattr(server, "SESSION_OPTIONS", "-c timezone=UTC -c lock_timeout=100")
    monkeypatch.setattr(database, "WRITE_TRIES", 3)


@pytest.mark.usefixtures("short_lock_wait")
def test_a_grade_waits_for_a_row_another_session_holds_then_is_saved_once(
    tmp_path: Path, pg_url: str
) -> None:
    from study.schedule.answers import grade, reviews_of

    collection_at(pg_url, tmp_path, NOTES, NOW)
    waits: list[str] = []
    with open_store(pg_url) as store:
        card_id = store.cards()[0].id
        holder = _row_locked(pg_url, card_id)
        threading.Timer(0.15, holder.commit).start()
        row = database.until_written(
            lambda: grade(store, card_id, 3, NOW, None, fuzz=False),
            lambda: waits.append("busy"),
            "the answer",
        )
        assert row.last_review is not None
        assert 1 <= len(waits) <= 2  # the first try met the lock; a later one got the row
        assert [review.rating for review in reviews_of(store, card_id)] == [3]
    holder.close()


@pytest.mark.usefixtures("short_lock_wait")
def test_a_row_held_for_good_ends_in_one_line_and_writes_nothing(
    tmp_path: Path, pg_url: str
) -> None:
    from study.schedule.answers import grade, reviews_of

    collection_at(pg_url, tmp_path, NOTES, NOW)
    with open_store(pg_url) as store:
        card_id = store.cards()[0].id
        holder = _row_locked(pg_url, card_id)
        waits: list[str] = []
        with pytest.raises(StudyError) as caught:
            database.until_written(
                lambda: grade(store, card_id, 3, NOW, None, fuzz=False),
                lambda: waits.append("busy"),
                "the answer to card 1",
            )
        holder.close()
        assert str(caught.value) == (
            "the database stayed busy for 3 tries (another drill or a sync holds it); "
            "the answer to card 1 was not saved"
        )
        assert waits == ["busy", "busy"]
        assert reviews_of(store, card_id) == []
        assert store.card(card_id).last_review is None
