"""The study queue and the answers: order, daily limits, siblings, bury, suspend, grade, undo."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from study.errors import StudyError
from study.schedule.answering import answer, open_answers, read_card
from study.schedule.answers import bury, grade, preview, reviews_of, suspend, undo_last
from study.schedule.config import set_setting
from study.schedule.queue import build_queue
from study.schedule.scheduler import BEFORE, Settings
from study.schedule.store import CardRow, Store, open_store
from tests.pgserver import collection_at

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # the study day began at 04:00 UTC (TZ=UTC)
NO_FUZZ = Settings(fuzz=False)

SHELL = """---
tags: [unix]
---
# Shell

## Files

What lists files?::ls
What prints the working directory?::pwd
Copy a file:::cp
What removes a file?::rm
"""

GIT = """# Git

What shows the working tree status?::git status
"""


pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def store(tmp_path: Path, db_target: Path | str) -> Iterator[Store]:
    """The two notes synced, fuzzing off: on a file, and on a fresh database on the server."""
    target = collection_at(db_target, tmp_path, {"shell.md": SHELL, "git.md": GIT}, NOW)
    with open_store(target) as opened:
        set_setting(opened, "fuzz", "off")
        yield opened


# What reads the file with sqlite3 itself, beside the store.
file_only = pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)


def _ids(store: Store) -> dict[str, str]:
    """Card id by front, for readable assertions."""
    return {card.front: card.id for card in store.cards(statuses=("active", "suspended"))}


def _fronts(store: Store, ids: list[str]) -> list[str]:
    return [store.card(card_id).front for card_id in ids]


def test_new_cards_come_in_note_order_one_per_sibling_group(store: Store) -> None:
    assert _fronts(store, build_queue(store, NOW)) == [
        "What shows the working tree status?",
        "What lists files?",
        "What prints the working directory?",
        "Copy a file",  # its reverse `cp` shares the note: not on the same day
        "What removes a file?",
    ]


def test_deck_and_tag_filters(store: Store) -> None:
    assert _fronts(store, build_queue(store, NOW, decks=["Git"])) == [
        "What shows the working tree status?"
    ]
    assert len(build_queue(store, NOW, tags=["#unix"])) == 4
    assert build_queue(store, NOW, tags=["nothing"]) == []
    with pytest.raises(StudyError, match=r"no deck named 'Gti' \(decks: Git, Shell\)"):
        build_queue(store, NOW, decks=["Gti"])


def test_new_per_day_counts_cards_introduced_today(store: Store) -> None:
    set_setting(store, "new_per_day", "2")  # per deck: 2 of Shell's 4, Git's 1
    first = build_queue(store, NOW, decks=["Shell"])
    assert len(first) == 2
    assert len(build_queue(store, NOW)) == 3
    grade(store, first[0], 3, NOW)
    later = build_queue(store, NOW + timedelta(seconds=1), decks=["Shell"])
    assert later == [first[1]]  # one new left today; the graded card is not due yet
    # --new replaces the daily limit for a session: the 3 groups of Shell still new.
    assert len(build_queue(store, NOW, decks=["shell"], new_override=10)) == 3
    tomorrow = NOW + timedelta(days=1)
    assert len(build_queue(store, tomorrow, decks=["Shell"])) == 3  # learning card due + 2 new


def test_learning_cards_due_now_come_first(store: Store) -> None:
    ids = _ids(store)
    grade(store, ids["What removes a file?"], 1, NOW)  # Again: back in one minute
    assert ids["What removes a file?"] not in build_queue(store, NOW + timedelta(seconds=30))
    queue = build_queue(store, NOW + timedelta(minutes=2))
    assert queue[0] == ids["What removes a file?"]


def test_reviews_due_today_come_before_new_cards_up_to_the_limit(store: Store) -> None:
    ids = _ids(store)
    for front in ("What lists files?", "What prints the working directory?"):
        grade(store, ids[front], 4, NOW)  # Easy: a review in 8 days
    assert store.card(ids["What lists files?"]).due == NOW + timedelta(days=8)
    day8 = NOW + timedelta(days=8) - timedelta(hours=6)  # due later this study day
    queue = build_queue(store, day8)
    assert _fronts(store, queue[:2]) == ["What lists files?", "What prints the working directory?"]
    assert len(queue) == 5
    set_setting(store, "reviews_per_day", "1")
    assert _fronts(store, build_queue(store, day8, new_override=0)) == ["What lists files?"]


def test_a_sibling_waits_for_the_next_study_day(store: Store) -> None:
    ids = _ids(store)
    grade(store, ids["Copy a file"], 4, NOW)
    queue = build_queue(store, NOW, new_override=10)
    assert ids["cp"] not in queue
    assert ids["cp"] in build_queue(store, NOW + timedelta(days=1), new_override=10)


def test_bury_hides_a_card_until_the_next_study_day(store: Store) -> None:
    card = _ids(store)["What lists files?"]
    until = bury(store, card, NOW)
    assert until == datetime(2026, 3, 3, 4, 0, tzinfo=UTC)
    assert card not in build_queue(store, NOW)
    assert card not in build_queue(store, until - timedelta(seconds=1))
    assert card in build_queue(store, until)


def test_suspended_and_retired_cards_are_never_queued(store: Store) -> None:
    ids = _ids(store)
    suspend(store, ids["What lists files?"])
    row = store.card(ids["What removes a file?"])
    row.status = "retired"
    store.session.add(row)
    store.session.commit()
    queue = build_queue(store, NOW)
    assert ids["What lists files?"] not in queue
    assert ids["What removes a file?"] not in queue
    suspend(store, ids["What lists files?"], suspended=False)
    assert ids["What lists files?"] in build_queue(store, NOW)
    with pytest.raises(StudyError, match="retired"):
        suspend(store, ids["What removes a file?"])


@file_only
def test_grade_gives_fsrs_intervals_and_logs_the_review_at_once(store: Store) -> None:
    card = _ids(store)["What lists files?"]
    expected = {
        1: timedelta(minutes=1),
        2: timedelta(minutes=5, seconds=30),
        3: timedelta(minutes=10),
        4: timedelta(days=8),
    }
    assert preview(store, card, NOW) == expected
    row = grade(store, card, 3, NOW, duration_ms=2500)
    assert (row.state, row.step, row.due, row.last_review) == (1, 1, NOW + expected[3], NOW)
    with sqlite3.connect(store.path) as other:  # committed: another process sees it now
        logged = other.execute(
            "SELECT c.id, r.rating, r.reviewed_at, r.duration_ms"
            " FROM review r JOIN card c ON c.rowid = r.card"
        )
        assert logged.fetchall() == [(card, 3, 1772452800000000, 2500)]  # NOW in epoch µs
    [review] = reviews_of(store, card)
    snapshot = [getattr(review, name) for name in BEFORE]
    assert snapshot == [1, 0, None, None, 1772452800000000, None]  # new, due at NOW (epoch µs)


def test_bad_rating_is_refused(store: Store) -> None:
    with pytest.raises(StudyError, match="rating must be 1"):
        grade(store, _ids(store)["What lists files?"], 5, NOW)


def _schedule(row: CardRow) -> tuple[object, ...]:
    return (row.state, row.step, row.stability, row.difficulty, row.due, row.last_review)


def test_undo_restores_the_card_exactly(store: Store) -> None:
    card = _ids(store)["What lists files?"]
    original = _schedule(store.card(card))
    grade(store, card, 3, NOW)
    after_first = _schedule(store.card(card))
    grade(store, card, 3, NOW + timedelta(minutes=10))
    grade(store, card, 2, NOW + timedelta(days=3, minutes=7))
    assert undo_last(store) == card
    undo_last(store)
    assert _schedule(store.card(card)) == after_first
    assert undo_last(store) == card
    assert _schedule(store.card(card)) == original
    assert reviews_of(store, card) == []
    assert undo_last(store) is None
    store.session.expire_all()
    assert _schedule(store.card(card)) == original  # as stored, not just in memory


def test_undo_of_one_card_leaves_the_others(store: Store) -> None:
    ids = _ids(store)
    grade(store, ids["What lists files?"], 3, NOW)
    grade(store, ids["What removes a file?"], 3, NOW)
    assert undo_last(store, ids["What lists files?"]) == ids["What lists files?"]
    assert store.card(ids["What lists files?"]).last_review is None
    assert store.card(ids["What removes a file?"]).last_review == NOW


def test_fuzz_argument_overrides_the_setting(store: Store) -> None:
    set_setting(store, "fuzz", "on")
    card = _ids(store)["What lists files?"]
    grade(store, card, 4, NOW, fuzz=False)
    assert store.card(card).due == NOW + timedelta(days=8)


def test_a_grade_builds_on_what_another_process_stored(store: Store) -> None:
    """Two drills on one database: each grade starts from the card as stored, not as cached."""
    card = _ids(store)["What lists files?"]
    store.card(card)  # cached in this session
    with open_store(store.url or store.path) as other:
        grade(other, card, 3, NOW)
    row = grade(store, card, 3, NOW + timedelta(minutes=10))
    assert row.state == 2  # the second Good of the learning steps: graduated
    assert [r.rating for r in reviews_of(store, card)] == [3, 3]


def test_a_drills_answer_goes_by_the_card_as_it_stands_when_written(store: Store) -> None:
    """The drill answers the card it showed; another drill answered it meanwhile (Again), so
    this Good is graded from that answer's schedule, not the new card shown."""
    card = _ids(store)["What lists files?"]
    shown = read_card(store.execute, card)
    store.end_read()
    assert shown is not None and shown.last_review is None
    with open_store(store.url or store.path) as other:
        grade(other, card, 1, NOW)
    answers = open_answers(store)
    try:
        answered = answer(answers, shown, 3, NOW + timedelta(minutes=1), None, NO_FUZZ)
    finally:
        answers.close()
    first, second = reviews_of(store, card)
    assert (first.rating, first.before_last_review) == (1, None)  # it was new
    assert (second.rating, second.before_state, second.before_step) == (3, 1, 0)  # learning
    assert second.before_last_review == 1772452800000000  # the first answer, NOW
    # Again then Good one minute later: the second learning step, 10 minutes on.
    after = answered.card
    assert (after.state, after.step, after.due) == (1, 1, NOW + timedelta(minutes=11))


def test_a_drills_answer_is_graded_as_grade_does_and_reads_the_next_card(store: Store) -> None:
    ids = _ids(store)
    shown = read_card(store.execute, ids["What lists files?"])
    following = read_card(store.execute, ids["What removes a file?"])
    store.end_read()
    assert shown is not None and following is not None
    answers = open_answers(store)
    try:
        answered = answer(answers, shown, 3, NOW, 1500, NO_FUZZ, following.id)
    finally:
        answers.close()
    read = grade(store, ids["What prints the working directory?"], 3, NOW, fuzz=False)
    given = answered.card
    assert (given.state, given.step, given.due, given.last_review) == (
        1,
        1,
        NOW + timedelta(minutes=10),
        NOW,
    )
    assert (read.state, read.step, read.due, read.last_review) == (
        1,
        1,
        NOW + timedelta(minutes=10),
        NOW,
    )
    assert answered.following == following  # read in the same transaction, unchanged
    assert not answered.became_leech
    [logged] = reviews_of(store, shown.id)
    assert (logged.rating, logged.duration_ms, logged.before_state) == (3, 1500, 1)
