"""Card Markdown -> the sanitized HTML an Anki field holds.

The same parser the cards come from (markdown-it-py, CommonMark + GFM tables) renders them,
so what `study` shows and what Anki shows agree. Notes are untrusted text (chat pastes,
copied web pages), so every field goes through nh3 before it reaches Anki: no script, no
event handler, no `javascript:` URL. Anki reads `{{...}}` as template or cloze syntax, so
braces that are not clozes are escaped and show as text (tldr's `{{path/to/file}}`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

from study.notes.cloze import highlight_spans

# Maps an image reference as written in the note to the name Anki should load, or None to
# drop it (outside the note's folder, missing). The export decides; rendering only asks.
ImageResolver = Callable[[str], str | None]

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

_TAGS = set(nh3.ALLOWED_TAGS)
_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
for _cell in ("td", "th"):
    _ATTRIBUTES[_cell] = _ATTRIBUTES.get(_cell, set()) | {"style"}
_SCHEMES = {"http", "https", "mailto"}
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    url_schemes=_SCHEMES,
    filter_style_properties={"text-align"},
)

_CODE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", re.DOTALL)
_EMBED = re.compile(r"!\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif")
_BRACES = re.compile(r"\{\{c(\d+)::|\{\{|\}\}")
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")


def render(markdown: str, *, cloze: bool = False, images: ImageResolver | None = None) -> str:
    """The HTML for one field.

    `cloze` turns `==x==` into Anki's `{{c1::x}}`, `{{c2::...}}` in order (numbering after
    any explicit `{{cN::...}}` already in the text) and keeps those; without it `==x==` is
    a highlight. `images` decides what each image reference becomes; without it they stay.
    """
    if images is None:
        return _render_cached(markdown, cloze)
    return _render(markdown, cloze, images)


def render_plain(text: str) -> str:
    """Text shown as is (a command, a file name): escaped, never parsed as Markdown."""
    return escape_braces(html.escape(text, quote=False))


@lru_cache(maxsize=4096)
def _render_cached(markdown: str, cloze: bool) -> str:
    return _render(markdown, cloze, None)


def _render(markdown: str, cloze: bool, images: ImageResolver | None, quick: bool = True) -> str:
    text = markdown.strip()
    fast = _quick(text) if quick else None
    if fast is not None:
        return fast
    body = _unwrap(_MD.render(text))
    body = _outside_code(body, _embed_images)
    if images is not None and "<img" in body:
        safe = nh3.clean(
            body,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes=_SCHEMES,
            filter_style_properties={"text-align"},
            attribute_filter=_image_filter(images),
        )
    else:
        safe = _CLEANER.clean(body)
    if cloze:
        return _clozes(safe)
    return escape_braces(_outside_code(safe, _highlight))


# The quick path. A 100k-card export is mostly short answers: plain sentences, a word in
# **bold** or `code`, a tight bullet list. For those the full parser costs 20x the rest of
# the export, so they are rendered here, to exactly the bytes the parser + nh3 give (the
# tests compare both on generated text). Anything else returns None and takes the parser.
_SPECIAL = re.compile(r"[\\\[\]<>{}&~=|\x00\xa0\r]")
_BLOCK_START = re.compile(r"[-+*]( |$)|[#>]|\d{1,9}[.)]( |$)|[-*_ ]+$|=+$")
_SPAN = re.compile(
    r"(?<!`)`(?P<code>[^`\s](?:[^`]*[^`\s])?)`(?!`)"
    r"|(?<!\*)(?P<star>\*\*?)(?P<starred>[^\W_](?:[^*_`]*[^\W_])?)(?P=star)(?!\*)"
    r"|(?<![^\s(\"'])(?P<under>__?)(?P<underlined>[^\W_](?:[^*_`]*[^\W_])?)(?P=under)(?![^\s.,;:!?)\"'])"
)
_PLAIN_PART = re.compile(r"[^`*_]*")
_MARKS = re.compile(r"[`*_\n]")


def _inline(line: str) -> str | None:
    """One line of plain text, `code`, *em*, **strong** (and `_` forms), or None."""
    if not line or line != line.strip() or _BLOCK_START.match(line):
        return None
    out: list[str] = []
    position = 0
    while position < len(line):
        plain = _PLAIN_PART.match(line, position)
        if plain and plain.end() > position:
            out.append(plain.group())
            position = plain.end()
            continue
        span = _SPAN.match(line, position)
        if span is None:
            return None
        if span.group("code") is not None:
            out.append("<code>" + span.group("code") + "</code>")
        else:
            marks = span.group("star") or span.group("under")
            content = span.group("starred") or span.group("underlined")
            tag = "strong" if len(marks) == 2 else "em"
            out.append(f"<{tag}>{content}</{tag}>")
        position = span.end()
    return "".join(out)


def _quick(text: str) -> str | None:
    if "==" in text or "~~" in text or _SPECIAL.search(text):
        return None
    if not _MARKS.search(text) and not _BLOCK_START.match(text):
        return text  # one line of plain words: nothing to render, nothing to escape
    blocks: list[str] = []
    was_list = False
    for block in text.split("\n\n"):
        lines = block.split("\n")
        is_list = all(line.startswith("- ") for line in lines)
        if is_list and was_list:
            return None  # a blank line between items makes a loose list: the parser's job
        parts = [_inline(line[2:] if is_list else line) for line in lines]
        if any(part is None for part in parts):
            return None
        if is_list:
            blocks.append("<ul>\n" + "".join(f"<li>{part}</li>\n" for part in parts) + "</ul>")
        else:
            blocks.append("<p>" + "\n".join(parts) + "</p>")  # type: ignore[arg-type]
        was_list = is_list
    return _unwrap("\n".join(blocks))


def _unwrap(body: str) -> str:
    # A one-paragraph answer sits in the card's own layout, not in a <p> with margins.
    body = body.strip()
    if body.startswith("<p>") and body.endswith("</p>") and body.count("<p>") == 1:
        return body[3:-4]
    return body


def _outside_code(body: str, change: Callable[[str], str]) -> str:
    """Applies `change` to the HTML outside <pre> and <code>: code is shown as written."""
    pieces: list[str] = []
    last = 0
    for match in _CODE.finditer(body):
        pieces.append(change(body[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(change(body[last:]))
    return "".join(pieces)


def _embed_images(part: str) -> str:
    """Obsidian's `![[img.png]]` becomes an <img>; an embedded note stays as its name."""

    def replace(match: re.Match[str]) -> str:
        target = html.unescape(match.group(1)).strip()
        if not target.lower().endswith(_IMAGE_SUFFIXES):
            return html.escape(target, quote=False)
        quoted = html.escape(target, quote=True)
        return f'<img src="{quoted}" alt="{quoted}">'

    return _EMBED.sub(replace, part)


