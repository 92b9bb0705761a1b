"""What is due: the fast read path behind `study due` and the bare `study` overview.

`study due` runs from shell prompts and timers, so it is built to start fast: plain sqlite3
on a read-only connection, no SQLModel, no fsrs, no rich, no typer (`study.launch` answers it
before Typer is imported). The counts follow the drill's rules: the study day rolls over at
`rollover_hour` local time, new cards are limited by `new_per_day` minus those introduced
today, buried cards wait.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from study.clock import current_time
from study.errors import StudyError
from study.schedule.database import diagnose, inspect

# The scheduler's defaults for the settings read here (study.scheduler.DEFAULTS, which a test
# holds equal); not imported from there because that module costs start-up time.
DEFAULTS = {"rollover_hour": 4, "new_per_day": 20, "reviews_per_day": 200}
_FIELDS = ("deck", "learning", "review", "new", "later_today", "tomorrow")
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how the store writes DATETIMEs: naive UTC, comparable as text


class DeckDue:
    """One deck's counts: due now (learning, review, new) and what falls due later.

    A plain class, not a dataclass: importing dataclasses costs `study due` ~10 ms.
    """

    __slots__ = _FIELDS

    def __init__(
        self, deck: str, learning: int, review: int, new: int, later_today: int, tomorrow: int
    ) -> None:
        self.deck = deck
        self.learning = learning
        self.review = review
        self.new = new
        self.later_today = later_today
        self.tomorrow = tomorrow

    @property
    def total(self) -> int:
        """The cards a drill would show now."""
        return self.learning + self.review + self.new

    def to_json(self) -> dict[str, object]:
        return {**{name: getattr(self, name) for name in _FIELDS}, "total": self.total}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeckDue) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(tuple(self.to_json().values()))

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"DeckDue({values})"


def stamp(moment: datetime) -> str:
    """An aware datetime as the store writes it, so sqlite compares it as text."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime(_FORMAT)


def day_start(now: datetime, rollover_hour: int = 4) -> datetime:
    """The start of the study day holding `now`, as aware UTC: `rollover_hour` local time.

    The same computation as study.scheduler.day_start (a test holds them equal); repeated
    here because importing the scheduler module costs `study due` its start-up budget.
    """
    local = now.astimezone().replace(tzinfo=None)
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone().astimezone(UTC)


def connect(db_path: Path) -> sqlite3.Connection:
    """A read-only connection, or StudyError if the file is missing or not a study database."""
    if not db_path.is_file():
        raise StudyError(
            f"no study database at {db_path}: run `study drill` to start with the bundled "
            "decks, or `study sync PATH` to add your notes"
        )
    inspect(db_path)  # the one check of "is this a study database this release can read"
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise diagnose(db_path, error) from None
    if not {"card", "review", "setting"} <= tables:
        conn.close()
        raise StudyError(f"{db_path} is not a study database (no card, review, setting tables)")
    return conn


def settings(conn: sqlite3.Connection) -> dict[str, int]:
    """The integer settings `study due` needs, defaults filled in."""
    values = dict(DEFAULTS)
    for key, raw in conn.execute("select key, value from setting"):
        if key in values:
            with suppress(TypeError, ValueError):
                values[key] = int(raw)
    return values


def due_counts(db_path: Path, now: datetime, decks: Sequence[str] = ()) -> list[DeckDue]:
    """Per deck: learning and review cards due now, new cards available today, later today,
    tomorrow. Decks with no active card are left out; `decks` narrows the list."""
    conn = connect(db_path)
    try:
        return _counts(conn, now, decks)
    except sqlite3.DatabaseError as error:
        raise diagnose(db_path, error) from None
    finally:
        conn.close()


# The queue's three parts, as study.queue.build_queue takes them: a card must be active, not
# buried, and have no sibling answered this study day; one card per sibling group (`note`).
_ELIGIBLE = """
  c.status = 'active' {decks} and (c.buried_until is null or c.buried_until <= :now)
  and not exists (select 1 from card s where s.note = c.note and s.id != c.id
                  and s.last_review >= :start)
"""
_PARTS = (
    ("learning", "c.last_review is not null and c.state in (1, 3) and c.due <= :now"),
    ("review", "c.last_review is not null and c.state = 2 and c.due < :end"),
    ("new", "c.last_review is null"),
)
_DONE_TODAY = """
select count(distinct case when json_extract(before, '$.last_review') is null then card_id end),
  count(distinct case when json_extract(before, '$.last_review') is not null
                       and json_extract(before, '$.state') = 2 then card_id end)
from review where reviewed_at >= :start
"""
# What is not due now but will be: learning cards later this study day, anything tomorrow.
_LATER = """
select c.deck, sum(c.due < :end and c.state != 2), sum(c.due >= :end)
from card c where c.status = 'active' {decks} and c.last_review is not null
  and c.due > :now and c.due < :after
group by c.deck
"""


# The decks with a card that is not retired. A skip-scan of the deck index (one seek per
# deck): `select distinct deck ... where status != 'retired'` reads every row, 80 ms at 100k.
_DECKS = """
with recursive d(deck) as (
  select min(deck) from card
  union all select (select min(deck) from card where deck > d.deck) from d where d.deck is not null)
select deck from d where deck is not null
  and exists (select 1 from card c where c.deck = d.deck and c.status != 'retired')
"""


