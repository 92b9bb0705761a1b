"""`study due` on a PostgreSQL server at the speed of its file path: plain psycopg, no SQLAlchemy.

The file's fast path reads with plain sqlite3 (`study.schedule.due`); this is the server's: one
psycopg connection with the session settings every server connection gets, one read-only
snapshot, the shared rules' SQL spelled for PostgreSQL (`server_sql`) with its `:name`
parameters as psycopg's (`study.schedule.serverdb`, as sync's), and rows as SQLite gives them
(times as stamp text). SQLModel and SQLAlchemy (a second or more of start-up) are loaded only
when the database needs the full store: to be made, upgraded, or refused in its own words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from study.errors import StudyError
from study.schedule.database import BUSY_TIMEOUT_S
from study.schedule.dburl import refuse_password, server_error, where
from study.schedule.schema import stamp
from study.schedule.serverdb import server_statement
from study.schedule.settings import HAS_DECK_SETTINGS

TYPE_CHECKING = False  # not typing's: see study.schedule.settings
if TYPE_CHECKING:
    from study.schedule.settings import Execute

# Times in UTC: an aware datetime is stored as its UTC wall time, as the SQLite file stores it.
# A row another transaction holds (a drill grading the same card, a long write) is waited for
# as long as SQLite waits for its file, then the write fails as busy and is tried again
# (`study.schedule.database.until_written`), never waited on forever.
SESSION_OPTIONS = f"-c timezone=UTC -c lock_timeout={int(BUSY_TIMEOUT_S * 1000)}"
CONNECT_TIMEOUT_S = 10

# The words of the shared rules (study.schedule.rules, .settings) that only SQLite knows, as
# PostgreSQL says them. The rules stay written once, for SQLite, whose fast paths count most;
# the server's `card` has a `rowid` of its own (study.schedule.server), so `c.rowid` needs none.
_SERVER_WORDS = (
    (HAS_DECK_SETTINGS, "SELECT 1"),  # made with the schema on a server
    (
        "SELECT value FROM json_each(:decks)",
        "SELECT json_array_elements_text(CAST(:decks AS json))",
    ),
    ("SELECT value FROM json_each(:ids)", "SELECT json_array_elements_text(CAST(:ids AS json))"),
    # `study stats` (study.stats.figures): a card's interval in days, its forecast's day table
    # (a stamp in VALUES is text to PostgreSQL), and SQLite's word for "scan the table".
    (
        "round(julianday(c.due) - julianday(c.last_review), 3)",
        "round(CAST(extract(epoch from (c.due - c.last_review)) / 86400 AS numeric), 3)",
    ),
    (
        "c.due >= d.lo AND c.due < d.hi",
        "c.due >= CAST(d.lo AS timestamp) AND c.due < CAST(d.hi AS timestamp)",
    ),
    ("FROM review r NOT INDEXED", "FROM review r"),
)


def server_sql(sql: str) -> str:
    """A statement of the shared rules as the PostgreSQL server takes it."""
    for sqlite_words, server_words in _SERVER_WORDS:
        sql = sql.replace(sqlite_words, server_words)
    return sql


def as_sqlite_gives(value: Any) -> Any:
    """A server's value as SQLite returns it to plain SQL: a time is its stamp text (UTC)."""
    if not isinstance(value, datetime):
        return value
    return stamp(value if value.tzinfo is not None else value.replace(tzinfo=UTC))


def need_psycopg(url: str) -> None:
    """StudyError saying how to install the optional extra when psycopg is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise StudyError(
            f"{where(url)} is a PostgreSQL server: install psycopg, study's extra `postgres`, "
            "with `pip install -e '.[postgres]'` in study's folder"
        ) from None


@contextmanager
def fast_reader(url: str, migrations: Sequence[str]) -> Iterator[Execute | None]:
    """The rules' `execute` on one read-only snapshot of the server at `url` (a SQLAlchemy
    URL), or None when the database is not a study database at exactly `migrations`: the
    caller then opens the full store, which makes, upgrades or refuses it in its own words."""
    refuse_password(url)
    need_psycopg(url)
    import psycopg

    try:
        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://", 1),
            options=SESSION_OPTIONS,
            connect_timeout=CONNECT_TIMEOUT_S,
        ) as conn:
            conn.read_only = True
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            if _recorded(conn) != set(migrations):
                yield None
                return
            yield lambda sql, params: _rows(conn, sql, params)
    except psycopg.Error as error:
        raise server_error(url, error) from None


def _recorded(conn: Any) -> set[str] | None:
    """The migration names the database records; None when it has no migration table."""
    found = conn.execute("SELECT to_regclass('migration') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return None
    return {str(name) for (name,) in conn.execute("SELECT name FROM migration")}


def _rows(conn: Any, sql: str, params: Mapping[str, Any]) -> Iterable[Sequence[Any]]:
    # The rules' words for PostgreSQL, then the parameters as psycopg's, as sync's are.
    statement = server_statement(server_sql(sql))
    return [tuple(map(as_sqlite_gives, row)) for row in conn.execute(statement, dict(params))]
