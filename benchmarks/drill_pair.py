"""Grade -> next card alone, study's drill against Anki's, many drills interleaved: more
answers than bench_anki.py's three drills a side, where one fsync on a busy disk moves a median.

Works on what `bench_anki.py --keep DIR` left (DIR/bench.db, DIR/c/collection.anki2), each pair
of drills on fresh copies (Anki's side studies one deck, whose cards due today run out), each
drill driven through the same pipes (`bench_schedule.scripted_drill`). Prints each pair's
medians, then all.

    .venv/bin/python benchmarks/drill_pair.py DIR [--runs 12] [--grades 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_schedule import STUDY, compile_study, scripted_drill

ANKI_DRILL = [sys.executable, str(Path(__file__).with_name("anki_side.py")), "drill"]


def _fresh(kept: Path, work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    shutil.copyfile(kept / "bench.db", work / "bench.db")
    shutil.copytree(kept / "c", work / "c")
    # The day's backups too (linked: the same bytes), so no drill makes one at its start, as
    # none of bench_anki.py's does: a day's first drill copies the whole file into backups/,
    # and its first answers' fsyncs then wait behind that write.
    (work / "backups").mkdir()
    for backup in (kept / "backups").glob("*.db"):
        try:
            os.link(backup, work / "backups" / backup.name)
        except OSError:
            shutil.copyfile(backup, work / "backups" / backup.name)
    os.sync()  # the copies on disk first: no drill's fsync waits for their writeback


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kept", type=Path, help="the folder bench_anki.py --keep left")
    parser.add_argument("--runs", type=int, default=12, help="drills a side")
    parser.add_argument("--grades", type=int, default=10, help="answers a drill")
    args = parser.parse_args()
    compile_study()
    found: dict[str, list[float]] = {"study": [], "anki": [], "anki_inside": []}
    with tempfile.TemporaryDirectory(prefix="study-pair-") as temp:
        work = Path(temp) / "work"
        env = {**os.environ, "STUDY_HOME": str(Path(temp) / "home")}
        for run in range(args.runs):
            _fresh(args.kept, work)
            study = [*STUDY, "drill", "--db", str(work / "bench.db")]
            _, steps, _, _ = scripted_drill(study, env, args.grades)
            anki = [*ANKI_DRILL, str(work / "c" / "collection.anki2")]
            _, theirs, _, printed = scripted_drill(anki, None, args.grades)
            inside = json.loads(printed.decode().splitlines()[-1])["steps"]
            found["study"] += steps
            found["anki"] += theirs
            found["anki_inside"] += inside
            print(f"drill {run + 1}: study {_ms(steps)}, Anki {_ms(theirs)}", flush=True)
    ratio = statistics.median(found["study"]) / statistics.median(found["anki"])
    print(
        f"\n{args.runs} drills of {args.grades} answers a side: grade -> next card study "
        f"{_ms(found['study'])}, Anki {_ms(found['anki'])} ({ratio:.2f}x); Anki in its "
        f"process {_ms(found['anki_inside'])}"
    )


if __name__ == "__main__":
    main()