def _counts(conn: sqlite3.Connection, now: datetime, decks: Sequence[str]) -> list[DeckDue]:
    values = settings(conn)
    start = day_start(now, values["rollover_hour"])
    params: dict[str, str] = {f"d{i}": deck for i, deck in enumerate(decks)}
    where = f"and c.deck in ({', '.join(':' + k for k in params)})" if decks else ""
    params |= {"now": stamp(now), "start": stamp(start), "end": stamp(start + timedelta(1))}
    new_done, reviews_done = conn.execute(_DONE_TODAY, {"start": params["start"]}).fetchone()
    limits = {
        "learning": None,
        "review": max(0, values["reviews_per_day"] - reviews_done),
        "new": max(0, values["new_per_day"] - new_done),
    }
    tally: dict[str, dict[str, int]] = {}
    notes: set[str] = set()
    eligible = _ELIGIBLE.format(decks=where)
    for part, condition in _PARTS:
        limit, taken = limits[part], 0
        order = "c.rowid" if part == "new" else "c.due"
        sql = f"select c.deck, c.note from card c where {eligible} and {condition} order by {order}"
        for deck, note in conn.execute(sql, params):
            if limit is not None and taken >= limit:
                break
            if note in notes:
                continue
            notes.add(note)
            taken += 1
            counts = tally.setdefault(deck, {})
            counts[part] = counts.get(part, 0) + 1
    later = {
        deck: (int(today or 0), int(tomorrow or 0))
        for deck, today, tomorrow in conn.execute(
            _LATER.format(decks=where), params | {"after": stamp(start + timedelta(2))}
        )
    }
    names = [row[0] for row in conn.execute(_DECKS)]
    if decks:
        names = [name for name in names if name in decks]
    return [
        DeckDue(
            deck,
            tally.get(deck, {}).get("learning", 0),
            tally.get(deck, {}).get("review", 0),
            tally.get(deck, {}).get("new", 0),
            *later.get(deck, (0, 0)),
        )
        for deck in sorted(set(names))
    ]


def format_table(counts: Sequence[DeckDue]) -> str:
    """The plain-text table `study due` prints (no rich: start-up time counts here)."""
    header = ("deck", "learning", "review", "new", "later today", "tomorrow")
    rows = [
        (c.deck, *(str(v) for v in (c.learning, c.review, c.new, c.later_today, c.tomorrow)))
        for c in counts
    ]
    if len(counts) > 1:
        sums = [sum(getattr(c, f) for c in counts) for f in header[1:3]]
        sums += [sum(c.new for c in counts)]
        sums += [sum(c.later_today for c in counts), sum(c.tomorrow for c in counts)]
        rows.append(("all decks", *(str(v) for v in sums)))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def summary_line(counts: Sequence[DeckDue]) -> str:
    """One sentence: how many cards wait now, and how many come later."""
    now_total = sum(c.total for c in counts)
    later = sum(c.later_today for c in counts)
    tomorrow = sum(c.tomorrow for c in counts)
    if now_total:
        return f"{now_total} cards to study now ({later} more later today, {tomorrow} tomorrow)."
    return f"Nothing due now; {later} later today, {tomorrow} tomorrow."


def render(counts: Sequence[DeckDue], as_json: bool) -> str:
    """What `study due` prints: the table and a summary, or a JSON list."""
    if as_json:
        import json

        return json.dumps([c.to_json() for c in counts], ensure_ascii=False, indent=2)
    if not counts:
        return "No cards yet: run `study drill` for the bundled decks or `study sync PATH`."
    return f"{format_table(counts)}\n\n{summary_line(counts)}"


def run(decks: Sequence[str], as_json: bool, db: Path | None, brief: bool = False) -> str:
    """`study due` from its arguments: the one core call the CLI makes too.

    `brief` is the shell-prompt form from `study.remind.reminder` (`docker:9 git:3`, empty when
    nothing is due)."""
    from study.paths import default_db_path

    path = db if db is not None else default_db_path()
    counts = due_counts(path, current_time(), decks)
    known = {c.deck for c in counts}
    missing = [d for d in decks if d not in known]
    if missing:
        raise StudyError(f"no deck named {missing[0]!r}; `study due` lists the decks")
    if brief:
        from study.remind.reminder import brief_line

        return brief_line(counts)
    return render(counts, as_json)


def overview_text(db: Path | None) -> str:
    """The bare `study`: what is due, and the commands to try next."""
    from study.paths import default_db_path

    path = db if db is not None else default_db_path()
    tips = [
        "study drill            drill what is due (the bundled decks on a first run)",
        "study sync PATH        add your Markdown notes (a file or a folder)",
        "study due              what is due, per deck",
        "study --help           every command",
    ]
    head = "No study database yet."
    if path.is_file():
        head = render(due_counts(path, current_time()), as_json=False)
    return head + "\n\nTry:\n" + "\n".join(f"  {tip}" for tip in tips)
