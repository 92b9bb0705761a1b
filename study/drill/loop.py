"""The drill: the daily loop that shows a card, reveals it, and records the grade.

Everything the drill changes goes through `study.queue`, which commits each grade at once,
so a drill killed at any moment loses no answer. The drill itself only decides what to show
next and how: the keys are read by `study.terminal`, the time comes from an injected clock
(tests fix it), and the screen is drawn with rich.
"""

from __future__ import annotations

import difflib
import os
import shlex
import subprocess
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from study.drill.terminal import ENTER, KeyReader, format_interval, markdown
from study.notes.card import Kind
from study.schedule import answers, queue
from study.schedule.database import is_busy
from study.schedule.scheduler import Settings, load_settings
from study.schedule.schema import State, Status, from_stamp, stamp
from study.schedule.store import Store

Clock = Callable[[], datetime]
RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: a learning card this close comes back now
ACTIONS = "u undo · s skip · b bury · ! suspend · e edit · q quit"


@dataclass(frozen=True)
class Options:
    """What `study drill` was asked for."""

    decks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    new_limit: int | None = None
    limit: int | None = None
    typed: bool = False


@dataclass
class Summary:
    """The end-of-drill report: what was done and when the next cards fall due."""

    seen: int = 0
    again: int = 0
    elapsed: timedelta = timedelta(0)
    next_due: datetime | None = None
    ratings: list[int] = field(default_factory=list)


def ensure_cards(store: Store, now: datetime) -> str:
    """First run on a fresh machine: nothing registered yet, so sync the bundled decks."""
    from sqlalchemy import text

    if store.session.execute(text("select 1 from root limit 1")).first() is not None:
        return ""
    if store.session.execute(text("select 1 from card limit 1")).first() is not None:
        return ""
    from study.paths import bundled_decks_dir
    from study.schedule.sync import sync

    report = sync(store, [bundled_decks_dir()], now)
    return f"First run: added the bundled decks ({report.added} cards)."


