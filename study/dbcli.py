"""`study db check|backups|restore`: the database's own commands, a sub-app of `study.cli`.

Kept apart from `study.cli` only for its size; the same conventions hold (thin commands, one
core call each, heavy modules imported inside them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

_Db = Annotated[Path | None, typer.Option("--db", help="The study database (default: yours).")]


def add_db_commands(db_app: typer.Typer) -> None:
    """Register the `study db ...` commands on `db_app`."""
    db_app.command("check")(db_check)
    db_app.command("backups")(db_backups)
    db_app.command("restore")(db_restore)
    db_app.command("copy")(db_copy)


def db_check(db: _Db = None) -> None:
    """Check every page and study's own rules (reviews belong to cards, schedules add up)."""
    from study.paths import db_path
    from study.schedule.check import check_report

    text, sound = check_report(db_path(db))
    typer.echo(text)
    if not sound:
        raise typer.Exit(1)


def db_backups(db: _Db = None) -> None:
    """List the daily backups kept beside the database, oldest first."""
    from study.paths import db_path
    from study.schedule.backup import listing

    typer.echo(listing(db_path(db)))


def db_restore(
    name: Annotated[str, typer.Argument(help="The backup's file name (see `study db backups`).")],
    db: _Db = None,
) -> None:
    """Bring a backup back; the current database is kept aside first, never deleted."""
    from study.clock import current_time
    from study.paths import db_path
    from study.schedule.backup import restore

    aside = restore(db_path(db), name, current_time())
    kept = f"\n  the database it replaced is kept as {aside}" if aside else ""
    typer.echo(f"restored {name} into {db_path(db)}{kept}")


def db_copy(
    source: Annotated[str, typer.Argument(metavar="FROM", help="A database file or server URL.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="An empty one to copy it into.")],
) -> None:
    """Copy a whole collection between a file and a PostgreSQL server, checked by counts."""
    from study.clock import current_time
    from study.schedule.dbcopy import copy_collection

    copied = copy_collection(source, target, current_time())
    rows = ", ".join(f"{number} {table}" for table, number in copied.items())
    typer.echo(f"copied {rows}")