def _highlight(part: str) -> str:
    return _highlights(part, lambda text: f"<mark>{text}</mark>")


def _highlights(part: str, wrap: Callable[[str], str]) -> str:
    """Each `==x==` as `wrap(x)`, found by the parser's own rule (one scan, no regex)."""
    pieces, last = [], 0
    for start, end in highlight_spans(part):
        pieces += [part[last:start], wrap(part[start + 2 : end - 2])]
        last = end
    return "".join([*pieces, part[last:]])


def _image_filter(images: ImageResolver) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return images(value)
        return value

    return keep


def escape_braces(text: str) -> str:
    """`{{` and `}}` as HTML entities, so Anki shows them instead of reading a template."""
    if "{{" not in text and "}}" not in text:
        return text
    text = re.sub(r"\{\{+", lambda m: "&#123;" * len(m.group()), text)
    return re.sub(r"\}\}+", lambda m: "&#125;" * len(m.group()), text)


def _clozes(body: str) -> str:
    """`==x==` -> `{{cN::x}}`; real clozes kept, every other brace pair escaped."""
    numbers = [int(n) for n in _CLOZE_NUMBER.findall(body)]
    counter = iter(range(max(numbers, default=0) + 1, 10**6))

    def number(text: str) -> str:
        return f"{{{{c{next(counter)}::{text}}}}}"

    body = _outside_code(body, lambda part: _highlights(part, number))
    return _keep_clozes(body)


def _keep_clozes(body: str) -> str:
    # A small bracket matcher: `{{c1::cp {{src}} dst}}` keeps the cloze and escapes the
    # placeholder inside it; an unclosed `{{c1::` is escaped like any other brace.
    pieces: list[str] = []
    stack: list[tuple[bool, int]] = []  # (is a cloze, index of its opening piece)
    last = 0
    for match in _BRACES.finditer(body):
        pieces.append(body[last : match.start()])
        last = match.end()
        token = match.group()
        if token == "}}":
            is_cloze = stack.pop()[0] if stack else False
            pieces.append("}}" if is_cloze else "&#125;&#125;")
            continue
        stack.append((match.group(1) is not None, len(pieces)))
        pieces.append(token if match.group(1) is not None else "&#123;&#123;")
    pieces.append(body[last:])
    for is_cloze, index in stack:
        if is_cloze:
            pieces[index] = "&#123;&#123;" + pieces[index][2:]
    return "".join(pieces)


def cloze_count(field: str) -> int:
    """How many distinct cloze numbers a rendered field holds (0: not a cloze after all)."""
    return len(set(_CLOZE_NUMBER.findall(field)))
