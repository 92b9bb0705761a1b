"""study's grade -> next card timed inside the drill's process, no pipe: the figure to set
beside Anki's own in-process one (benchmarks/anki_side.py), and a profile of it.

Runs the real drill (`study.drill.loop.Drill` on the real store) with the keys `Space`, `3`
given `--answers` times from memory, and times each answer from the moment the drill reads
the `3` to the moment the next front's "show answer" line is written. Works on a copy of the
database (the answers are written: a second run would find other cards due).

    .venv/bin/python benchmarks/drill_inside.py BENCH.DB [--answers 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from study.clock import current_time
from study.drill.loop import Drill
from study.drill.terminal import KeyReader, make_console
from study.schedule.store import open_store


class Keys:
    """The keys, a line at a time, noting when each `3` is read."""

    def __init__(self, answers: int) -> None:
        self.lines = [" \n", "3\n"] * answers + ["q\n"]
        self.graded: list[float] = []

    def readline(self) -> str:
        line = self.lines.pop(0) if self.lines else ""
        if line == "3\n":
            self.graded.append(time.perf_counter())
        return line


class Screen:
    """Where the drill draws: notes when each front's "show answer" line is written."""

    def __init__(self) -> None:
        self.shown: list[float] = []

    def write(self, text: str) -> int:
        if "show answer" in text:
            self.shown.append(time.perf_counter())
        return len(text)

    def flush(self) -> None:
        pass


def answer_times(db: Path, answers: int, profile: cProfile.Profile | None) -> list[float]:
    """Each grade -> next card, in seconds."""
    keys, screen = Keys(answers), Screen()
    with open_store(db) as store:
        drill = Drill(store, KeyReader(keys), make_console(screen), current_time)  # type: ignore[arg-type]
        if profile is not None:
            profile.enable()
        drill.run()
        if profile is not None:
            profile.disable()
    # shown[0] is the first front; each later one follows a `3`.
    return [after - before for before, after in zip(keys.graded, screen.shown[1:], strict=False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="cProfile the drill too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "bench.db"
        shutil.copyfile(args.db, copy)
        profile = cProfile.Profile() if args.profile else None
        steps = answer_times(copy, args.answers, profile)
    print(
        f"grade -> next card in the process: median {statistics.median(steps) * 1000:.2f} ms "
        f"over {len(steps)} answers (quartiles "
        + " / ".join(f"{q * 1000:.2f}" for q in statistics.quantiles(steps, n=4))
        + " ms)"
    )
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
