"""The store: one SQLite file with the notes synced, the cards, their schedule, the review log
(or the same tables on a PostgreSQL server, `study.schedule.server`).

The schema is made by `study.migrations` (plain SQL, versioned); the SQLModel classes below
describe the current schema for the code that reads and writes it. The file is opened in WAL
mode with a busy timeout, so a drill and a `study due` (or two drills) can share it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import BigInteger, event, text
from sqlmodel import Field, Session, SQLModel, col, create_engine, select

from study.errors import StudyError
from study.notes.card import Card
from study.notes.lookup import has_tag, resolve_decks, tag_wanted
from study.paths import db_path as resolve_db_path
from study.schedule.backup import open_for_writing
from study.schedule.database import BUSY_TIMEOUT_S, configure, diagnose, refuse_if_damaged
from study.schedule.dburl import is_server_error, server_error, server_url, where
from study.schedule.machine import local_file, local_vaults
from study.schedule.rules import known_decks
from study.schedule.schema import Status
from study.schedule.serverread import as_sqlite_gives, server_sql


class RootRow(SQLModel, table=True):
    """A file or folder a machine registered with `study sync PATH` (absolute path there),
    and the vault it is (study.schedule.machine)."""

    __tablename__ = "root"
    machine: str = Field(primary_key=True)
    path: str = Field(primary_key=True)
    vault: str


class NoteRow(SQLModel, table=True):
    """A note file as a machine last synced it: its content hash lets an unchanged file skip
    the parser; `note_key` (vault/path in it) is what its cards' `note_path` hold."""

    __tablename__ = "note"
    machine: str = Field(primary_key=True)
    path: str = Field(primary_key=True)
    note_key: str
    deck: str
    content_hash: str
    synced_at: datetime
    # With mtime_ns, the stamp that spares an unchanged note a read (ns: 64 bits on a server).
    size: int | None = Field(default=None, sa_type=BigInteger)
    mtime_ns: int | None = Field(default=None, sa_type=BigInteger)
    stamped_by: str | None = None  # the release that recorded the stamp


class CardRow(SQLModel, table=True):
    """A card, its place in the notes and its FSRS memory state (last_review NULL = new)."""

    __tablename__ = "card"
    id: str = Field(primary_key=True)
    note: str
    note_path: str
    deck: str
    kind: str
    front: str
    back: str
    tags: str = "[]"
    source: str
    line: int
    section: str = ""
    status: str = Status.ACTIVE
    retired_from: str | None = None  # a retired card's status before, given back on restore
    leech: bool = False  # lapsed `leech_lapses` times: suspended, until the note is fixed
    buried_until: datetime | None = None
    state: int = 1
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime
    last_review: datetime | None = None
    added: datetime
    anki_guid: str | None = None  # the Anki note GUID it keeps through renames (else `note`)
    anki_hash: str | None = None  # its Anki note's content at the last export
    anki_mod: int | None = None  # and that note's modification time (epoch seconds)


class ReviewRow(SQLModel, table=True):
    """One graded answer (fsrs' `ReviewLog`) and the card's schedule before it, for an exact
    undo (`study.schedule.scheduler.snapshot` / `card_before`), in typed columns: `card` is the
    card's rowid (its id may change, its row does not), moments are epoch microseconds
    (`study.schedule.schema.epoch_us`). ~60 bytes a review, where text ids, stamps and a JSON
    snapshot took ~260."""

    __tablename__ = "review"
    id: int | None = Field(default=None, primary_key=True)
    card: int | None = Field(default=None, sa_type=BigInteger)  # None: its card was gone (m010)
    rating: int
    reviewed_at: int = Field(sa_type=BigInteger)
    duration_ms: int | None = None
    before_state: int | None = None
    before_step: int | None = None
    before_stability: float | None = None
    before_difficulty: float | None = None
    before_due: int | None = Field(default=None, sa_type=BigInteger)
    before_last_review: int | None = Field(default=None, sa_type=BigInteger)


