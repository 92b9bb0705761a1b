"""study against Anki's own backend on the same cards, side by side in one run.

Builds the synthetic vault (benchmarks/vault.py), then, interleaved run by run so the host's
speed swings hit both alike:
- the first `study sync` (CPU and peak memory of the whole process, its parse workers
  included) vs Anki importing the `.apkg` that `study export` wrote of the same cards;
- after the same review history is given to both (study's log; Anki's revlog layout, each
  study card's history on one Anki card): `study due` vs opening the collection and counting
  due cards (`deck_due_tree`), both whole processes from their start (Anki's figure from
  opening the collection is printed too);
- the drill's time to the first card (whole processes) and grade -> next card vs Anki's
  `get_queued_cards`, `answer_card` and rendering the next question, both drills driven
  through the same pipes (from the key written to the next front read back);
- the database's size vs the collection's.
Also study alone: an unchanged re-sync and a re-sync after one note is edited.
Anki runs in child processes (benchmarks/anki_side.py). Prints medians and ratios.
study runs as a user installs it: the wheel `pip install .` builds, its card parser compiled
by mypyc (benchmarks/compiled.py builds it and unpacks it ahead of the venv's editable study
on PYTHONPATH); `--pure` times the pure-Python source instead, as an editable install runs.

    .venv/bin/python benchmarks/bench_anki.py [--notes 1000] [--reviews N] [--runs 3] [--pure]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_schedule import STUDY, compile_study, drill_session, scripted_drill, timed
from benchmarks.compiled import build_compiled
from benchmarks.vault import make_vault

ANKI_SIDE = [sys.executable, str(Path(__file__).with_name("anki_side.py"))]


@dataclass
class Ran:
    """One whole process: when it began (epoch s), wall and CPU seconds (its children
    included), peak memory (MB), and what it printed."""

    began: float
    wall: float
    cpu: float
    peak_mb: float
    out: str


def run(argv: list[str], env: dict[str, str] | None = None) -> Ran:
    """Run a process to its end; a failure stops the benchmark with its output.

    CPU time from RUSAGE_CHILDREN before and after (it counts a sync's reaped parse
    workers); peak memory from wait4, which is the process's own (its largest worker's
    would show in RUSAGE_CHILDREN only as a maximum over every child so far).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began, start = time.time(), time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        printed, errors = out.read().decode(), err.read().decode()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{printed}\n{errors}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Ran(began, wall, cpu, usage.ru_maxrss / 1024, printed)


def anki(*args: str) -> tuple[Ran, dict]:
    """One Anki operation in its own process, and the figures it printed."""
    ran = run([*ANKI_SIDE, *args])
    return ran, json.loads(ran.out.splitlines()[-1])


def _fresh(*paths: Path) -> None:
    for path in paths:
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()


