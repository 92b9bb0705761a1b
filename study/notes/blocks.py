"""The note's blocks: markdown-it's token stream as a tree, inline text parsed on demand.

Parsing is what every first sync pays for (a 1,000-note vault is ~100,000 cards), so two
things markdown-it would do up front are done here only when a rule asks:

- markdown-it's own `SyntaxTreeNode` is general and slow to build; the rules need only a
  block's type, tag, lines, content and children, so a plain tree is built in one pass.
- Most answers are kept as the user's Markdown source, so the inline structure (emphasis,
  links, code spans) of most blocks is never looked at. The core `inline` rule is off and
  an `Inline` parses its text the first time it is asked, with the same `env` (link
  references) the whole note would have used, so the tokens are the ones markdown-it makes.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from study.notes import notetext as nt

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache
def _markdown() -> MarkdownIt:
    """markdown-it-py, imported and built when first needed, then kept.

    Importing it is ~15 ms of a `study sync`'s start-up, and most syncs never need it: the
    compiled parser reads the blocks of most notes (`native`) and most texts are judged from
    their source. Building one compiles its rule chains: done once.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    markdown = (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .disable(["inline", "text_join"])  # run per text by Inline.tokens(), when needed
    )
    quiet_markdown_it_logs()
    return markdown


def _ignore(*args: object, **kwargs: object) -> None:
    return None


def quiet_markdown_it_logs() -> None:
    """Skip markdown-it's debug logging, which no study command ever shows.

    Each block rule logs every attempt at DEBUG ("entering list: ..."): ~350 calls a note,
    each two function calls in `logging` even with nobody listening, ~6% of a parse. The
    loggers are markdown-it-py's modules': call this once it is imported.
    """
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith("markdown_it.") and isinstance(logger, logging.Logger):
            logger.debug = _ignore  # type: ignore[method-assign]


# The characters at which one of the enabled inline rules (escape, code, emphasis, link,
# image, autolink, html, entity) can start; newlines only give line breaks. Text without
# them parses into text runs and line breaks, nothing else.
_INLINE_SYNTAX = re.compile(r"[\\`*_\[!<&]")
# `**bold**` that CommonMark can only read as strong emphasis: the opening run at the start
# or after a space and before a letter or digit, the closing one after a letter or digit and
# at the end or before a space or . , : ; ! ? ). Such runs are pure openers and closers, so
# with no other `*` around they pair with each other and nothing else (headings such as
# "🐳 1. Docker **Image**" are most of the texts a note's rules read as plain words).
_PLAIN_STRONG = re.compile(r"(?<![^ \t\n])\*\*(?=[^\W_])([^*]*?[^\W_])\*\*(?=[ \t\n.,:;!?)]|\Z)")
# Links, images, autolinks, HTML and entities drop or change letters; the other syntax
# (emphasis, code spans, escapes) only drops marks and changes spacing.
_LETTER_CHANGING = re.compile(r"[\[<&]")
# With no reference definitions in the note, a bracket opens a link or image only as
# `[text](...)`: in a text without `](` then, `[`, `]` and `!` are plain characters (the
# wikilinks of a note's "[[Related note]]" line are most such texts) and syntax can start
# only at one of these. (`same_letters` still counts brackets: a paragraph of wikilinks
# alone says nothing, and `maybe_junk` is what lets the rules look at it.)
_SYNTAX_BUT_LINKS = re.compile(r"[\\`*_<&]")


