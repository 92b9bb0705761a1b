"""A `--db` / `STUDY_DB` that names a PostgreSQL server instead of a SQLite file.

`postgresql+psycopg://user@host:port/dbname` (or `postgresql://...`, the same thing) selects the
shared store on a server; anything else is a path to the embedded SQLite file. The password is
never part of the URL study is given: libpq reads it from `~/.pgpass` (or `PGPASSFILE`), or the
URL names a libpq service (`postgresql+psycopg://?service=study`), so no command line, error or
timer line holds it. Every message here names the host, never a password.

No SQLAlchemy or psycopg at module level: `study due` and `study sync` import this to decide.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from study.errors import StudyError
from study.paths import server_url

__all__ = ["server_url"]  # decided in study.paths, re-exported for the store's callers


def where(url: str) -> str:
    """The server as a user would name it in a message: host (and port), database; no user or
    password. A libpq service stands for the host when the URL has none."""
    parts = urlsplit(url)
    host = parts.hostname or _service(parts.query) or "the local socket"
    port = f":{parts.port}" if parts.port else ""
    name = parts.path.lstrip("/")
    return f"{host}{port}/{name}" if name else f"{host}{port}"


def _service(query: str) -> str | None:
    found = re.search(r"(?:^|&)service=([^&]+)", query)
    return f"service {found.group(1)}" if found else None


def refuse_password(url: str) -> None:
    """A password written into the URL would show in the process list and the reminder's
    timer line: refuse it before anything is tried, naming where it belongs instead."""
    if urlsplit(url).password is not None:
        raise StudyError(
            f"the database URL for {where(url)} holds a password; put it in ~/.pgpass "
            "(or the file PGPASSFILE names), or use a libpq service, and leave it out of the URL"
        )


def carried_db(given: str) -> str:
    """A database as a timer or another folder names it: a server URL unchanged (StudyError
    if it holds a password), a file's path made absolute."""
    url = server_url(given)
    if url is None:
        return str(Path(given).expanduser().absolute())
    refuse_password(url)
    return url


def server_error(url: str, error: BaseException) -> StudyError:
    """The one line for a psycopg error (SQLAlchemy's wrapper unwrapped) on the server at `url`.

    Chosen by the server's SQLSTATE where it sent one; a refused or timed-out connection has
    none, so libpq's own words decide. libpq never puts the password in a message.
    """
    cause = getattr(error, "orig", None) or error
    state = getattr(cause, "sqlstate", None) or ""
    text = str(cause)
    server = where(url)
    if "no password supplied" in text:  # libpq found none: not a wrong one
        return StudyError(
            f"the server {server} asks for a password and none was found: add a line "
            "host:port:dbname:user:password to ~/.pgpass (or the file PGPASSFILE names), mode 0600"
        )
    if state == "28P01" or "password authentication failed" in text or "no password" in text:
        return StudyError(
            f"the server {server} refused the login: wrong user or password "
            "(study reads the password from ~/.pgpass or PGPASSFILE)"
        )
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return StudyError(f"the server {server} has no such database; create it with createdb")
    if state.startswith("28"):
        return StudyError(f"the server {server} refused the login ({state})")
    if "Connection refused" in text or "could not connect" in text or "timeout" in text:
        return StudyError(
            f"the server {server} is not answering (is PostgreSQL running there?); "
            "nothing more was saved (what was saved before is kept)"
        )
    if "failed to resolve host" in text or "could not translate host name" in text:
        return StudyError(
            f"the server {server} cannot be found: no host of that name "
            "(check the host in the URL or the service)"
        )
    if "service file" in text or "definition of service" in text:  # libpq's words, as they are
        return StudyError(f"the server {server}: {text.split('connection is bad: ')[-1]}")
    first = text.strip().splitlines()[0] if text.strip() else type(cause).__name__
    return StudyError(f"the server {server}: database error: {first}")


def is_server_error(error: BaseException) -> bool:
    """Whether `error` (SQLAlchemy's wrapper unwrapped) came from psycopg."""
    cause = getattr(error, "orig", None) or error
    return type(cause).__module__.startswith("psycopg")
