"""`study drill` from its start: the first card drawn at once, then the store for the answers.

The first front is read and drawn from the database file with plain sqlite3 (read-only, as
`study due` reads it), by the same drill code and the same scheduling rules, while SQLModel,
SQLAlchemy and fsrs are not loaded yet: they take most of a drill's start-up, and are needed
only once the answer is asked for. The store is opened (migrated, backed up) right after the
front is drawn, while the user reads it. Whenever the file cannot be read that way (no
database yet, an older schema, a server, nothing to show now), the drill starts as before:
the store first, the bundled decks on a first run.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from study.drill.firstrun import ensure_cards
from study.drill.loop import Drill
from study.drill.options import Clock, Options
from study.drill.screen import Summary, format_summary
from study.errors import StudyError
from study.paths import db_path as resolve_db_path
from study.paths import server_url
from study.schedule.answering import FileAnswers
from study.schedule.database import connect_read_only, header_version
from study.schedule.migrations import LATEST

if TYPE_CHECKING:
    from study.schedule.store import Store


def _open_read_only(db: Path | None) -> sqlite3.Connection | None:
    """The database file, read-only, when it is already a study database of this release;
    None when the store must be opened first (it creates, migrates or explains)."""
    if server_url(db) is not None:
        return None
    path = resolve_db_path(db)
    try:
        if not path.is_file() or header_version(path) != LATEST:
            return None
        connection = connect_read_only(path)
    except (StudyError, sqlite3.Error):
        return None
    if connection.execute("PRAGMA user_version").fetchone()[0] != LATEST:
        connection.close()  # the header lagged behind a migration in the write-ahead log
        return None
    return connection


def draw_first_early(drill: Drill, db: Path | None) -> bool:
    """The first card's front, from the file before the store is open: True when drawn.

    A deck that does not exist or a tag no card has is a StudyError here, as it is later."""
    connection = _open_read_only(db)
    if connection is None:
        return False
    try:
        drill.start(FileAnswers(connection))  # its reads only
        return drill.draw_first()
    except sqlite3.Error:
        return False  # the store says what is wrong with the file
    finally:
        connection.close()


def run_drill(db: Path | None, options: Options, clock: Clock | None = None) -> Summary:
    """`study drill`: the first card, the store, the bundled decks on a first run, the drill,
    the summary."""
    import sys

    from study.clock import current_time
    from study.drill.terminal import KeyReader, make_console, signals_restore

    clock = clock or current_time
    console = make_console()
    reader = KeyReader(sys.stdin)
    with reader, signals_restore(reader):
        drill = Drill(None, reader, console, clock, options)
        try:
            early = draw_first_early(drill, db)
            store = _open_store(db)
        except KeyboardInterrupt:  # Ctrl-C before the drill began: nothing was answered
            console.print()
            return Summary(interrupted=True)
        with store:
            if not early:
                first = ensure_cards(store, clock())
                if first:
                    console.print(first)
            drill.attach(store)
            summary = drill.run()
    console.print(format_summary(summary, clock()))
    return summary


def _open_store(db: Path | None) -> Store:
    """The store (SQLModel) and fsrs, loaded here: after the first front, before its answer."""
    from study.schedule import answers  # noqa: F401  (loaded now, not at the first answer)
    from study.schedule.store import open_store

    return open_store(db)
