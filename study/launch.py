"""The console script. `study`, `study due` and `study sync` are answered before Typer is
imported.

All three run from shell prompts, timers and editors' save hooks, where start-up is most of the
cost: Typer and the pydantic it coerces arguments with take ~0.15 s to import here, five
times what `study due` needs in all. Anything these fast paths don't recognise (`-h`, an
unknown flag, any other command) goes to the Typer app in `study.cli`, which behaves the same.
"""

from __future__ import annotations

import os
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


def _due(words: list[str], flags: set[str], db: Path | None) -> int:
    from study.schedule.duereport import run

    text = run(words, "--json" in flags, db, "--brief" in flags)
    if text:
        print(text)
    return 0


def _sync(words: list[str], flags: set[str], db: Path | None) -> int:
    from study.clock import current_time
    from study.schedule.sync import sync_paths

    report = sync_paths(db, [Path(p) for p in words], current_time())
    print(report.render())
    for line in [*report.skipped, *report.failures]:
        print(f"study: {line}", file=sys.stderr)
    return 1 if report.failures else 0


def _reader_gone() -> None:
    """`study due | head -1`: the reader closed the pipe; stop quietly, as `cat` does.

    stdout is pointed at /dev/null so Python's own flush at exit cannot fail again (the
    recipe of the `signal` module's documentation)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


def _overview(words: list[str], flags: set[str], db: Path | None) -> int:
    from study.schedule.duereport import overview_text

    print(overview_text(db))
    return 0


# Each fast command: the boolean flags it knows, and its body. A bare `study` is the overview.
_FAST = {"due": (("--json", "--brief"), _due), "sync": ((), _sync)}
_OVERVIEW = ((), _overview)


def entry() -> None:
    """`study ...`: the fast commands here (a bare `study` too), the rest through Typer.

    Only the parsing of the arguments may fall back to Typer: once a command's body runs, an
    error in it is that command's (a ValueError deep in a sync must not run the sync twice).
    """
    args = sys.argv[1:]
    fast = _FAST.get(args[0]) if args else _OVERVIEW
    if fast is not None:
        flags, body = fast
        try:
            words, given, db = _fast_args(args[1:], flags)
        except (ValueError, StopIteration):
            pass  # arguments the fast path does not know: Typer parses them, or explains
        else:
            try:
                status = body(words, given, db)
                sys.stdout.flush()  # here, so a closed pipe is met inside the try
            except StudyError as error:
                print(f"study: {error}", file=sys.stderr)
                sys.exit(error.exit_code)
            except BrokenPipeError:
                _reader_gone()
            if status:
                sys.exit(status)
            return
    from study.cli import main

    main()
