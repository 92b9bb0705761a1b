"""Anki export of ~100,000 cards: `study`'s package next to genanki alone, in the same run.

The cards come from a synthetic vault (benchmarks/vault.py, parsed by study's parser), so
the answers are the Markdown a real note gives. Two timings per run, medians reported:

- study: `write_package` (render Markdown -> sanitized HTML, genanki collection, deflated
  zip with fixed dates, atomic rename);
- genanki alone: the very notes study gives genanki (same note types, fields, tags, GUIDs,
  decks), written by genanki's own `Package.write_to_file` (uncompressed zip).

So the ratio is what study adds on top of genanki: Markdown rendering, sanitizing, the
deflated zip.

    .venv/bin/python benchmarks/bench_export.py [--notes 1000] [--runs 5] [--seed 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import genanki

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.vault import make_vault
from study.anki import export, note, render
from study.anki.export import Sources, _build, deck_id, resolved_roots, write_package
from study.notes.card import Card
from study.notes.vault import load_cards


def genanki_inputs(cards: list[Card]) -> list[tuple[str, Any, list[str], list[str], str]]:
    """The notes exactly as study hands them to genanki: deck, note type, fields, tags, GUID."""
    roots = resolved_roots(sorted({card.source for card in cards}))
    built, _ = _build(cards, False, Sources(roots=roots))
    return [
        (b.deck, b.note.model, list(b.note.fields), list(b.note.tags), b.note.guid) for b in built
    ]


def genanki_alone(inputs: list[tuple[str, Any, list[str], list[str], str]], out: Path) -> None:
    """genanki writing the same notes its own way: Note objects, `write_to_file`, stored zip."""
    decks: dict[str, genanki.Deck] = {}
    for name, model, fields, tags, guid in inputs:
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(deck_id(name), name)
        deck.add_note(genanki.Note(model, fields, tags=tags, guid=guid))
    genanki.Package(list(decks.values())).write_to_file(str(out), timestamp=1_764_201_600)


def cold() -> None:
    """Empty study's memo caches, so every run pays for what a fresh `study export` pays."""
    for module in (export, note, render):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


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
        inputs = genanki_inputs(cards)
        study_times, genanki_times = [], []
        for _ in range(args.runs):
            cold()
            start = time.perf_counter()
            report = write_package(cards, root / "study.apkg")
            study_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            genanki_alone(inputs, root / "genanki.apkg")
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
