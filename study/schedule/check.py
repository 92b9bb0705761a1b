"""`study db check`: SQLite's integrity check, then the rules study's own data keeps.

SQLite can say a page is damaged; only study knows that a review must belong to a card, that
a card has one status, and which schedule fields go together. Each rule is one query that
counts the rows breaking it, so the report says how many and where to look.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from study.errors import StudyError
from study.schedule.database import connect, has_json_log, header_version, inspect, translated

_ORPHANS = "every review belongs to a card"
# The same rule on a file whose review log is not yet in typed columns (checked as it is).
_ORPHANS_IN_JSON_LOG = "SELECT count(*) FROM review WHERE card_id NOT IN (SELECT id FROM card)"
# (what must hold, SQL counting the rows where it does not)
INVARIANTS: tuple[tuple[str, str], ...] = (
    (
        _ORPHANS,
        "SELECT count(*) FROM review WHERE card IS NULL OR card NOT IN (SELECT rowid FROM card)",
    ),
    (
        "every card has one known status",
        "SELECT count(*) FROM card WHERE status NOT IN ('active', 'suspended', 'retired')",
    ),
    (
        "only a retired card remembers a status to go back to",
        "SELECT count(*) FROM card WHERE retired_from IS NOT NULL AND status != 'retired'",
    ),
    (
        "every card is learning, in review or relearning (FSRS state 1, 2 or 3)",
        "SELECT count(*) FROM card WHERE state NOT IN (1, 2, 3)",
    ),
    (
        "a new card has no memory state yet",
        "SELECT count(*) FROM card WHERE last_review IS NULL"
        " AND (state != 1 OR stability IS NOT NULL OR difficulty IS NOT NULL)",
    ),
    (
        "a reviewed card has a stability and a difficulty",
        "SELECT count(*) FROM card WHERE last_review IS NOT NULL"
        " AND (stability IS NULL OR difficulty IS NULL)",
    ),
    (
        "a card in review has no learning step; one learning has one",
        "SELECT count(*) FROM card WHERE (state = 2 AND step IS NOT NULL)"
        " OR (state IN (1, 3) AND step IS NULL)",
    ),
    (
        "a reviewed card is due after its last review",
        "SELECT count(*) FROM card WHERE last_review IS NOT NULL AND due < last_review",
    ),
    (
        "every answer was rated 1 to 4",
        "SELECT count(*) FROM review WHERE rating NOT BETWEEN 1 AND 4",
    ),
)


def check_database(path: Path) -> list[str]:
    """The problems found in the database at `path`; empty when it is sound."""
    if not path.is_file():
        raise StudyError(f"no study database at {path}")
    header_version(path)  # not SQLite at all: another file, not a damaged database
    with translated(path):
        damaged = _damaged_pages(path)
        if damaged:
            return damaged
        inspect(path)
        with closing(connect(path, read_only=True)) as db:
            problems = []
            old = has_json_log(db)
            for rule, sql in INVARIANTS:
                sql = _ORPHANS_IN_JSON_LOG if old and rule == _ORPHANS else sql
                count = int(db.execute(sql).fetchone()[0])
                if count:
                    problems.append(f"{count} row{'s' if count != 1 else ''} break: {rule}")
            return problems


def _damaged_pages(path: Path) -> list[str]:
    """SQLite's integrity check, a file too damaged to check at all included."""
    try:
        with closing(connect(path, read_only=True)) as db:
            damaged = [row[0] for row in db.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise
        return [f"damaged: {error}"]
    return [] if damaged == ["ok"] else [f"damaged: {line}" for line in damaged]


def check_report(path: Path) -> tuple[str, bool]:
    """What `study db check` prints, and whether the database is sound."""
    problems = check_database(path)
    if not problems:
        return f"{path}: ok (pages intact; {len(INVARIANTS)} rules of study's data hold)", True
    lines = [f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}"]
    lines += [f"  {problem}" for problem in problems]
    lines.append("Restore a backup with `study db restore NAME` (`study db backups` lists them).")
    return "\n".join(lines), False