class SettingRow(SQLModel, table=True):
    """A setting the user changed with `study config`; a missing key means the default."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class DeckSettingRow(SQLModel, table=True):
    """A deck's own value of a setting (`study config --deck`); `deck` is its `deck_key`."""

    __tablename__ = "deck_setting"
    deck: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    value: str


class AnkiExportRow(SQLModel, table=True):
    """What the last Anki export said of itself (the note types' version), by key."""

    __tablename__ = "anki_export"
    key: str = Field(primary_key=True)
    value: str


class MigrationRow(SQLModel, table=True):
    """A migration applied to this file (see study.migrations)."""

    __tablename__ = "migration"
    name: str = Field(primary_key=True)
    applied_at: datetime


def to_card(row: CardRow) -> Card:
    """The shared Card a row stands for (the schedule stays in the row)."""
    return Card(
        id=row.id,
        note=row.note,
        deck=row.deck,
        kind=row.kind,
        front=row.front,
        back=row.back,
        source=row.source,
        line=row.line,
        path=tuple(row.section.split(" > ")) if row.section else (),
        tags=tuple(json.loads(row.tags)),
    )


class Store:
    """An open study database: `session` for queries, plus the reads every command needs."""

    def __init__(self, path: Path, engine: Any, url: str | None = None) -> None:
        self.path = path
        self.engine = engine
        self.url = url  # the server's URL, or None for the SQLite file at `path`
        # Rows stay readable after commit: a drill shows a card right after grading it.
        self.session = Session(engine, expire_on_commit=False)
        self.as_writer = False  # what the next transaction begins as (see `writing`)
        if url is None:  # a server's rows are locked as they are written, not the whole file
            event.listen(engine, "begin", self._begin)

    def _begin(self, connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if self.as_writer else "BEGIN")

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction that starts as a writer and commits at the end (rolls back on error).

        `BEGIN IMMEDIATE` takes the write lock first, waiting up to the busy timeout for
        another writer. A read transaction upgraded to a write later cannot wait: SQLite
        fails it at once when someone else wrote meanwhile. So any read still open is ended
        first, and what the write depends on is read again inside it.
        """
        session = self.session
        if session.in_transaction():
            session.commit()
        self.as_writer = True  # for the whole block: a sync may reconnect after forking
        try:
            session.connection()  # begins now, as a writer
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            self.as_writer = False

    def end_read(self) -> None:
        """Ends the read transaction, so another drill may write meanwhile."""
        self.session.commit()

    def close(self) -> None:
        self.session.close()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
        if error is not None and self.url is not None and is_server_error(error):
            raise server_error(self.url, error) from None  # one line naming the host
        if error is not None and _is_database_error(error):
            raise diagnose(self.path, error) from None  # one line naming the file, no trace

    def execute(self, sql: str, params: Mapping[str, Any]) -> Iterable[Sequence[Any]]:
        """Plain SQL on the session's own sqlite3 connection, inside its transaction
        (`study.schedule.settings.Execute`), for the rules the fast read paths share.

        The driver's connection, not `session.execute(text(...))`: the rules run one query per
        deck and part, and SQLAlchemy's statement handling costs more than the query itself.
        """
        if self.url is not None:  # the server: SQLAlchemy binds the same `:name` parameters
            result = self.session.execute(text(server_sql(sql)), dict(params))
            if not getattr(result, "returns_rows", True):  # a write: nothing to read back
                return []
            return (tuple(map(as_sqlite_gives, row)) for row in result)  # lazy, as sqlite3
        return self._raw().execute(sql, dict(params))

    def rowid(self, card_id: str) -> int | None:
        """The rowid of the card `card_id`: what its review rows name it by (`ReviewRow.card`),
        the same for life however its id changes. None if there is no such card."""
        sql = "SELECT rowid FROM card WHERE id = :id"
        found = next(iter(self.execute(sql, {"id": card_id})), None)
        return None if found is None else int(found[0])

    def execute_many(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """`execute` of one write statement for each of `rows`, in one call to the driver."""
        if not rows:
            return
        if self.url is not None:
            self.session.execute(text(server_sql(sql)), [dict(row) for row in rows])
            return
        self._raw().executemany(sql, rows)

    def _raw(self) -> sqlite3.Connection:
        """The session's own sqlite3 connection, inside its transaction."""
        raw = self.session.connection().connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)  # the sqlite engine's driver: always so
        return raw

    def cards(
        self,
        decks: Sequence[str] = (),
        tags: Sequence[str] = (),
        statuses: Sequence[Status] = (Status.ACTIVE,),
    ) -> list[Card]:
        """Cards in note order, filtered by deck (stored names), tag (any of them) and status."""
        query = select(CardRow).where(col(CardRow.status).in_(list(statuses)))
        if decks:
            query = query.where(col(CardRow.deck).in_(list(decks)))
        query = query.order_by(col(CardRow.deck), col(CardRow.note_path), col(CardRow.line))
        wanted = tag_wanted(tags)
        vaults = local_vaults(self.execute)  # a card's source: its note's file on this machine
        return [
            card._replace(source=local_file(vaults, row.note_path, row.source))
            for row, card in ((row, to_card(row)) for row in self.session.exec(query))
            if has_tag(card.tags, wanted)
        ]

    def decks(self) -> list[str]:
        """The decks that have cards which are not retired, sorted."""
        return known_decks(self.execute)

    def resolve_decks(self, typed: Sequence[str]) -> list[str]:
        """The stored names of the decks a user typed (`study.notes.lookup`); StudyError for
        an unknown one, naming the decks there are."""
        return resolve_decks(typed, self.decks()) if typed else []

    def card(self, card_id: str, lock: bool = False) -> CardRow:
        """One card row as stored now (another drill may have graded it); StudyError if none.

        `lock` (inside `writing`) holds the row until the commit, so two drills grading one
        card on a server take turns and the second sees the first's answer. SQLite needs no
        row lock (`writing` holds the whole file), and SQLAlchemy leaves FOR UPDATE out there.
        """
        row = self.session.get(CardRow, card_id, populate_existing=True, with_for_update=lock)
        if row is None:
            raise StudyError(f"no card with id {card_id}")
        return row


