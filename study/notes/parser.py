"""Markdown note -> cards, with no markup asked of the user.

The note is parsed once by markdown-it (CommonMark + GFM tables + front matter; see
`study.blocks`) and its block tree is cut into sections at each heading. Each section's
blocks then go through the rules in a fixed order, each rule taking the blocks it
understands: explicit cards, tables, command lists, then aspect sub-sections (whole body ->
one card), examples, summary lists, and whatever prose is left. Pure: text in, cards out,
no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from study.notes import hashcards, optout
from study.notes import notetext as nt
from study.notes.blocks import Inline, Node
from study.notes.builder import Builder, Dropped, Section, kept, line_of
from study.notes.card import Card
from study.notes.cardrules import section_cards
from study.notes.commands import demote_command_headings
from study.notes.frontmatter import load_front_matter
from study.notes.labels import block_labels
from study.notes.native import parse_blocks
from study.notes.prune import prune


@dataclass
class ParsedNote:
    """One note's cards, the deck they belong to, the note's tags, merge and drop reports."""

    deck: str
    cards: list[Card] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    merged: list[str] = field(default_factory=list)
    related: tuple[str, ...] = ()
    dropped: list[Dropped] = field(default_factory=list)
    # (first, last) 1-based lines the user left out (`study: false`, `<!-- study: skip -->`)
    left_out: list[tuple[int, int]] = field(default_factory=list)


def parse_text(text: str, source: str, deck: str | None = None) -> ParsedNote:
    """The cards of one note. `source` is recorded on each card and names the deck last.

    The deck is `deck` if given, else the front matter's `deck:` (or hashcards' TOML
    `name = "..."`), else the note's H1, else the file name ("docker.md" -> "Docker").
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, drilled = hashcards.extract(text)  # Q:/A: and C: cards; their lines blanked
    text = _without_toml_front_matter(text)
    top, texts = parse_blocks(text)
    demote_command_headings(top)
    meta = _front_matter(top)
    title, sections = _sections(top)
    _mark_headless(title, sections)
    prose = _prose(texts)
    tags = _unique([*_meta_tags(meta), *(tag for run in prose for tag in nt.tags_in(run))])
    related = _unique(nt.wikilinks("\n".join(prose)))
    deck = deck or _meta_str(meta, "deck") or hashcards.deck_name(top) or title
    deck = deck or _deck_from_file(source)
    builder = Builder(deck=deck, source=source, tags=tags, related=related, lines=text.split("\n"))
    kept = [] if optout.note_left_out(meta) else optout.kept_sections(sections)
    for section in kept:
        section_cards(section, builder)
    hashcards.add_cards(drilled, sections, kept, builder)
    pruned = prune(builder.cards())
    return ParsedNote(
        deck=deck, cards=pruned.cards, tags=tags, merged=[*builder.merged, *pruned.merged],
        related=related, dropped=[*builder.dropped, *pruned.dropped],
        left_out=optout.left_out_lines(sections, kept),
    )  # fmt: skip


def _sections(top: list[Node]) -> tuple[str, list[Section]]:
    """The note's title (a leading H1) and its blocks grouped under their heading path."""
    title = ""
    # A single H1 before any content is the note's title; several H1s are its sections.
    is_title = sum(1 for node in top if node.type == "heading" and node.tag == "h1") == 1
    stack: list[tuple[int, str]] = []
    current = Section(path=(), line=1)
    sections = [current]
    for n, node in enumerate(top):
        if node.type != "heading":
            labels = block_labels(node, top[n + 1] if n + 1 < len(top) else None)
            for k, label in enumerate(labels):
                # A bold label or a numbered title line is a sub-heading of the heading above.
                path = (*(name for _, name in stack), label)
                line = line_of(node.children[k] if len(labels) > 1 else node)
                current = Section(path=path, line=line, label=True)
                sections.append(current)
            if labels:
                continue
            if node.type == "hr" and current.label:
                # A slide break (Marp, reveal.js) ends a bold label's slide: what follows is
                # the heading's again, not the label's.
                current = _heading_section(sections, tuple(name for _, name in stack))
                continue
            if _chat_break(node):
                # The assistant's closing offer or the next answer's model label ends one
                # pasted answer: headings after it start afresh, not under the last one.
                stack.clear()
                current = Section(path=(), line=node.map[0] + 1 if node.map else 1, chat=True)
                sections.append(current)
            current.blocks.append(node)
            continue
        level = int(node.tag[1:])
        name = nt.clean_title(node.inline.plain() if node.inline else "")
        line = node.map[0] + 1 if node.map else 1
        if level == 1 and is_title and not title and not stack and not _has_content(sections):
            title = name
            current = Section(path=(), line=line)
            sections.append(current)
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        aspect = nt.aspect_name(name) if stack else None  # "What it is" under a concept
        stack.append((level, aspect or name or "…"))
        current = Section(path=tuple(n for _, n in stack), line=line, aspect=bool(aspect))
        sections.append(current)
    return title, sections


