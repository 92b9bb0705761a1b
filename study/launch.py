"""The console script. `study`, `study due`, `study sync` and `study drill` are answered before
Typer is imported.

The first three run from shell prompts, timers and editors' save hooks, where start-up is most
of the cost: Typer and the pydantic it coerces arguments with take ~0.15 s to import here, five
times what `study due` needs in all. A drill draws its first card before its store is open
(`study.drill.start`), so it too is spared Typer. Anything these fast paths don't recognise
(`-h`, an unknown flag, any other command) goes to the Typer app in `study.cli`, which behaves
the same.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from study.errors import StudyError

TYPE_CHECKING = False  # not typing's: importing typing costs `study due` a few milliseconds
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    Given = dict[str, list[Any]]  # each option given: its values (none for a flag)
    Valued = dict[str, Callable[[str], Any]]  # an option taking a value: its check (ValueError)
    Fast = tuple[tuple[str, ...], Valued, Callable[[list[str], Given, str | None], int]]


def _fast_args(
    args: list[str], flags: tuple[str, ...], valued: Valued | None = None
) -> tuple[list[str], Given, str | None]:
    """Positional words, the `flags` and `valued` options given (values checked), and `--db`
    (as given: `study due` finds its file without pathlib, see study.paths); ValueError (or
    StopIteration, for a missing value) for anything else."""
    valued = valued or {}
    words: list[str] = []
    given: Given = {}
    db: str | None = None
    rest = iter(args)
    for arg in rest:
        name, equals, value = arg.partition("=")
        if arg in flags:
            given[arg] = []
        elif name in (*valued, "--db"):
            value = value if equals else next(rest)  # StopIteration: let Typer say so
            if name == "--db":
                db = value
            else:
                given.setdefault(name, []).append(valued[name](value))
        elif arg.startswith("-"):
            raise ValueError(arg)
        else:
            words.append(arg)
    return words, given, db


def _due(words: list[str], flags: Given, db: str | None) -> int:
    from study.collector import collector_off_to_the_end

    with collector_off_to_the_end():
        from study.schedule.duereport import run

        text = run(words, "--json" in flags, db, "--brief" in flags)
    if text:
        print(text)
    return 0


def _as_path(db: str | None) -> Path | None:
    from pathlib import Path

    return None if db is None else Path(db)


def _sync(words: list[str], flags: Given, db: str | None) -> int:
    from pathlib import Path

    from study.clock import current_time
    from study.collector import collector_off_to_the_end

    # As `study due`: the process ends with the sync, so nothing the imports and the sync
    # leave alive is walked again by collections, at its exit least of all.
    with collector_off_to_the_end():
        from study.schedule.sync import sync_paths

        report = sync_paths(_as_path(db), [Path(p) for p in words], current_time())
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


def _overview(words: list[str], flags: Given, db: str | None) -> int:
    from study.collector import collector_off_to_the_end

    with collector_off_to_the_end():
        from study.schedule.duereport import overview_text

        text = overview_text(db)
    print(text)
    return 0


def _at_least(least: int) -> Callable[[str], int]:
    """The check of a number option: a whole number, at least `least` (else Typer explains)."""

    def check(text: str) -> int:
        if int(text) < least:
            raise ValueError(text)
        return int(text)

    return check


def _drill(words: list[str], given: Given, db: str | None) -> int:
    from study.drill.options import Options
    from study.drill.start import run_drill

    new, limit = (given[name][-1] if name in given else None for name in ("--new", "--limit"))
    tags = tuple(given.get("--tag", ()))
    options = Options(tuple(words), tags, new, limit, "--typed" in given, "--no-wait" not in given)
    return 130 if run_drill(_as_path(db), options).interrupted else 0


# Each fast command: its flags, its options taking a value (with their checks), its body.
# A bare `study` is the overview.
_FAST: dict[str, Fast] = {
    "due": (("--json", "--brief"), {}, _due),
    "sync": ((), {}, _sync),
    "drill": (
        ("--typed", "--no-wait"),
        {"--new": _at_least(0), "--limit": _at_least(1), "--tag": str},
        _drill,
    ),
}
_OVERVIEW: Fast = ((), {}, _overview)


def entry() -> None:
    """`study ...`: the fast commands here (a bare `study` too), the rest through Typer.

    Only the parsing of the arguments may fall back to Typer: once a command's body runs, an
    error in it is that command's (a ValueError deep in a sync must not run the sync twice).
    """
    args = sys.argv[1:]
    fast = _FAST.get(args[0]) if args else _OVERVIEW
    if fast is not None:
        flags, valued, body = fast
        try:
            words, given, db = _fast_args(args[1:], flags, valued)
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
