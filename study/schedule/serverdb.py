"""The few sqlite3 connection calls `study sync` makes, on a PostgreSQL server's connection.

The sync's SQL is written once, in SQLite's words (`?` and `:name` parameters, a PRAGMA for
the page cache, `sqlite_master` for the card table's indexes), and runs as it is on the file,
the fast path. On a server the same statement texts go through `ServerConnection`, which
translates them here, in one place: parameters to psycopg's `%s` / `%(name)s`, the catalogue
query to `pg_indexes`, SQLite's `INSERT OR FAIL` to INSERT, and the file-only tuning
(PRAGMA) to nothing. `executemany` is psycopg's, which sends the rows in one pipeline
instead of one round trip each.

No psycopg import: the connection is handed over by the Store's engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, Protocol


class Cursor(Protocol):
    """What sync reads from a statement: rows, one row, or all, and the column names."""

    @property
    def description(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """The part of `sqlite3.Connection` sync uses; a `ServerConnection` has the same."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Cursor: ...


# SQLite's catalogue query for the card table's own indexes (FirstSync), as the server says it.
_SERVER_WORDS = {
    "SELECT name, sql FROM sqlite_master"
    " WHERE type = 'index' AND tbl_name = 'card' AND sql IS NOT NULL": "SELECT indexname,"
    " indexdef FROM pg_indexes WHERE tablename = 'card' AND indexname <> 'card_pkey'"
    " AND schemaname = current_schema()",
}
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=64)
def server_statement(sql: str) -> str | None:
    """A sync statement as psycopg takes it; None for one the server has no use for."""
    if sql.startswith("PRAGMA"):  # page cache tuning of the file: the server has its own
        return None
    sql = _SERVER_WORDS.get(sql, sql).replace("%", "%%").replace("INSERT OR FAIL ", "INSERT ")
    return _NAMED.sub(r"%(\1)s", sql).replace("?", "%s")


class _NoRows:
    description = None

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def fetchone(self) -> None:
        return None

    def fetchall(self) -> list[Any]:
        return []


class ServerConnection:
    """A psycopg connection inside the Store's transaction, spoken to as sqlite3 is.

    Always in a transaction (psycopg begins one with the first statement; the Store commits
    or rolls it back), so sync's `BEGIN IMMEDIATE` is never sent: concurrent syncs take turns
    on an advisory lock instead (`lock_for_sync`).
    """

    in_transaction = True

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        statement = server_statement(sql)
        if statement is None:
            return _NoRows()
        cursor: Cursor = self.raw.execute(statement, parameters or None)
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        statement = server_statement(sql)
        rows = list(parameters)
        if statement is not None and rows:
            cursor = self.raw.cursor()
            cursor.executemany(statement, rows)
            done: Cursor = cursor
            return done
        return _NoRows()


def is_server(db: Connection) -> bool:
    """Whether `db` is a server's (a migration's DDL branches on it)."""
    return isinstance(db, ServerConnection)


# Any number: every `study sync` on a server holds this lock until it commits, as the file's
# sync holds the write lock, so two syncs of the same notes never interleave their writes.
SYNC_LOCK = 0x57D8


def lock_for_sync(db: ServerConnection) -> None:
    db.execute(f"SELECT pg_advisory_xact_lock({SYNC_LOCK})")
