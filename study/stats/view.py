"""`study stats` drawn in the terminal with rich: plain text shaded with block characters, so it
reads without colour and at 40 columns (the calendar then shows the weeks that fit).

rich rather than plotext: the calendar and the bars are a few lines of characters, which rich
already styles and fits to the width; plotext's charts assume a wide terminal and would be a
second drawing library for two small charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from study.stats.figures import FORECAST_DAYS, RETENTION_WINDOWS, STATES, Stats

SHADES = "░▒▓█"  # a day with reviews, by quarter of the busiest day's count
EMPTY = "·"
BARS = " ▁▂▃▄▅▆▇█"  # eighths of a cell, for the forecast
_COLOURS = ("green4", "green3", "green1", "bright_green")
_WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def shade(count: int, busiest: int) -> str:
    """The calendar cell of a day with `count` reviews, the busiest day having `busiest`."""
    if count <= 0 or busiest <= 0:
        return EMPTY
    return SHADES[min(3, (4 * count - 1) // busiest)]


def calendar(stats: Stats, width: int) -> Text:
    """A week per column, Monday on top, today in the last column; as many weeks as fit."""
    counts = stats.calendar
    first = date.fromisoformat(stats.first_day)
    busiest = max(counts, default=0)
    pad = first.weekday()  # cells before the first day in its week
    cells: list[int | None] = [None] * pad + list(counts)
    weeks = (len(cells) + 6) // 7
    shown = max(1, min(weeks, (width - 4)))
    text = Text()
    for weekday in range(7):
        text.append(f"{_WEEKDAYS[weekday]:<4}", style="dim")
        for week in range(weeks - shown, weeks):
            index = week * 7 + weekday
            count = cells[index] if index < len(cells) else None
            if count is None:
                text.append(" ")
                continue
            cell = shade(count, busiest)
            text.append(cell, style="dim" if cell == EMPTY else _COLOURS[SHADES.index(cell)])
        text.append("\n")
    months = (first + timedelta(days=(weeks - shown) * 7 - pad)).strftime("%b %Y")
    text.append(f"    from {months}; {EMPTY} 0 {SHADES} {busiest}", "dim")
    return text


def streak_lines(stats: Stats) -> str:
    streak = stats.streaks()
    return (
        f"Streak {_days(streak['current'])}, longest {_days(streak['longest'])}\n"
        f"Studied {streak['days_studied']} of {_days(streak['days'])} ({streak['share']:.0%})"
    )


def forecast(stats: Stats, height: int = 4) -> Text:
    """The reviews due on each of the next days as vertical bars, today on the left."""
    counts = stats.forecast
    top = max(counts, default=0)
    text = Text()
    for row in range(height, 0, -1):
        label = f"{top:>4} " if row == height else "     "
        text.append(label, style="dim")
        for count in counts:
            eighths = round(8 * height * count / top) if top else 0
            text.append(BARS[max(0, min(8, eighths - 8 * (row - 1)))], style="cyan")
        text.append("\n")
    text.append(f"     today{'':>{FORECAST_DAYS - 9}}+{FORECAST_DAYS - 1}d\n", style="dim")
    text.append(f"     tomorrow {counts[1]}, next 7 days {sum(counts[1:8])}", style="dim")
    return text


def retention_table(stats: Stats) -> Table:
    """True retention (not Again) over each window, young and mature apart."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), show_edge=False)
    table.add_column("")
    for name in ("young", "mature", "all"):
        table.add_column(name, justify="right")
    for days in RETENTION_WINDOWS:
        kept = stats.retention(days)
        table.add_row(f"{days} d", *(_rate(kept[name].rate, kept[name].reviews) for name in kept))
    return table


def _rate(rate: float | None, reviews: int) -> str:
    return "-" if rate is None else f"{rate:.0%} /{reviews}"


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _desired(stats: Stats) -> str:
    values = sorted(set(stats.desired_retention.values()))
    if len(values) == 1:
        return f"desired {values[0]:.0%}"
    return "desired " + ", ".join(f"{d} {v:.0%}" for d, v in stats.desired_retention.items())


def _cards(stats: Stats) -> Text:
    text = Text()
    for name in STATES:
        text.append(f"{name} ", style="dim")
        text.append(str(stats.cards[name]))
        text.append("\n" if name in ("mature", "retired") else "  ")
    return text


def _hardest(stats: Stats, width: int) -> Text:
    text = Text()
    for card in stats.hardest:
        front = " ".join(card["front"].split())
        line = f"{card['lapses']:>3}x {card['id'][:8]} {front}"
        text.append(line[: max(20, width - 1)] + "\n")
    return text if stats.hardest else Text("no card forgotten yet", style="dim")


def _decks(names: Sequence[str]) -> str:
    """Up to three decks by name; more would wrap the heading into a paragraph."""
    if not names:
        return "no deck"
    return ", ".join(names) if len(names) <= 3 else f"{len(names)} decks"


def render(stats: Stats, width: int) -> RenderableType:
    """Every section of `study stats`, drawn for a terminal `width` columns wide."""
    spent = stats.time_spent()
    today, average = spent["today"], spent["average"]
    return Group(
        Text(f"{stats.cards['total']} cards in {_decks(stats.decks)}", style="bold"),
        _cards(stats),
        Text("Reviews, last year", style="bold"),
        calendar(stats, width),
        Text(streak_lines(stats)),
        Text(f"\nDue, next {FORECAST_DAYS} days", style="bold"),
        forecast(stats),
        Text(f"\nRetention (not Again), {_desired(stats)}", style="bold"),
        retention_table(stats),
        Text(
            f"\nToday: {today['reviews']} reviews, {today['minutes']} min\n"
            f"A day studied: {average['reviews']} reviews, {average['minutes']} min"
        ),
        Text("\nHardest cards (lapses)", style="bold"),
        _hardest(stats, width),
    )


def print_stats(stats: Stats, console: Console | None = None) -> None:
    """Draw the figures on `console` (the terminal's, by default)."""
    console = console or Console(highlight=False)
    console.print(render(stats, console.width), soft_wrap=False)


def show(stats: Stats, as_json: bool) -> None:
    """`study stats`: the figures drawn, or (`--json`) every figure for scripts."""
    if as_json:
        import json

        print(json.dumps(stats.as_json(), indent=2, ensure_ascii=False))
    else:
        print_stats(stats)
