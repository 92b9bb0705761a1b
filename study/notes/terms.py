"""Terms and labels: where a line names the thing it defines, in the shapes notes use.

`**Term**: definition`, `Term: definition`, `Term - definition`, `Term (definition)`, a
line that is only a label (`**Term**`, `Term:`), and an outline's node whose facts are typed
on the lines under its name. Each gives the term (a card's key and question) and the text.
"""

from __future__ import annotations

import re
from typing import Final

from study.notes import notetext as nt
from study.notes.builder import TERM_PATTERNS
from study.notes.labels import bold_label

# `Term - definition` and `Term (definition)` with a plain term: only a short term (a name,
# not a clause) counts.
_DASH_TERM: Final = re.compile(r"()([^-`\n]{1,60}?)\s+-\s+(.+)", re.DOTALL)
_GLOSS_TERM: Final = re.compile(
    r"()([^()`\n]{1,40}?)\s+\(([^()]*(?:\([^()]*\)[^()]*)*\s[^()]*)\)", re.DOTALL
)
_SHORT_TERMS: Final = (_DASH_TERM, _GLOSS_TERM)
# A plain label standing alone on its line: `Term:`.
_PLAIN_LABEL: Final = re.compile(r"([^:`\n]{1,60}?)\s*:")
MAX_TERM_WORDS: Final = 6
# An outline's node: a name of a few words, with nothing that makes it a sentence or code.
_OUTLINE_WORDS: Final = 4
_NOT_A_NAME: Final = re.compile(r"[.,;:!?`\[\]<>=]")
# An outline's node with its facts on the lines under it: a title, not a sentence that wraps.
_MAX_NODE_WORDS: Final = 8
_SENTENCE_TAIL: Final = re.compile(r"[.,;:!?]\s*$|^\W*$")


def term_of(raw: str) -> tuple[str, str] | None:
    """(term, definition) of a line that defines a term, in any of the label shapes."""
    text = raw.strip()
    for pattern in (*TERM_PATTERNS, *_SHORT_TERMS):
        match = pattern.fullmatch(text)
        if match:
            term = _unmarked(nt.one_line(nt.plain_links(match.group(2))).strip("*_ "))
            words = len(term.split())
            # A term never holds half of a formula or a parenthesis ("Graph $G = (V, E)$").
            balanced = term.count("$") % 2 == 0 and term.count("(") == term.count(")")
            # A plain term is a short name; one the note sets in bold may run longer.
            short = pattern in _SHORT_TERMS and "**" not in match.group(2)
            if balanced and term and words <= (4 if short else MAX_TERM_WORDS):
                return term, nt.tidy(match.group(3))
    return None


def node_name(raw: str) -> bool:
    """True for a line that names an outline's node: a title of a few words, no sentence."""
    head = raw.strip()
    return (
        "\n" not in head
        and 0 < len(head.split()) <= _MAX_NODE_WORDS
        and not (_SENTENCE_TAIL.search(head))
    )


def _unmarked(term: str) -> str:
    """A term whose bold was cut in half where it was split from its definition ("1906 -
    **Radio**: ..." -> "1906 - **Radio") without its marks; a whole bold span is kept."""
    if term.count("**") % 2 or term.count("__") % 2:
        return " ".join(term.replace("**", "").replace("__", "").split())
    return term


def line_term(raw: str) -> tuple[str, str] | None:
    """(term, definition) of an item's first paragraph: a term defined on its line, or an
    outline's node typed with its facts on the lines under it, with no bullets ("**Bernini**"
    or "La crocifissione di S. Pietro", then "Chiesa di Santa Maria del Popolo", ...)."""
    pair = term_of(raw)
    if pair is not None:
        return pair
    head, _, rest = raw.strip().partition("\n")
    name = bold_label(head) or nt.clean_title(head)
    short = 0 < len(name.split()) <= _MAX_NODE_WORDS and not _SENTENCE_TAIL.search(head)
    return (name, nt.tidy(rest)) if rest.strip() and short else None


def label_of(raw: str) -> str:
    """The label of a line that is only a label (`**Term**`, `Term:`, or a name of a few
    words with no sentence in it, as an outline's node is), else ""."""
    text = raw.strip()
    match = _PLAIN_LABEL.fullmatch(text)
    label = bold_label(text) or (nt.clean_title(match.group(1)) if match else "")
    if not label and len(text.split()) <= _OUTLINE_WORDS and not _NOT_A_NAME.search(text):
        label = nt.clean_title(text)
    return label if 0 < len(label.split()) <= MAX_TERM_WORDS else ""
