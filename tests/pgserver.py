"""A real PostgreSQL server for the tests: Debian's `postgresql` programs, a scratch data folder,
a loopback port, password authentication (scram) read from a `PGPASSFILE`.

One server per test session (initdb takes ~1 s); every test gets its own empty database on it.
The server runs as the `postgres` user when the tests run as root (PostgreSQL refuses root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support import require_program

SERVER_BINS = "/usr/lib/postgresql/*/bin"
USER, PASSWORD = "study", "s3cret-pw"


class PgServer:
    """A running server: where it listens and how to make a fresh database on it."""

    def __init__(self, folder: Path, port: int, passfile: Path) -> None:
        self.folder = folder
        self.port = port
        self.passfile = passfile
        self.made = 0

    def url(self, database: str, user: str = USER) -> str:
        """The URL of a database, with no password in it (it comes from the PGPASSFILE)."""
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def fresh_database(self) -> str:
        import psycopg

        self.made += 1
        name = f"study_test_{self.made}"
        dsn = f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True, passfile=str(self.passfile)) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser") or "runuser"  # util-linux: there wherever root is
    return [runuser, "-u", "postgres", "--", *command]


@contextmanager
def running_server(initdb: str) -> Iterator[PgServer]:
    """A scratch server from the `initdb` beside its `pg_ctl`, stopped and removed after."""
    pg_ctl = str(Path(initdb).with_name("pg_ctl"))
    folder = Path(tempfile.mkdtemp(prefix="study-pg-"))
    secret = folder / "pw"
    secret.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(secret, "postgres")
    data, port, run = folder / "data", _free_port(), _as_server_user
    subprocess.run(
        run([initdb, "-D", str(data), "-U", USER, "--auth=scram-sha-256", f"--pwfile={secret}"]),
        check=True,
        capture_output=True,
    )
    options = f"-k {folder} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off"
    subprocess.run(
        run([pg_ctl, "-D", str(data), "-l", str(folder / "log"), "-o", options, "-w", "start"]),
        check=True,
        capture_output=True,
    )
    passfile = Path(tempfile.mkdtemp(prefix="study-pgpass-")) / "pgpass"
    passfile.write_text(f"127.0.0.1:{port}:*:{USER}:{PASSWORD}\n")
    passfile.chmod(0o600)
    try:
        yield PgServer(folder, port, passfile)
    finally:
        stop = run([pg_ctl, "-D", str(data), "-m", "immediate", "stop"])
        subprocess.run(stop, check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(passfile.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """Start a scratch PostgreSQL server (skips with a reason when its programs are missing)."""
    pytest.importorskip("psycopg", reason="needs psycopg: pip install -e '.[test]'")
    with running_server(require_program("initdb", also_in=SERVER_BINS)) as server:
        yield server


@pytest.fixture
def pg_url(pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of a new empty database on the scratch server; its password in PGPASSFILE."""
    monkeypatch.setenv("PGPASSFILE", str(pg_server.passfile))
    return pg_server.url(pg_server.fresh_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """The same test on a SQLite file and on a fresh database on the scratch server."""
    if request.param == "sqlite":
        return tmp_path / "study.db"
    return str(request.getfixturevalue("pg_url"))


def collection_at(
    target: Path | str, tmp_path: Path, notes: dict[str, str], now: Any
) -> Path | str:
    """`target` (a file or a server URL) holding `notes` synced at `now`: synced into a file,
    then, for a server, copied onto it with `study db copy`, so both hold the same rows."""
    from study.schedule.dbcopy import copy_collection
    from tests.support import synced_notes

    if isinstance(target, Path):
        return synced_notes(target.parent, notes, now, target.name)
    copy_collection(synced_notes(tmp_path, notes, now, "synced.db"), target, now)
    return target


def libpq(url: str) -> str:
    """The libpq form of a study server URL, for psycopg itself (beside the store)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def by_hand(url: str, *statements: str) -> None:
    """Run `statements` on the server with psycopg itself, committed (opening a store would
    make or upgrade the schema)."""
    import psycopg

    with psycopg.connect(libpq(url), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def refusal(url: str, *statements: str) -> str:
    """The StudyError message opening a store gives once `statements` ran by hand."""
    from study.errors import StudyError
    from study.schedule.store import open_store

    by_hand(url, *statements)
    with pytest.raises(StudyError) as caught:
        open_store(url)
    return str(caught.value)