def first_syncs(work: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """The first sync and Anki's import of the same cards, in turns; leaves the last of each."""
    vault, db, package, col = work / "vault", work / "bench.db", work / "cards.apkg", work / "c"
    sync = [*STUDY, "sync", str(vault), "--db", str(db)]
    run(sync, env)
    run([*STUDY, "export", "-o", str(package), "--db", str(db)], env)
    found: dict[str, list[float]] = {"sync": [], "sync_mb": [], "import": [], "import_mb": []}
    for _ in range(runs):
        _fresh(col / "collection.anki2")
        col.mkdir(exist_ok=True)
        ran, _ = anki("import", str(package), str(col / "collection.anki2"))
        found["import"].append(ran.cpu)
        found["import_mb"].append(ran.peak_mb)
        _fresh(db)
        ran = run(sync, env)
        found["sync"].append(ran.cpu)
        found["sync_mb"].append(ran.peak_mb)
    return found


def resyncs(work: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """study alone: an unchanged re-sync, and a re-sync after one note is edited (wall)."""
    sync = [*STUDY, "sync", "--db", str(work / "bench.db")]
    note = next((work / "vault").rglob("*.md"))
    found: dict[str, list[float]] = {"unchanged": [], "one_edit": []}
    for n in range(runs):
        found["unchanged"].append(timed(sync, env))
        with note.open("a", encoding="utf-8") as text:
            text.write(f"\nEdit {n} :: one more card\n")
        found["one_edit"].append(timed(sync, env))
    return found


def add_history(work: Path, reviews: int, seed: int) -> tuple[int, int]:
    """The same review history in study's log and in Anki's revlog."""
    db, col = work / "bench.db", work / "c" / "collection.anki2"
    bench = str(Path(__file__).with_name("bench_schedule.py"))
    child = run([sys.executable, bench, "--add-reviews", str(db), str(reviews), str(seed)])
    _, added = anki("history", str(col), str(db))
    return int(child.out), int(added["reviews"])


def dues(work: Path, env: dict[str, str], runs: int) -> dict[str, list[float]]:
    """`study due` and Anki's open + deck_due_tree, both whole processes, in turns; also
    Anki's process to its exit (closing the collection), and what each side counted."""
    keys = ("study", "anki", "anki_open", "anki_exit", "study_cards", "anki_cards")
    found: dict[str, list[float]] = {key: [] for key in keys}
    due = [*STUDY, "due", "--db", str(work / "bench.db")]
    for _ in range(runs):
        found["study"].append(timed(due, env))
        ran, counted = anki("due", str(work / "c" / "collection.anki2"))
        found["anki"].append(counted["at"] - ran.began)  # from its start, as study's
        found["anki_open"].append(counted["seconds"])  # from opening the collection
        found["anki_exit"].append(ran.wall)  # to its exit, as study's
        found["anki_cards"].append(counted["due"])
    listed = json.loads(run([*due, "--json"], env).out)
    found["study_cards"].append(sum(deck["total"] for deck in listed))
    return found


def drills(work: Path, env: dict[str, str], runs: int, grades: int) -> dict[str, list[float]]:
    """Time to the first card and grade -> next card: study's drill and Anki's, in turns, both
    driven through the same pipes (`scripted_drill`); Anki's in-process figures too."""
    keys = ("first", "step", "peak", "anki_first", "anki_step", "anki_open", "anki_inside")
    found: dict[str, list[float]] = {key: [] for key in keys}
    collection = str(work / "c" / "collection.anki2")
    for _ in range(runs):
        first, steps, peak = drill_session(work / "bench.db", env, grades)
        found["first"].append(first)
        found["step"] += steps
        found["peak"].append(peak / 1024)
        first, steps, _, printed = scripted_drill([*ANKI_SIDE, "drill", collection], None, grades)
        timing = json.loads(printed.decode().splitlines()[-1])
        found["anki_first"].append(first)
        found["anki_step"] += steps
        found["anki_open"].append(timing["first"])  # from opening the collection
        found["anki_inside"] += timing["steps"]  # the answer's work alone, no pipe
    return found


def sizes(work: Path) -> tuple[float, float]:
    """Both files' sizes in MB, study's write-ahead log checkpointed into it first."""
    db = work / "bench.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    anki_size = (work / "c" / "collection.anki2").stat().st_size
    return db.stat().st_size / 1e6, anki_size / 1e6


def _med(values: list[float]) -> float:
    return statistics.median(values)


def _row(name: str, ours: float, theirs: float, unit: str, goal: str) -> str:
    scale, fmt = {"s": (1, ".2f"), "ms": (1000, ".1f"), "MB": (1, ".1f")}[unit]
    a, b = f"{ours * scale:{fmt}} {unit}", f"{theirs * scale:{fmt}} {unit}"
    return f"| {name} | {a} | {b} | {ours / theirs:.2f}x | {goal} |"


def report(args: argparse.Namespace, found: dict[str, dict[str, list[float]]], size: tuple) -> None:
    sync, due, drill, again = found["sync"], found["due"], found["drill"], found["resync"]
    print("| measure | study | Anki | ratio | goal |\n| --- | --- | --- | --- | --- |")
    rows = [
        ("first sync vs import, CPU", _med(sync["sync"]), _med(sync["import"]), "s", "<= 1.0x"),
        ("  peak memory", _med(sync["sync_mb"]), _med(sync["import_mb"]), "MB", ""),
        ("`study due` vs `deck_due_tree`", _med(due["study"]), _med(due["anki"]), "ms", "<= 0.2x"),
        ("time to first card", _med(drill["first"]), _med(drill["anki_first"]), "ms", "<= 1.0x"),
        ("grade -> next card", _med(drill["step"]), _med(drill["anki_step"]), "ms", "<= 1.0x"),
        ("database size", size[0], size[1], "MB", "<= 1.3x"),
    ]
    for row in rows:
        print(_row(*row))
    ours, to_exit = _med(due["study"]), _med(due["anki_exit"])
    print(
        f"\n`study due`: Anki's process to its exit (the collection closed) "
        f"{to_exit * 1000:.1f} ms ({ours / to_exit:.2f}x); due now: study "
        f"{_med(due['study_cards']):.0f} cards, Anki {_med(due['anki_cards']):.0f}"
    )
    print(
        "\nAnki from opening the collection (its Python start-up and `import anki` left out): "
        f"due {_med(due['anki_open']) * 1000:.0f} ms, first card "
        f"{_med(drill['anki_open']) * 1000:.0f} ms, grade -> next card in its process (no "
        f"pipe) {_med(drill['anki_inside']) * 1000:.2f} ms; study's drill peak memory "
        f"{_med(drill['peak']):.0f} MB"
    )
    print(
        f"\nstudy alone: unchanged re-sync {_med(again['unchanged']):.3f} s, "
        f"one note edited {_med(again['one_edit']):.3f} s (wall, medians of {args.runs})"
    )


def measure(work: Path, args: argparse.Namespace) -> None:
    env = {**os.environ, "STUDY_HOME": str(work / "home")}
    if not args.pure:
        shutil.rmtree(work / "compiled", ignore_errors=True)
        env["PYTHONPATH"] = str(build_compiled(work / "compiled"))
    shutil.rmtree(work / "vault", ignore_errors=True)
    make_vault(work / "vault", args.notes, args.seed)
    found = {"sync": first_syncs(work, env, args.runs), "resync": resyncs(work, env, args.runs)}
    reviews = args.reviews if args.reviews is not None else args.notes * 1000
    ours, theirs = add_history(work, reviews, args.seed)
    found["due"] = dues(work, env, args.runs * 2)
    found["drill"] = drills(work, env, args.runs, args.grades)
    cards = sqlite3.connect(work / "bench.db").execute("SELECT count() FROM card").fetchone()[0]
    build = "pure Python (editable)" if args.pure else "the wheel, its parser compiled"
    print(
        f"{args.notes} notes, {cards} cards, {ours} reviews (Anki's revlog {theirs}); "
        f"medians of {args.runs} runs, interleaved; study as {build}\n"
    )
    report(args, found, sizes(work))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--reviews", type=int, help="default: 1,000 a note")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--grades", type=int, default=10, help="grades per drill run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temp dir)")
    parser.add_argument("--pure", action="store_true", help="study's pure-Python source")
    args = parser.parse_args()
    compile_study()
    work = args.keep or Path(tempfile.mkdtemp(prefix="study-anki-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        measure(work, args)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
