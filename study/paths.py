"""Where study keeps user data, and where the bundled decks live.

The rules are written on text (`os.path`), the `Path` forms made from them: `study due` finds
its database without importing pathlib (with the urllib.parse it imports, ~2 ms of start-up).
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False  # not typing's: importing typing costs `study due` a few milliseconds
if TYPE_CHECKING:
    from pathlib import Path


def _data_folder() -> str:
    override = os.environ.get("STUDY_HOME")
    if override:
        return os.path.expanduser(override)
    from platformdirs import user_data_dir  # imported late: `study due` start-up counts

    return user_data_dir("study", appauthor=False)


def data_dir() -> Path:
    """The folder for the database and settings; `STUDY_HOME` overrides the platform default."""
    from pathlib import Path

    return Path(_data_folder())


def default_db_path() -> Path:
    from pathlib import Path

    return Path(_default_db_file())


def _default_db_file() -> str:
    return os.path.join(_data_folder(), "study.db")


_SERVER_SCHEME = re.compile(r"^postgres(?:ql)?(?:\+psycopg)?:/+", re.IGNORECASE)
# Any other `scheme://` (psycopg2's driver name, mysql, sqlite:///): refused, since as a path it
# would quietly make a database file in a folder named after the URL. Two letters at least, so
# a drive letter (`C:/`) stays a path.
_OTHER_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")


def server_url(given: Path | str | None) -> str | None:
    """The SQLAlchemy URL of the PostgreSQL server a `--db` (or, when none, `STUDY_DB`) names,
    or None for a SQLite file. A URL that went through `Path` lost a slash of its `//`: it is
    put back. (The server itself: study.schedule.server.)"""
    text = str(given) if given is not None else os.environ.get("STUDY_DB", "")
    match = _SERVER_SCHEME.match(text)
    if match is None:
        other = _OTHER_SCHEME.match(text)
        if other is not None:
            from study.errors import StudyError

            raise StudyError(
                f"the database `{other.group(1)}://...` is a URL study cannot use; give a file "
                "path or a PostgreSQL URL (`postgresql+psycopg://user@host/dbname`)"
            )
        return None
    return "postgresql+psycopg://" + text[match.end() :]


def db_path(given: Path | str | None) -> Path:
    """The database file a `--db` names (`~` expanded), else `STUDY_DB`, else the default one.

    StudyError when it names a server instead: the commands that ask for a file (sync, the
    backups, `study db check`) work on a SQLite file only.
    """
    from pathlib import Path

    return Path(db_file(given))


def db_file(given: Path | str | None) -> str:
    """`db_path` as text, for the paths that do without pathlib (`study due`)."""
    if server_url(given) is not None:
        from study.errors import StudyError

        raise StudyError(
            "this command works on a database file only, not on a PostgreSQL server (back a "
            "server up with pg_dump): run it on a file and move the collection with `study db "
            "copy FROM TO`"
        )
    if given is None and os.environ.get("STUDY_DB"):
        given = os.environ["STUDY_DB"]
    if given is None:
        return _default_db_file()
    return os.path.expanduser(os.fspath(given))


def bundled_decks_dir() -> Path:
    """The decks shipped with study: inside the wheel, or beside the package in a checkout."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    installed = here / "decks"
    return installed if installed.is_dir() else here.parent / "decks"
