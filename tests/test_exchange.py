"""Merging answers given elsewhere into a card's review log, and replaying its history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from study.schedule.answers import grade, reviews_of, undo_last
from study.schedule.config import set_setting
from study.schedule.exchange import Answer, merge_answers
from study.schedule.scheduler import load_settings
from study.schedule.schema import from_stamp as moment
from study.schedule.store import Store, open_store
from study.schedule.sync import sync

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    (tmp_path / "n.md").write_text("# Physics\n\nEnergy :: the capacity to do work\n")
    with open_store(tmp_path / "study.db") as opened:
        sync(opened, [tmp_path / "n.md"], T)
        set_setting(opened, "fuzz", "off")
        yield opened


def _card(store: Store) -> str:
    (card,) = store.cards()
    return card.id


def test_answers_from_elsewhere_join_the_log_once_and_reschedule(store: Store) -> None:
    card_id = _card(store)
    answers = [Answer(T, 3, 5000), Answer(T + timedelta(minutes=10), 3)]
    settings = load_settings(store)
    assert merge_answers(store, store.card(card_id), answers, settings) == 2
    store.session.commit()
    row = store.card(card_id)
    assert (row.state, row.step) == (2, None)  # graduated after the 10 minute step
    assert row.stability == pytest.approx(2.3065)
    assert moment(row.due) == T + timedelta(minutes=10, days=2)
    assert merge_answers(store, store.card(card_id), answers, settings) == 0  # known: no-op
    assert [r.rating for r in reviews_of(store, card_id)] == [3, 3]


def test_an_answer_seen_again_a_moment_later_is_the_same_answer(store: Store) -> None:
    card_id = _card(store)
    grade(store, card_id, 3, T, fuzz=False)  # study's own answer, exported with id T (ms)
    settings = load_settings(store)
    echo = Answer(T + timedelta(milliseconds=2), 3)  # its revlog id, moved apart by 2 ms
    other = Answer(T + timedelta(milliseconds=2), 1)  # another grade: another answer
    assert merge_answers(store, store.card(card_id), [echo], settings) == 0
    assert merge_answers(store, store.card(card_id), [other], settings) == 1


def test_undo_after_a_merge_restores_the_replayed_schedule(store: Store) -> None:
    card_id = _card(store)
    answers = [Answer(T, 3), Answer(T + timedelta(minutes=10), 3)]
    merge_answers(store, store.card(card_id), answers, load_settings(store))
    store.session.commit()
    assert undo_last(store, card_id) == card_id
    row = store.card(card_id)
    assert (row.state, row.step) == (1, 1)  # back in learning, at the 10 minute step
    assert moment(row.due) == T + timedelta(minutes=10)
