"""Blocks that act as headings though they are not: bold labels and title lines.

Many notes mark their sub-topics without Markdown headings: a paragraph that is only a bold
label (`**Architecture**`, `**What is a deadlock?**`, `**Continuous delivery (CD):**`), a
short line marked by a symbol ("🔹 Referential integrity"), or a numbered line standing
alone as a title or a question ("2. What was the Renaissance") followed by its answer. All
are read as one more level of heading, by their shape alone. Lead-ins (a paragraph ending
with ":") are judged here too: they introduce what follows them.
"""

from __future__ import annotations

import re
from typing import Final

from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import CODE, raw_text

# The whole paragraph is one bold run, with an optional colon inside or after it.
_BOLD_LABEL: Final = re.compile(r"(\*\*|__)(?P<label>[^*_\n]{1,120}?)\1\s*:?")
_MAX_LABEL_WORDS: Final = 12
# A title line does not end as a sentence or a lead-in does.
_SENTENCE_ENDS: Final = (".", ":", ";", ",", "!")
_CLAUSE_ENDS: Final = (".", ";", ",", "!")  # a bold label may end with a colon, not these


def block_labels(node: Node, after: Node | None) -> list[str]:
    """The sub-headings a top-level block stands for, or [] if it is content.

    A numbered list of questions and nothing else is a run of headings: each question's
    answer is what follows it (the last one's, the blocks after the list).
    """
    if node.type == "paragraph" and node.inline is not None:
        label = bold_label(node.inline.content) or _marked_title(node.inline.content, after)
        return [label] if label else []
    if node.type != "ordered_list":
        return []
    if len(node.children) == 1:
        label = _numbered_title(node.children[0], after)
        return [label] if label else []
    titles = [_numbered_title(item, after) for item in node.children]
    return titles if all(t.endswith("?") for t in titles) else []


def bold_label(raw: str) -> str:
    """The label of a paragraph that is only a bold label (`**Architecture:**`), else ""."""
    match = _BOLD_LABEL.fullmatch(raw.strip())
    if match is None or match.group("label").rstrip().endswith(_CLAUSE_ENDS):
        return ""  # "**Never run it as root.**" is a sentence in bold: content, not a label
    return _title(match.group("label"))


def _marked_title(raw: str, after: Node | None) -> str:
    """ "🔹 Referential integrity" alone on a line, then its text: a title marked by a symbol."""
    text = raw.strip()
    if "\n" in text or not text or nt.strip_symbols(text[0]) or text.endswith(_SENTENCE_ENDS):
        return ""  # the first character is kept by strip_symbols: a letter, not a mark
    if after is None or after.type != "paragraph":
        return ""
    return _title(text)


def _numbered_title(item: Node, after: Node | None) -> str:
    """ "3. Renaissance" or "2. What was Humanism?" alone, then the blocks answering it."""
    if len(item.children) != 1 or item.children[0].type != "paragraph":
        return ""
    inline = item.children[0].inline
    raw = inline.content.strip() if inline is not None else ""
    if not raw or "\n" in raw or raw.endswith(_SENTENCE_ENDS):
        return ""
    # A step whose code follows it is a procedure, not a title ("2. Add the key" + code).
    if after is None or after.type in CODE or after.type == "ordered_list":
        return ""
    return _title(inline.plain() if inline is not None else raw)


def _title(text: str) -> str:
    title = nt.clean_title(text)
    return title if 0 < len(title.split()) <= _MAX_LABEL_WORDS else ""


def lead_in(node: Node) -> bool:
    """A paragraph introducing what follows it: it ends with a colon."""
    return node.type == "paragraph" and raw_text(node).rstrip().endswith(":")