class Inline:
    """The text of a paragraph, heading or table cell: its source, parsed when needed."""

    __slots__ = ("_env", "_junk", "_map", "_plain", "_tokens", "content")

    def __init__(self, content: str, line_map: list[int] | None, env: dict[str, Any]) -> None:
        self.content = content
        self._map, self._env = line_map, env
        self._tokens: list[Token] | None = None
        self._plain: str | None = None
        self._junk: bool | None = None

    @property
    def plain_source(self) -> bool:
        """True when the text holds no inline syntax at all (most list items and cells)."""
        return not self._holds_syntax(self.content)

    @property
    def same_letters(self) -> bool:
        """True when the plain text's letters and digits are the source's, in order."""
        return _LETTER_CHANGING.search(self.content) is None

    def _links_possible(self) -> bool:
        """Whether a bracket in the text can open a link or an image."""
        return "](" in self.content or bool(self._env.get("references"))

    def _holds_syntax(self, text: str) -> bool:
        """Whether inline syntax can start in `text`: this one, or it with plain bold dropped."""
        if _INLINE_SYNTAX.search(text) is None:
            return False
        return self._links_possible() or _SYNTAX_BUT_LINKS.search(text) is not None

    def maybe_junk(self) -> bool:
        """False when the text surely isn't chat junk (`nt.is_junk`), judged without parsing.

        Most paragraphs are prose with at most some **bold** or `code`; parsing each one
        only to find it is not a chat label or offer was a good part of the parser's time.
        """
        if self._junk is None:
            self._junk = not self.same_letters or nt.could_be_junk(self.content)
        return self._junk

    def tokens(self) -> list[Token]:
        """markdown-it's inline tokens for this text, exactly as `md.parse` would give them."""
        if self._tokens is None:
            self._tokens = _parse_inline(self.content, self._map, self._env)
        return self._tokens

    def plain(self) -> str:
        """The text as words: emphasis, links and code marks dropped, spacing collapsed."""
        if self._plain is None:
            words = self.content
            if "**" in words:
                words = _PLAIN_STRONG.sub(r"\1", words)
            if not self._holds_syntax(words):
                # Only text runs, line breaks and plain bold: the source's words.
                self._plain = " ".join(words.split())
            else:
                parts: list[str] = []
                _plain_into(self.tokens(), parts)
                self._plain = " ".join("".join(parts).split())
        return self._plain

    def text_runs(self) -> list[str]:
        """The contents of the text's `text` tokens: its words outside code spans and tags.

        One line with no inline syntax is one text token, the line itself: not parsed.
        """
        if "\n" not in self.content and self.plain_source:
            return [self.content] if self.content else []
        return [child.content for child in self.tokens() if child.type == "text"]

    def has_image(self) -> bool:
        """An image outside any link or emphasis (a picture is the paragraph's content)."""
        if "![" not in self.content or not self._links_possible():
            return False
        depth = 0
        for child in self.tokens():
            if child.type == "image" and depth == 0:
                return True
            depth += child.nesting
        return False


def _parse_inline(content: str, line_map: list[int] | None, env: dict[str, Any]) -> list[Token]:
    """The core `inline` and `text_join` rules `_markdown()` leaves out, on one text."""
    from markdown_it.rules_core import inline, text_join
    from markdown_it.rules_core.state_core import StateCore
    from markdown_it.token import Token

    token = Token("inline", "", 0, content=content, map=line_map)
    state = StateCore(content, _markdown(), env, [token])
    inline(state)
    text_join(state)
    return token.children or []


def _plain_into(tokens: list[Token], parts: list[str]) -> None:
    for child in tokens:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type != "html_inline" and child.children:
            _plain_into(child.children, parts)  # an image's alt text


class Node:
    """A block: a heading, paragraph, list, item, table part, code block, ..."""

    __slots__ = ("children", "content", "info", "inline", "map", "tag", "type")

    def __init__(
        self, kind: str, tag: str, line_map: list[int] | None, content: str = "", info: str = ""
    ) -> None:
        self.type, self.tag, self.map, self.content, self.info = kind, tag, line_map, content, info
        self.children: list[Node] = []
        self.inline: Inline | None = None  # the text of a paragraph, heading or cell


def code_node(like: Node, code: str, language: str) -> Node:
    """A code block standing where `like` was: pasted code that lost its fence."""
    return Node("fence", "code", like.map, f"{code}\n", language)


def python_blocks(text: str) -> tuple[list[Node], list[tuple[Inline, bool]]]:
    """The note's top-level blocks, and every text in order (True for a heading's).

    markdown-it-py's parse: the reference `native.parse_blocks` matches, and its answer for
    the notes the compiled parser's tree cannot be trusted on.
    """
    env: dict[str, Any] = {}
    tokens = _markdown().parse(text, env)
    top: list[Node] = []
    stack: list[Node] = []
    texts: list[tuple[Inline, bool]] = []
    for token in tokens:
        if token.nesting == -1:
            stack.pop()
            continue
        if token.type == "inline":
            inline = Inline(token.content, token.map, env)
            stack[-1].inline = inline
            texts.append((inline, stack[-1].type == "heading"))
            continue
        kind = token.type[:-5] if token.nesting == 1 else token.type
        node = Node(kind, token.tag, token.map, token.content, token.info)
        (stack[-1].children if stack else top).append(node)
        if token.nesting == 1:
            stack.append(node)
    return top, texts
