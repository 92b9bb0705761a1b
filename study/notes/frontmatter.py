"""A note's YAML front matter, read at a cost bounded by its size.

YAML aliases let 600 bytes stand for a billion-element list (`&a [*b, *b, ...]` nine levels
deep); everything that then walks the value (the tags, `str()` of an item) pays for every
element. Notes have no use for anchors, so a front matter holding an alias is refused whole,
as bad front matter is: ignored, never fatal.
"""

from __future__ import annotations

import re
from typing import Any

# Anchors and aliases both start with one of these; without either, no alias is possible and
# the C loader (~8x faster than the pure-Python one) reads the text as it is.
_MAYBE_ALIAS = re.compile(r"[&*]")


def _alias_refusing_loader() -> type[Any]:
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        """A safe loader that stops at the first alias instead of expanding it."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "aliases are not allowed in front matter", event.start_mark
                )
            return super().compose_node(parent, index)

    return NoAliasLoader


# `deck: docker`, one a line: a word key and a word value, which YAML reads as two strings
# (a plain scalar starting with a letter is a string unless it is one of these words).
_WORD_PAIR = re.compile(r"([A-Za-z][\w-]*):[ ]+([A-Za-z][\w-]*)[ ]*", re.ASCII)
_NOT_STRINGS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})


def _word_pairs(text: str) -> dict[str, object] | None:
    """What YAML reads in front matter of `key: word` lines only, or None for any other.

    Most front matter is one such line (`deck: docker`): read without the YAML loader,
    whose set-up costs more than the line.
    """
    data: dict[str, object] = {}
    for line in text.split("\n"):
        pair = _WORD_PAIR.fullmatch(line)
        if pair is None:
            if line.strip(" "):
                return None
            continue  # blank lines part nothing in a mapping
        key, value = pair.groups()
        if key in data or key.lower() in _NOT_STRINGS or value.lower() in _NOT_STRINGS:
            return None
        data[key] = value
    return data or None


def load_front_matter(text: str) -> dict[str, object]:
    """The front matter as a mapping; {} when it is not a mapping, is bad YAML or uses aliases."""
    simple = _word_pairs(text)
    if simple is not None:
        return simple
    import yaml  # only notes with front matter pay for it

    if _MAYBE_ALIAS.search(text):
        loader: Any = _alias_refusing_loader()
    else:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # a safe loader, C or Python
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return {}  # bad front matter (even `date: 2024-02-30`) is ignored, not fatal
    return data if isinstance(data, dict) else {}
