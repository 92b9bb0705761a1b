"""The card rules: which blocks of a section become which cards, and in which order.

Each rule takes the blocks it understands out of a section's list and returns the rest, so
the order of the rules is the order of precedence (an explicit `front::back` card is never
also prose): explicit cards, tables, command lists, then examples, summaries and concepts.
"""

from __future__ import annotations

import itertools
import re
from typing import Final

from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.bodies import definition_pieces, split_body
from study.notes.builder import (
    LISTS,
    Blocks,
    Builder,
    Dropped,
    Section,
    kept,
    line_of,
    raw_text,
)
from study.notes.card import MAX_ANSWER_CHARS
from study.notes.commands import command_cards
from study.notes.examples import example_cards, unfenced_code
from study.notes.explicit import explicit_cards
from study.notes.labels import lead_in
from study.notes.tables import table_cards
from study.notes.terms import term_of


def section_cards(section: Section, b: Builder) -> None:
    """Run the rules over one section's blocks, in order of precedence."""
    # Copy buttons tell where pasted code starts: read before kept() drops them as junk.
    blocks = [node for node in unfenced_code(_after_teaser(section)) if kept(node)]
    given = blocks
    for rule in (explicit_cards, table_cards, command_cards):
        blocks = rule(blocks, section, b)
    if section.whole:
        # A note with no heading but its title is all body, but for a quote opening it (a
        # tldr page's summary, an epigraph): that introduces, as a preface does.
        blocks = list(itertools.dropwhile(lambda node: node.type == "blockquote", blocks))
    elif not section.path:
        # Before the first heading only the note's opening definition ("A nebula is ...")
        # is asked about: the rest is a preface, a table of contents, a tldr summary.
        opening = blocks and not section.chat and _opening(blocks[0], b.deck)
        blocks = blocks[:1] if opening else []
    if not section.aspect:
        blocks = example_cards(
            blocks, section, b, lambda: concept_front(section.path, b.deck, section.label)
        )
        # "A table is made of:" and a glossary list, alone under a heading, is also the
        # heading's answer: the list is what the heading consists of.
        enumeration = len(blocks) == 2 and lead_in(blocks[0]) and blocks[1].type in LISTS
        rest = _summaries(blocks, section, b)
        if enumeration and rest == blocks[:1]:  # the list became summaries
            _whole(blocks, section, b)
        blocks = rest
    _concept(_without_asides(_without_orphan_lead_ins(blocks, given, b), b), section, b)


# "Source: Wikipedia", "Font: Viquipèdia", "Quelle: Skript": where the text came from, a
# name or a title of a few words, not a sentence ("Source: the pin that feeds the current.").
_SOURCE: Final = re.compile(
    r"(?:sources?|fonts?|fontes?|fuentes?|quellen?|bron(?:nen)?)\s*:(?:\s+[^\s]+){1,6}(?<!\.)",
    re.IGNORECASE,
)
# "[Lecture 2]", "[Vorlesung 3]", "[Sessió 4]": a bracketed label on a line of its own marks
# where a lecture or session began, not content. Not a checkbox ("[ ]", "[x]"), a footnote
# ("[^1]"), a callout ("[!note]") or a wikilink; a reference link is told apart by its text.
_MARKER: Final = re.compile(r"\[(?![ xX]?\])(?![\^!\[])[^\[\]\n]+\]")
# "**Tip:** work it out with WolframAlpha https://...": a tip that sends the reader to a
# link is advice on tools (an editor, a calculator, a site), not what the note teaches.
_LINKED_TIP: Final = re.compile(
    r"[*_]*(?:tips?|tipps?|astuces?|consejos?|dicas?|consigli[oa]?|consells?)\s*:.*"
    r"(?:https?://|\]\()",
    re.IGNORECASE | re.DOTALL,
)


def _aside(node: Node) -> str | None:
    """Why a paragraph is an aside with nothing to learn, or None for content."""
    text = raw_text(node).strip()
    if not text:
        return None
    # Cheap tests first: a source line and a tip name theirs after a colon, and a marker is
    # bracketed; most paragraphs are none of these and need no regex.
    colon = ":" in text
    if colon and _SOURCE.fullmatch(nt.one_line(text)):
        return "names where the text came from"
    if (
        text.startswith("[")
        and _MARKER.fullmatch(text)
        and node.inline is not None
        and node.inline.plain().strip() == text
    ):
        return "marks where a lecture began"
    if colon and _LINKED_TIP.match(text):
        return "a tip on tools, with a link"
    return None


def _without_asides(blocks: Blocks, b: Builder) -> Blocks:
    """The blocks less asides: a line naming the text's source, a lecture marker, a linked
    tip. None has anything to learn, and alone under a heading it would be its answer."""
    kept_blocks = []
    for node in blocks:
        why = _aside(node)
        if why:
            b.dropped.append(Dropped(line_of(node), nt.one_line(raw_text(node)), why))
        else:
            kept_blocks.append(node)
    return kept_blocks


