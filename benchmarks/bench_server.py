"""The same collection on a SQLite file and on a local PostgreSQL server, side by side.

    .venv/bin/python benchmarks/bench_server.py    # --notes 100 --runs 10

Writes a synthetic vault (benchmarks/vault.py), then measures on a file and on a scratch
server (Debian's postgresql programs, started as the tests start theirs) in the same run: the
first `study sync` (into a new file and a new server database, taking turns, `--sync-runs`
times each), `study due` as a whole process, and grade -> next card in process (one grade,
then the queue built again). Also times `study db copy` of the file onto a server. Prints
medians.

On the server `study due` reads with plain psycopg (`study.schedule.serverread`); its peer in
the same run is the same counts through the SQLModel store (`STORE_DUE`, a whole process too),
the path `study due` took on a server before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_schedule import timed
from benchmarks.vault import make_vault
from tests.pgserver import SERVER_BINS, running_server

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# `study due`'s counts through the store (SQLAlchemy, SQLModel, psycopg), printed as it prints.
STORE_DUE = (
    "import sys; from study.clock import current_time; from study.schedule.due import counts;"
    " from study.schedule.duereport import render; from study.schedule.store import open_store\n"
    "with open_store(sys.argv[1], create=False) as store:"
    " print(render(counts(store.execute, current_time()), False))"
)


def grade_to_next(target: str, grades: int) -> list[float]:
    """Seconds from a grade to the next card's id, `grades` times, in one process."""
    from study.schedule.answers import grade
    from study.schedule.queue import build_queue
    from study.schedule.store import open_store

    times = []
    with open_store(target) as store:
        queue = build_queue(store, NOW)
        for _ in range(grades):
            start = time.perf_counter()
            grade(store, queue[0], 3, NOW, None, fuzz=False)
            queue = build_queue(store, NOW)
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sync-runs", type=int, default=3)
    args = parser.parse_args()
    initdb = sorted(Path("/").glob(f"{SERVER_BINS.lstrip('/')}/initdb"))
    if not initdb:
        sys.exit(f"needs PostgreSQL's server programs in {SERVER_BINS} (Debian: postgresql)")
    study = [sys.executable, "-m", "study"]
    with tempfile.TemporaryDirectory() as scratch, running_server(str(initdb[-1])) as server:
        folder = Path(scratch)
        env = {**os.environ, "STUDY_HOME": str(folder), "PGPASSFILE": str(server.passfile)}
        env["STUDY_NOW"] = NOW.isoformat()
        cards = make_vault(folder / "vault", args.notes, seed=7)
        first: dict[str, list[float]] = {"SQLite": [], "PostgreSQL": []}
        for run in range(args.sync_runs):  # taking turns, so both see the same load
            file, url = str(folder / f"study-{run}.db"), server.url(server.fresh_database())
            for name, target in (("SQLite", file), ("PostgreSQL", url)):
                sync = [*study, "sync", str(folder / "vault"), "--db", target]
                first[name].append(timed(sync, env))
        copy_s = timed([*study, "db", "copy", file, server.url(server.fresh_database())], env)
        print(f"{cards} cards; db copy of the file onto a server {copy_s:.2f} s")
        for name, times in first.items():
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(f"{name:<10}  first study sync {statistics.median(times):.2f} s ({runs})")
        os.environ["PGPASSFILE"] = env["PGPASSFILE"]
        for name, target in (("SQLite", file), ("PostgreSQL", url)):
            due = [timed([*study, "due", "--db", target], env) for _ in range(args.runs)]
            step = grade_to_next(target, args.runs)
            print(
                f"{name:<10}  study due {statistics.median(due) * 1000:.0f} ms"
                f"  grade -> next card {statistics.median(step) * 1000:.1f} ms"
            )
        store = [timed([sys.executable, "-c", STORE_DUE, url], env) for _ in range(args.runs)]
        print(f"PostgreSQL  the same counts through the store {statistics.median(store):.2f} s")


if __name__ == "__main__":
    main()