class Drill:
    """One drill session over the cards `study.queue` says are due."""

    def __init__(
        self,
        store: Store,
        reader: KeyReader,
        console: Any,
        clock: Clock,
        options: Options = Options(),
    ) -> None:
        self.store = store
        self.reader = reader
        self.console = console
        self.clock = clock
        self.options = options
        self.pending: deque[str] = deque()
        self.learning: list[tuple[datetime, str]] = []  # graded cards due back this session
        self.graded: list[str] = []  # for undo, newest last
        self.left_out: set[str] = set()  # skipped, buried or suspended this session
        self.summary = Summary()
        self.new_seen = 0
        self.shown = 0
        self.started = clock()

    def run(self) -> Summary:
        """Shows cards until none is due, the limit is reached or the user quits."""
        start = self.started = self.clock()
        self.pending.extend(self._build(start))
        try:
            while (card_id := self._next()) is not None:
                if self.options.limit is not None and self.summary.seen >= self.options.limit:
                    break
                if self._show(card_id) == "quit":
                    break
        except KeyboardInterrupt:  # Ctrl-C is a quit: every grade is already committed
            self.console.print()
        if not self.shown:
            self.console.print("Nothing to study now.")
        self.summary.elapsed = self.clock() - start
        self.summary.next_due = self._next_due()
        return self.summary

    def _build(self, now: datetime) -> list[str]:
        new_limit = self.options.new_limit
        if new_limit is not None:
            new_limit = max(0, new_limit - self.new_seen)
        # --limit caps the session (see run), never a daily limit; --new replaces the new one.
        ids = queue.build_queue(self.store, now, self.options.decks, self.options.tags, new_limit)
        self.store.session.commit()  # end the read: another drill may write meanwhile
        busy = self.left_out | set(self.pending) | {i for _, i in self.learning}
        return [i for i in ids if i not in busy]

    def _next(self) -> str | None:
        """The next card: a learning card due now, the queue, or a learning card due soon."""
        now = self.clock()
        self.learning.sort()
        if self.learning and self.learning[0][0] <= now:
            return self.learning.pop(0)[1]
        if not self.pending:
            self.pending.extend(self._build(now))
        if self.pending:
            return self.pending.popleft()
        if self.learning and self.learning[0][0] <= now + LEARN_AHEAD:
            return self.learning.pop(0)[1]
        return None

    def _left(self) -> int:
        return len(self.pending) + len(self.learning) + 1

    def _show(self, card_id: str) -> str:
        """One card from front to grade; returns what happened ("quit" ends the drill)."""
        # One read of the card (as stored now: another drill may have answered it meanwhile)
        # and of its deck's settings, for the preview and the grade alike (the grade reads the
        # card once more, inside its write).
        row = self.store.card(card_id)
        settings = load_settings(self.store, row.deck)
        self.store.session.commit()
        if row.status != Status.ACTIVE or self._answered_elsewhere(row):
            return "gone"
        shown = self.clock()
        self.shown += 1
        self._front(row)
        proposed = None
        typed = self.options.typed and row.kind == Kind.COMMAND_REVERSE
        if typed:
            proposed = self._typed(row)
        else:
            key = self._wait(" " + ENTER)
            if key not in (" ", ENTER):
                return self._act(key, row)
        previews = answers.preview(self.store, card_id, self.clock(), row=row, settings=settings)
        self._back(row, previews, proposed)
        keys = "1234" + (ENTER if proposed else "")
        key = self._wait(keys)
        if key in keys:
            rating = proposed if key == ENTER and proposed else int(key)
            return self._grade(row, rating, shown, settings)
        return self._act(key, row)

    def _answered_elsewhere(self, row: Any) -> bool:
        """True when another drill on this database answered the card since this one began."""
        if row.last_review is None or row.id in self.graded:
            return False
        return from_stamp(row.last_review) >= self.started

    def _wait(self, wanted: str) -> str:
        """The next key that means something at this stage (`wanted` or an action key)."""
        while True:
            key = self.reader.key()
            if key in wanted or key in "usb!eq":
                return key

    def _front(self, row: Any) -> None:
        place = " › ".join(part for part in (row.deck, *row.section.split(" > ")) if part)
        self.console.rule(f"[bold]{place}[/]  [dim]{self._left()} left[/]", align="left")
        self.console.print(markdown(row.front))
        if not (self.options.typed and row.kind == Kind.COMMAND_REVERSE):
            self.console.print(f"[dim]space show answer · {ACTIONS}[/]")

    def _back(self, row: Any, previews: dict[int, timedelta], proposed: int | None) -> None:
        self.console.print()
        self.console.print(markdown(row.back))
        self.console.print()
        labels = []
        for rating, name in RATINGS.items():
            interval = format_interval(previews[rating].total_seconds())
            mark = "[reverse]" if rating == proposed else ""
            labels.append(f"{mark}[bold]{rating}[/bold] {name} {interval}{'[/]' if mark else ''}")
        hint = f"Enter {RATINGS[proposed]} · " if proposed else ""
        self.console.print("   ".join(labels))
        self.console.print(f"[dim]{hint}{ACTIONS}[/]")

    def _typed(self, row: Any) -> int | None:
        """Asks for the command, shows the difference, proposes a grade.

        An empty answer just reveals the card (then 1-4, or q to quit, as usual)."""
        answer = self.reader.line("type the command (Enter alone to just show it): ") or ""
        if not answer.strip():
            return None
        rating, diff = compare_typed(answer, row.back)
        self.console.print(diff)
        return rating

    def _grade(self, row: Any, rating: int, shown: datetime, settings: Settings) -> str:
        now = self.clock()
        duration = max(0, int((now - shown).total_seconds() * 1000))
        was_new = row.last_review is None
        updated = self._until_written(
            lambda: answers.grade(self.store, row.id, rating, now, duration, settings=settings)
        )
        self.graded.append(row.id)
        self.summary.seen += 1
        self.summary.ratings.append(rating)
        self.summary.again += rating == 1
        self.new_seen += was_new
        due = from_stamp(updated.due)
        if updated.state != State.REVIEW and due <= now + LEARN_AHEAD:
            self.learning.append((due, row.id))
        return "graded"

    def _until_written(self, write: Callable[[], Any]) -> Any:
        """`write`, tried again while another process holds the database past the busy
        timeout: the answer waits in memory, never dropped, and the user is told why."""
        while True:
            try:
                return write()
            except Exception as error:
                if not is_busy(error):
                    raise
                self.console.print(
                    "[yellow]the database is busy (another drill or a sync is writing); "
                    "your answer is kept, waiting to save it…[/]"
                )

    def _act(self, key: str, row: Any) -> str:
        """The keys that do something other than grade."""
        now = self.clock()
        if key == "q":
            self.pending.appendleft(row.id)
            return "quit"
        if key == "u":
            return self._undo(row.id)
        if key == "e":
            self._edit(row)
            self.pending.appendleft(row.id)
            return "edited"
        self.left_out.add(row.id)
        if key == "b":
            answers.bury(self.store, row.id, now)
            self.console.print("[dim]buried until tomorrow[/]")
        elif key == "!":
            answers.suspend(self.store, row.id)
            self.console.print(f"[dim]suspended (`study unsuspend {row.id[:8]}` brings it back)[/]")
        else:
            self.console.print("[dim]skipped[/]")
        return key

    def _undo(self, current: str) -> str:
        """Takes back the last grade of this drill and shows that card again."""
        self.pending.appendleft(current)
        if not self.graded:
            self.console.print("[dim]nothing to undo[/]")
            return "undo"
        last = self.graded.pop()
        answers.undo_last(self.store, last)
        self.learning = [(due, i) for due, i in self.learning if i != last]
        rating = self.summary.ratings.pop()
        self.summary.seen -= 1
        self.summary.again -= rating == 1
        self.pending.appendleft(last)
        self.console.print(f"[dim]undone: {RATINGS[rating]}[/]")
        return "undo"

    def _edit(self, row: Any) -> None:
        """Opens the note in $EDITOR at the card's line; the drill waits for it."""
        path = Path(row.note_path)
        if not path.is_file():
            self.console.print(f"[red]{path} is gone[/]")
            return
        editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
        self.reader.restore()
        try:
            subprocess.run([*editor, f"+{row.line}", str(path)], check=False)
        except OSError as error:
            self.console.print(f"[red]cannot start the editor: {error}[/]")
        finally:
            self.reader.__enter__()
        self.console.print("[dim]run `study sync` to bring the edit into the cards[/]")

    def _next_due(self) -> datetime | None:
        from sqlalchemy import text

        query = (
            "select min(due) from card where status = 'active' and last_review is not null"
            " and due > :now"
        )
        params: dict[str, Any] = {"now": stamp(self.clock())}
        if self.options.decks:
            names = {f"d{i}": deck for i, deck in enumerate(self.options.decks)}
            query += f" and deck in ({', '.join(':' + k for k in names)})"
            params |= names
        value = self.store.session.execute(text(query), params).scalar()
        self.store.session.commit()
        if value is None:
            return None
        return from_stamp(value)


