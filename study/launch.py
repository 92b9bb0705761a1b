"""The console script. `study`, `study due` and `study sync` are answered before Typer is
imported.

All three run from shell prompts, timers and editors' save hooks, where start-up is most of the
cost: Typer and the pydantic it coerces arguments with take ~0.15 s to import here, five
times what `study due` needs in all. Anything these fast paths don't recognise (`-h`, an
unknown flag, any other command) goes to the Typer app in `study.cli`, which behaves the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

from study.errors import StudyError


def _fast_args(args: list[str], flags: tuple[str, ...]) -> tuple[list[str], set[str], Path | None]:
    """Positional words, the boolean `flags` given, and `--db`; ValueError for anything else."""
    words: list[str] = []
    given: set[str] = set()
    db: Path | None = None
    rest = iter(args)
    for arg in rest:
        if arg in flags:
            given.add(arg)
        elif arg == "--db":
            db = Path(next(rest))  # StopIteration: let Typer say `--db` needs a value
        elif arg.startswith("--db="):
            db = Path(arg.removeprefix("--db="))
        elif arg.startswith("-"):
            raise ValueError(arg)
        else:
            words.append(arg)
    return words, given, db


def _due(args: list[str]) -> int:
    from study.schedule.duereport import run

    decks, flags, db = _fast_args(args, ("--json", "--brief"))
    text = run(decks, "--json" in flags, db, "--brief" in flags)
    if text:
        print(text)
    return 0


def _sync(args: list[str]) -> int:
    from study.clock import current_time
    from study.schedule.sync import sync_paths

    paths, _, db = _fast_args(args, ())
    report = sync_paths(db, [Path(p) for p in paths], current_time())
    print(report.render())
    for line in report.failures:
        print(f"study: {line}", file=sys.stderr)
    return 1 if report.failures else 0


def _overview(args: list[str]) -> int:
    from study.schedule.duereport import overview_text

    print(overview_text(None))
    return 0


_FAST = {"due": _due, "sync": _sync}


def entry() -> None:
    """`study ...`: the fast commands here (a bare `study` too), the rest through Typer."""
    args = sys.argv[1:]
    fast = _FAST.get(args[0]) if args else _overview
    if fast is not None:
        try:
            status = fast(args[1:])
        except (ValueError, StopIteration):
            status = None  # arguments the fast path does not know: Typer parses them, or explains
        except StudyError as error:
            print(f"study: {error}", file=sys.stderr)
            sys.exit(error.exit_code)
        if status:
            sys.exit(status)
        if status == 0:
            return
    from study.cli import main

    main()
