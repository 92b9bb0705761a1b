"""A first drill on a fresh machine: with nothing registered, the bundled decks are added."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from study.words import plural

if TYPE_CHECKING:
    from study.schedule.store import Store


def ensure_cards(store: Store, now: datetime) -> str:
    """First run on a fresh machine: nothing registered yet, so sync the bundled decks."""
    from sqlalchemy import text

    if store.session.execute(text("select 1 from root limit 1")).first() is not None:
        return ""
    if store.session.execute(text("select 1 from card limit 1")).first() is not None:
        return ""
    from study.paths import bundled_decks_dir
    from study.schedule.sync import sync

    report = sync(store, [bundled_decks_dir()], now)
    return f"First run: added the bundled decks ({plural(report.added, 'card')})."
