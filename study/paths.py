"""Where study keeps user data, and where the bundled decks live."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The folder for the database and settings; `STUDY_HOME` overrides the platform default."""
    override = os.environ.get("STUDY_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir  # imported late: `study due` start-up counts

    return Path(user_data_dir("study", appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "study.db"


def db_path(given: Path | None) -> Path:
    """The database a `--db` names (`~` expanded), or the default one."""
    return Path(given).expanduser() if given is not None else default_db_path()


def bundled_decks_dir() -> Path:
    """The decks shipped with study: inside the wheel, or beside the package in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "decks"
    return installed if installed.is_dir() else here.parent / "decks"
