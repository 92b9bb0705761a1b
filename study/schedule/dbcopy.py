"""`study db copy FROM TO`: a whole collection onto a server or back into a file.

Every table of the collection (registered folders, notes, cards with their schedule, the review
log, settings) is read through the SQLModel tables from one store and inserted into the other,
in one transaction (each card with its rowid, which its reviews name it by), and then counted
on both sides: a copy whose counts differ is rolled back and reported, never left half made.
The target must hold no collection yet (its own schema, made on opening, is all it may have),
so a copy never merges two histories.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, column, func, insert, literal_column, text
from sqlalchemy import table as sql_table
from sqlmodel import col, select

from study.errors import StudyError
from study.schedule.store import (
    CardRow,
    DeckSettingRow,
    NoteRow,
    ReviewRow,
    RootRow,
    SettingRow,
    Store,
    open_store,
)

# In this order the rows never point at one not yet copied (nothing is enforced, but a reader
# of a half-made copy would see whole notes first). The `migration` table is each store's own.
TABLES: tuple[Any, ...] = (SettingRow, DeckSettingRow, RootRow, NoteRow, CardRow, ReviewRow)
_BATCH = 5000


def counts(store: Store) -> dict[str, int]:
    """The rows of each table of the collection, by table name."""
    session = store.session
    return {
        table.__tablename__: int(session.exec(select(func.count()).select_from(table)).one())
        for table in TABLES
    }


def copy_collection(source: Path | str, target: Path | str, now: datetime) -> dict[str, int]:
    """Copy the collection at `source` into the empty `target` (a file or a server URL, either
    way round); returns the rows copied per table. StudyError if the target already holds
    cards, reviews or settings, or if the counts after do not match."""
    with open_store(source, create=False, now=now) as src, open_store(target, now=now) as dst:
        if src.path == dst.path and src.url == dst.url:
            raise StudyError(f"{dst.path} is both FROM and TO; name another database to copy to")
        present = {name: number for name, number in counts(dst).items() if number}
        if present:
            held = ", ".join(f"{number} {name}" for name, number in present.items())
            raise StudyError(
                f"{dst.path} already holds a collection ({held}); copy into an empty database"
            )
        expected = counts(src)
        with dst.writing() as session:
            for table in TABLES:
                _copy_table(src, session, table)
            if dst.url is not None:  # the server's ids come from sequences: move them on
                for name, key in (("review", "id"), ("card", "rowid")):
                    session.execute(text(_SEQUENCE_PAST_COPIED.format(table=name, key=key)))
                # Fresh statistics, or the planner guesses on empty tables (seconds per query).
                session.execute(text("ANALYZE"))
            got = counts(dst)
            if got != expected:
                raise StudyError(
                    f"the copy into {dst.path} does not add up (read {expected}, wrote {got}); "
                    "nothing was kept"
                )
        return got


_SEQUENCE_PAST_COPIED = (
    "SELECT setval(pg_get_serial_sequence('{table}', '{key}'), coalesce(max({key}), 0) + 1, false)"
    " FROM {table}"
)


def _copy_table(src: Store, session: Any, model: Any) -> None:
    columns = list(model.model_fields)
    batch: list[dict[str, Any]] = []
    target = model.__table__
    query: Any = select(model)
    if model is CardRow:  # SQLite's rowid, the server's column of that name: the order new
        # cards are studied in, and what the review log names a card by, so copied as it is
        rowid: Any = literal_column("rowid")
        query = select(model, rowid).order_by(rowid)
        typed = [column(c.name, c.type) for c in target.columns]
        target = sql_table("card", *typed, column("rowid", BigInteger()))
    elif model is ReviewRow:
        query = query.order_by(col(ReviewRow.id))
    for found in src.session.exec(query):
        row, extra = (found[0], {"rowid": found[1]}) if model is CardRow else (found, {})
        batch.append({name: getattr(row, name) for name in columns} | extra)
        if len(batch) == _BATCH:
            session.execute(insert(target), batch)
            batch = []
    if batch:
        session.execute(insert(target), batch)
    src.session.expunge_all()
