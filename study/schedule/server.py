"""The study database on a PostgreSQL server: the engine, and its schema made or checked.

One migration history for both dialects: the names in `study.schedule.migrations.MIGRATIONS`
are what the `migration` table records on either. The SQLite migrations are plain SQLite SQL
(they must upgrade files made by every earlier release, json_extract and all), so a server
database is not built by replaying them: it starts at today's schema, made from the same
SQLModel tables the code reads and writes (plus the queue's partial indexes, which PostgreSQL
spells as SQLite does), and every migration name up to today's is recorded as applied. A later
migration is written once for both dialects (SQL both accept, or a branch on the dialect) and
appended to the one list, so a server made today upgrades with the same step as a file.

Times: the columns hold UTC. Every connection sets its session time zone to UTC, so an aware
datetime is stored as its UTC wall time, as the SQLite file stores it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from study.errors import StudyError
from study.schedule import migrations
from study.schedule.dburl import is_server_error, refuse_password, server_error, where
from study.schedule.serverdb import ServerConnection

# The indexes of m001, m005 and m010 as they stand today (the partial ones lead with the deck).
_INDEXES = (
    "CREATE INDEX ix_card_status_due ON card (status, due)",
    "CREATE INDEX ix_card_deck ON card (deck)",
    "CREATE INDEX ix_card_note ON card (note)",
    "CREATE INDEX ix_card_note_path ON card (note_path)",
    "CREATE INDEX ix_card_new ON card (deck, status) WHERE last_review IS NULL",
    "CREATE INDEX ix_card_learning ON card (deck, status, due)"
    " WHERE state IN (1, 3) AND last_review IS NOT NULL",
    "CREATE INDEX ix_card_review ON card (deck, status, due)"
    " WHERE state = 2 AND last_review IS NOT NULL",
    # m010's: the review log by card, each card's last review; the log names a card by its
    # rowid (as on a file), so a review finds its card.
    "CREATE INDEX ix_review_card ON review (card)",
    "CREATE INDEX ix_card_last_review ON card (last_review)",
    "CREATE UNIQUE INDEX ix_card_rowid ON card (rowid)",
)
# Any number: every study process takes this same advisory lock to make or check the schema.
_SCHEMA_LOCK = 0x57D7


def server_engine(url: str) -> Any:
    """An engine on the server at `url` (psycopg imported here, only for a server URL)."""
    refuse_password(url)
    try:
        import psycopg  # noqa: F401  (the optional extra: say so when it is missing)
    except ImportError:
        raise StudyError(
            f"{where(url)} is a PostgreSQL server: install the extra with "
            "pip install 'study[postgres]'"
        ) from None
    return create_engine(
        url,
        connect_args={"options": "-c timezone=UTC", "connect_timeout": 10},
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
                    raise StudyError(f"the server {where(url)} holds no study database yet")
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
    _upgrade(conn, [m for m in migrations.MIGRATIONS if m.__name__ not in names])


def _upgrade(conn: Any, missing: list[Any]) -> None:
    """Apply the migrations made after this server's schema, in the transaction that checked
    it (under the schema lock): the same functions as the file's, through the sync's adapter."""
    db = ServerConnection(conn.connection.driver_connection)
    for migration in missing:
        migration(db)
        conn.execute(
            text("INSERT INTO migration (name, applied_at) VALUES (:name, now())"),
            {"name": migration.__name__},
        )
