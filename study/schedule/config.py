"""`study config`: list, show or change the settings, globally or for one deck."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from study.errors import NoCollectionYet, StudyError
from study.notes.lookup import deck_key
from study.paths import db_path as resolve_db_path
from study.paths import server_url
from study.schedule.settings import DECK_KEYS, DEFAULTS, HELP, Stored, read_stored, validate
from study.schedule.store import DeckSettingRow, SettingRow, Store, open_store

# The settings a card's schedule depends on: changing one reschedules the cards it governs.
RESCHEDULING = ("desired_retention", "parameters")
_HELP_COLUMN_MIN = 30  # narrower than this, the help goes under each setting


def set_setting(store: Store, key: str, value: str, deck: str | None = None) -> str:
    """Validate and store one setting (a deck's own, if `deck` is given); returns the value."""
    stored = validate(key, value)
    with store.writing() as session:
        if deck is None:
            session.merge(SettingRow(key=key, value=stored))
        else:
            session.merge(DeckSettingRow(deck=deck_key(deck), key=key, value=stored))
    return stored


def _check_key(key: str | None, deck: str | None) -> None:
    if key is not None and key.startswith("--"):  # Typer passes unknown options through here
        raise StudyError(f"no option {key}; `study config -h` lists them")
    if key is not None and key not in DEFAULTS:
        raise StudyError(f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}")
    if key is not None and deck is not None and key not in DECK_KEYS:
        raise StudyError(
            f"{key} is one setting for all decks; a deck may have its own {', '.join(DECK_KEYS)}"
        )


def _listing(stored: Stored, deck: str | None) -> str:
    """Every setting in force, its help, and (for a deck) where each value comes from.

    The help is wrapped to the terminal: beside the values when there is room, else under
    each setting, so a 40-column terminal never splits a word.
    """
    columns = shutil.get_terminal_size().columns
    sourced = stored.sourced(deck)
    keys = DECK_KEYS if deck is not None else tuple(DEFAULTS)
    shown = {key: _shown(key, sourced[key][0]) for key in keys}
    width = max(len(key) for key in keys)
    value_width = max(len(value) for value in shown.values())
    beside = width + value_width + 4
    lines = []
    for key in keys:
        where = f"  ({sourced[key][1]})" if deck is not None or key == "parameters" else ""
        head = f"{key:<{width}}  {shown[key]:<{value_width}}  "
        if columns - beside >= _HELP_COLUMN_MIN:
            lines += textwrap.wrap(
                head + HELP[key] + where, columns, subsequent_indent=" " * beside
            )
        else:
            lines.append(head.rstrip())
            lines += textwrap.wrap(
                HELP[key] + where, columns, initial_indent="    ", subsequent_indent="    "
            )
    return "\n".join(lines)


def _shown(key: str, value: str) -> str:
    """A setting's value as the listing shows it: fitted weights are one word, not 21 numbers."""
    if key == "parameters":
        return "fitted" if value else "FSRS-6 defaults"  # `study config parameters` shows them
    return value


def _show(stored: Stored, key: str | None) -> str:
    return _listing(stored, None) if key is None else stored.values()[key]


def config(
    db_path: Path | None, key: str | None, value: str | None, deck: str | None = None
) -> str:
    """`study config [--deck NAME] [KEY [VALUE]]`: list the settings, show one, or change one.

    For a deck, each value says where it comes from: the deck's own, the global one, or the
    default.
    """
    _check_key(key, deck)
    if value is not None:
        assert key is not None
        validate(key, value)  # before the database is even opened: a typo changes nothing
    on_server = server_url(db_path) is not None
    path: Path | str = str(server_url(db_path)) if on_server else resolve_db_path(db_path)
    if value is None and deck is None and not on_server and not Path(path).exists():
        return _show(Stored({}, {}), key)  # the defaults; showing them never makes a database
    try:
        store = open_store(path, create=value is not None, verify=True)
    except NoCollectionYet:
        if value is not None or deck is not None:
            raise
        return _show(Stored({}, {}), key)  # an empty server database: as a missing file
    with store:
        name = store.resolve_decks([deck])[0] if deck is not None else None
        if key is None:
            return _listing(read_stored(store.execute), name)
        if value is None:
            shown, source = read_stored(store.execute).sourced(name)[key]
            return f"{shown}  ({source})" if name is not None else shown
        where = f" for {name}" if name is not None else ""
        done = f"{key} = {set_setting(store, key, value, name)}{where}"
        if key not in RESCHEDULING:
            return done
        from study.schedule.reschedule import reschedule

        return f"{done}\n{reschedule(store, [name] if name else []).render()}"
