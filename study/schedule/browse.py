"""The card browser: `study list` and `study show` read the cards in the database.

Read-only: the store is opened without creating a file, nothing is written. A card's place
(new, learning, review, relearning), due date, interval and lapses come from its row and its
review log; the history shows, per answer, the grade and what it gave (the interval to the
next due date, and the stability after it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from study.notes.cardview import format_interval
from study.notes.lookup import fold, resolve_id
from study.schedule.rules import day_start
from study.schedule.scheduler import load_settings
from study.schedule.schema import State, Status, from_epoch_us, from_stamp, stamp
from study.schedule.store import Store
from study.words import plural

FILTERS = ("due", "new", "suspended", "leech")
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
_STATES = {State.LEARNING: "learning", State.REVIEW: "review", State.RELEARNING: "relearning"}

_CARDS = f"""
SELECT c.id, c.deck, c.kind, c.front, c.back, c.status, c.leech, c.state, c.due,
  c.last_review, c.stability, c.difficulty, c.source, c.line, c.section,
  (SELECT count(*) FROM review r WHERE r.card = c.rowid AND r.rating = 1
     AND r.before_state = {State.REVIEW}) AS lapses,
  (SELECT count(*) FROM review r WHERE r.card = c.rowid) AS reviews
FROM card c WHERE c.status != '{Status.RETIRED}'
  AND c.deck IN (SELECT value FROM json_each(:decks))
