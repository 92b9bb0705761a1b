"""New cards go into the card table many rows a statement, in the order they are given."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from study.schedule.cardinsert import ROWS_A_STATEMENT, CardInserts
from study.schedule.database import prepare

STAMP = "2026-03-02 12:00:00.000000"


def _row(i: int) -> tuple[str | int, ...]:
    # id, note, deck, kind, front, back, tags, section, note_path, source, line
    return (f"id{i:03}", f"id{i:03}", "Deck", "qa", f"Q{i}?", f"A{i}", "[]", "", "d/n.md", "/n", i)


def test_cards_are_added_in_order_whole_statements_and_the_rest(tmp_path: Path) -> None:
    assert ROWS_A_STATEMENT == 32
    db_path = tmp_path / "s.db"
    prepare(db_path, create=True)
    with closing(sqlite3.connect(db_path, isolation_level=None)) as db:
        inserts = CardInserts(STAMP)
        inserts.write(db, [_row(i) for i in range(70)])  # two statements of 32, then 6 rows
        inserts.write(db, [_row(i) for i in range(70, 75)])  # fewer than one statement's
        inserts.write(db, [])
        rows = db.execute(
            "SELECT id, front, back, line, due, added, status, state, step, leech"
            " FROM card ORDER BY rowid"
        ).fetchall()
    assert len(rows) == 75
    assert rows[0] == ("id000", "Q0?", "A0", 0, STAMP, STAMP, "active", 1, 0, 0)
    assert rows[33] == ("id033", "Q33?", "A33", 33, STAMP, STAMP, "active", 1, 0, 0)
    assert rows[69] == ("id069", "Q69?", "A69", 69, STAMP, STAMP, "active", 1, 0, 0)
    assert rows[74] == ("id074", "Q74?", "A74", 74, STAMP, STAMP, "active", 1, 0, 0)
    assert [row[0] for row in rows] == [f"id{i:03}" for i in range(75)]


def test_a_quote_in_the_stamp_stays_text(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    prepare(db_path, create=True)
    with closing(sqlite3.connect(db_path, isolation_level=None)) as db:
        CardInserts("it's").write(db, [_row(1)])
        assert db.execute("SELECT due, added FROM card").fetchall() == [("it's", "it's")]
