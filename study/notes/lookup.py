"""Finding decks and tags by what a user types: one rule for the drill, export, due, reminders.

Case, Unicode form and spacing never matter: `Árvore` is found by `árvore`, `Python Basics` by
`python basics` and by `python-basics`, the form `study due --brief` prints, so what it prints
can be typed back.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from study.errors import StudyError


def fold(text: str) -> str:
    """Text as compared: NFC, Unicode casefold."""
    return unicodedata.normalize("NFC", text).casefold()


def deck_key(name: str) -> str:
    """A deck's name as typed on a command line: folded, words joined by `-`."""
    return "-".join(fold(name).replace("-", " ").split())


def resolve_decks(given: Sequence[str], known: Iterable[str]) -> list[str]:
    """The stored deck names `given` refers to, in order; StudyError naming the first unknown.

    A typed name may match several stored ones (`Git` and `git`): all of them are meant.
    """
    stored = sorted(set(known))
    by_key: dict[str, list[str]] = {}
    for name in stored:
        by_key.setdefault(deck_key(name), []).append(name)
    resolved: list[str] = []
    for typed in given:
        names = by_key.get(deck_key(typed))
        if not names:
            listing = ", ".join(stored) or "none yet; run `study sync PATH`"
            raise StudyError(f"no deck named {typed!r} (decks: {listing})")
        resolved += [name for name in names if name not in resolved]
    return resolved


def tag_key(tag: str) -> str:
    """A tag as compared: without its leading `#`, folded."""
    return fold(tag.lstrip("#"))


def tag_wanted(tags: Iterable[str]) -> frozenset[str]:
    """The keys of the tags a user asked for (`--tag`), for `has_tag`."""
    return frozenset(tag_key(tag) for tag in tags)


def has_tag(card_tags: Iterable[str], wanted: frozenset[str]) -> bool:
    """True when no tag was asked for, or the card has one of `wanted`."""
    return not wanted or any(tag_key(tag) in wanted for tag in card_tags)


def resolve_id(typed: str, ids: Iterable[str], noun: str = "card", listing: str = "") -> str:
    """The one id of `ids` that starts with `typed` (case-insensitive), as git takes a commit's
    prefix; StudyError when none or several do. `noun` names the cards looked among, `listing`
    the command that lists them."""
    given = typed.strip().lower()
    matches = [card_id for card_id in ids if card_id.startswith(given)] if given else []
    if not matches:
        see = f" (see `{listing}`)" if listing else ""
        raise StudyError(f"no {noun} with id {typed!r}{see}")
    if len(matches) > 1:
        raise StudyError(f"{typed!r} is the start of {len(matches)} {noun}s' ids")
    return matches[0]
