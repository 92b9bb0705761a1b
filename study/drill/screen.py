"""What the drill draws: the header with the counts, the grade labels, the key hints, the summary.

Every line is built from whole phrases and packed to the terminal's width, so a 40-column
terminal wraps between "3 Good 10m" and "4 Easy 8d", never inside one. Styles are rich
markup; rich drops them for a non-terminal stdout and drops colour under NO_COLOR.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from study.notes.cardview import format_interval, markdown
from study.schedule.duereport import held_text
from study.words import plural

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
ACTIONS = ("u undo", "s skip", "b bury", "! suspend", "e edit", "q quit")
BUSY = (
    "[yellow]the database is busy (another drill or a sync is writing); "
    "your answer is kept, waiting to save it…[/]"
)


@dataclass(frozen=True)
class Counts:
    """The cards still to come today, as Anki counts them (the card on screen included)."""

    new: int = 0
    learning: int = 0
    review: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review

    def text(self) -> str:
        return f"{self.new} new · {self.learning} learning · {self.review} review"


@dataclass
class Summary:
    """The end-of-drill report: what was done, what is left, when the next cards fall due."""

    seen: int = 0
    again: int = 0
    elapsed: timedelta = timedelta(0)
    next_due: datetime | None = None
    ratings: list[int] = field(default_factory=list)
    left: Counts = Counts()  # still to study today when the drill ended
    held_new: int = 0  # new cards the daily limits kept back
    held_review: int = 0
    interrupted: bool = False  # Ctrl-C: the CLI exits 130, as a shell expects


def packed(parts: Sequence[Any], width: int, sep: str) -> list[Any]:
    """rich Texts joined by `sep` into lines no wider than `width`, breaking only between
    parts (a part wider than the line gets a line of its own, wrapped by words)."""
    from rich.text import Text

    lines: list[Any] = []
    line = Text()
    for part in parts:
        if line.cell_len and line.cell_len + len(sep) + part.cell_len > width:
            lines.append(line)
            line = Text()
        if line.cell_len:
            line.append(sep)
        line.append_text(part)
    if line.cell_len:
        lines.append(line)
    return lines


def print_packed(console: Any, parts: Sequence[str], sep: str = " · ", style: str = "dim") -> None:
    """Plain phrases (no markup) as packed lines in one style."""
    from rich.text import Text

    for line in packed([Text(part) for part in parts], console.width, sep):
        line.stylize(style)
        console.print(line)


def print_header(console: Any, place: str, counts: Counts) -> None:
    """The deck and heading path, then the counts: a rule when it fits, plain lines when not."""
    from rich.rule import Rule
    from rich.text import Text

    title = Text.assemble((place, "bold"), "  ", (counts.text(), "dim"))
    if title.cell_len + 6 <= console.width:
        console.print(Rule(title, align="left"))
        return
    console.print(Text(place, style="bold"))
    print_packed(
        console, [f"{counts.new} new", f"{counts.learning} learning", f"{counts.review} review"]
    )


def print_labels(
    console: Any, previews: dict[int, timedelta], proposed: int | None, default: int
) -> None:
    """`1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 8d`, and what Space/Enter does."""
    from rich.text import Text

    labels = []
    for rating, name in RATINGS.items():
        interval = format_interval(previews[rating].total_seconds())
        label = Text.assemble((str(rating), "bold"), f" {name} {interval}")
        if rating == proposed:
            label.stylize("reverse")
        labels.append(label)
    for line in packed(labels, console.width, "   "):
        console.print(line)
    print_packed(console, [f"space/enter {RATINGS[default]}", *ACTIONS])


# What makes Markdown of a line more than its words: inline markup (code, emphasis, links,
# images, HTML, entities, escapes, strikethrough, tables) anywhere, and a block's start
# (indented code, lists, quotes, headings, rules, fences, HTML) at the front of a line.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>!&|~]")
_BLOCK_START = frozenset(" \t-+*>#=_~`<|0123456789")


def is_plain(text: str) -> bool:
    """Whether Markdown would render `text` as one paragraph of its own words: lines of
    printable characters, none blank, none starting a block, no markup, no trailing spaces
    (two make a hard break). Said of most fronts (a question, a table row's name)."""
    lines = text.split("\n")
    return not _INLINE_MARKUP.search(text) and all(
        line and line.isprintable() and line[0] not in _BLOCK_START and line[-1] != " "
        for line in lines
    )


class Paragraph:
    """Plain text drawn as rich's Markdown draws a paragraph (its lines joined by spaces,
    wrapped, padded to the width, in the paragraph's style): the same bytes without parsing
    it as Markdown, which costs a drill ~0.5 ms a card."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        paragraph = Text(self.text.replace("\n", " "), style="markdown.paragraph", justify="left")
        yield from console.render(paragraph, options.update(height=None))


def card_side(text: str) -> Any:
    """A card's side (as Markdown) to print: a `Paragraph` when it is plain."""
    return Paragraph(text) if is_plain(text) else markdown(text)


def print_front(console: Any, place: str, counts: Counts, side: str, hint: bool) -> None:
    """A card's front: the header, the side (Markdown), the key hint unless `hint` is False;
    in one write, so a terminal (or a pipe) is woken once a card."""
    with console:
        print_header(console, place, counts)
        console.print(card_side(side))
        if hint:
            console.print(_front_hint())


def front_text(console: Any, place: str, counts: Counts, side: str, hint: bool) -> str:
    """What `print_front` would write now, as text: drawn ahead, written later in one go."""
    with console.capture() as captured:
        print_front(console, place, counts, side, hint)
    return str(captured.get())


def write_drawn(console: Any, text: str) -> None:
    """Writes a front `front_text` drew, as rich writes its buffer (one write, flushed)."""
    try:
        console.file.write(text)
        console.file.flush()
    except BrokenPipeError:
        console.on_broken_pipe()


@cache
def _front_hint() -> Any:
    from rich.text import Text

    return Text.from_markup("[dim]space show answer · q quit[/]")  # parsed once a drill


def print_back(
    console: Any,
    side: str | None,
    previews: dict[int, timedelta],
    proposed: int | None,
    default: int,
) -> None:
    """A card's back (None: already shown), then the grade labels, in one write."""
    with console:
        if side is not None:
            console.print()
            console.print(card_side(side))
        console.print()
        print_labels(console, previews, proposed, default)


def format_summary(summary: Summary, now: datetime) -> str:
    """The closing lines: what was done, what is left today and why, when the next cards come."""
    minutes, seconds = divmod(int(summary.elapsed.total_seconds()), 60)
    lines = [
        f"Seen {plural(summary.seen, 'card')}, {summary.again} again, in {minutes}m {seconds:02d}s."
    ]
    left = summary.left
    if left.total:
        lines.append(f"Still to study today: {left.text()}; `study drill` goes on.")
    held = held_text(summary.held_new, summary.held_review)
    if held:
        lines.append(held)
    if summary.next_due is not None:
        wait = format_interval((summary.next_due - now).total_seconds())
        local = summary.next_due.astimezone().strftime("%Y-%m-%d %H:%M")
        lines.append(f"Next cards due in {wait} ({local}); `study due` shows what waits.")
    elif not left.total and not held:
        lines.append("No cards are scheduled.")
    return "\n".join(lines)


def clock_face(seconds: float) -> str:
    """A countdown as a clock shows it: `9:58`, or `2:04:10` past an hour."""
    minutes, secs = divmod(int(seconds + 0.999), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def countdown(console: Any, reader: Any, clock: Callable[[], datetime], due: datetime) -> bool:
    """A live `next card in 9:58 · any key ends` line until `due`: True when it is reached,
    False when a key was pressed first."""
    out, width = console.file, console.width - 1
    while (left := (due - clock()).total_seconds()) > 0:
        line = f"next card in {clock_face(left)} · any key ends"
        out.write("\r" + line[:width].ljust(width))
        out.flush()
        if reader.key(timeout=min(1.0, left)):
            out.write("\n")
            return False
    out.write("\r" + " " * width + "\r")
    return True
