"""The `study` command line: parse arguments, call one core function, print the result.

This is the only module that imports typer. Heavy modules (the parser, the store, genanki)
are imported inside the commands that need them, so `study due` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup, TyperOption

from study.browsecli import add_browse_commands
from study.dbcli import add_db_commands
from study.errors import StudyError
from study.statscli import add_stats_commands


class _StudyGroup(TyperGroup):
    """Turns a StudyError from any command into `study: <message>` on stderr, no traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except StudyError as error:
            typer.echo(f"study: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except Exception as error:
            from study.schedule.database import unnamed_error

            message = unnamed_error(error)  # a database error past every store: one line too
            if message is None:
                raise
            typer.echo(f"study: {message}", err=True)
            raise typer.Exit(1) from None


_type_label = TyperOption.display_type_rich


def _no_flag_type(self: TyperOption, ctx: Any) -> str | None:
    """A flag takes no value, so its help shows no `<bool>` type."""
    return None if self.is_flag else _type_label(self, ctx)


TyperOption.display_type_rich = _no_flag_type  # type: ignore[method-assign]


def _typer(cls: type[TyperGroup], help: str) -> typer.Typer:
    """A command group with study's conventions: `-h` works, errors are one line."""
    return typer.Typer(
        cls=cls,
        help=help,
        context_settings={"help_option_names": ["-h", "--help"]},
        no_args_is_help=False,
        add_completion=False,
        pretty_exceptions_enable=False,
    )


app = _typer(
    _StudyGroup, "Turn Markdown notes into spaced-repetition cards and drill them in the terminal."
)


def main() -> None:
    """The console-script entry point."""
    app(prog_name="study")


def _print_version(value: bool) -> None:
    if value:
        from study import __version__

        typer.echo(f"study {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def overview(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Turn Markdown notes into spaced-repetition cards and drill them in the terminal."""
    if ctx.invoked_subcommand is None:
        from study.schedule.duereport import overview_text

        typer.echo(overview_text(None))


# --- study drill, study due (DRILL) ---------------------------------------------------------


@app.command()
def drill(
    decks: Annotated[list[str] | None, typer.Argument(help="Only these decks.")] = None,
    new: Annotated[int | None, typer.Option("--new", min=0, help="New cards at most.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Cards at most.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Only cards with a tag.")] = None,
    typed: Annotated[
        bool, typer.Option("--typed", help="Type the command of command cards (first).")
    ] = False,
    no_wait: Annotated[
        bool,
        typer.Option("--no-wait", help="End when only learning cards due later are left."),
    ] = False,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """Drill the cards due now: Space shows the answer, 1-4 or Space grade it, q quits."""
    from study.drill.options import Options
    from study.drill.start import run_drill

    options = Options(tuple(decks or ()), tuple(tag or ()), new, limit, typed, not no_wait)
    if run_drill(db, options).interrupted:
        raise typer.Exit(130)  # Ctrl-C, as a shell expects: 128 + SIGINT


@app.command()
def due(
    decks: Annotated[list[str] | None, typer.Argument(help="Only these decks.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    brief: Annotated[
        bool, typer.Option("--brief", help="One short line for a shell prompt: `docker:9`.")
    ] = False,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Only cards with a tag.")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """Show per deck the cards due now, new today, later today and tomorrow."""
    from study.schedule.duereport import run

    text = run(decks or [], as_json, db, brief, tag or [])
    if text:
        typer.echo(text)


# `study list`, `show`, `suspended`, `unsuspend`: in study.browsecli (this file's size)
add_browse_commands(app)


# --- study sync, study config (STORE) -----------------------------------------------------


@app.command("sync")
def sync_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Notes or folders to register (none: re-sync).")
    ] = None,
    forget: Annotated[
        list[Path] | None,
        typer.Option("--forget", help="Unregister a note or folder; its cards retire, kept."),
    ] = None,
    vault: Annotated[str | None, typer.Option(help="New folders' vault (default: name).")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """Register notes or folders and bring the cards in line with them; history is kept."""
    from study.clock import current_time
    from study.schedule.sync import sync_paths

    report = sync_paths(db, paths or [], current_time(), forget or [], vault)
    typer.echo(report.render())
    for line in [*report.skipped, *report.failures]:
        typer.echo(f"study: {line}", err=True)
    if report.failures:  # the rest was synced, but a vanished folder must not pass unnoticed
        raise typer.Exit(1)


@app.command("config", context_settings={"ignore_unknown_options": True})  # `-5` is a value
def config_command(
    key: Annotated[str | None, typer.Argument(help="The setting (none: list them all).")] = None,
    value: Annotated[str | None, typer.Argument(help="Its new value (none: show it).")] = None,
    deck: Annotated[
        str | None,
        typer.Option("--deck", help="One deck's own settings, over the global ones."),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """Show or change the schedule settings (new cards per day, retention, steps, ...)."""
    from study.schedule.config import config

    typer.echo(config(db, key, value, deck))


# --- study export (EXPORT) ----------------------------------------------------------------


@app.command("export")
def export_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="The .apkg file to write.")],
    targets: Annotated[
        list[str] | None, typer.Argument(help="Decks, or Markdown notes/folders (default: all).")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Only cards with a tag.")] = None,
    subdecks: Annotated[
        bool, typer.Option("--subdecks", help="A subdeck per heading section: Deck::Section.")
    ] = False,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """Write an Anki package (.apkg); importing it again updates the notes, never duplicates."""
    from study.anki.export import export
    from study.anki.output import apkg_path

    output, note = apkg_path(output)
    if note:
        typer.echo(f"study: {note}", err=True)
    report = export(targets or [], output, tags=tag or [], subdecks=subdecks, db_path=db)
    for message in report.skipped:
        typer.echo(f"study: {message}", err=True)
    typer.echo(report.render())


@app.command("import")
def import_command(
    package: Annotated[Path, typer.Argument(help="An .apkg or .colpkg exported from Anki.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Change nothing.")] = False,
    db: Annotated[Path | None, typer.Option("--db", help="The study database.")] = None,
) -> None:
    """Bring reviews done in Anki back: each answer once, schedules recomputed from history."""
    from study.anki.importer import import_package

    typer.echo(import_package(package, db_path=db, dry_run=dry_run).render())


# --- study remind (REMIND) ----------------------------------------------------------------


class _RemindGroup(_StudyGroup):
    """`study remind [DECK...]` means `study remind check [DECK...]`; other words are commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["check", *args]
        return super().parse_args(ctx, args)


remind_app = _typer(
    _RemindGroup, "Remind you of due cards now, or daily with a timer or a calendar file."
)
app.add_typer(remind_app, name="remind")

_Decks = Annotated[
    list[str] | None, typer.Argument(metavar="DECK...", help="Only these decks (default: all).")
]
_Db = Annotated[Path | None, typer.Option("--db", help="The study database (default: yours).")]
_Min = Annotated[int, typer.Option("--min", min=1, help="Remind only when this many are due.")]
_At = Annotated[str, typer.Option("--at", help="Time of day, 24-hour HH:MM, e.g. 08:30.")]
_Backend = Annotated[
    str,
    typer.Option(
        "--backend",
        envvar="STUDY_REMIND_BACKEND",
        help="auto (systemd user timer, else cron; launchd on macOS), systemd, cron or launchd.",
    ),
]


@remind_app.command("check")
def remind_check(
    decks: _Decks = None,
    minimum: _Min = 1,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Only cards with a tag.")] = None,
    db: _Db = None,
) -> None:
    """Tell you once what is due: a desktop notification, and the line in a terminal."""
    import sys

    from study.clock import current_time
    from study.remind.reminder import check, notify

    # No --db: STUDY_DB, else the default file (a server URL in either way is read there).
    message = check(db, current_time(), decks or [], minimum, tag or [])
    if message and (not notify(message) or sys.stdout.isatty()):
        typer.echo(message)


@remind_app.command("install")
def remind_install(
    at: _At, decks: _Decks = None, minimum: _Min = 1, db: _Db = None, backend: _Backend = "auto"
) -> None:
    """Remind you every day at --at: replaces the reminder installed before, if any."""
    from study.clock import current_time
    from study.remind import timer
    from study.remind.reminder import resolve_decks

    hour, minute = timer.parse_at(at)
    resolved = resolve_decks(db, decks or [])
    argv = timer.reminder_argv(resolved, minimum, db)
    carried = timer.reminder_environment()
    done = timer.install(hour, minute, argv, carried, backend)
    nxt = timer.next_fire(done.hour, done.minute, current_time())
    typer.echo(f"daily reminder at {done.at} ({done.backend}), next {nxt:%a %Y-%m-%d %H:%M}")
    typer.echo(f"  runs: {done.command}")
    typer.echo(f"  shows: {timer.delivery(done.backend, carried)}")


@remind_app.command("uninstall")
def remind_uninstall(backend: _Backend = "auto") -> None:
    """Remove the daily reminder."""
    from study.remind import timer

    removed = timer.uninstall(backend)
    if removed:
        typer.echo(f"removed the daily reminder ({', '.join(removed)})")
    else:
        typer.echo("no daily reminder was installed")


@remind_app.command("status")
def remind_status() -> None:
    """Show the daily reminder installed, and when it fires next."""
    from study.clock import current_time
    from study.remind import timer

    found = timer.status()
    if not found:
        typer.echo("no daily reminder installed; add one with `study remind install --at HH:MM`")
    for item in found:
        nxt = timer.next_fire(item.hour, item.minute, current_time())
        when = f"daily at {item.at}, next {nxt:%a %Y-%m-%d %H:%M}"
        typer.echo(f"{item.backend}: {when} ({item.where})")
        typer.echo(f"  runs: {item.command}")
        carried = timer.installed_environment(item.command)
        typer.echo(f"  shows: {timer.delivery(item.backend, carried)}")


@remind_app.command("ics")
def remind_ics(
    at: _At,
    output: Annotated[Path, typer.Option("-o", "--output", help="The .ics file to write.")] = Path(
        "study.ics"
    ),
    decks: _Decks = None,
    db: _Db = None,
) -> None:
    """Write an iCalendar file: a daily event with an alarm, for phones and calendar apps."""
    from study.clock import current_time
    from study.remind.ical import write_calendar
    from study.remind.reminder import resolve_decks
    from study.remind.timer import parse_at

    hour, minute = parse_at(at)
    resolved = resolve_decks(db, decks or [])
    write_calendar(output, hour, minute, current_time(), resolved)
    typer.echo(f"wrote {output}: a daily event at {hour:02d}:{minute:02d} with an alarm")


@app.command("cards")
def cards(
    paths: Annotated[
        list[Path], typer.Argument(help="Markdown notes, or folders searched for *.md.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON array of cards instead of a table.")
    ] = False,
) -> None:
    """List the cards your notes make, without touching any database."""
    from study.notes.cardview import print_cards
    from study.notes.vault import load_cards

    loaded = load_cards(paths)
    for message in [*loaded.skipped, *loaded.merged]:
        typer.echo(f"study: {message}", err=True)
    print_cards(loaded.cards, as_json=as_json)
    for failure in loaded.failures:
        typer.echo(f"study: {failure}", err=True)
    if loaded.failures:
        raise typer.Exit(1)


@app.command("check")
def check_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Markdown notes, or folders searched for *.md.")
    ],
) -> None:
    """Report what the cards of your notes leave out or cannot grade; exit 1 if anything."""
    from study.notes.check import check_paths, report_lines

    report = check_paths(paths)
    for line in report_lines(report):
        typer.echo(line)
    for failure in report.failures:
        typer.echo(f"study: {failure}", err=True)
    if report.failures:
        raise typer.Exit(2)
    if report.findings:
        raise typer.Exit(1)


# --- study db check, backups, restore (DATABASE) ------------------------------------------

db_app = _typer(_StudyGroup, "Check the database, list its daily backups, restore one.")
app.add_typer(db_app, name="db")
add_db_commands(db_app)  # the commands themselves are in study.dbcli (this file's size)
add_stats_commands(app)  # `study stats` and `study optimize`, in study.statscli (this file's size)
