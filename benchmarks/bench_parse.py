"""Parsing a vault: `study.vault.load_cards` over a synthetic vault (benchmarks/vault.py).

What `study cards` and every `study sync` of changed notes pay: read each note, parse it with
markdown-it, run the card rules. Reports the median of several runs (the vault is written
once, so the file cache is warm after the first run).

    .venv/bin/python benchmarks/bench_parse.py [--notes 200] [--runs 5] [--seed 7]
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
from study.vault import load_cards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        vault = Path(folder)
        make_vault(vault, args.notes, args.seed)
        times, cards = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            loaded = load_cards([vault])
            times.append(time.perf_counter() - start)
            cards = len(loaded.cards)
    median = statistics.median(times)
    print(
        f"load_cards: {args.notes} notes, {cards} cards, median {median:.2f} s over "
        f"{args.runs} runs ({median / args.notes * 1000:.1f} ms/note, "
        f"{cards / median:,.0f} cards/s)"
    )


if __name__ == "__main__":
    main()
