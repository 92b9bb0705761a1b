"""Parsing a vault: `study.vault.load_cards` over a synthetic vault (benchmarks/vault.py).

What `study cards` and every `study sync` of changed notes pay: read each note, parse it,
run the card rules. Reports the median of several runs (the vault is written once, so the
file cache is warm after the first run), with the block parse from markdown-it.rs (the
default) and from markdown-it-py (the old path) in alternate runs. Then `parse_text` on one
note (decks/docker.md) both ways next to markdown-it-py's own `md.parse` of it, timed in
turns so that a busy machine slows all three alike.

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
from study.notes import parser as note_parser
from study.notes.blocks import python_blocks
from study.notes.native import parse_blocks
from study.notes.parser import parse_text
from study.notes.vault import load_cards

ROOT = Path(__file__).resolve().parent.parent


def use_blocks(native: bool) -> None:
    """Point the parser at the compiled block parse (the default) or markdown-it-py's."""
    note_parser.parse_blocks = parse_blocks if native else python_blocks  # type: ignore[assignment]


def time_vault(notes: int, runs: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        vault = Path(folder)
        make_vault(vault, notes, seed)
        times: dict[bool, list[float]] = {True: [], False: []}
        cards = 0
        for _ in range(runs):
            for native in (True, False):
                use_blocks(native)
                start = time.perf_counter()
                loaded = load_cards([vault])
                times[native].append(time.perf_counter() - start)
                cards = len(loaded.cards)
    use_blocks(True)
    new, old = statistics.median(times[True]), statistics.median(times[False])
    print(
        f"load_cards: {notes} notes, {cards} cards, median over {runs} runs: "
        f"{new:.2f} s native ({new / notes * 1000:.1f} ms/note, {cards / new:,.0f} cards/s), "
        f"{old:.2f} s markdown-it-py ({old / notes * 1000:.1f} ms/note): {old / new:.2f}x"
    )


def time_note(note: Path, repeat: int) -> None:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    text = note.read_text(encoding="utf-8")
    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    native: list[float] = []
    python: list[float] = []
    theirs: list[float] = []
    for n in range(repeat + 10):  # the first 10 warm up
        use_blocks(True)
        start = time.perf_counter()
        parse_text(text, str(note))
        use_blocks(False)
        first = time.perf_counter()
        parse_text(text, str(note))
        second = time.perf_counter()
        md.parse(text)
        if n >= 10:
            native.append(first - start)
            python.append(second - first)
            theirs.append(time.perf_counter() - second)
    use_blocks(True)
    a, b, c = (statistics.median(times) * 1000 for times in (native, python, theirs))
    print(
        f"parse_text {note.name}, median over {repeat} runs: {a:.2f} ms native, {b:.2f} ms "
        f"markdown-it-py ({b / a:.2f}x); markdown-it-py's md.parse alone {c:.2f} ms "
        f"(native parse_text {a / c:.2f}x of it)"
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