def _mark_headless(title: str, sections: list[Section]) -> None:
    """A note with no heading but its title (an outline, a log, an atomic note) is all body:
    the text under the title is what the note says, not a preface to sections that never
    come. (With no title either, only an opening definition is taken: a scrap of text.)"""
    if not title or any(section.path and not section.label for section in sections):
        return
    for section in sections:
        section.whole = not section.path


def _chat_break(node: Node) -> bool:
    if node.type != "paragraph" or node.inline is None or not node.inline.maybe_junk():
        return False
    text = node.inline.plain()
    return bool(nt.strip_symbols(text).strip()) and nt.is_junk(text)


def _has_content(sections: list[Section]) -> bool:
    return any(kept(block) for section in sections for block in section.blocks)


def _heading_section(sections: list[Section], path: tuple[str, ...]) -> Section:
    """The section of the heading at `path` (the latest one), to take its blocks again."""
    for section in reversed(sections):
        if section.path == path and not section.label:
            return section
    return sections[0]


def _without_toml_front_matter(text: str) -> str:
    """The text with a leading `+++` block blanked, line numbers kept: markdown-it reads only
    YAML's `---` as front matter, and would make the settings a paragraph."""
    if text.partition("\n")[0].strip() != "+++":
        return text  # most notes: not split into lines only to look at the first
    lines = text.split("\n")
    settings = nt.toml_front_matter(lines)
    if not settings:
        return text
    return "\n" * len(settings) + "\n".join(lines[len(settings) :])


def _front_matter(top: list[Node]) -> dict[str, object]:
    for node in top:
        if node.type == "front_matter":
            return load_front_matter(node.content)
    return {}


def _meta_str(meta: dict[str, object], key: str) -> str:
    value = meta.get(key)
    return "" if value is None or isinstance(value, dict | list) else nt.one_line(str(value))


def _meta_tags(meta: dict[str, object]) -> list[str]:
    value = meta.get("tags", meta.get("tag"))
    if isinstance(value, str):
        items: list[object] = [part for chunk in value.split(",") for part in chunk.split()]
    elif isinstance(value, list):
        items = value
    else:
        return []
    return [str(item).strip().lstrip("#") for item in items if str(item).strip().lstrip("#")]


def _prose(texts: list[tuple[Inline, bool]]) -> list[str]:
    """The note's runs of prose outside headings and code: where #tags and [[links]] live."""
    runs: list[str] = []
    for inline, heading in texts:
        if heading or not _may_hold_marks(inline.content):
            continue
        runs.extend(inline.text_runs())
    return runs


def _may_hold_marks(text: str) -> bool:
    """A text run can hold a `#` or `[` only if the source has one (escaped or not) or an
    entity (&num;) or percent-encoded autolink (<http://x/%5B>) that decodes to one. Texts
    with none hold no #tags or [[links]] and are not parsed for them (most are never parsed).
    Four substring scans: a regex search cost several times more, on every text of a note."""
    return "#" in text or "[" in text or "&" in text or "%" in text


def _deck_from_file(source: str) -> str:
    stem = PurePath(source).stem.replace("_", " ").strip() or "Notes"
    return stem[:1].upper() + stem[1:]


def _unique(items: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)
