"""How `study cards` shows cards (a table per deck, or the stable JSON array), and card lists."""

from __future__ import annotations

import json
from collections.abc import Sequence

from study.notes.card import Card


def cards_json(cards: Sequence[Card]) -> str:
    """One JSON array of `Card.to_json()` records: the scriptable interface."""
    return json.dumps([card.to_json() for card in cards], ensure_ascii=False, indent=2)


def card_lines(cards: Sequence[Card], width: int = 72) -> str:
    """One line a card, its id first (what `study unsuspend` takes): `id  deck: question`."""
    lines = []
    for card in cards:
        front = " ".join(card.front.split())
        if len(front) > width:
            front = front[: width - 1] + "…"
        lines.append(f"{card.id}  {card.deck}: {front}")
    return "\n".join(lines)


def print_cards(cards: Sequence[Card], *, as_json: bool = False) -> None:
    """Print cards to stdout: JSON for scripts, otherwise one rich table per deck."""
    if as_json:
        print(cards_json(cards))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text  # plain Text: a note's [brackets] are not rich markup

    console = Console(highlight=False)
    decks: dict[str, list[Card]] = {}
    for card in cards:
        decks.setdefault(card.deck, []).append(card)
    if not decks:
        console.print("No cards found.")
    for deck, deck_cards in decks.items():
        table = Table(title=f"{deck} — {len(deck_cards)} cards", show_lines=True, expand=True)
        table.add_column("Kind", no_wrap=True)
        table.add_column("Front", ratio=2, overflow="fold")
        table.add_column("Back", ratio=3, overflow="fold")
        table.add_column("Line", justify="right", no_wrap=True)
        for card in deck_cards:
            table.add_row(card.kind, Text(card.front), Text(card.back), str(card.line))
        console.print(table)
