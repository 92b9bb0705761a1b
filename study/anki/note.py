"""Study cards -> Anki notes: which note type, which fields, which card ordinal each card is.

One sibling group (`Card.note`: a card and its reverse, or the deletions of one cloze text) is
one Anki note. The note's GUID is the group's stored Anki GUID when it has one (a card keeps
the GUID it was known by when a reworded question gave it a new id), else `Card.note`. The
export writes these notes and the import reads Anki's cards back through the same
(GUID, ordinal) pairs, so both directions follow one rule.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import genanki

from study.anki.media import Media
from study.anki.notetypes import BASIC, CLOZE, COMMAND
from study.anki.render import cloze_count, render, render_plain
from study.notes.card import Card

RETIRED_TAG = "study::retired"

# A value the user fills in: `<name>`, `{{path}}`, `[options]`. Anki's type-in compares
# characters, so a command holding one is asked as a recall card, never typed (README).
_PLACEHOLDER = re.compile(r"<[^<>\s][^<>]*>|\{\{[^{}]+\}\}|\[[^\[\]]+\]")


@dataclass
class AnkiNote:
    """One Anki note and the study card behind each of its card ordinals."""

    note: genanki.Note
    deck: str
    ords: dict[str, int]  # study card id -> Anki card ordinal
    cards: list[Card]


def groups(cards: Iterable[Card]) -> list[list[Card]]:
    """Cards by sibling group, forward card first, in a stable order (deck, file, line)."""
    found: dict[str, list[Card]] = {}
    for card in cards:
        found.setdefault(card.note, []).append(card)
    ordered = [
        sorted(group, key=lambda c: (c.kind.endswith("-reverse"), c.id)) for group in found.values()
    ]
    return sorted(ordered, key=lambda g: (g[0].deck, g[0].source, g[0].line, g[0].note))


def guid_of(group: list[Card], guids: Mapping[str, str]) -> str:
    """The group's Anki GUID: the first stored one of its cards, else its `note` id."""
    return next((guids[card.id] for card in group if card.id in guids), group[0].note)


def has_placeholder(command: str) -> bool:
    """Whether a command holds a value to fill in (`<name>`, `{{path}}`, `[options]`)."""
    return _PLACEHOLDER.search(command) is not None


@lru_cache(maxsize=4096)
def anki_tag(tag: str) -> str:
    """A study tag as an Anki tag: no spaces, `#` dropped, `a/b` nesting as `a::b`."""
    parts = [part for part in tag.lstrip("#").replace("/", "::").split("::") if part.strip()]
    return "::".join("_".join(part.split()) for part in parts)


@lru_cache(maxsize=4096)
def _tags_of(tags: tuple[str, ...]) -> tuple[str, ...]:
    # A note's cards share the note's tags: one computation per distinct set, not per card.
    return tuple(sorted({anki_tag(tag) for tag in tags} - {""}))


def note_tags(group: list[Card], retired: bool = False) -> list[str]:
    """The Anki tags of a group; a note the Markdown no longer has gets `study::retired`."""
    tags = list(_tags_of(tuple(tag for card in group for tag in card.tags)))
    return sorted([*tags, RETIRED_TAG]) if retired else tags


@lru_cache(maxsize=4096)
def context_of(deck: str, path: tuple[str, ...]) -> str:
    return html.escape(" › ".join([deck, *path]), quote=False)


def _deletion(front: str, full: str) -> tuple[int, int, str] | None:
    """Where a deletion card's answer lies in the whole text, and its hint.

    The front is the whole text with this one deletion shown as `[...]` (or `[hint]`):
    the answer is what the front replaces by that bracket.
    """
    pairs = zip(front, full, strict=False)
    same = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(front), len(full)))
    start = front.rfind("[", 0, same + 1)
    end = front.find("]", start) + 1
    if start < 0 or end <= 0:
        return None
    after = front[end:]
    if not full.endswith(after) or start + len(after) >= len(full):
        return None
    hint = front[start + 1 : end - 1]
    return start, len(full) - len(after), "" if hint == "..." else hint


def cloze_markdown(group: list[Card]) -> tuple[str, dict[str, int]] | None:
    """The note's text with Anki deletions (`{{c1::pod}}`, `{{c2::containers}}` in order), and
    each card's ordinal (its deletion's number less one).

    The parser gives each deletion of one text as a sibling card whose back is the whole
    text. None when the cards do not fit that shape; the note is then exported as basic.
    """
    full = group[0].back
    found = [_deletion(card.front, full) if card.back == full else None for card in group]
    if any(span is None for span in found):
        return None
    spans = sorted((span, card.id) for span, card in zip(found, group, strict=True) if span)
    if any(end > start for ((_, end, _), _), ((start, _, _), _) in itertools.pairwise(spans)):
        return None  # overlapping deletions: not one cloze text
    pieces, last, ords = [], 0, {}
    for number, ((start, end, hint), card_id) in enumerate(spans, 1):
        hint = f"::{hint}" if hint else ""
        pieces += [full[last:start], f"{{{{c{number}::{full[start:end]}{hint}}}}}"]
        last = end
        ords[card_id] = number - 1
    return "".join([*pieces, full[last:]]), ords


def build_note(
    group: list[Card],
    media: Media,
    *,
    guid: str,
    tags: list[str],
    deck: str,
    source: Callable[[Card], str],
) -> AnkiNote:
    """One Anki note for a sibling group, in the note type that fits its kind."""
    first = group[0]
    images = media.resolver(first)
    context = context_of(first.deck, first.path)
    where = html.escape(f"{source(first)}:{first.line}", quote=False)

    def made(model: genanki.Model, fields: list[str], ords: dict[str, int]) -> AnkiNote:
        return AnkiNote(genanki.Note(model, fields, tags=tags, guid=guid), deck, ords, group)

    if first.kind == "cloze":
        marked = cloze_markdown(group)
        text = render(marked[0], cloze=True, images=images) if marked else ""
        if marked and cloze_count(text):
            return made(CLOZE, [text, "", context, where], marked[1])
    ords = {card.id: int(card.kind.endswith("-reverse")) for card in group}
    if first.kind in ("command", "command-reverse"):
        forward = first.kind == "command"
        command, description = (first.front, first.back) if forward else (first.back, first.front)
        typed = not forward or len(group) > 1
        if not has_placeholder(command):
            shown = [render_plain(command), render(description, images=images)]
            return made(COMMAND, [*shown, context, where, "y" if typed else ""], ords)
        # A command to fill in: a basic note, the reverse asking to recall it, not to type it.
        block = f'<div class="command">{render_plain(command)}</div>'
        about = render(description, images=images)
        return made(BASIC, [block, about, context, where, about if typed else "", block], ords)
    reverse = next((c for c in group[1:] if c.kind.endswith("-reverse")), None)
    back_front = render(reverse.front, images=images) if reverse else ""
    back_back = render(reverse.back, images=images) if reverse else ""
    if first.kind == "example":  # the front is the command lines themselves
        front = f"<pre><code>{render_plain(first.front)}</code></pre>"
    else:
        front = render(first.front, images=images)
    fields = [front, render(first.back, images=images), context, where, back_front, back_back]
    return made(BASIC, fields, ords)
