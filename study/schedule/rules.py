"""The scheduling rules, written once: which cards are eligible now, under which limits, in
which study day. `study due`, `study due --brief`, the reminders and the drill's queue all ask
`select`, so what `study due` counts is what the drill serves.

The rules, in Anki's order:
- The study day starts at `rollover_hour` local time (04:00 by default), not at midnight.
- Only active cards (not suspended, not retired) that are not buried until later are eligible,
  and no card whose sibling (same `note`, e.g. a card and its reverse) was answered this study
  day; of the siblings left, one per note is picked.
- Learning and relearning cards due now come first, with no limit.
- Then reviews due before the study day ends, oldest due first, at most each deck's
  `reviews_per_day` less the reviews already done in that deck this study day.
- Then new cards in the order they were added, at most each deck's `new_per_day` less the new
  cards already introduced in it this study day. Limits are per deck, as Anki's presets are, so
  the bundled decks never use up the new cards of a user's own deck. A session may replace the
  daily new-card limit (`study drill --new N`); a session cap (`--limit N`) is the drill's
  business and never raises a limit.

Plain SQL through an `execute(sql, params)` callable, so the fast `study due` path runs it on a
read-only sqlite3 connection and the drill on its SQLModel session; no SQLModel, fsrs or typer
is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from study.notes.lookup import has_tag, tag_wanted
from study.schedule.schema import State, Status, epoch_us, stamp
from study.schedule.settings import Stored, read_stored

TYPE_CHECKING = False  # not typing's: see study.schedule.settings
if TYPE_CHECKING:
    from typing import Any

    from study.schedule.settings import Execute

    Found = tuple[object, str, str, str | None]  # a card taken: sort key, id, deck, version

LEARNING, REVIEW, NEW = "learning", "review", "new"
PARTS = (LEARNING, REVIEW, NEW)

_ACTIVE = f"c.status = '{Status.ACTIVE}'"
# A card must be active, in the deck and not buried (and have no sibling answered this study
# day: `_Siblings`, which reads those once, not a subquery per card: 3 ms of `study due` at 100k).
_ELIGIBLE = f"{_ACTIVE} AND c.deck = :deck AND (c.buried_until IS NULL OR c.buried_until <= :now)"
# The cards answered this study day (the ix_card_last_review index): their notes' other cards wait.
_ANSWERED = "SELECT note, id FROM card WHERE last_review >= :start"
# These terms repeat the WHERE of the partial indexes ix_card_learning, ix_card_review and
# ix_card_new (deck first: limits are per deck) word for
# word: that is how SQLite knows it may use them.
_WHERE = {
    LEARNING: f"c.last_review IS NOT NULL AND c.state IN ({State.LEARNING}, {State.RELEARNING})"
    " AND c.due <= :now ORDER BY c.due",
    REVIEW: f"c.last_review IS NOT NULL AND c.state = {State.REVIEW} AND c.due < :end"
    " ORDER BY c.due",
    NEW: "c.last_review IS NULL ORDER BY c.rowid",
}
_SORT = {LEARNING: "c.due", REVIEW: "c.due", NEW: "c.rowid"}
# What each deck already did this study day: new cards introduced, reviews of review cards.
# A card answered since the day began has its last review since then (the same fact the
# sibling rule above reads), so today's cards are found by that index and their reviews by
# card: the log needs no index by time (a third of its size).
DONE_TODAY = f"""
WITH today AS MATERIALIZED (SELECT rowid AS card, deck FROM card WHERE last_review >= :start)
SELECT t.deck,
  count(DISTINCT CASE WHEN r.before_last_review IS NULL THEN r.card END),
  count(DISTINCT CASE WHEN r.before_last_review IS NOT NULL
                       AND r.before_state = {State.REVIEW} THEN r.card END)
FROM today t JOIN review r ON r.card = t.card
WHERE r.reviewed_at >= :start_us GROUP BY t.deck
"""
# The decks with a card that is not retired. A skip-scan of the deck index (one seek per
# deck): `SELECT DISTINCT deck ... WHERE status != 'retired'` reads every row, 80 ms at 100k.
_DECKS = f"""
WITH RECURSIVE d(deck) AS (
  SELECT min(deck) FROM card
  UNION ALL SELECT (SELECT min(deck) FROM card WHERE deck > d.deck) FROM d WHERE d.deck IS NOT NULL)
SELECT deck FROM d WHERE deck IS NOT NULL
  AND EXISTS (SELECT 1 FROM card c WHERE c.deck = d.deck AND c.status != '{Status.RETIRED}')
