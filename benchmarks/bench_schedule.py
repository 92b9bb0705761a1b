"""Times the schedule and the drill on a synthetic vault, as whole processes.

Builds 1,000 notes in the style of decks/docker.md (~100,000 cards), runs the first
`study sync` and an unchanged re-sync, adds 1,000,000 reviews with a bulk insert, then
measures `study due`, `study stats`, `study optimize --dry-run`, the drill's time to the
first card, the time from a grade to the next card and the drill's peak memory. Every
number is the median of several runs; the table it prints is the one in the README.

    .venv/bin/python benchmarks/bench_schedule.py [--notes 1000] [--reviews 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.vault import make_vault

STUDY = [str(Path(sys.executable).with_name("study"))]
SHOWN = b"show answer"  # printed under every front
GRADES = b"1 Again"  # printed under every back
# How long the script "reads" each back before it grades: a drill may use that time for what
# does not depend on the grade (study draws the next front then; Anki's side does nothing).
# Far shorter than any person reads an answer; the timed step starts only after it.
THINK_S = 0.05
STAMP = "%Y-%m-%d %H:%M:%S.%f"


def compile_study() -> None:
    """Byte-compiles the study package first, as installing it does: with
    PYTHONDONTWRITEBYTECODE set and no cache, every timed process would compile each module
    it imports (tens of milliseconds a start-up), which no installed study pays."""
    import compileall

    package = Path(__file__).resolve().parent.parent / "study"
    compileall.compile_dir(package, quiet=1)


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one whole process; a failure stops the benchmark with its output."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def _us(moment: datetime) -> int:
    """Epoch microseconds, as the review log keeps a moment."""
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _history(
    rng: random.Random, reviewed: list[tuple[str, int]], total: int, now: datetime, updates: list
) -> Iterator[tuple[object, ...]]:
    """Review rows for `reviewed` cards (id, rowid), `total` in all; each card's final schedule
    goes to `updates`. A generator, so a million rows never sit in memory at once."""
    per_card, extra = divmod(total, max(1, len(reviewed)))
    for n, (card_id, rowid) in enumerate(reviewed):
        moment = now - timedelta(days=400)
        # The card before each answer as the drill logs it (`scheduler.snapshot`): state,
        # step, stability, difficulty, then its due (the answer's moment) and last review.
        before: tuple[object, ...] = (1, 0, None, None)
        last = None
        for _ in range(per_card + (n < extra)):
            moment += timedelta(days=rng.uniform(1, 35), seconds=rng.randint(0, 86400))
            moment = min(moment, now - timedelta(minutes=5))
            at = _us(moment)
            rating, duration = rng.choice((1, 2, 3, 3, 3, 4)), rng.randint(900, 9000)
            yield (rowid, rating, at, duration, *before, at, last)
            last = at
            before = (2, None, rng.uniform(1, 200), rng.uniform(1, 10))
        stability, difficulty = before[2], before[3]
        due = now + timedelta(days=rng.uniform(-2, 120))
        updates.append(
            (stability, difficulty, due.strftime(STAMP), moment.strftime(STAMP), card_id)
        )


def add_reviews(db: Path, total: int, now: datetime, seed: int) -> int:
    """Gives 90% of the cards a review history (`total` rows in all) and a schedule to match.

    Runs in a child process (see `main`): a child's peak memory counts its parent's at fork
    time on Linux, so the benchmark's own process must stay small for the drill's to be true.
    """
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    ids = [
        (row[0], row[1])
        for row in conn.execute("select id, rowid from card where status = 'active'")
    ]
    reviewed = ids[: len(ids) * 9 // 10]
    updates: list[tuple] = []
    with conn:
        conn.executemany(
            "insert into review (card, rating, reviewed_at, duration_ms, before_state,"
            " before_step, before_stability, before_difficulty, before_due, before_last_review)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _history(rng, reviewed, total, now, updates),
        )
        conn.executemany(
            "update card set state = 2, step = null, stability = ?, difficulty = ?, due = ?,"
            " last_review = ? where id = ?",
            updates,
        )
    count = conn.execute("select count(*) from review").fetchone()[0]
    conn.close()
    return int(count)


def drill_session(db: Path, env: dict[str, str], grades: int) -> tuple[float, list[float], int]:
    """One scripted drill: time to the first card, grade -> next card times, peak RSS (KiB)."""
    first, steps, peak, _ = scripted_drill([*STUDY, "drill", "--db", str(db)], env, grades)
    return first, steps, peak


def scripted_drill(
    argv: list[str], env: dict[str, str] | None, grades: int
) -> tuple[float, list[float], int, bytes]:
    """Drives a drill through pipes, as a user at the keys would: Space, then 3, `grades`
    times. Times the first card from the start, and each grade -> next card from the `3`
    written to its stdin (THINK_S after the back was read) to the next front read back from
    its stdout. Any drill that prints SHOWN under a front and GRADES under a back and reads
    keys line by line can be driven, so study's and Anki's (benchmarks/anki_side.py) pay the
    same pipes and pauses. Also the peak RSS (KiB) and everything it printed."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert proc.stdin is not None and proc.stdout is not None
    seen = bytearray()

    def wait_for(marker: bytes, count: int) -> None:
        while seen.count(marker) < count:
            chunk = os.read(proc.stdout.fileno(), 65536)  # type: ignore[union-attr]
            if not chunk:
                raise SystemExit(f"the drill ended early:\n{seen.decode(errors='replace')}")
            seen.extend(chunk)

    def press(keys: str) -> None:
        proc.stdin.write(keys.encode() + b"\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]

    wait_for(SHOWN, 1)
    first = time.perf_counter() - start
    steps = []
    for n in range(1, grades + 1):
        press(" ")
        wait_for(GRADES, n)
        time.sleep(THINK_S)
        began = time.perf_counter()
        press("3")
        wait_for(SHOWN, n + 1)
        steps.append(time.perf_counter() - began)
    press("q")
    proc.stdin.close()
    seen.extend(proc.stdout.read())
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return first, steps, usage.ru_maxrss, bytes(seen)


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def measure(work: Path, args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """Builds the vault and the database under `work`, times every command; the table rows."""
    env = {**os.environ, "STUDY_HOME": str(work / "home")}
    vault, db = work / "vault", work / "bench.db"
    shutil.rmtree(vault, ignore_errors=True)
    expected = make_vault(vault, args.notes, args.seed)
    first_sync = []
    for _ in range(args.runs):
        for stale in work.glob("bench.db*"):
            stale.unlink()
        first_sync.append(timed([*STUDY, "sync", str(vault), "--db", str(db)], env))
    resync = [timed([*STUDY, "sync", "--db", str(db)], env) for _ in range(args.runs)]
    cards = sqlite3.connect(db).execute("select count(*) from card").fetchone()[0]
    child = [sys.executable, __file__, "--add-reviews", str(db), str(args.reviews), str(args.seed)]
    reviews = int(subprocess.run(child, check=True, capture_output=True, text=True).stdout)
    due = [timed([*STUDY, "due", "--db", str(db)], env) for _ in range(args.runs * 2)]
    stats = [timed([*STUDY, "stats", "--db", str(db)], env) for _ in range(args.runs)]
    # One fit on every review is minutes of work: timed once, as a user would run it.
    optimize = timed([*STUDY, "optimize", "--dry-run", "--db", str(db)], env)
    firsts, steps, peaks = [], [], []
    for _ in range(args.runs):
        first, step, peak = drill_session(db, env, grades=10)
        firsts.append(first)
        steps += step
        peaks.append(peak)
    print(
        f"{args.notes} notes, {cards} cards (generator expected {expected}), "
        f"{reviews} reviews; medians of {args.runs} runs\n"
    )
    return [
        ("first `study sync`", f"{statistics.median(first_sync):.2f} s", "< 6 s"),
        ("unchanged re-sync", f"{statistics.median(resync):.2f} s", "< 0.5 s"),
        ("`study drill`: time to first card", f"{median_ms(firsts):.0f} ms", ""),
        ("`study drill`: grade -> next card", f"{median_ms(steps):.1f} ms", "< 30 ms"),
        ("`study due` (whole process)", f"{median_ms(due):.0f} ms", "< 120 ms"),
        (
            "`study stats` (whole process)",
            f"{median_ms(stats):.0f} ms ({statistics.median(stats) / statistics.median(due):.0f}"
            " x `study due`)",
            "< 3 s",
        ),
        ("`study optimize --dry-run` (one run)", f"{optimize:.1f} s", "< 5 min"),
        ("`study drill` peak memory", f"{statistics.median(peaks) / 1024:.0f} MB", "< 150 MB"),
    ]


def main() -> None:
    if sys.argv[1:2] == ["--add-reviews"]:
        db, total, seed = sys.argv[2:5]
        print(add_reviews(Path(db), int(total), datetime.now(UTC), int(seed)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temp dir)")
    args = parser.parse_args()
    compile_study()
    work = args.keep or Path(tempfile.mkdtemp(prefix="study-bench-"))
    try:
        rows = measure(work, args)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print("| measure | median | goal |\n| --- | --- | --- |")
    for row in rows:
        print(f"| {' | '.join(row)} |")


if __name__ == "__main__":
    main()
