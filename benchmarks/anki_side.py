"""Anki's half of bench_anki.py: each operation in a process of its own, as Anki would run it.

Run by bench_anki.py (never imported by study), so its CPU time and peak memory are the
child's alone. Each prints one JSON line: the figures the parent compares.

    python benchmarks/anki_side.py import PACKAGE COLLECTION
    python benchmarks/anki_side.py history COLLECTION STUDY_DB
    python benchmarks/anki_side.py due COLLECTION
    python benchmarks/anki_side.py drill COLLECTION   (keys on stdin, as study drill)
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler_pb2 import CardAnswer

DAY_S = 86400
# Anki's revlog types for the state before an answer: learning, review, relearning.
REVLOG_TYPE = {1: 0, 2: 1, 3: 2}


def import_package(package: Path, collection: Path) -> dict[str, Any]:
    """A fresh collection importing the package with Anki's default options."""
    col = Collection(str(collection))
    try:
        request = ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
        col.import_anki_package(request)
        cards = col.card_count()
    finally:
        col.close()
    return {"cards": cards}


def _epoch(text: str) -> float:
    moment = datetime.fromisoformat(text.replace(" ", "T"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _study_log(study_db: Path) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """Study's review log, card by card in time order: (card, rating, epoch ms, duration ms,
    state before, last review before); the log's epoch microseconds become epoch ms."""
    db = sqlite3.connect(study_db)
    rows = db.execute(
        "SELECT c.id, r.rating, r.reviewed_at / 1000, coalesce(r.duration_ms, 0),"
        " r.before_state, r.before_last_review"
        " FROM review r JOIN card c ON c.rowid = r.card ORDER BY r.card, r.reviewed_at"
    )
    for card_id, reviews in groupby(rows, key=lambda row: row[0]):
        yield card_id, list(reviews)
    db.close()


def _revlog(cid: int, reviews: list[tuple[Any, ...]], used: set[int]) -> Iterator[tuple]:
    """Anki's revlog rows for one card: id = the answer's epoch ms (kept unique), ivl and
    lastIvl in days, factor, time in ms (Anki caps it at a minute), type."""
    last_ivl = 0
    for n, (_, rating, ms, duration, state, last) in enumerate(reviews):
        following = reviews[n + 1][2] if n + 1 < len(reviews) else ms
        while ms in used:
            ms += 1
        used.add(ms)
        ivl = max(1, round((following - ms) / (DAY_S * 1000)))
        kind = REVLOG_TYPE.get(int(state or 1), 1) if last is not None else 0
        yield ms, cid, -1, rating, ivl, last_ivl, 2500, min(duration, 60_000), kind
        last_ivl = ivl


def add_history(collection: Path, study_db: Path) -> dict[str, Any]:
    """The same reviews as study's log, in Anki's revlog layout, each study card's history on
    one Anki card; those cards become review cards due when study's are.

    Written with sqlite3 in one transaction while the collection is closed (Anki's own
    `col.db` commits each row: a million took longer than the whole rest of the benchmark).
    """
    col = Collection(str(collection))
    today = col.sched.today
    col.close()
    db = sqlite3.connect(collection)
    cids = [row[0] for row in db.execute("SELECT id FROM cards ORDER BY id")]
    study = sqlite3.connect(study_db)
    schedule = {
        row[0]: row[1:]
        for row in study.execute(
            "SELECT id, stability, difficulty, due, last_review FROM card"
            " WHERE last_review IS NOT NULL"
        )
    }
    study.close()
    used: set[int] = set()
    with db:
        for cid, (card_id, reviews) in zip(cids, _study_log(study_db), strict=False):
            db.executemany(
                "INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _revlog(cid, reviews, used)
            )
            stability, difficulty, due, last = schedule[card_id]
            memory = {"s": stability, "d": difficulty, "dr": 0.9, "lrt": int(_epoch(last))}
            day = today + int((_epoch(due) - time.time()) // DAY_S)
            db.execute(
                "UPDATE cards SET type = 2, queue = 2, ivl = ?, due = ?, data = ?, reps = ?,"
                " factor = 2500 WHERE id = ?",
                (round(stability), day, json.dumps(memory), len(reviews), cid),
            )
    reviews = db.execute("SELECT count() FROM revlog").fetchone()[0]
    db.close()
    col = Collection(str(collection))
    col.set_config("fsrs", True)
    col.close()
    return {"reviews": reviews}


def count_due(collection: Path) -> dict[str, Any]:
    """Open the collection and count what is due in every deck, as the deck list does; the
    time from opening, and the moment it was done (the parent times the whole process)."""
    start = time.perf_counter()
    col = Collection(str(collection))
    tree = col.sched.deck_due_tree()
    due = sum(child.new_count + child.learn_count + child.review_count for child in tree.children)
    elapsed, done_at = time.perf_counter() - start, time.time()
    col.close()
    return {"seconds": elapsed, "at": done_at, "due": due}


def _next(col: Collection) -> Any:
    """The next card as the reviewer shows it: queued, its states, its question rendered."""
    queued = col.sched.get_queued_cards(fetch_limit=1)
    entry = queued.cards[0]
    card = col.get_card(entry.card.id)
    card.start_timer()
    card.question()
    return card, entry.states


def _show(text: str, hint: str) -> None:
    sys.stdout.write(f"{text}\n{hint}\n")
    sys.stdout.flush()


def drill(collection: Path) -> dict[str, Any]:
    """A drill driven through pipes as study's is (bench_schedule.scripted_drill): each front
    printed with "show answer" under it; Space prints the back and the grades, `3` answers
    Good and prints the next front, `q` (or the end of the input) ends it.

    Also timed in the process: the first card from opening the collection, and each grade ->
    next card from the `3` read to the next question rendered (before it is printed).
    """
    start = time.perf_counter()
    col = Collection(str(collection))
    # Anki studies one deck (and its children); study's drill, every deck: the first deck.
    names = sorted((deck.name, deck.id) for deck in col.decks.all_names_and_ids())
    col.decks.select(next(deck_id for name, deck_id in names if name != "Default"))
    card, states = _next(col)
    first, first_at = time.perf_counter() - start, time.time()
    _show(card.question(), "space show answer · q quit")
    steps = []
    for line in sys.stdin:
        key = line.rstrip("\n")
        if key == " ":
            _show(card.answer(), "1 Again · 2 Hard · 3 Good · 4 Easy")
        elif key == "3":
            began = time.perf_counter()
            answer = col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
            col.sched.answer_card(answer)
            card, states = _next(col)
            steps.append(time.perf_counter() - began)
            _show(card.question(), "space show answer · q quit")
        else:
            break
    col.close()
    return {"first": first, "at": first_at, "steps": steps}


def main() -> None:
    operation, *rest = sys.argv[1:]
    if operation == "import":
        result = import_package(Path(rest[0]), Path(rest[1]))
    elif operation == "history":
        result = add_history(Path(rest[0]), Path(rest[1]))
    elif operation == "due":
        result = count_due(Path(rest[0]))
    elif operation == "drill":
        result = drill(Path(rest[0]))
    else:
        sys.exit(f"unknown operation {operation}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
