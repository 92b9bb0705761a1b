"""Parsing a vault: `study.vault.load_cards` over a synthetic vault (benchmarks/vault.py).

What `study cards` and every `study sync` of changed notes pay: read each note, parse it with
markdown-it, run the card rules. Reports the median of several runs (the vault is written
once, so the file cache is warm after the first run), then `parse_text` on one note
(decks/docker.md) next to markdown-it's own `md.parse` of it, timed in turns so that a busy
machine slows both alike: the parser's own work is the difference.

    .venv/bin/python benchmarks/bench_parse.py [--notes 200] [--runs 5] [--seed 7]
        [--note decks/docker.md] [--repeat 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.vault import make_vault
from study.notes.parser import parse_text
from study.notes.vault import load_cards

ROOT = Path(__file__).resolve().parent.parent


def time_vault(notes: int, runs: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        vault = Path(folder)
        make_vault(vault, notes, seed)
        times, cards = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            loaded = load_cards([vault])
            times.append(time.perf_counter() - start)
            cards = len(loaded.cards)
    median = statistics.median(times)
    print(
        f"load_cards: {notes} notes, {cards} cards, median {median:.2f} s over "
        f"{runs} runs ({median / notes * 1000:.1f} ms/note, {cards / median:,.0f} cards/s)"
    )


def time_note(note: Path, repeat: int) -> None:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    text = note.read_text(encoding="utf-8")
    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    ours: list[float] = []
    theirs: list[float] = []
    for n in range(repeat + 10):  # the first 10 warm up
        start = time.perf_counter()
        parse_text(text, str(note))
        middle = time.perf_counter()
        md.parse(text)
        if n >= 10:
            ours.append(middle - start)
            theirs.append(time.perf_counter() - middle)
    a, b = statistics.median(ours) * 1000, statistics.median(theirs) * 1000
    print(
        f"parse_text {note.name}: median {a:.2f} ms over {repeat} runs; markdown-it's "
        f"md.parse alone {b:.2f} ms ({a / b:.2f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--note", type=Path, default=ROOT / "decks" / "docker.md")
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    time_vault(args.notes, args.runs, args.seed)
    time_note(args.note, args.repeat)


if __name__ == "__main__":
    main()
