"""Hostile notes (issue 16): `parse_text` on inputs that used to take quadratic time.

Also timed: the YAML alias bomb in front matter (615 bytes that stood for 9**10 tags) and a
50 MB note, which the size limit refuses before reading it (compared with reading its bytes).

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

import contextlib

from study.notes.parser import parse_text

INPUTS: dict[str, Callable[[int], str]] = {
    '"Q::A\\n\\n" * 2000': lambda n: "Q::A\n\n" * n,
    '4,000 "?" cards': lambda n: "Q\n?\nA\n\n" * (2 * n),
    '"==a== " * 6000': lambda n: "==a== " * (3 * n),
    '"== a " * 6000': lambda n: "== a " * (3 * n),
    '"Q: a\\nA: b\\n" * 4000': lambda n: "Q: a\nA: b\n" * (2 * n),
    '"C: [a] [b]\\n" * 2000': lambda n: "C: [a] [b]\n" * n,
    '"*" * 12000': lambda n: "*" * (6 * n),
    '"[" * 12000': lambda n: "[" * (6 * n),
    '"{" * 12000': lambda n: "{" * (6 * n),
    '"`" * 12000': lambda n: "`" * (6 * n),
    '"=" * 12000 (one line)': lambda n: "=" * (6 * n),
    '"[" * 12000 + 40 clozes': lambda n: "[" * (6 * n) + "==a== " * 40,
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
    _bounded(args.repeat)


def _alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    return "---\n" + "\n".join([*lines, "tags: *a9"]) + "\n---\n\n## Q\n\nWhat?\n\nThat.\n"


def _bounded(repeat: int) -> None:
    """The alias bomb through parse_text; a 50 MB note through read_note (refused by size)."""
    import tempfile

    from study.errors import StudyError
    from study.notes.vault import read_note

    bomb = _alias_bomb()
    ours, theirs, cards = _median_pair(bomb, repeat)
    print(
        f"{'YAML alias bomb':<26} {len(bomb) / 1024:>5.1f} {cards:>6} {ours * 1000:>8.1f} ms "
        f"{theirs * 1000:>6.1f} ms {ours / theirs:>5.2f}x"
    )
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.md"
        big.write_bytes(b"Q::A\n\n" * (50 * 1024 * 1024 // 6))
        refused, read = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            with contextlib.suppress(StudyError):
                read_note(big)
            middle = time.perf_counter()
            big.read_bytes()
            refused.append(middle - start)
            read.append(time.perf_counter() - middle)
    refuse, plain = statistics.median(refused), statistics.median(read)
    print(
        f"{'50 MB note (refused)':<26} {51200:>5} {0:>6} {refuse * 1000:>8.1f} ms "
        f"{plain * 1000:>6.1f} ms {refuse / plain:>5.3f}x   (vs reading its bytes)"
    )


if __name__ == "__main__":
    main()
