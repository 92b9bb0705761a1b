"""The end of a drill: what is left today, what the daily limits hold back, when cards come."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from study.drill.screen import Counts, Summary
from study.schedule.queue import next_due
from study.schedule.rules import LEARNING, NEW, REVIEW, select

if TYPE_CHECKING:
    from study.schedule.settings import Execute


def sum_up(summary: Summary, execute: Execute, now: datetime, options: Any, later: int) -> None:
    """Fills in what is left today in the drill's decks and tags (skipped cards too, and the
    `later` learning cards still to come), what the daily limits hold back, and next due."""
    decks, tags = options.decks, options.tags
    selection = select(execute, now, decks, tags, count_held=True)
    parts = [pick.part for pick in selection.picks]
    summary.left = Counts(parts.count(NEW), parts.count(LEARNING) + later, parts.count(REVIEW))
    summary.held_new = sum(held.get(NEW, 0) for held in selection.held.values())
    summary.held_review = sum(held.get(REVIEW, 0) for held in selection.held.values())
    summary.next_due = next_due(execute, now, decks)