def _is_database_error(error: BaseException) -> bool:
    import sqlite3

    return isinstance(getattr(error, "orig", None) or error, sqlite3.Error)


def _on_connect(connection: Any, record: Any) -> None:
    # The driver's own implicit BEGIN is off: Store._begin says which kind each one is.
    connection.isolation_level = None
    configure(connection)


def open_store(
    db_path: Path | str | None = None,
    *,
    create: bool = True,
    now: datetime | None = None,
    verify: bool = False,
) -> Store:
    """Open (and create or upgrade) the study database; default `study.paths.default_db_path()`.

    Raises StudyError for a file that is not a study database, is corrupt, was written by a
    newer release, cannot be written, or (with create=False) does not exist. `now` (default:
    the clock) dates the daily backup. `verify` checks every page first (~0.2 s for 100,000
    cards), for commands that would otherwise answer from a damaged file as if it were fine.
    """
    from study.clock import current_time

    url = server_url(db_path)
    if url is not None:
        return _open_server_store(url, create)
    path = resolve_db_path(None if db_path is None else Path(db_path))
    open_for_writing(path, create, now or current_time())
    if verify:
        refuse_if_damaged(path)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _on_connect)
    return Store(path, engine)


def _open_server_store(url: str, create: bool) -> Store:
    """The store on a PostgreSQL server (`study.schedule.server`): the same tables and rules."""
    from study.schedule.server import prepare_server, server_engine

    engine = server_engine(url)
    prepare_server(engine, url, create)
    return Store(Path(where(url)), engine, url)
