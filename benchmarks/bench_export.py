"""Anki export of ~100,000 cards: `study`'s package next to genanki alone, in the same run.

The cards come from a synthetic vault (benchmarks/vault.py, parsed by study's parser), so
the answers are the Markdown a real note gives. Two timings per run, medians reported:

- study: `write_package` (render Markdown -> sanitized HTML, genanki collection, deflated
  zip with fixed dates, atomic rename);
- genanki: the same notes (same GUIDs, fields escaped but not rendered) in one genanki
  model, written with genanki's own `Package.write_to_file` (stored, uncompressed zip).

    .venv/bin/python benchmarks/bench_export.py [--notes 1000] [--runs 5] [--seed 7]
"""

from __future__ import annotations

import argparse
import html
import statistics
import sys
import tempfile
import time
from pathlib import Path

import genanki

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.vault import make_vault
from study.card import Card
from study.export import write_package
from study.vault import load_cards

_PLAIN = genanki.Model(
    1_607_392_319,
    "plain",
    fields=[{"name": n} for n in ("Front", "Back", "Context", "Source")],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr>{{Back}}"}],
)


def genanki_alone(cards: list[Card], out: Path) -> None:
    """What genanki alone costs for the same notes: one note per sibling group, no rendering."""
    decks: dict[str, genanki.Deck] = {}
    seen: set[str] = set()
    for card in cards:
        if card.note in seen:
            continue
        seen.add(card.note)
        deck = decks.get(card.deck)
        if deck is None:
            deck = decks[card.deck] = genanki.Deck(len(decks) + (1 << 30), card.deck)
        fields = [
            html.escape(card.front),
            html.escape(card.back),
            html.escape(" > ".join([card.deck, *card.path])),
            html.escape(f"{card.source}:{card.line}"),
        ]
        deck.add_note(genanki.Note(_PLAIN, fields, guid=card.note))
    genanki.Package(list(decks.values())).write_to_file(str(out), timestamp=1_764_201_600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notes", type=int, default=1000, help="notes in the vault (~100 cards each)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        root = Path(scratch)
        make_vault(root / "vault", args.notes, args.seed)
        cards = load_cards([root / "vault"]).cards
        study_times, genanki_times = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            report = write_package(cards, root / "study.apkg")
            study_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            genanki_alone(cards, root / "genanki.apkg")
            genanki_times.append(time.perf_counter() - start)
        study_size = (root / "study.apkg").stat().st_size
        genanki_size = (root / "genanki.apkg").stat().st_size
    ours, theirs = statistics.median(study_times), statistics.median(genanki_times)
    print(f"{len(cards)} cards, {report.notes} notes, {report.cards} Anki cards, {args.runs} runs")
    print("| | study export | genanki alone | ratio | goal |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| time (median) | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.2f}x | <= 1.5x |")
    mb = 1024 * 1024
    print(
        f"| package size | {study_size / mb:.1f} MB | {genanki_size / mb:.1f} MB | "
        f"{study_size / genanki_size:.2f}x | <= 0.4x |"
    )


if __name__ == "__main__":
    main()
