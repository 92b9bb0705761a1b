"""Hostile notes (issue 16): `parse_text` on inputs that used to take quadratic time.

Each input is parsed in turns with markdown-it's own `md.parse` of the same text, so a busy
machine slows both alike: the ratio is the figure. markdown-it's block parse is linear, so
the ratio is measured at half the size too: a parse quadratic in the note's size would
double its ratio from half to full size, a linear one keeps it.

    .venv/bin/python benchmarks/bench_hostile.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from study.notes.parser import parse_text

INPUTS: dict[str, Callable[[int], str]] = {
    '"Q::A\\n\\n" * 2000': lambda n: "Q::A\n\n" * n,
    '4,000 "?" cards': lambda n: "Q\n?\nA\n\n" * (2 * n),
    '"==a== " * 6000': lambda n: "==a== " * (3 * n),
    '"== a " * 6000': lambda n: "== a " * (3 * n),
    '"Q: a\\nA: b\\n" * 4000': lambda n: "Q: a\nA: b\n" * (2 * n),
    '"C: [a] [b]\\n" * 2000': lambda n: "C: [a] [b]\n" * n,
}
FULL = 2000  # the size each input has in issue 16


def _median_pair(text: str, repeat: int) -> tuple[float, float, int]:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    ours: list[float] = []
    theirs: list[float] = []
    cards = 0
    for _ in range(repeat):
        start = time.perf_counter()
        cards = len(parse_text(text, "hostile.md").cards)
        middle = time.perf_counter()
        md.parse(text)
        ours.append(middle - start)
        theirs.append(time.perf_counter() - middle)
    return statistics.median(ours), statistics.median(theirs), cards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"{'input':<26} {'KB':>5} {'cards':>6} {'parse_text':>11} {'md.parse':>9} "
          f"{'ratio':>6} {'at half':>7}")  # fmt: skip
    parse_text("# warm up\n\nQ::A\n", "warm.md")
    for name, make in INPUTS.items():
        text = make(FULL)
        half, half_md, _ = _median_pair(make(FULL // 2), args.repeat)
        ours, theirs, cards = _median_pair(text, args.repeat)
        print(
            f"{name:<26} {len(text) / 1024:>5.1f} {cards:>6} {ours * 1000:>8.1f} ms "
            f"{theirs * 1000:>6.1f} ms {ours / theirs:>5.2f}x {half / half_md:>6.2f}x"
        )


if __name__ == "__main__":
    main()
