"""The commands that look at the cards in the database (`study list`, `show`, `suspended`) or
bring suspended ones back (`unsuspend`), registered on `study.cli`'s app.

Kept apart from `study.cli` only for its size; the same conventions hold (thin commands, one
core call each in `study.schedule.browse`, heavy modules imported inside them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def add_browse_commands(app: typer.Typer) -> None:
    """Register `study suspended`, `unsuspend`, `list` and `show` on `app`."""
    app.command("suspended")(suspended_command)
    app.command("unsuspend")(unsuspend_command)
    app.command("list")(list_command)
    app.command("show")(show_command)


def list_command(
    decks: Annotated[list[str] | None, typer.Argument(help="Only these decks.")] = None,
    due_only: Annotated[bool, typer.Option("--due", help="Only cards due now.")] = False,
    new_only: Annotated[bool, typer.Option("--new", help="Only new cards.")] = False,
    suspended_only: Annotated[
        bool, typer.Option("--suspended", help="Only suspended cards.")
    ] = False,
    leech_only: Annotated[bool, typer.Option("--leech", help="Only leeches.")] = False,
    search: Annotated[
        str, typer.Option("--search", help="Only cards whose front or back has this text.")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """List the cards in the database: state, due date, interval, lapses, source."""
    import json
    import shutil

    from study.clock import current_time
    from study.schedule.browse import list_cards, list_text
    from study.schedule.store import open_store

    wanted = [("due", due_only), ("new", new_only), ("suspended", suspended_only)]
    filters = [name for name, on in [*wanted, ("leech", leech_only)] if on]
    with open_store(db, create=False) as store:
        records = list_cards(store, current_time(), decks or [], filters, search)
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        typer.echo(list_text(records, shutil.get_terminal_size().columns))


def show_command(
    card_id: Annotated[
        str, typer.Argument(metavar="ID", help="A card id, or its first characters.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """Show one card with its schedule and review history (ids from `study list`)."""
    import json

    from study.schedule.browse import show_card, show_text
    from study.schedule.store import open_store

    with open_store(db, create=False) as store:
        card = show_card(store, card_id)
    typer.echo(json.dumps(card, ensure_ascii=False, indent=2) if as_json else show_text(card))


def suspended_command(
    decks: Annotated[list[str] | None, typer.Argument(help="Only these decks.")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """List the cards you suspended (`!` in a drill), each with its id."""
    from study.notes.cardview import card_lines
    from study.schedule.answers import suspended
    from study.schedule.store import open_store

    with open_store(db, create=False, verify=True) as store:
        cards = suspended(store, decks or [])
    typer.echo(card_lines(cards) if cards else "No suspended cards.")


def unsuspend_command(
    ids: Annotated[list[str], typer.Argument(help="Card ids, or their first characters.")],
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """Bring suspended cards back into the drill (ids from `study suspended`)."""
    from study.notes.cardview import card_lines
    from study.schedule.answers import unsuspend
    from study.schedule.store import open_store

    with open_store(db, create=False, verify=True) as store:
        cards = unsuspend(store, ids)
    typer.echo(f"Unsuspended {len(cards)}:\n{card_lines(cards)}")
