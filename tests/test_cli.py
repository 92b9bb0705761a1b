"""The CLI as a whole: help for every command, and the error convention."""

from __future__ import annotations

from typer.testing import CliRunner

from study.cli import app

runner = CliRunner()


def test_help_short_and_long_flags_agree() -> None:
    long = runner.invoke(app, ["--help"])
    short = runner.invoke(app, ["-h"])
    assert long.exit_code == 0
    assert short.output == long.output
    assert "Markdown notes" in long.output
