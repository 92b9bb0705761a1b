"""Card quality on real notes: recall of hand-written facts, and the junk signals.

For each note of the real-notes corpus (tests/corpus/, licences in its SOURCES.md) and the
bundled deck (decks/docker.md), `benchmarks/facts/<note>.yaml` lists, written by hand from
reading the note as a student would, the facts a card must carry: a cue and the answer
phrases, copied from the note's own words.

A fact is *carried* when one card holds the cue on one side and every answer phrase on the
other (either direction), and that card's answer is short enough to grade. Text is compared
with Unicode case folding, accents, Markdown marks, emoji and spacing ignored
(`study.notes.signals.plain_fold`). A fact found only on a card whose answer is too long is
counted apart ("long"): it is there, but no one can grade it.

The answer limit is `study.notes.card.MAX_ANSWER_CHARS` (400 characters of Markdown), the one
definition the card rules and `study check` use too. Why 400: it is about what a student reads
and checks against their own recall in one look (five or six lines of a terminal, a short
paragraph, a command with a sentence, a list of four or five short items). The atomic answers
of a real note fall well under it (a definition, a row's fact, a step), while the whole
section bodies that hold a dozen facts run 700 to 1,800 characters.

The junk signals (`study.notes.signals`) are counted over every card: a front asked twice in
a deck, an answer over the limit, an answer that is only an image, a link, a diagram or a
list of links, a front with no letter (a symbol, a number fragment), an answer equal to its
front. For decks/docker.md the harness also checks that every card the bundled deck made when
the harness was written is still made: `benchmarks/facts/docker.seed.json` holds those
(kind, front) pairs, and "seed kept" counts them.

    .venv/bin/python benchmarks/quality.py [NOTE...] [--unseen] [--json] [--missed]

`--unseen` measures the notes of tests/unseen/ instead (sources in its SOURCES.md): notes
found after the rules were tuned on the corpus, so their figure says how the rules generalise.

The table names the signals dup, over, no-ans, no-q and same.
`--missed` lists, per note, the facts not carried and the junk cards; `--json` prints the
numbers for scripts. Exits 0 whatever the numbers: it measures, it does not judge.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from study.notes.card import Card
from study.notes.parser import parse_text
from study.notes.signals import SIGNALS, count_signals, flagged, plain_fold

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "benchmarks" / "facts"
CORPUS = ROOT / "tests" / "corpus"
# Notes found after the rules were tuned on the corpus, kept apart: the honest figure.
UNSEEN = ROOT / "tests" / "unseen"
SEED_NOTE = ROOT / "decks" / "docker.md"
SEED = FACTS / "docker.seed.json"

CARRIED, LONG, MISSED = "carried", "long", "missed"


@dataclass(frozen=True)
class Fact:
    """What a card must carry: every cue phrase on the question side, every answer phrase on
    the other."""

    cue: tuple[str, ...]
    answer: tuple[str, ...]


@dataclass
class NoteReport:
    note: str
    cards: int
    facts: int
    carried: int
    long: int
    signals: dict[str, int]
    junk: int
    seed: tuple[int, int] | None = None  # (kept, total) for the seed note
    missed: list[Fact] = field(default_factory=list)
    junk_cards: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.carried / self.facts if self.facts else None


def load_facts(path: Path) -> list[Fact]:
    """The facts of one note: a YAML list of `{cue: str | [str], answer: str | [str]}`."""
    if not path.exists():
        return []
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [Fact(_phrases(item["cue"]), _phrases(item["answer"])) for item in items]


def _phrases(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(str(phrase) for phrase in value)


def fact_outcome(fact: Fact, cards: list[Card], limit: int) -> str:
    """CARRIED, LONG (only on a card whose answer is over `limit`) or MISSED.

    The question side is the front with its heading path, as the drill shows it.
    """
    cues = [phrase_pattern(p) for p in fact.cue]
    phrases = [phrase_pattern(p) for p in fact.answer]
    found_long = False
    for card in cards:
        front = plain_fold(" ".join((*card.path, card.front)))
        back = plain_fold(card.back)
        if _holds(front, back, cues, phrases) or _holds(back, front, cues, phrases):
            if len(card.back) <= limit:
                return CARRIED
            found_long = True
    return LONG if found_long else MISSED


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Whole words only: the cue "top" is not in "desktop", "cd" not in "abcd".
    return re.compile(rf"(?<!\w){re.escape(plain_fold(phrase))}(?!\w)")


def _holds(
    question: str, answer: str, cues: list[re.Pattern[str]], phrases: list[re.Pattern[str]]
) -> bool:
    return all(c.search(question) for c in cues) and all(p.search(answer) for p in phrases)


def seed_kept(cards: list[Card], seed: list[tuple[str, str]]) -> int:
    """How many of the seed's (kind, front) pairs the cards still make."""
    made = {(card.kind, card.front) for card in cards}
    return sum(1 for pair in seed if pair in made)


def junk_lines(cards: list[Card]) -> list[str]:
    """`line: signals: front` for each card showing a junk signal."""
    return [
        f"{card.line}: {'+'.join(signals)}: {' '.join(card.front.split())[:60]}"
        for card, signals in flagged(cards)
    ]


