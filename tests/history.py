"""A simulated review history for the stats and optimizer tests, made by the real code.

Cards come from a note synced with `study sync`; every answer goes through
`study.schedule.answers.grade` with a fixed clock and no fuzz. Whether the learner recalls a
card is drawn from a *true* memory model: fsrs with LEARNER parameters (not the defaults), so an
optimizer has something to find. Each answer is also written to `log`, the test's own record,
which the tests count by hand instead of asking the code under test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday

# The simulated learner forgets faster than fsrs' defaults assume (smaller initial stabilities,
# slower growth), so fitted parameters must move away from the defaults.
LEARNER = (
    0.1, 0.4, 0.9, 3.0, 6.8, 0.9, 2.5, 0.002, 1.2, 0.12, 0.9,
    1.8, 0.08, 0.3, 1.9, 0.5, 1.7, 0.5, 0.09, 0.07, 0.15,
)  # fmt: skip


@dataclass
class Answer:
    card_id: str
    rating: int
    at: datetime
    duration_ms: int
    state_before: int  # the card's fsrs state before the answer (0 new, 1-3 fsrs.State)
    interval_before: float | None  # the card's interval in days before it (review cards)


@dataclass
class History:
    db: Path
    now: datetime
    log: list[Answer] = field(default_factory=list)


def simulated(tmp: Path, **kwargs: int) -> History:
    """`simulate` in UTC with its own data folder, for a module-scoped fixture (which cannot
    use the function-scoped `study_home` and `utc`)."""
    import time

    import pytest

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STUDY_HOME", str(tmp / "home"))
        patch.setenv("TZ", "UTC")
        time.tzset()
        history = simulate(tmp, **kwargs)
    time.tzset()
    return history


def copied(history: History, tmp: Path) -> History:
    """The same history in a copy of its database, for a test that changes it."""
    import shutil

    db = tmp / "study.db"
    shutil.copy(history.db, db)
    return History(db, history.now, history.log)


def write_note(folder: Path, cards: int, name: str = "deck.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    note = folder / name
    lines = [f"Question number {n} of {name}::Answer {n}" for n in range(cards)]
    note.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return note


def simulate(tmp: Path, cards: int, days: int, seed: int = 7, skip_every: int = 0) -> History:
    """`days` study days from START: each day the cards due by 09:00 + a few minutes are
    answered (Again or Good, by the LEARNER's recall odds); every `skip_every`-th day is
    skipped. Returns the database and the test's own log of every answer."""
    import fsrs

    from study.schedule.answers import grade
    from study.schedule.store import open_store
    from study.schedule.sync import sync_paths

    db = tmp / "study.db"
    sync_paths(db, [write_note(tmp / "notes", cards)], START - timedelta(days=1))
    truth = fsrs.Scheduler(parameters=LEARNER, enable_fuzzing=False)
    rng = random.Random(seed)
    history = History(db, START + timedelta(days=days))
    with open_store(db) as store:
        ids = [str(row[0]) for row in store.execute("SELECT id FROM card ORDER BY line", {})]
        shadow = {card_id: fsrs.Card() for card_id in ids}
        due = {card_id: START for card_id in ids}  # the store's due, kept to skip reads
        for day in range(days):
            if skip_every and day % skip_every == skip_every - 1:
                continue
            for step in range(3):  # the day's session, then two learning-step passes
                moment = START + timedelta(days=day, minutes=20 * step)
                for card_id in ids:
                    if due[card_id] <= moment + timedelta(minutes=5):
                        row = _answer(store, history, truth, shadow, card_id, moment, rng, grade)
                        due[card_id] = row.due.replace(tzinfo=UTC)
    return history


def _answer(store, history, truth, shadow, card_id, moment, rng, grade):  # type: ignore[no-untyped-def]
    import fsrs

    row = store.card(card_id)
    due = row.due.replace(tzinfo=UTC)
    moment = moment + timedelta(seconds=rng.randint(0, 240))
    card = shadow[card_id]
    recall = truth.get_card_retrievability(card, moment) if card.last_review else 0.0
    rating = 3 if rng.random() < recall else 1
    if row.last_review is None:
        rating = rng.choice((1, 3, 3, 4))
    before = 0 if row.last_review is None else row.state
    interval = (
        (due - row.last_review.replace(tzinfo=UTC)).total_seconds() / 86400
        if row.last_review is not None and row.state == 2
        else None
    )
    duration = rng.randint(2000, 20000)
    row = grade(store, card_id, rating, moment, duration, fuzz=False)
    shadow[card_id], _ = truth.review_card(card, fsrs.Rating(rating), moment)
    history.log.append(Answer(card_id, rating, moment, duration, before, interval))
    return row