def _without_orphan_lead_ins(blocks: Blocks, given: Blocks, b: Builder) -> Blocks:
    """The blocks left for the section's own card, less each lead-in ("The two kinds are:")
    whose list or table an earlier rule made cards of: alone it introduces nothing."""
    if not blocks or len(blocks) == len(given):
        return blocks  # the rules keep what they leave in order: none took a block here
    left = {id(node) for node in blocks}
    orphans = {
        id(node)
        for node, after in itertools.pairwise(given)
        if id(node) in left and id(after) not in left and after.type != "paragraph"
        and lead_in(node)
    }  # fmt: skip
    for node in blocks:
        if id(node) in orphans:
            reason = "introduces the cards made of what follows it"
            b.dropped.append(Dropped(line_of(node), nt.one_line(raw_text(node)), reason))
    return [node for node in blocks if id(node) not in orphans]


# Hugo, Zola, Jekyll and Hexo end a post's teaser (the summary shown in lists) with this.
_MORE: Final = re.compile(r"<!--\s*more\s*-->\s*", re.IGNORECASE)


def _after_teaser(section: Section) -> Blocks:
    """A section's blocks, but none before the first heading of a post with a teaser: the text
    above `<!-- more -->` introduces the post ("These notes cover..."), and what follows
    before the first heading is more preface, not the note's opening definition."""
    blocks = section.blocks
    if section.path:
        return blocks
    teaser = any(node.type == "html_block" and _MORE.fullmatch(node.content) for node in blocks)
    return [] if teaser else blocks


def _opening(node: Node, subject: str) -> bool:
    """A paragraph that can define the note's subject: not a lead-in, not a picture, and
    short or naming the subject early ("Git is ..."): a long one that does not opens a
    personal preface.
    """
    inline = node.inline if node.type == "paragraph" else None
    if inline is None or lead_in(node) or inline.has_image():
        return False
    head = inline.content[: MAX_ANSWER_CHARS // 2]  # a definition names its subject early
    if sum(1 for word in head.split() if any(ch.isalpha() for ch in word)) < 4:
        return False  # a definition says something of something: a few words at least
    if len(inline.content) <= MAX_ANSWER_CHARS:
        return True
    return set(nt.fold(subject).split()) <= set(nt.fold(head).split())


def _summaries(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    """`**Term** = definition` and `Term: definition` lists -> term -> definition cards.

    Display formulas (`$$...$$`) right after such a list belong to its last term: "- Case 1:
    known sigma" then the interval's formula is that case's answer.
    """
    rest: Blocks = []
    taken: set[int] = set()
    for n, node in enumerate(blocks):
        if id(node) in taken:
            continue
        items = node.children if node.type in LISTS else []
        pairs = [
            term_of(raw_text(item.children[0])) if len(item.children) == 1 else None
            for item in items
        ]
        if not items or not all(pairs):
            rest.append(node)
            continue
        formulas = list(itertools.takewhile(_display_math, blocks[n + 1 :]))
        taken.update(id(formula) for formula in formulas)
        for k, (item, pair) in enumerate(zip(items, pairs, strict=True)):
            term, definition = pair or ("", "")
            if k == len(items) - 1 and formulas:
                definition = "\n\n".join([definition, *(b.source_of(f) for f in formulas)])
            for piece in definition_pieces(term, term, definition, line_of(item)):
                b.add("summary", section.path, piece.key, piece.front, piece.back, piece.line)
    return rest


def _display_math(node: Node) -> bool:
    text = raw_text(node).strip()
    return len(text) > 4 and text.startswith("$$") and text.endswith("$$")


def concept_front(path: tuple[str, ...], deck: str, label: bool = False) -> str:
    """ "Docker Image — What it is": the concept and the aspect, or the deck and the topic.

    A heading that asks a question ("What is a nebula?") is the front itself, but a bold
    label asking one ("**Trouble in this layer?**") may lean on its heading, which stays.
    Text before the first heading is about the note's subject, its deck.
    """
    if not path:
        return deck
    if nt.is_question(path[-1]) and nt.aspect_name(path[-1]) is None and not label:
        return path[-1]
    if len(path) >= 2:
        return f"{path[-2]} — {path[-1]}"
    if set(nt.fold(deck).split()) <= set(nt.fold(path[0]).split()):
        return path[0]
    return f"{deck} — {path[0]}"


def _whole(blocks: Blocks, section: Section, b: Builder) -> None:
    body = "\n\n".join(b.source_of(node) for node in blocks)
    if len(body) <= MAX_ANSWER_CHARS:
        front = concept_front(section.path, b.deck, section.label)
        b.add("concept", section.path, "", front, body, section.line)


def _concept(blocks: Blocks, section: Section, b: Builder) -> None:
    if not blocks or (len(blocks) == 1 and lead_in(blocks[0])):
        return
    front = concept_front(section.path, b.deck, section.label)
    topic = (section.path[-2] if section.aspect and len(section.path) > 1 else
             section.path[-1] if section.path else b.deck)  # fmt: skip
    for piece in split_body(blocks, front, topic, b, apart=not section.aspect):
        # A section's own card is asked at its heading; the text before any, where it is.
        line = section.line if section.path and not piece.key else piece.line
        b.add("concept", section.path, piece.key, piece.front, piece.back, line)