def measure(
    note: Path, facts: list[Fact], limit: int, seed: list[tuple[str, str]] | None = None
) -> NoteReport:
    """One note's row: its cards, the facts carried, the junk signals, the seed cards kept."""
    cards = parse_text(note.read_text(encoding="utf-8"), source=str(note)).cards
    return score(note.name, cards, facts, limit, seed)


def score(
    name: str,
    cards: list[Card],
    facts: list[Fact],
    limit: int,
    seed: list[tuple[str, str]] | None = None,
) -> NoteReport:
    """The row of a note that made `cards`."""
    outcomes = [fact_outcome(fact, cards, limit) for fact in facts]
    junk = junk_lines(cards)
    return NoteReport(
        note=name,
        cards=len(cards),
        facts=len(facts),
        carried=outcomes.count(CARRIED),
        long=outcomes.count(LONG),
        signals=count_signals(cards),
        junk=len(junk),
        missed=[fact for fact, outcome in zip(facts, outcomes, strict=True) if outcome != CARRIED],
        junk_cards=junk,
        seed=(seed_kept(cards, seed), len(seed)) if seed is not None else None,
    )


def corpus_notes() -> list[Path]:
    return [*_notes_in(CORPUS), SEED_NOTE]


def _notes_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if p.name != "SOURCES.md")


def run(notes: list[Path], limit: int) -> list[NoteReport]:
    reports = []
    for note in notes:
        seed = None
        if note.resolve() == SEED_NOTE.resolve() and SEED.exists():
            seed = [(kind, front) for kind, front in json.loads(SEED.read_text(encoding="utf-8"))]
        reports.append(measure(note, load_facts(FACTS / f"{note.stem}.yaml"), limit, seed))
    return reports


def total(reports: list[NoteReport]) -> NoteReport:
    signals = {name: sum(r.signals[name] for r in reports) for name in SIGNALS}
    seeds = [r.seed for r in reports if r.seed]
    return NoteReport(
        note="overall",
        cards=sum(r.cards for r in reports),
        facts=sum(r.facts for r in reports),
        carried=sum(r.carried for r in reports),
        long=sum(r.long for r in reports),
        signals=signals,
        junk=sum(r.junk for r in reports),
        seed=(sum(s[0] for s in seeds), sum(s[1] for s in seeds)) if seeds else None,
    )


# The table's short names for the signals (the JSON uses the full ones).
SHORT = {
    "duplicate": "dup",
    "too-long": "over",
    "empty-answer": "no-ans",
    "empty-front": "no-q",
    "answer-is-front": "same",
}
COLUMNS = (
    "note",
    "cards",
    "facts",
    "carried",
    "recall",
    "long",
    *(SHORT[s] for s in SIGNALS),
    "junk",
    "seed",
)


def _row(report: NoteReport) -> list[str]:
    recall = f"{report.recall:.0%}" if report.recall is not None else "-"
    seed = f"{report.seed[0]}/{report.seed[1]}" if report.seed else ""
    counts = [str(report.signals[name]) for name in SIGNALS]
    return [
        report.note.removesuffix(".md"),
        str(report.cards),
        str(report.facts),
        str(report.carried),
        recall,
        str(report.long),
        *counts,
        str(report.junk),
        seed,
    ]


def table(reports: list[NoteReport]) -> str:
    """One plain aligned table: a row per note, then the overall row."""
    rows = [list(COLUMNS), *(_row(r) for r in reports), _row(total(reports))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
        if n == 0 or n == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def as_json(reports: list[NoteReport]) -> str:
    def record(r: NoteReport) -> dict[str, object]:
        return {
            "note": r.note, "cards": r.cards, "facts": r.facts, "carried": r.carried,
            "recall": r.recall, "long": r.long, "signals": r.signals, "junk": r.junk,
            "seed_kept": list(r.seed) if r.seed else None,
        }  # fmt: skip

    return json.dumps(
        {"notes": [record(r) for r in reports], "overall": record(total(reports))}, indent=2
    )


def missed_text(reports: list[NoteReport]) -> str:
    out = []
    for report in reports:
        if not report.missed and not report.junk_cards:
            continue
        out.append(f"\n{report.note}")
        out.extend(f"  missed: {list(f.cue)} -> {list(f.answer)}" for f in report.missed)
        out.extend(f"  junk: line {line}" for line in report.junk_cards)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    from study.notes.card import MAX_ANSWER_CHARS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notes", nargs="*", type=Path, help="notes (default: the corpus)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument("--missed", action="store_true", help="list missed facts and junk")
    parser.add_argument(
        "--unseen", action="store_true", help="the unseen notes (tests/unseen/), not the corpus"
    )
    args = parser.parse_args(argv)
    notes = args.notes or (_notes_in(UNSEEN) if args.unseen else corpus_notes())
    reports = run(notes, MAX_ANSWER_CHARS)
    if args.json:
        print(as_json(reports))
        return 0
    print(table(reports))
    if args.missed:
        print(missed_text(reports))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
