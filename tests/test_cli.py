"""The CLI as a whole: help for every command, and the error convention."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from study.cli import app
from tests.support import help_commands

runner = CliRunner()


def test_help_short_and_long_flags_agree() -> None:
    long = runner.invoke(app, ["--help"])
    short = runner.invoke(app, ["-h"])
    assert long.exit_code == 0
    assert short.output == long.output
    assert "Markdown notes" in long.output


COMMANDS = [
    ["cards"],
    ["list"],
    ["show"],
    ["check"],
    ["sync"],
    ["config"],
    ["drill"],
    ["due"],
    ["suspended"],
    ["unsuspend"],
    ["export"],
    ["import"],
    ["stats"],
    ["optimize"],
    ["remind"],
    ["remind", "check"],
    ["remind", "install"],
    ["remind", "uninstall"],
    ["remind", "status"],
    ["remind", "ics"],
    ["db"],
    ["db", "check"],
    ["db", "backups"],
    ["db", "restore"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"], prog_name="study")
    assert result.exit_code == 0, result.output
    assert f"Usage: study {' '.join(command)}" in result.output


def test_every_command_is_listed_in_the_main_help() -> None:
    output = runner.invoke(app, ["--help"]).output
    assert sorted(help_commands(output)) == sorted({command[0] for command in COMMANDS})
