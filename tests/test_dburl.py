"""What `--db` / `STUDY_DB` names: a PostgreSQL server, a SQLite file, or a mistake said so.

No server needed: these are the decisions made before anything connects.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.errors import StudyError
from study.paths import server_url

runner = CliRunner()


@pytest.mark.parametrize(
    "given",
    [
        "postgresql+psycopg2://me@db.example/study",  # psycopg 2's driver name, from old docs
        "postgresql+asyncpg://me@db.example/study",
        "mysql://me@db.example/study",
        "sqlite:///study.db",
    ],
)
def test_a_url_study_cannot_use_is_refused_not_taken_for_a_file(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    scheme = given.split("://")[0]
    expected = (
        f"the database `{scheme}://...` is a URL study cannot use; give a file path or a "
        "PostgreSQL URL (`postgresql+psycopg://user@host/dbname`)"
    )
    with pytest.raises(StudyError) as caught:
        server_url(Path(given))
    assert str(caught.value) == expected
    for command in (["drill", "--no-wait"], ["sync"], ["config"]):
        result = runner.invoke(app, [*command, "--db", given], input="q")
        assert (result.exit_code, result.output) == (1, f"study: {expected}\n")
    assert list(here.iterdir()) == []  # no database file made under a folder named for it


def test_a_password_in_an_unusable_url_is_not_repeated() -> None:
    with pytest.raises(StudyError) as caught:
        server_url("postgresql+psycopg2://me:hunter2@db.example/study")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("given", ["notes/study.db", "C:/study.db", "study:2026.db", "~/s.db"])
def test_a_path_is_still_a_file(given: str) -> None:
    assert server_url(Path(given)) is None


def test_a_host_that_does_not_resolve_is_said_in_plain_words() -> None:
    """`.invalid` never resolves (RFC 6761): no server and no network needed."""
    pytest.importorskip("psycopg", reason="needs psycopg: pip install -e '.[test]'")
    url = "postgresql+psycopg://me@nohost.invalid/study"
    for command in (["config"], ["due"]):
        result = runner.invoke(app, [*command, "--db", url])
        assert (result.exit_code, result.output) == (
            1,
            "study: the server nohost.invalid/study cannot be found: no host of that name "
            "(check the host in the URL or the service)\n",
        )


def test_a_missing_service_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg", reason="needs psycopg: pip install -e '.[test]'")
    monkeypatch.setenv("PGSERVICEFILE", "/nonexistent/pg_service.conf")
    result = runner.invoke(app, ["config", "--db", "postgresql+psycopg:///?service=study"])
    assert (result.exit_code, result.output) == (
        1,
        'study: the server service study: service file "/nonexistent/pg_service.conf" not found\n',
    )


def test_without_psycopg_the_message_installs_the_extra_from_the_clone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Quickstart installs study from its clone (`pip install -e .`): the extra comes the
    same way, not as `study[postgres]` from the package index, which is not this study."""
    monkeypatch.setitem(__import__("sys").modules, "psycopg", None)  # import psycopg fails
    for command in (["config"], ["due"]):
        result = runner.invoke(app, [*command, "--db", "postgresql://me@db.example/study"])
        assert (result.exit_code, result.output) == (
            1,
            "study: db.example/study is a PostgreSQL server: install psycopg, study's extra "
            "`postgres`, with `pip install -e '.[postgres]'` in study's folder\n",
        )


def test_no_password_found_is_said_so_not_called_wrong(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PGPASSFILE that is missing (or ignored, as libpq ignores one readable by others) gives
    no password at all: the line says where to put it, not that it was wrong."""
    from study.schedule.dburl import where

    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))
    for command in (["config"], ["due"]):
        result = runner.invoke(app, [*command, "--db", pg_url])
        assert (result.exit_code, result.output) == (
            1,
            f"study: the server {where(pg_url)} asks for a password and none was found: add a "
            "line host:port:dbname:user:password to ~/.pgpass (or the file PGPASSFILE names), "
            "mode 0600\n",
        )