"""
# Each filter as SQL; `due` is what a drill would count as due now (learning due by now,
# reviews due before the study day ends).
_FILTER_SQL = {
    "due": f"c.status = '{Status.ACTIVE}' AND c.last_review IS NOT NULL"
    f" AND ((c.state = {State.REVIEW} AND c.due < :end)"
    f" OR (c.state != {State.REVIEW} AND c.due <= :now))",
    "new": "c.last_review IS NULL",
    "suspended": f"c.status = '{Status.SUSPENDED}'",
    "leech": "c.leech",
}
_COLUMNS = (
    "id", "deck", "kind", "front", "back", "status", "leech", "state", "due", "last_review",
    "stability", "difficulty", "source", "line", "section", "lapses", "reviews",
)  # fmt: skip


def _record(row: Sequence[Any]) -> dict[str, Any]:
    """A card as `study list --json` and `study show --json` print it."""
    values = dict(zip(_COLUMNS, row, strict=True))
    new = values["last_review"] is None
    due = from_stamp(values["due"])
    last = None if new else from_stamp(values["last_review"])
    return {
        "id": values["id"],
        "deck": values["deck"],
        "kind": values["kind"],
        "front": values["front"],
        "back": values["back"],
        "status": values["status"],
        "state": "new" if new else _STATES.get(values["state"], "learning"),
        "due": None if new else due.isoformat(),
        "interval_days": None if last is None else round((due - last).total_seconds() / 86400, 4),
        "stability": values["stability"],
        "difficulty": values["difficulty"],
        "lapses": int(values["lapses"]),
        "reviews": int(values["reviews"]),
        "leech": bool(values["leech"]),
        "source": values["source"],
        "line": values["line"],
        "section": values["section"],
    }


def list_cards(
    store: Store,
    now: datetime,
    decks: Sequence[str] = (),
    filters: Sequence[str] = (),
    search: str = "",
) -> list[dict[str, Any]]:
    """The cards of `decks` (all when empty) passing every filter in `filters` and containing
    `search` in the front or back (case-insensitive), in note order."""
    end = day_start(now, load_settings(store).rollover_hour).timestamp() + 86400
    params = {
        "decks": json.dumps(store.resolve_decks(decks) or store.decks()),
        "now": stamp(now),
        "end": stamp(datetime.fromtimestamp(end, now.tzinfo)),
    }
    sql = _CARDS + "".join(f" AND ({_FILTER_SQL[name]})" for name in filters)
    sql += " ORDER BY c.deck, c.note_path, c.line"
    records = [_record(row) for row in store.execute(sql, params)]
    wanted = fold(search)
    return [r for r in records if wanted in fold(r["front"]) or wanted in fold(r["back"])]


def show_card(store: Store, typed_id: str) -> dict[str, Any]:
    """One card (by its id or a unique prefix of it) with its review history, oldest first."""
    ids = [str(row[0]) for row in store.execute("SELECT id FROM card", {})]
    card_id = resolve_id(typed_id, ids, "card", "study list")
    sql = _CARDS.replace(f"c.status != '{Status.RETIRED}'", "c.id = :id").split(" AND c.deck")[0]
    record = _record(next(iter(store.execute(sql, {"id": card_id}))))
    record["history"] = _history(store, card_id, record)
    return record


def _history(store: Store, card_id: str, card: dict[str, Any]) -> list[dict[str, Any]]:
    """Each answer: when, the grade, and the interval and stability it gave (read from the
    next answer's snapshot of the card before it, or from the card itself for the last one)."""
    rows = list(
        store.execute(
            "SELECT reviewed_at, rating, before_due, before_stability FROM review"
            " WHERE card = (SELECT rowid FROM card WHERE id = :id) ORDER BY id",
            {"id": card_id},
        )
    )
    due = None if card["due"] is None else datetime.fromisoformat(card["due"])
    afters = [(_moment(due_us), stability) for _, _, due_us, stability in rows[1:]]
    afters.append((due, card["stability"]))
    history = []
    for (reviewed_at, rating, _, _), (after_due, stability) in zip(rows, afters, strict=True):
        when = from_epoch_us(reviewed_at)
        history.append(
            {
                "reviewed_at": when.isoformat(),
                "rating": int(rating),
                "grade": RATING_NAMES.get(int(rating), str(rating)),
                "interval_days": round(((after_due or when) - when).total_seconds() / 86400, 4),
                "stability": stability,
            }
        )
    return history


def _moment(value: int | None) -> datetime | None:
    return None if value is None else from_epoch_us(value)


def _when(iso: str | None) -> str:
    return (
        "-" if iso is None else datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    )


def _interval(days: float | None) -> str:
    return "-" if days is None else format_interval(days * 86400)


def list_text(records: Sequence[dict[str, Any]], width: int = 80) -> str:
    """Two lines a card: its id and question, then its state, due date, interval, lapses and
    source, each cut to `width` (a browser, not a reader: `study show ID` prints it all)."""
    if not records:
        return "No cards match."
    lines = []
    for r in records:
        front = " ".join(r["front"].split())
        lines.append(_cut(f"{r['id'][:8]}  {r['deck']}: {front}", width))
        state = r["state"] if r["status"] == Status.ACTIVE else f"{r['state']}, {r['status']}"
        facts = [
            state + (", leech" if r["leech"] else ""),
            f"due {_when(r['due'])}",
            f"interval {_interval(r['interval_days'])}",
            plural(r["lapses"], "lapse"),
            f"{r['source']}:{r['line']}",
        ]
        lines.append(_cut("          " + " · ".join(facts), width))
    lines.append(plural(len(records), "card"))
    return "\n".join(lines)


def _cut(line: str, width: int) -> str:
    return line if len(line) <= width else line[: max(1, width - 1)] + "…"


def show_text(card: dict[str, Any]) -> str:
    """`study show ID`: the card, where it comes from, its schedule and every answer."""
    state = card["state"] + ("" if card["status"] == Status.ACTIVE else f", {card['status']}")
    facts = [
        f"{card['id']}  " + " › ".join([card["deck"], *filter(None, card["section"].split(" > "))]),
        f"{card['kind']} card from {card['source']}:{card['line']}",
        "",
        "Front:",
        _indent(card["front"]),
        "Back:",
        _indent(card["back"]),
        "",
        f"State: {state}" + (" (leech)" if card["leech"] else ""),
        f"Due: {_when(card['due'])} · interval {_interval(card['interval_days'])}",
        f"Lapses: {card['lapses']} · reviews: {card['reviews']}",
    ]
    if card["stability"] is not None:
        facts.append(
            f"Stability: {card['stability']:.2f} days · difficulty {card['difficulty']:.2f}"
        )
    facts += ["", "History:" if card["history"] else "History: never answered"]
    for answer in card["history"]:
        stability = "-" if answer["stability"] is None else f"{answer['stability']:.2f}"
        facts.append(
            f"  {_when(answer['reviewed_at'])}  {answer['grade']:<5}"
            f"  interval {_interval(answer['interval_days']):<5}  stability {stability}"
        )
    return "\n".join(facts)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
