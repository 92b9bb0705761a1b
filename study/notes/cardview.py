"""How `study cards` shows cards (a table per deck, or the stable JSON array), and card lists."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from typing import Any, ClassVar

from study.notes.card import Card
from study.words import plural

# The kinds whose front (or back) is the command lines themselves: shown as code, line by
# line, never reflowed as prose (two commands on two lines are not one command).
_CODE_FRONTS = frozenset({"example", "command"})
_CODE_BACKS = frozenset({"command-reverse"})
_BACKTICKS = re.compile(r"`+")


def as_code(text: str, language: str = "sh") -> str:
    """`text` as a fenced Markdown code block, whatever backticks it holds."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.strip(chr(10))}\n{fence}"


def front_markdown(kind: str, front: str) -> str:
    """A card's front as Markdown to render: commands as code, the rest as written."""
    return as_code(front) if kind in _CODE_FRONTS else front


def back_markdown(kind: str, back: str) -> str:
    """A card's back as Markdown to render (a command card's reverse answers with code)."""
    if kind in _CODE_BACKS and not back.lstrip().startswith("```"):
        return as_code(back.strip().strip("`") if back.count("`") == 2 else back)
    return back


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
    """Print cards to stdout: JSON for scripts, otherwise a table per deck (a list when narrow)."""
    if as_json:
        print(cards_json(cards))
        return
    from rich.console import Console

    console = Console(highlight=False)
    decks: dict[str, list[Card]] = {}
    for card in cards:
        decks.setdefault(card.deck, []).append(card)
    if not decks:
        console.print("No cards found.")
    for deck, deck_cards in decks.items():
        title = f"{deck} — {plural(len(deck_cards), 'card')}"
        if console.width < NARROW:
            _print_stacked(console, title, deck_cards)
        else:
            console.print(_table(title, deck_cards))


NARROW = 72  # below this many columns a table of cards leaves each side a sliver


def _table(title: str, cards: Sequence[Card]) -> Any:
    from rich.table import Table

    table = Table(title=title, show_lines=True, expand=True)
    # Front and back share the width; the question never shrinks to a few letters.
    table.add_column("Front", ratio=1, min_width=24)
    table.add_column("Back", ratio=1, min_width=24)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Line", justify="right", no_wrap=True)
    for card in cards:
        front = markdown(front_markdown(card.kind, card.front))
        back = markdown(back_markdown(card.kind, card.back))
        table.add_row(front, back, card.kind, str(card.line))
    return table


def _print_stacked(console: Any, title: str, cards: Sequence[Card]) -> None:
    """One card after another, front then back, for a terminal too narrow for the table."""
    from rich.padding import Padding
    from rich.rule import Rule

    console.print(title, style="bold")
    for card in cards:
        console.print(Rule(f"{card.kind} · line {card.line}", align="left", style="dim"))
        console.print(markdown(front_markdown(card.kind, card.front)))
        console.print(Padding(markdown(back_markdown(card.kind, card.back)), (0, 0, 0, 2)))


def markdown(text: str) -> Any:
    """A card side as rich Markdown: code blocks highlighted, tables drawn with a grid."""
    return _markdown_class()(text, code_theme="monokai", hyperlinks=False)


@cache
def _markdown_class() -> Any:
    # rich draws Markdown tables with rules only; comparison tables read better in a grid.
    from rich import box
    from rich.markdown import Markdown, TableElement
    from rich.table import Table

    class GridTable(TableElement):
        def __rich_console__(self, console: Any, options: Any) -> Any:
            for part in super().__rich_console__(console, options):
                if isinstance(part, Table):
                    part.box = box.ROUNDED
                    part.pad_edge, part.collapse_padding = True, False
                yield part

    class GridMarkdown(Markdown):
        elements: ClassVar = {**Markdown.elements, "table_open": GridTable}

    return GridMarkdown


def format_interval(seconds: float) -> str:
    """An interval as Anki labels its answer buttons: 45s, 10m, 3h, 1d, 12d, 2.1mo, 1.5y."""
    seconds = round(max(0.0, seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600 - 30:
        return f"{round(seconds / 60)}m"
    if seconds < 86400 - 1800:
        return _trim(seconds / 3600, "h")
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return _trim(days / 30, "mo")
    return _trim(days / 365, "y")


def _trim(value: float, unit: str) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}{unit}"
