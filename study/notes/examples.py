"""Code blocks -> cards: code and the sentence that introduces or explains it.

Code pairs with the sentence before it when that sentence introduces it (ends with ":"),
else with the paragraph right after it, which explains it ("This creates ..."). A short
label before the code ("Or manually", "On Windows:", "**Check the permissions**") explains
nothing: it names a step, so the card asks for the step's code under the heading. Code no
one introduced or explained is left to the section's body, or, when the body is only code,
becomes a heading -> code card.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from study.notes import notetext as nt
from study.notes.blocks import Node, code_node
from study.notes.builder import CODE, Blocks, Builder, Section, code_only, line_of, raw_text
from study.notes.labels import bold_label, lead_in

# Names in code and prose: words of three letters or more, with the marks names carry.
_WORD: Final = re.compile(r"[^\W\d_][\w.\-/]{2,}")
_FIRST_WORD: Final = re.compile(r"[^\W\d_]+")
# How a sentence after code points back at it, in the languages of the notes.
_POINTING_BACK: Final = frozenset(
    {"this", "these", "that", "here", "it", "isso", "isto", "esse", "este", "esta", "esto",
     "eso", "aqui", "ceci", "cela", "ici", "cette", "ce", "il", "elle"}
)  # fmt: skip
# A lead-in this short names a step ("Para Windows:", "Add the key with:") rather than
# saying what the code does.
_LABEL_WORDS: Final = 4


def example_cards(blocks: Blocks, section: Section, b: Builder, front: Callable[[], str]) -> Blocks:
    """Example and code cards from a section's code blocks; the blocks left over."""
    rest: Blocks = []
    unexplained: Blocks = []
    topic = section.path[-1] if section.path else b.deck
    i = 0
    while i < len(blocks):
        node = blocks[i]
        i += 1
        if node.type not in CODE:
            rest.append(node)
            continue
        code, _ = nt.clean_code(node.content, node.info)
        if not code:
            continue
        prev = rest[-1] if rest and rest[-1].type == "paragraph" else None
        nxt = blocks[i] if i < len(blocks) and blocks[i].type == "paragraph" else None
        label = step_label(prev) if prev is not None else ""
        if prev is not None and lead_in(prev) and not label:
            rest.pop()
            back = b.source_of(prev).rstrip(":").rstrip()
            b.add("example", section.path, code, code, back, line_of(node))
        elif nxt is not None and _explains(nxt, code):
            if label:
                rest.pop()  # the step's name says less than the sentence explaining it
            b.add("example", section.path, code, code, b.source_of(nxt), line_of(node))
            i += 1
        elif label:
            rest.pop()
            b.add("code", section.path, label, f"{topic} — {label}", b.source_of(node),
                  line_of(node))  # fmt: skip
        else:
            unexplained.append(node)
            rest.append(node)
    if unexplained and len(unexplained) == len(rest):
        for node in unexplained:
            b.add("code", section.path, "", front(), b.source_of(node), line_of(node))
        return []
    return rest


def unfenced_code(blocks: Blocks) -> Blocks:
    """The blocks with code pasted from a chat page without its fence made code again.

    Such code comes after the page's language line and copy button ("bash", "Copy code"),
    on lines or paragraphs of their own: those lines go, the code becomes a code block.
    """
    out: Blocks = []
    language: str | None = None  # set after a copy-button paragraph: the next one is code
    for n, node in enumerate(blocks):
        raw = raw_text(node)
        if node.type != "paragraph" or not raw:
            out.append(node)
            language = None
            continue
        found = nt.copy_buttons(raw)
        if found is None and language is None and _language_before_code(raw, blocks[n + 1 :]):
            language = nt.one_line(raw).lower()
            continue  # "bash" alone above code is the page's caption, not content
        if found is not None:
            code, language = found[0], found[1] or language or ""
        elif language is not None:
            code = raw
        else:
            out.append(node)
            continue
        if code.strip():
            # An inline command (`ping -c 4 host`) is the command without its backticks.
            out.append(code_node(node, code_only(code) or code, language))
            language = None
    return out


def _language_before_code(raw: str, after: Blocks) -> bool:
    if not nt.is_language_line(raw) or not after:
        return False
    nxt = after[0]
    return nxt.type in CODE or nt.copy_buttons(raw_text(nxt)) is not None


def _explains(node: Node, code: str) -> bool:
    """Whether a paragraph right after code explains it: it names something the code holds
    (`mydata`, python, the command) or points back at it ("This ...", "Isso ...")."""
    if lead_in(node) or step_label(node):
        return False
    text = nt.fold(raw_text(node))
    first = _FIRST_WORD.match(text)
    if first and first.group() in _POINTING_BACK:
        return True
    return not set(_WORD.findall(text)).isdisjoint(_WORD.findall(nt.fold(code)))


def step_label(node: Node) -> str:
    """The name of a step, if the paragraph is only that: a bold label or a few words."""
    raw = raw_text(node).strip()
    label = bold_label(raw)
    if label or not raw or "\n" in raw:
        return label
    words = nt.clean_title(node.inline.plain() if node.inline is not None else raw)
    if len(words.split()) > _LABEL_WORDS or any(mark in words for mark in ".;!?,"):
        return ""
    return words
