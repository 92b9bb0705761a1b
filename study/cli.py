"""The `study` command line: parse arguments, call one core function, print the result.

This is the only module that imports typer. Heavy modules (the parser, the store, genanki)
are imported inside the commands that need them, so `study due` starts fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from study.errors import StudyError


class _StudyGroup(TyperGroup):
    """Turns a StudyError from any command into `study: <message>` on stderr, no traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except StudyError as error:
            typer.echo(f"study: {error}", err=True)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=_StudyGroup,
    help="Turn Markdown notes into spaced-repetition cards and drill them in the terminal.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
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
        typer.echo(ctx.get_help())
