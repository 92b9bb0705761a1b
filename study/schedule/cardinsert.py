"""New cards into the card table: the columns a note decides, and the statements adding them.

Sync inserts the rows the parser workers send (study.schedule.incoming) as they are, in
`Incoming`'s order, bound positionally: binding a tuple costs half a dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

from study.schedule.schema import State, Status
from study.schedule.serverdb import Connection

# A change to one of these is reported as an update; a shifted line alone is not.
VISIBLE = ("note", "deck", "kind", "front", "back", "tags", "section")
# The card columns a note decides (the rest is the schedule, which sync never touches).
CONTENT = (*VISIBLE, "note_path", "source", "line")

# OR FAIL: a statement adding many rows that may stop part way (NOT NULL, a repeated id)
# would otherwise keep the pages it changes in a statement journal, to undo itself alone:
# a copy of every index page it touches (a first sync: ~50,000 writes to a temporary file).
# A failing sync rolls its whole transaction back anyway. The server says INSERT.
_INTO = (
    "INSERT OR FAIL INTO card (id, "
    + ", ".join(CONTENT)
    + ", due, added, status, state, step, leech)"
)
_VALUES = (
    "("
    + ", ".join("?" * (len(CONTENT) + 1))
    + ", {stamp}, {stamp}"
    + f", '{Status.ACTIVE}', {State.LEARNING}, 0, FALSE)"  # FALSE: 0 to SQLite, a bool to a server
)

# Rows a statement adds: a statement's own work (the Python call, SQLite's reset and halt) is
# then paid once for them all. 32 rows a statement made 100,000 inserts ~20% faster than one
# row each (measured in instructions, 16 rows: ~17%); a server takes them as readily.
ROWS_A_STATEMENT = 32


class CardInserts:
    """The statements adding new cards, due and added at `stamp`.

    The stamp is written into the statements rather than bound on every row: each row is
    then the worker's tuple itself, not a copy with two more values (a first sync inserts
    100,000; ~7% of the inserting).
    """

    def __init__(self, stamp: str) -> None:
        values = _VALUES.format(stamp="'" + stamp.replace("'", "''") + "'")
        self.one = f"{_INTO} VALUES {values}"
        self.many = f"{_INTO} VALUES " + ", ".join([values] * ROWS_A_STATEMENT)

    def write(self, db: Connection, cards: Sequence[Sequence[str | int]]) -> None:
        """Insert `cards` in their order (their rowid is the order they are studied)."""
        whole = len(cards) - len(cards) % ROWS_A_STATEMENT
        for start in range(0, whole, ROWS_A_STATEMENT):
            db.execute(self.many, [*chain.from_iterable(cards[start : start + ROWS_A_STATEMENT])])
        db.executemany(self.one, cards[whole:])