def _plain_command(text: str) -> str:
    """The command of a card's back, without Markdown code marks or extra spacing."""
    lines = [ln for ln in text.strip().splitlines() if not ln.strip().startswith("```")]
    return " ".join(" ".join(lines).strip().strip("`").split())


def compare_typed(answer: str, expected_back: str) -> tuple[int, str]:
    """The grade a typed command earns, and rich markup showing the difference.

    Spacing does not count. Exact -> Good; close (80% alike) -> Hard; else Again.
    """
    expected = _plain_command(expected_back)
    typed = " ".join(answer.split())
    if typed == expected:
        return 3, f"[green]✓ {expected}[/]"
    matcher = difflib.SequenceMatcher(None, typed, expected, autojunk=False)
    parts = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_escape(typed[a1:a2]))
        if op in ("delete", "replace"):
            parts.append(f"[red strike]{_escape(typed[a1:a2])}[/]")
        if op in ("insert", "replace"):
            parts.append(f"[green underline]{_escape(expected[b1:b2])}[/]")
    rating = 2 if matcher.ratio() >= 0.8 else 1
    return rating, f"✗ {''.join(parts)}\n  expected: {_escape(expected)}"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def format_summary(summary: Summary, now: datetime) -> str:
    """The closing lines: cards seen, again count, time spent, next cards due."""
    minutes, seconds = divmod(int(summary.elapsed.total_seconds()), 60)
    seen = _count(summary.seen, "card")
    lines = [f"Seen {seen}, {summary.again} again, in {minutes}m {seconds:02d}s."]
    if summary.next_due is None:
        lines.append("No cards are scheduled.")
    else:
        wait = format_interval((summary.next_due - now).total_seconds())
        local = summary.next_due.astimezone().strftime("%Y-%m-%d %H:%M")
        lines.append(f"Next cards due in {wait} ({local}); `study due` shows what waits.")
    return "\n".join(lines)


def run_drill(db: Path | None, options: Options, clock: Clock | None = None) -> Summary:
    """`study drill`: open the store, add the bundled decks on a first run, drill, sum up."""
    import sys

    from study.clock import current_time
    from study.drill.terminal import make_console, signals_restore
    from study.schedule.store import open_store

    clock = clock or current_time
    console = make_console()
    with open_store(db) as store:
        first = ensure_cards(store, clock())
        if first:
            console.print(first)
        options = replace(options, decks=tuple(store.resolve_decks(options.decks)))
        reader = KeyReader(sys.stdin)
        with reader, signals_restore(reader):
            summary = Drill(store, reader, console, clock, options).run()
    console.print(format_summary(summary, clock()))
    return summary
