"""Markdown note -> cards, with no markup asked of the user.

The note is parsed once by markdown-it (CommonMark + GFM tables + front matter) and its
token tree is cut into sections at each heading. Each section's blocks then go through the
rules in a fixed order, each rule taking the blocks it understands: explicit cards, tables,
command lists, then aspect sub-sections (whole body -> one card), examples, summary lists,
and whatever prose is left. Pure: text in, cards out, no I/O.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import PurePath

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.front_matter import front_matter_plugin

from study import notetext as nt
from study.card import Card
from study.cardrules import Builder, Section, kept, section_cards


@dataclass
class ParsedNote:
    """One note's cards, the deck they belong to, the note's tags and merge reports."""

    deck: str
    cards: list[Card] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    merged: list[str] = field(default_factory=list)
    related: tuple[str, ...] = ()


_MD: MarkdownIt | None = None


def _markdown() -> MarkdownIt:
    global _MD
    if _MD is None:
        _MD = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    return _MD


def parse_text(text: str, source: str, deck: str | None = None) -> ParsedNote:
    """The cards of one note. `source` is recorded on each card and names the deck last.

    The deck is `deck` if given, else the front matter's `deck:`, else the note's H1, else
    the file name ("docker.md" -> "Docker").
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tokens = _markdown().parse(text)
    root = SyntaxTreeNode(tokens)
    meta = _front_matter(root)
    title, sections = _sections(root)
    prose = _prose(tokens)
    tags = _unique([*_meta_tags(meta), *(tag for run in prose for tag in nt.tags_in(run))])
    related = _unique(nt.wikilinks("\n".join(prose)))
    deck = deck or _meta_str(meta, "deck") or title or _deck_from_file(source)
    builder = Builder(deck=deck, source=source, tags=tags, related=related, lines=text.split("\n"))
    for section in sections:
        section_cards(section, builder)
    return ParsedNote(
        deck=deck, cards=builder.cards(), tags=tags, merged=builder.merged, related=related
    )


def _sections(root: SyntaxTreeNode) -> tuple[str, list[Section]]:
    """The note's title (a leading H1) and its blocks grouped under their heading path."""
    title = ""
    # A single H1 before any content is the note's title; several H1s are its sections.
    is_title = sum(1 for node in root.children if node.type == "heading" and node.tag == "h1") == 1
    stack: list[tuple[int, str]] = []
    current = Section(path=(), line=1)
    sections = [current]
    for node in root.children:
        if node.type != "heading":
            if _chat_break(node):
                # The assistant's closing offer or the next answer's model label ends one
                # pasted answer: headings after it start afresh, not under the last one.
                stack.clear()
                current = Section(path=(), line=node.map[0] + 1 if node.map else 1)
                sections.append(current)
            current.blocks.append(node)
            continue
        level = int(node.tag[1:])
        name = nt.clean_title(_heading_source(node))
        line = node.map[0] + 1 if node.map else 1
        if level == 1 and is_title and not title and not stack and not _has_content(sections):
            title = name
            current = Section(path=(), line=line)
            sections.append(current)
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        shown = nt.aspect_name(name) or name if stack else name
        stack.append((level, shown or "…"))
        current = Section(
            path=tuple(n for _, n in stack),
            line=line,
            aspect=bool(stack[:-1] and nt.aspect_name(name)),
        )
        sections.append(current)
    return title, sections


def _chat_break(node: SyntaxTreeNode) -> bool:
    if node.type != "paragraph" or not node.children:
        return False
    text = nt.plain(node.children[0])
    return bool(nt.strip_symbols(text).strip()) and nt.is_junk(text)


def _heading_source(node: SyntaxTreeNode) -> str:
    """A heading's words: plain text of its inline content (so `**` and code marks go)."""
    inline = node.children[0] if node.children else None
    return nt.plain(inline)


def _has_content(sections: list[Section]) -> bool:
    return any(kept(block) for section in sections for block in section.blocks)


def _front_matter(root: SyntaxTreeNode) -> dict[str, object]:
    for node in root.children:
        if node.type == "front_matter":
            import yaml  # only notes with front matter pay for it

            try:
                data = yaml.safe_load(node.content)
            except (yaml.YAMLError, ValueError, TypeError, RecursionError):
                return {}  # bad front matter (even `date: 2024-02-30`) is ignored, not fatal
            return data if isinstance(data, dict) else {}
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


def _prose(tokens: list[Token]) -> list[str]:
    """The note's runs of prose outside headings and code: where #tags and [[links]] live."""
    runs: list[str] = []
    for before, token in itertools.pairwise([None, *tokens]):
        if token is None or token.type != "inline" or token.children is None:
            continue
        if before is not None and before.type == "heading_open":
            continue
        runs.extend(child.content for child in token.children if child.type == "text")
    return runs


def _deck_from_file(source: str) -> str:
    stem = PurePath(source).stem.replace("_", " ").strip() or "Notes"
    return stem[:1].upper() + stem[1:]


def _unique(items: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return tuple(seen)
