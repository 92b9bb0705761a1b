"""The figures of `study stats`: cards by state, the review calendar and streaks, the forecast,
true retention, time spent and the hardest cards. Plain numbers; `study.stats.view` draws them.

Every figure counts study days (`study.schedule.rules.day_start`: the day rolls over at
`rollover_hour`), and time comes in as `now`. The work is a few aggregate queries: a
1,000,000-review log is summed by SQLite, not walked in Python.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from study.schedule.rules import day_start
from study.schedule.schema import State, Status, epoch_us, stamp
from study.schedule.settings import read_stored

if TYPE_CHECKING:
    from study.schedule.settings import Execute

CALENDAR_DAYS = 365
FORECAST_DAYS = 30
RETENTION_WINDOWS = (7, 30, 365)
MATURE_DAYS = 21  # Anki's line between young and mature: an interval of 21 days or more
HARDEST = 10
STATES = ("new", "learning", "young", "mature", "suspended", "leech", "retired")

# A card's interval in days (from an fsrs schedule's due and last review), to 3 places, is the
# one rule for young and mature: the card row's columns hold stamps, a review's snapshot of
# the card before it epoch microseconds (`study.schedule.schema`).
_CARD_INTERVAL = "round(julianday(c.due) - julianday(c.last_review), 3)"
_BEFORE_INTERVAL = "round((r.before_due - r.before_last_review) / 86400000000.0, 3)"
# A lapse: Again on a card in review, as the review's snapshot recorded it.
_LAPSES = f"""
SELECT r.card, count(*) AS lapses FROM review r NOT INDEXED
WHERE r.rating = 1 AND r.before_state = {State.REVIEW} GROUP BY r.card
"""
_QUARTER_HOUR_US = 900_000_000
_LONG_AGO = "0001-01-01 00:00:00.000000"  # a stamp before any card's due


@dataclass
class Retention:
    """Reviews of cards in review (learning steps left out, as Anki's true retention does),
    and how many of them were not graded Again."""

    reviews: int = 0
    passed: int = 0

    @property
    def rate(self) -> float | None:
        return round(self.passed / self.reviews, 4) if self.reviews else None

    def as_json(self) -> dict[str, Any]:
        return {"reviews": self.reviews, "passed": self.passed, "rate": self.rate}


@dataclass
class Day:
    """One study day of the calendar: reviews, milliseconds spent, young and mature retention."""

    reviews: int = 0
    ms: int = 0
    young: Retention = field(default_factory=Retention)
    mature: Retention = field(default_factory=Retention)


@dataclass
class Stats:
    """Every figure `study stats` shows; `as_json` is what `--json` prints."""

    now: datetime
    decks: list[str]
    cards: dict[str, int]
    first_day: str  # the local date of the calendar's first study day
    days: list[Day]  # CALENDAR_DAYS study days, oldest first, today last
    forecast: list[int]  # reviews due on each of the next FORECAST_DAYS days (today: overdue too)
    desired_retention: dict[str, float]
    hardest: list[dict[str, Any]]

    @property
    def calendar(self) -> list[int]:
        return [day.reviews for day in self.days]

    def streaks(self) -> dict[str, Any]:
        """Current and longest run of study days with a review, and the share of days studied
        since the first one in the calendar. Today not studied yet leaves the streak alive."""
        counts = self.calendar
        current = 0
        for count in reversed(counts[:-1] if counts[-1] == 0 else counts):
            if count == 0:
                break
            current += 1
        longest = run = 0
        for count in counts:
            run = run + 1 if count else 0
            longest = max(longest, run)
        studied = sum(1 for count in counts if count)
        first = next((i for i, count in enumerate(counts) if count), len(counts))
        period = len(counts) - first
        share = round(studied / period, 4) if period else 0.0
        return {
            "current": current,
            "longest": longest,
            "days_studied": studied,
            "days": period,
            "share": share,
        }

    def retention(self, days: int) -> dict[str, Retention]:
        """Young, mature and all reviews of the last `days` study days, today included."""
        young, mature = Retention(), Retention()
        for day in self.days[-days:]:
            young.reviews += day.young.reviews
            young.passed += day.young.passed
            mature.reviews += day.mature.reviews
            mature.passed += day.mature.passed
        both = Retention(young.reviews + mature.reviews, young.passed + mature.passed)
        return {"young": young, "mature": mature, "all": both}

    def time_spent(self) -> dict[str, Any]:
        """Reviews and minutes today, and per study day on average over the calendar."""
        today = self.days[-1]
        studied = [day for day in self.days if day.reviews]
        count = max(1, len(studied))
        return {
            "today": {"reviews": today.reviews, "minutes": round(today.ms / 60000, 1)},
            "average": {
                "reviews": round(sum(day.reviews for day in studied) / count, 1),
                "minutes": round(sum(day.ms for day in studied) / 60000 / count, 1),
            },
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "decks": self.decks,
            "cards": self.cards,
            "calendar": {"first_day": self.first_day, "reviews": self.calendar},
            "streak": self.streaks(),
            "forecast": self.forecast,
            "retention": {
                str(days): {k: v.as_json() for k, v in self.retention(days).items()}
                for days in RETENTION_WINDOWS
            },
            "desired_retention": self.desired_retention,
            **self.time_spent(),
            "hardest": self.hardest,
        }


def study_day_starts(now: datetime, rollover: int, first: int, count: int) -> list[datetime]:
    """The starts of `count` study days from the `first`-th after today's (negative: before),
    each by `day_start`, so a DST change moves them with the wall clock."""
    middle = day_start(now, rollover) + timedelta(hours=12)
    return [day_start(middle + timedelta(days=first + i), rollover) for i in range(count)]


def _deck_filter(decks: Sequence[str], column: str) -> tuple[str, dict[str, str]]:
    """An SQL condition keeping `column` (a deck name) in `decks`, with its parameters."""
    if not decks:
        return "1 = 1", {}
    names = {f"deck{i}": deck for i, deck in enumerate(decks)}
    return f"{column} IN ({', '.join(':' + name for name in names)})", names


def _ranges(starts: list[datetime], end: datetime) -> tuple[str, dict[str, str]]:
    """A VALUES table (i, lo, hi) of the study days starting at `starts`, the last ending at
    `end`, as stamps: a range join on an indexed column counts each day with one seek."""
    bounds = [*starts[1:], end]
    rows = ", ".join(f"({i}, :lo{i}, :hi{i})" for i in range(len(starts)))
    params = {f"lo{i}": stamp(start) for i, start in enumerate(starts)}
    params |= {f"hi{i}": stamp(bound) for i, bound in enumerate(bounds)}
    return f"days(i, lo, hi) AS (VALUES {rows})", params


def _calendar(execute: Execute, starts: list[datetime], decks: Sequence[str]) -> list[Day]:
    """Each study day's reviews, time and retention; `starts` ends with tomorrow's start.

    SQLite sums the reviews per UTC quarter hour (every time zone's offset is a whole number of
    quarter hours, so no study day boundary falls inside one), and the quarters are put into
    study days here. The table is scanned: the log has no index by time (`m010_review_typed`),
    and when it had one, walking it read pages at random (2.7 s against 0.14 s for 850,000
    reviews). A slot is whole integer arithmetic on the log's epoch microseconds.
    """
    where, names = _deck_filter(decks, "deck")
    if decks:
        where = f"r.card IN (SELECT rowid FROM card WHERE {where})"
    base = starts[0]
    # Integers (1 or 0) summed, not truths: PostgreSQL does not add up booleans.
    sql = f"""
    WITH r AS MATERIALIZED (
      SELECT (r.reviewed_at - :lo) / {_QUARTER_HOUR_US} AS slot,
        CASE WHEN r.rating > 1 THEN 1 ELSE 0 END AS passed, r.duration_ms,
        CASE WHEN r.before_state = {State.REVIEW} THEN 1 ELSE 0 END AS in_review,
        CASE WHEN {_BEFORE_INTERVAL} >= {MATURE_DAYS} THEN 1 ELSE 0 END AS mature
      FROM review r NOT INDEXED
      WHERE r.reviewed_at >= :lo AND r.reviewed_at < :hi AND {where}
    )
    SELECT slot, count(*), coalesce(sum(duration_ms), 0),
      sum(in_review * (1 - mature)), sum(in_review * (1 - mature) * passed),
      sum(in_review * mature), sum(in_review * mature * passed)
    FROM r GROUP BY slot
    """
    params = {"lo": epoch_us(base), "hi": epoch_us(starts[-1])}
    # Each study day's first quarter hour, counted from the first day's start.
    firsts = [round((start - base).total_seconds() / 900) for start in starts[:-1]]
    days = [Day() for _ in firsts]
    for slot, count, ms, young, young_ok, mature, mature_ok in execute(sql, params | names):
        day = days[bisect_right(firsts, int(slot)) - 1]
        day.reviews += int(count)
        day.ms += int(ms)
        day.young.reviews += int(young)
        day.young.passed += int(young_ok)
        day.mature.reviews += int(mature)
        day.mature.passed += int(mature_ok)
    return days


def _forecast(execute: Execute, now: datetime, rollover: int, decks: Sequence[str]) -> list[int]:
    """Cards (learnt, active) falling due on each of the next days; overdue ones count today."""
    starts = study_day_starts(now, rollover, 0, FORECAST_DAYS + 1)
    days_cte, params = _ranges(starts[:-1], starts[-1])
    params["lo0"] = _LONG_AGO  # everything overdue is due today
    where, names = _deck_filter(decks, "c.deck")
    sql = f"""
    WITH {days_cte}
    SELECT d.i, count(*) FROM days d JOIN card c
      ON c.status = '{Status.ACTIVE}' AND c.due >= d.lo AND c.due < d.hi
    WHERE c.last_review IS NOT NULL AND {where} GROUP BY d.i
    """
    forecast = [0] * FORECAST_DAYS
    for i, count in execute(sql, params | names):
        forecast[int(i)] = int(count)
    return forecast


def _cards(execute: Execute, decks: Sequence[str], leech: dict[str, int]) -> dict[str, int]:
    """Cards by state, each card counted once: retired, else leech (forgotten `leech_lapses`
    times or more), else suspended, else new, learning, young or mature by its schedule."""
    where, names = _deck_filter(decks, "c.deck")
    sql = f"""
    WITH lapsed AS ({_LAPSES})
    SELECT c.deck, c.status,
      CASE WHEN c.last_review IS NULL THEN 'new'
           WHEN c.state != {State.REVIEW} THEN 'learning'
           WHEN {_CARD_INTERVAL} < {MATURE_DAYS} THEN 'young' ELSE 'mature' END,
      coalesce(l.lapses, 0), count(*)
    FROM card c LEFT JOIN lapsed l ON l.card = c.rowid WHERE {where} GROUP BY 1, 2, 3, 4
    """
    counts = dict.fromkeys(STATES, 0)
    for deck, status, kind, lapses, count in execute(sql, names):
        threshold = leech.get(str(deck), 0)
        if status == Status.RETIRED:
            kind = "retired"
        elif threshold and int(lapses) >= threshold:
            kind = "leech"
        elif status == Status.SUSPENDED:
            kind = "suspended"
        counts[str(kind)] += int(count)
    counts["total"] = sum(counts.values())
    return counts


def _hardest(execute: Execute, decks: Sequence[str]) -> list[dict[str, Any]]:
    """The cards forgotten most often (retired ones left out), most lapses first."""
    where, names = _deck_filter(decks, "c.deck")
    sql = f"""
    WITH lapsed AS ({_LAPSES})
    SELECT c.id, c.deck, c.front, l.lapses FROM lapsed l JOIN card c ON c.rowid = l.card
    WHERE c.status != '{Status.RETIRED}' AND {where}
    ORDER BY l.lapses DESC, c.id LIMIT {HARDEST}
    """
    return [
        {"id": str(card_id), "deck": str(deck), "front": str(front), "lapses": int(lapses)}
        for card_id, deck, front, lapses in execute(sql, names)
    ]


def compute_stats(execute: Execute, now: datetime, decks: Sequence[str] = ()) -> Stats:
    """Every figure for `decks` (stored names; all decks when empty) at `now`."""
    stored = read_stored(execute)
    rollover = int(stored.values()["rollover_hour"])
    shown = list(decks) or _all_decks(execute)
    leech = {deck: int(stored.values(deck)["leech_lapses"]) for deck in shown}  # the drill's
    starts = study_day_starts(now, rollover, 1 - CALENDAR_DAYS, CALENDAR_DAYS + 1)
    return Stats(
        now=now,
        decks=shown,
        cards=_cards(execute, decks, leech),
        first_day=starts[0].astimezone().date().isoformat(),
        days=_calendar(execute, starts, decks),
        forecast=_forecast(execute, now, rollover, decks),
        desired_retention={deck: float(stored.values(deck)["desired_retention"]) for deck in shown},
        hardest=_hardest(execute, decks),
    )


def _all_decks(execute: Execute) -> list[str]:
    """Every deck with a card, retired ones too: their history is part of the figures."""
    return [str(row[0]) for row in execute("SELECT DISTINCT deck FROM card ORDER BY deck", {})]


def load_stats(db_path: Path | None, decks: Sequence[str], now: datetime) -> Stats:
    """`study stats [DECK...]`: the figures of the decks a user typed (all when none)."""
    from study.schedule.store import open_store

    with open_store(db_path, create=False) as store:
        return compute_stats(store.execute, now, store.resolve_decks(decks))
