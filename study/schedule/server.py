"""The study database on a PostgreSQL server: the engine, and its schema made or checked.

One migration history for both dialects: the names in `study.schedule.migrations.MIGRATIONS`
are what the `migration` table records on either. The SQLite migrations are plain SQLite SQL
(they must upgrade files made by every earlier release, json_extract and all), so a server
database is not built by replaying them: it starts at today's schema, made from the same
SQLModel tables the code reads and writes (plus the queue's partial indexes, which PostgreSQL
spells as SQLite does), and every migration name up to today's is recorded as applied. A later
migration (after m008) is written once for both dialects (SQL both accept, or a branch where
they differ) and appended to the one list: a server database that lacks it is upgraded on
open by that same function (`_upgrade`), as a file is.

Times: the columns hold UTC. Every connection sets its session time zone to UTC, so an aware
datetime is stored as its UTC wall time, as the SQLite file stores it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from study.errors import NoCollectionYet, StudyError
from study.schedule import migrations
from study.schedule.dburl import is_server_error, refuse_password, server_error, where
from study.schedule.serverdb import ServerConnection
from study.schedule.serverread import CONNECT_TIMEOUT_S, SESSION_OPTIONS, need_psycopg

# The indexes of m001, m005, m010 and m011 as they stand today (the partial ones of the queue
# lead with the deck).
_INDEXES = (
    "CREATE INDEX ix_card_status_due ON card (status, due) WHERE last_review IS NOT NULL",
    "CREATE INDEX ix_card_deck ON card (deck)",
    "CREATE INDEX ix_card_note ON card (note) WHERE kind = 'command-reverse'",
    "CREATE INDEX ix_card_note_path ON card (note_path)",
    "CREATE INDEX ix_card_new ON card (deck, status) WHERE last_review IS NULL",
    "CREATE INDEX ix_card_learning ON card (deck, status, due)"
    " WHERE state IN (1, 3) AND last_review IS NOT NULL",
    "CREATE INDEX ix_card_review ON card (deck, status, due)"
    " WHERE state = 2 AND last_review IS NOT NULL",
    # m010's: the review log by card, each card's last review; the log names a card by its
    # rowid (as on a file), so a review finds its card.
    "CREATE INDEX ix_review_card ON review (card)",
    "CREATE INDEX ix_card_last_review ON card (last_review) WHERE last_review IS NOT NULL",
    "CREATE UNIQUE INDEX ix_card_rowid ON card (rowid)",
)
# The first server databases were made at this schema (today's tables, every name up to it
# recorded): a server upgrades by the migrations after it, which are written for both.
_FIRST_ON_SERVER = 8  # m008_card_leech
# Any number: every study process takes this same advisory lock to make or check the schema.
_SCHEMA_LOCK = 0x57D7


def server_engine(url: str) -> Any:
    """An engine on the server at `url` (psycopg imported here, only for a server URL)."""
    refuse_password(url)
    need_psycopg(url)
    return create_engine(
        url,
        connect_args={"options": SESSION_OPTIONS, "connect_timeout": CONNECT_TIMEOUT_S},
        pool_pre_ping=True,
    )


def prepare_server(engine: Any, url: str, create: bool = True) -> None:
    """Make the schema on an empty server database, or check one is a study database at a
    version this release knows; StudyError (one line naming the host) otherwise."""
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
            tables = set(inspect(conn).get_table_names())
            if not tables:
                if not create:
                    raise NoCollectionYet(
                        f"the server {where(url)} holds no study database yet: `study db "
                        "copy FILE URL` moves your collection onto it, `study sync PATH` starts "
                        "one there"
                    )
                _create_schema(conn)
                return
            _check_schema(conn, tables, url)
    except StudyError:
        engine.dispose()
        raise
    except Exception as error:
        engine.dispose()
        if not is_server_error(error):
            raise
        raise server_error(url, error) from None


def _create_schema(conn: Any) -> None:
    # The tables of study.schedule.store, which opens the server through here (so it is loaded).
    SQLModel.metadata.create_all(conn)
    # SQLite's implicit rowid is the order new cards are studied in (study.schedule.rules):
    # the server keeps the same order in a column of that name, filled as rows are inserted.
    conn.execute(text("ALTER TABLE card ADD COLUMN rowid BIGSERIAL"))
    for statement in _INDEXES:
        conn.execute(text(statement))
    for migration in migrations.MIGRATIONS:
        conn.execute(
            text("INSERT INTO migration (name, applied_at) VALUES (:name, now())"),
            {"name": migration.__name__},
        )


def _check_schema(conn: Any, tables: set[str], url: str) -> None:
    if "migration" not in tables or not {"card", "review", "setting"} <= tables:
        raise StudyError(
            f"the server {where(url)} is not a study database (it holds other tables); "
            "pick another database"
        )
    names = {row[0] for row in conn.execute(text("SELECT name FROM migration"))}
    known = {migration.__name__ for migration in migrations.MIGRATIONS}
    if names - known:
        raise StudyError(
            f"the server {where(url)} was written by a newer study ({len(names)} migrations, "
            f"this release knows {len(known)}); upgrade study to open it"
        )
    _upgrade(conn, names, url)


def _upgrade(conn: Any, names: set[str], url: str) -> None:
    """Apply the migrations this database lacks, in order, in the transaction that checked it
    (under the schema lock; PostgreSQL's DDL is transactional: all of them or none), each
    recorded by name: the same functions as the file's, through the sync's adapter
    (`study.schedule.serverdb`). Only those after `_FIRST_ON_SERVER`: every server database
    was made at that schema or later."""
    db = ServerConnection(conn.connection.driver_connection)
    # Typed for a sqlite3 connection; those after _FIRST_ON_SERVER take the adapter as well.
    steps: list[Callable[[Any], None]] = list(migrations.MIGRATIONS)
    for number, migration in enumerate(steps, start=1):
        if migration.__name__ in names:
            continue
        if number <= _FIRST_ON_SERVER:
            raise StudyError(
                f"the server {where(url)} lacks the migration {migration.__name__}, which every "
                "study database on a server has; it was not made by study"
            )
        migration(db)
        conn.execute(
            text("INSERT INTO migration (name, applied_at) VALUES (:name, now())"),
            {"name": migration.__name__},
        )