"""


def day_start(now: datetime, rollover_hour: int = 4) -> datetime:
    """Start of the study day containing `now` (aware), as aware UTC.

    The day rolls over at `rollover_hour` local wall-clock time, so answering at 01:00 still
    counts for the evening before. Local time is the process's time zone (TZ); the boundary is
    computed on the wall clock, so a DST change moves it with the clock as a user expects.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone().replace(tzinfo=None)
    start = local.replace(hour=rollover_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone().astimezone(UTC)  # naive -> local aware (mktime) -> UTC


def study_day(moment: datetime, rollover_hour: int = 4) -> date:
    """The local date of the study day `moment` (aware) counts for: the date its day starts on.

    The same boundary as `day_start`, cheap enough to call once per review of a long log.
    """
    return (moment.astimezone() - timedelta(hours=rollover_hour)).date()


def known_decks(execute: Execute) -> list[str]:
    """The decks that have a card which is not retired, sorted."""
    return sorted(str(row[0]) for row in execute(_DECKS, {}))


class Pick:
    """One eligible card: its id, deck and queue part (learning, review or new), and `version`,
    its last review as the same statement read it (stamp text; None for a new card): a drill
    that finds another value when the card comes up knows another drill answered it since."""

    __slots__ = ("deck", "id", "part", "version")

    def __init__(self, card_id: str, deck: str, part: str, version: str | None = None) -> None:
        self.id = card_id
        self.deck = deck
        self.part = part
        self.version = version

    def __repr__(self) -> str:
        return f"Pick({self.id!r}, {self.deck!r}, {self.part!r})"


class Selection:
    """The cards to study now, in queue order, and per deck what the daily limits held back.

    `held[deck][part]` counts about how many cards a limit hid (siblings and buried cards
    included); only reviews and new cards have limits. The queue order (`picks`) is sorted
    only when asked for: `study due` wants the counts alone, which cost no sort.
    """

    __slots__ = ("_found", "_new_cap", "_picks", "_tally", "held", "start")

    def __init__(self, start: datetime, new_cap: int | None = None) -> None:
        self.start = start
        self.held: dict[str, dict[str, int]] = {}
        # Per part, the cards taken, deck by deck: (sort key, card id, deck, version).
        self._found: dict[str, list[Found]] = {part: [] for part in PARTS}
        self._tally: dict[str, dict[str, int]] = {}  # per deck, how many of each part
        self._new_cap = new_cap  # `study drill --new N`: at most N new cards in all
        self._picks: list[Pick] | None = None

    def add(self, deck: str, part: str, found: list[Found]) -> None:
        """One deck's cards of one part, in that deck's queue order."""
        self._found[part] += found
        if found:
            self._tally.setdefault(deck, dict.fromkeys(PARTS, 0))[part] = len(found)

    def _ordered(self, part: str) -> list[Found]:
        """One part's cards in queue order: by due (new cards: as added), deck order kept
        between equals (the sort is stable); new cards cut to the session's cap."""
        found = sorted(self._found[part], key=_sort_key)
        return found[: self._new_cap] if part == NEW and self._new_cap is not None else found

    @property
    def picks(self) -> list[Pick]:
        """The cards in queue order: learning, then reviews, then new cards."""
        if self._picks is None:
            self._picks = [
                Pick(card_id, deck, part, version)
                for part in PARTS
                for _, card_id, deck, version in self._ordered(part)
            ]
        return self._picks

    def counts(self) -> dict[str, dict[str, int]]:
        """Per deck, how many of each part it has to study now (decks with none left out)."""
        tally = {deck: dict(parts) for deck, parts in self._tally.items()}
        if self._new_cap is None:
            return tally
        for parts in tally.values():
            parts[NEW] = 0
        for _, _, deck, _ in self._ordered(NEW):  # the session's cap takes the first in order
            tally[deck][NEW] += 1
        return {deck: parts for deck, parts in tally.items() if any(parts.values())}


def _sort_key(found: Found) -> Any:
    return found[0]


def select(
    execute: Execute,
    now: datetime,
    decks: Sequence[str] = (),
    tags: Sequence[str] = (),
    new_override: int | None = None,
    count_held: bool = False,
) -> Selection:
    """The cards to study at `now` in `decks` (stored names; all when empty) with one of `tags`.

    `new_override` replaces the daily new-card limits for this session: at most that many new
    cards in all (`study drill --new N`). `count_held` fills `Selection.held` (a count per
    deck that reached a limit: `study due` shows it, a shell prompt need not pay for it).
    """
    stored = read_stored(execute)
    start = day_start(now, int(stored.values()["rollover_hour"]))
    selection = Selection(start, new_override)
    params = {"now": stamp(now), "start": stamp(start), "end": stamp(start + timedelta(days=1))}
    today: dict[str, object] = {**params, "start_us": epoch_us(start)}
    done = {str(row[0]): (int(row[1]), int(row[2])) for row in execute(DONE_TODAY, today)}
    answered: dict[str, set[str]] = {}
    for note, card_id in execute(_ANSWERED, params):
        answered.setdefault(note, set()).add(card_id)
    wanted = tag_wanted(tags)
    for deck in decks or known_decks(execute):
        limits = _daily_limits(stored, deck, done.get(deck, (0, 0)))
        if new_override is not None:
            limits[NEW] = new_override
        notes = _Siblings(answered)
        for part in PARTS:
            limit = limits[part]
            taken = _take(execute, params | {"deck": deck}, part, limit, wanted, notes, count_held)
            selection.add(deck, part, taken.picks)
            if taken.held:
                selection.held.setdefault(deck, {})[part] = taken.held
    return selection


def _daily_limits(stored: Stored, deck: str, done: tuple[int, int]) -> dict[str, int | None]:
    """A deck's limits left today: its own settings (or the global ones) less what was done."""
    values = stored.values(deck)
    new_done, reviews_done = done
    return {
        LEARNING: None,
        REVIEW: max(0, int(values["reviews_per_day"]) - reviews_done),
        NEW: max(0, int(values["new_per_day"]) - new_done),
    }


class _Taken:
    __slots__ = ("held", "picks")

    def __init__(self) -> None:
        self.picks: list[Found] = []
        self.held = 0


class _Siblings:
    """One card per note in a deck's queue: a note already picked from, or one with a card
    answered this study day (`answered`: note -> those cards), offers no other card."""

    __slots__ = ("answered", "picked")

    def __init__(self, answered: dict[str, set[str]]) -> None:
        self.answered = answered
        self.picked: set[str] = set()

    def waiting(self, note: str, card_id: str) -> bool:
        """Whether the card `card_id` of `note` must wait for another study day (or deck)."""
        if note in self.picked:
            return True
        others = self.answered.get(note)
        return others is not None and (len(others) > 1 or card_id not in others)


def tagged(tags: str, wanted: frozenset[str]) -> bool:
    """Whether a card's tags (its column: a JSON list) hold one of `wanted` (`tag_wanted`).
    json is imported here: `study due` without --tag never reads a card's tags."""
    import json

    return has_tag(json.loads(tags), wanted)


def _take(
    execute: Execute,
    params: dict[str, str],
    part: str,
    limit: int | None,
    wanted: frozenset[str],
    notes: _Siblings,
    count_held: bool,
) -> _Taken:
    """One deck's cards of one part, up to `limit`, one per sibling group not in `notes`."""
    taken, deck = _Taken(), params["deck"]
    sql = f"SELECT c.id, c.note, c.tags, {_SORT[part]}, c.last_review FROM card c WHERE {_ELIGIBLE}"
    held: set[str] = set()
    for card_id, note, tags, key, version in execute(f"{sql} AND {_WHERE[part]}", params):
        if notes.waiting(note, card_id) or (wanted and not tagged(tags, wanted)):
            continue
        if limit is not None and len(taken.picks) >= limit:
            if not count_held:
                return taken
            if not wanted:  # counted in SQL: a deck may hold 100,000 new cards
                taken.held = max(0, _count(execute, params, part) - len(taken.picks))
                return taken
            held.add(note)
            continue
        notes.picked.add(note)
        # One part's keys are all dues, or all rowids: sorted across decks as they are.
        taken.picks.append((key, card_id, deck, version))
    taken.held = len(held)
    return taken


def indexed(part: str) -> str:
    """The terms that let SQLite read one part's cards from its partial index alone (deck,
    status, due): the index's own WHERE, word for word."""
    return _WHERE[part].split(" AND c.due")[0].split(" ORDER BY")[0]


def _count(execute: Execute, params: dict[str, str], part: str) -> int:
    """About how many of one deck's cards of a part are due: an index-only count, which also
    counts a sibling or a buried card the queue would skip (a note on what the limits hold
    back, never what is served)."""
    where = _WHERE[part].split(" ORDER BY")[0]
    sql = f"SELECT count(*) FROM card c WHERE {_ACTIVE} AND c.deck = :deck AND {where}"
    return int(next(iter(execute(sql, params)))[0])
