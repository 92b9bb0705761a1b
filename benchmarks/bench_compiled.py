"""The card parser compiled by mypyc (what a wheel installs) against its pure-Python source.

Builds the compiled wheel (benchmarks/compiled.py) and the synthetic vault, then, in
alternate processes so the host's swings hit both alike: the parse of every note (read,
parse, the sync's rows: `incoming.read_and_parse`, one process, its CPU time) and a whole
first `study sync` (CPU of the process and its parse workers). Prints medians and ratios.

    .venv/bin/python benchmarks/bench_compiled.py [--notes 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_schedule import STUDY, compile_study
from benchmarks.compiled import build_compiled
from benchmarks.vault import make_vault

# Run in a child: the parse alone, with the collector off as `study sync` turns it off.
_PARSE = """
import gc, sys, time
from pathlib import Path
gc.disable()
import study.notes.parser
from study.schedule.incoming import read_and_parse
paths = sorted(str(path) for path in Path(sys.argv[1]).rglob("*.md"))
start = time.process_time()
for path in paths:
    read_and_parse(path, path)
print(time.process_time() - start, study.notes.parser.__file__)
"""


def cpu_of(argv: list[str], env: dict[str, str]) -> float:
    """CPU seconds of a whole process and the children it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(work: Path, notes: int, runs: int) -> dict[str, dict[str, list[float]]]:
    make_vault(work / "vault", notes, seed=1)
    builds = {"pure": dict(os.environ), "compiled": dict(os.environ)}
    builds["compiled"]["PYTHONPATH"] = str(build_compiled(work / "compiled"))
    found: dict[str, dict[str, list[float]]] = {name: {"parse": [], "sync": []} for name in builds}
    parse = [sys.executable, "-c", _PARSE, str(work / "vault")]
    for _ in range(runs):
        for name, env in builds.items():
            # run from `work`: `-c` puts the working folder first on sys.path, ahead of the wheel
            done = subprocess.run(parse, env=env, cwd=work, check=True, capture_output=True)
            seconds, loaded = done.stdout.decode().split()
            assert loaded.endswith(".py") == (name == "pure"), loaded
            found[name]["parse"].append(float(seconds))
            db = work / "bench.db"
            for stale in work.glob("bench.db*"):
                stale.unlink()
            sync = [*STUDY, "sync", str(work / "vault"), "--db", str(db)]
            found[name]["sync"].append(cpu_of(sync, {**env, "STUDY_HOME": str(work / "home")}))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compile_study()
    work = Path(tempfile.mkdtemp(prefix="study-compiled-"))
    try:
        found = measure(work, args.notes, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.notes} notes, medians of {args.runs} alternate runs (CPU seconds)\n")
    print("| measure | pure Python | compiled | ratio |\n| --- | --- | --- | --- |")
    for key, name in (("parse", "parse of every note"), ("sync", "first `study sync`")):
        pure, compiled = (statistics.median(found[b][key]) for b in ("pure", "compiled"))
        print(f"| {name} | {pure:.2f} s | {compiled:.2f} s | {pure / compiled:.2f}x |")
    for build in ("pure", "compiled"):
        print(
            f"\n{build}: "
            + "; ".join(f"{k} {sorted(round(v, 2) for v in vs)}" for k, vs in found[build].items())
        )


if __name__ == "__main__":
    main()
