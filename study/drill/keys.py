"""The drill's keys other than the grades: quit, undo, skip, bury, suspend, edit; and what a
new leech offers. A base of `study.drill.loop.Drill`, which holds the state they change."""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING, Any

from study.drill.editor import edit_in_drill
from study.drill.options import Clock
from study.drill.screen import RATINGS, Summary
from study.drill.terminal import KeyReader
from study.schedule import queue
from study.schedule.machine import note_file

if TYPE_CHECKING:
    from types import ModuleType

    from study.schedule.store import Store


def _answers() -> ModuleType:
    """`study.schedule.answers`, imported late: the first card is drawn without SQLModel."""
    from study.schedule import answers

    return answers


class OtherKeys:
    """What the keys other than the grades do to a drill's queue and summary."""

    store: Store
    reader: KeyReader
    console: Any
    clock: Clock
    summary: Summary
    pending: deque[str]
    learning: list[tuple[datetime, str]]
    stage: dict[str, str]
    graded: list[str]
    versions: dict[str, datetime | None]
    left_out: set[str]

    def _leech(self, row: Any) -> str:
        """A card forgotten `leech_lapses` times is suspended; offer to fix its note now."""
        self.learning = [(due, i) for due, i in self.learning if i != row.id]
        self.console.print(
            f"[bold]Leech:[/] forgotten too often, so suspended. e edit the note at line"
            f" {row.line} · any other key goes on"
        )
        if self.reader.key() == "e":
            self._edit(row)
        return "leech"

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
            _answers().bury(self.store, row.id, now)
            self.console.print("[dim]buried until tomorrow[/]")
        elif key == "!":
            _answers().suspend(self.store, row.id)
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
        _answers().undo_last(self.store, last)
        self.versions.pop(last, None)
        self.learning = [(due, i) for due, i in self.learning if i != last]
        rating = self.summary.ratings.pop()
        self.summary.seen -= 1
        self.summary.again -= rating == 1
        self.pending.appendleft(last)
        self.stage |= queue.stages(self.store.execute, [last])
        self.store.session.commit()
        self.console.print(f"[dim]undone: {RATINGS[rating]}[/]")
        return "undo"

    def _edit(self, row: Any) -> None:
        note = note_file(self.store.execute, row.note_path, row.source)
        edit_in_drill(self.reader, self.console, note, row.line)
