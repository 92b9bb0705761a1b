"""`study due` as text: the table, the summary, the `--brief` prompt line, the bare `study`.

Plain strings, no rich: start-up time counts here. The numbers are `study.schedule.due`'s.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import suppress

from study.errors import NoCollectionYet
from study.notes.lookup import deck_key, resolve_decks
from study.schedule.due import DeckDue, deck_names, due_counts, no_card_tagged
from study.words import plural

TYPE_CHECKING = False  # not typing's: see study.schedule.settings
if TYPE_CHECKING:
    from pathlib import Path

_HEADER = ("deck", "learning", "review", "new", "later today", "tomorrow")
_SHORT_HEADER = ("", "learn", "review", "new", "later", "tmrw")
_COLUMNS = ("learning", "review", "new", "later_today", "tomorrow")


def format_table(counts: Sequence[DeckDue], columns: int = 80) -> str:
    """The plain-text table `study due` prints, with a total row for several decks.

    Wider than the terminal, each deck's name goes on a line of its own above its numbers,
    under short headings, so a 40-column terminal wraps no row.
    """
    rows = [(c.deck, *(str(getattr(c, name)) for name in _COLUMNS)) for c in counts]
    if len(counts) > 1:
        sums = [sum(getattr(c, name) for c in counts) for name in _COLUMNS]
        rows.append(("all decks", *(str(v) for v in sums)))
    wide = _aligned([_HEADER, *rows])
    if max(len(line) for line in wide) <= columns:
        return "\n".join(wide)
    numbers = _aligned([_SHORT_HEADER, *(("", *row[1:]) for row in rows)])
    lines = [numbers[0]]
    for row, line in zip(rows, numbers[1:], strict=True):
        lines += [row[0], line]
    return "\n".join(lines)


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as lines: the first column left-aligned, the numbers right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def summary_line(counts: Sequence[DeckDue]) -> str:
    """One sentence: how many cards wait now, and how many come later."""
    now_total = sum(c.total for c in counts)
    later = sum(c.later_today for c in counts)
    tomorrow = sum(c.tomorrow for c in counts)
    if now_total:
        cards = plural(now_total, "card")
        return f"{cards} to study now ({later} more later today, {tomorrow} tomorrow)."
    return f"Nothing due now; {later} later today, {tomorrow} tomorrow."


def held_line(counts: Sequence[DeckDue]) -> str:
    """What the daily limits hold back, and how to get past them; "" when nothing is held."""
    return held_text(sum(c.held_new for c in counts), sum(c.held_review for c in counts))


def held_text(new: int, reviews: int) -> str:
    """The sentence for `new` new cards and `reviews` reviews held back by the daily limits
    (`study due` and the drill's summary say it alike); "" when none are."""
    parts = []
    if new:
        parts.append(f"{plural(new, 'new card')} (`study drill --new N` studies N more today)")
    if reviews:
        parts.append(
            f"{plural(reviews, 'review')} (`study config reviews_per_day N` raises the limit)"
        )
    return f"The daily limits hold back {' and '.join(parts)}." if parts else ""


def brief_line(counts: Sequence[DeckDue]) -> str:
    """`docker:9 git:3`: what is due now, short enough for a shell prompt; "" when nothing is.

    Each name is the deck's `deck_key`, which `study drill NAME` takes back."""
    return " ".join(f"{deck_key(c.deck)}:{c.total}" for c in counts if c.total > 0)


def render(counts: Sequence[DeckDue], as_json: bool) -> str:
    """What `study due` prints: the table and a summary, or a JSON list."""
    if as_json:
        import json

        return json.dumps([c.to_json() for c in counts], ensure_ascii=False, indent=2)
    if not counts:
        return "No cards yet: run `study drill` for the bundled decks or `study sync PATH`."
    columns = terminal_columns()
    sentences = [summary_line(counts), held_line(counts)]
    # Wrapped between words: a terminal's own wrapping would cut `study drill` in two.
    wrapped = ["\n".join(wrap(text, columns)) for text in sentences if text]
    return "\n\n".join([format_table(counts, columns), "\n".join(wrapped)])


def wrap(text: str, width: int) -> list[str]:
    """`textwrap.wrap(text, width)` for the sentences `study due` writes, without importing
    textwrap (~1 ms of its start-up): words between single spaces, each line as many as fit.

    textwrap would also break a hyphenated word (`well-known`) and cut a word longer than the
    line; these sentences have no such word (`--new` is not one: a test holds the two equal on
    every sentence and width), and a word longer than the line goes to textwrap itself.
    """
    words = text.split(" ")
    if max(len(word) for word in words) > width:
        import textwrap

        return textwrap.wrap(text, width)
    lines, line = [], words[0]
    for word in words[1:]:
        if len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line += " " + word
    return [*lines, line]


def terminal_columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it (COLUMNS first, then
    stdout's terminal, else 80), without importing shutil: its archive modules (zlib, bz2,
    lzma) cost `study due` ~2 ms."""
    with suppress(ValueError):
        if int(os.environ.get("COLUMNS", "0")) > 0:
            return int(os.environ["COLUMNS"])
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def run(
    decks: Sequence[str],
    as_json: bool,
    db: Path | str | None,
    brief: bool = False,
    tags: Sequence[str] = (),
) -> str:
    """`study due` from its arguments: the one core call the CLI and the launcher make."""
    from study.clock import current_time

    names = resolve_decks(decks, deck_names(db)) if decks else []
    counts = due_counts(db, current_time(), names, held=not brief, tags=tags)
    if tags and not counts and not brief:
        raise no_card_tagged(tags)
    return brief_line(counts) if brief else render(counts, as_json)


def overview_text(db: Path | str | None) -> str:
    """The bare `study`: what is due, and the commands to try next."""
    from study.clock import current_time
    from study.paths import db_file, server_url

    head = "No study database yet."
    if server_url(db) is not None or os.path.isfile(db_file(db)):
        with suppress(NoCollectionYet):  # an empty server database: as a missing file
            head = render(due_counts(db, current_time()), as_json=False)
    first_run = " (the bundled decks on a first run)" if head.startswith("No study") else ""
    tips = [
        f"study drill            drill what is due{first_run}",
        "study sync PATH        add your Markdown notes (a file or a folder)",
        "study due              what is due, per deck",
        "study --help           every command",
    ]
    return head + "\n\nTry:\n" + "\n".join(f"  {tip}" for tip in tips)
