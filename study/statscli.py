"""`study stats` and `study optimize`: progress you can see and a scheduler fitted to you.

Kept apart from `study.cli` only for its size, as `study.dbcli` is; the same conventions hold
(thin commands, one core call each, heavy modules imported inside them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

_Decks = Annotated[
    list[str] | None, typer.Argument(metavar="DECK...", help="Only these decks (default: all).")
]
_Db = Annotated[Path | None, typer.Option("--db", help="The study database (default: yours).")]


def add_stats_commands(app: typer.Typer) -> None:
    """Register `study stats` and `study optimize` on the main app."""
    app.command("stats")(stats)
    app.command("optimize")(optimize)


def stats(
    decks: _Decks = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as JSON.")] = False,
    db: _Db = None,
) -> None:
    """Show your progress: cards by state, review calendar, streak, forecast, retention."""
    from study.clock import current_time
    from study.stats.figures import load_stats
    from study.stats.view import show

    show(load_stats(db, decks or [], current_time()), as_json)


def optimize(
    deck: Annotated[
        str | None, typer.Option("--deck", help="Fit this deck's reviews: its own parameters.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the figures, store nothing.")
    ] = False,
    retention: Annotated[
        bool, typer.Option("--retention", help="Simulate desired retentions instead.")
    ] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="With --retention: set the best one.")
    ] = False,
    db: _Db = None,
) -> None:
    """Fit the FSRS parameters to your own reviews (or, with --retention, pick a retention)."""
    from study.stats.optimize import run_optimize

    typer.echo(run_optimize(db, deck, dry_run, retention, apply))
