"""Card Markdown -> the sanitized HTML an Anki field holds.

The same parser the cards come from (markdown-it-py, CommonMark + GFM tables) renders them,
so what `study` shows and what Anki shows agree. Notes are untrusted text (chat pastes,
copied web pages), so every field goes through nh3 before it reaches Anki: no script, no
event handler, no `javascript:` URL. Anki reads `{{...}}` as template or cloze syntax, so
braces that are not clozes are escaped and show as text (tldr's `{{path/to/file}}`).

What Anki renders itself is handed over in its own syntax: math as `\\(...\\)` / `\\[...\\]` (for
MathJax; `$...$` and `$$...$$` converted), audio as `[sound:name]`. Images that would load
from the network when a card is shown become links; a local reference the export refuses
leaves its alt text, never a broken image.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath import texmath_plugin

from study.anki.code import highlight_blocks
from study.notes.blocks import quiet_markdown_it_logs
from study.notes.cloze import highlight_spans

# Maps a media reference as written in the note (an image, a sound) to the name Anki should
# load, or None to drop it (outside the note's folder, missing, not a file: the resolver
# reports why). The export decides; rendering only asks.
ImageResolver = Callable[[str], str | None]

_MD = (
    MarkdownIt("commonmark", {"html": True})
    .enable(["table", "strikethrough"])
    .use(dollarmath_plugin, allow_space=False, double_inline=True)
    .use(texmath_plugin, delimiters="brackets")
)


def _math(opening: str, closing: str) -> Callable[..., str]:
    def rule(
        self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return opening + html.escape(tokens[idx].content.strip(), quote=False) + closing

    return rule


for _name, _delimiters in (
    ("math_inline", ("\\(", "\\)")),
    ("math_inline_double", ("\\[", "\\]")),
    ("math_block", ("\\[", "\\]\n")),
    ("math_block_label", ("\\[", "\\]\n")),
    ("math_block_eqno", ("\\[", "\\]\n")),
):
    _MD.add_render_rule(_name, _math(*_delimiters))
quiet_markdown_it_logs()  # an export renders every card: skip the rules' debug calls

_TAGS = set(nh3.ALLOWED_TAGS)
_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
for _cell in ("td", "th"):
    _ATTRIBUTES[_cell] = _ATTRIBUTES.get(_cell, set()) | {"style"}
_ATTRIBUTES["code"] = {"class"}  # a fence's `language-x`, read by the highlighter
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
SOUND_SUFFIXES = (".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".flac", ".aac", ".webm")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = r"\s{name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))"
_SRC = re.compile(_ATTRIBUTE.format(name="src"), re.IGNORECASE)
_ALT = re.compile(_ATTRIBUTE.format(name="alt"), re.IGNORECASE)
_SOUND = re.compile(r"\[sound:([^\]\n]+)\]")
_REMOTE = re.compile(r"^\s*https?://", re.IGNORECASE)
# An image markdown-it refused to make (a `file:` or `data:` URL) is left as this text.
_REFUSED_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^()\s]+)[^()]*\)")
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
    body = _outside_code(body, _embed_media)
    if "<img" in body or "<IMG" in body:
        body = _IMG_TAG.sub(lambda match: _image(match.group(), images), body)
    safe = _CLEANER.clean(body)
    if images is not None and ("[sound:" in safe or "![" in safe):
        safe = _outside_code(safe, lambda part: _refused(_sounds(part, images), images))
    safe = _clozes(safe) if cloze else escape_braces(_outside_code(safe, _highlight))
    return highlight_blocks(safe) if '<code class="language-' in safe else safe


# The quick path. A 100k-card export is mostly short answers: plain sentences, a word in
# **bold** or `code`, a tight bullet list. For those the full parser costs 20x the rest of
# the export, so they are rendered here, to exactly the bytes the parser + nh3 give (the
# tests compare both on generated text). Anything else returns None and takes the parser.
_SPECIAL = re.compile(r"[\\\[\]<>{}&~=|$\x00\xa0\r]")
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


def _embed_media(part: str) -> str:
    """Obsidian's `![[img.png]]` becomes an <img>, `![[say.mp3]]` Anki's `[sound:say.mp3]`;
    an embedded note stays as its name."""

    def replace(match: re.Match[str]) -> str:
        target = html.unescape(match.group(1)).strip()
        lowered = target.lower()
        if lowered.endswith(SOUND_SUFFIXES):
            return f"[sound:{html.escape(target, quote=False)}]"
        if not lowered.endswith(_IMAGE_SUFFIXES):
            return html.escape(target, quote=False)
        quoted = html.escape(target, quote=True)
        return f'<img src="{quoted}" alt="{quoted}">'

    return _EMBED.sub(replace, part)


def _attribute(pattern: re.Pattern[str], tag: str) -> str | None:
    found = pattern.search(tag)
    if found is None:
        return None
    return html.unescape(next(value for value in found.groups() if value is not None))


def _image(tag: str, images: ImageResolver | None) -> str:
    """One <img> tag: a remote one as a link (never fetched on display), a local one as the
    resolver names it, or its alt text when the resolver refuses it (no broken image)."""
    src = _attribute(_SRC, tag)
    alt = _attribute(_ALT, tag) or ""
    if src is None:
        return html.escape(alt, quote=False)
    if _REMOTE.match(src):
        url = html.escape(src.strip(), quote=True)
        return f'<a href="{url}">{html.escape(alt or src.strip(), quote=False)}</a>'
    if images is None:
        return tag
    name = images(src)
    if name is None:
        return html.escape(alt, quote=False)
    return _SRC.sub(lambda _: f' src="{html.escape(name, quote=True)}"', tag, count=1)


def _refused(part: str, images: ImageResolver) -> str:
    """An image markdown-it would not make (`file:`, `data:`): reported, its alt text kept."""

    def replace(match: re.Match[str]) -> str:
        images(html.unescape(match.group(2)))  # None: such a URL is never a packed file
        return match.group(1)

    return _REFUSED_IMAGE.sub(replace, part)


def _sounds(part: str, sounds: ImageResolver) -> str:
    """`[sound:x.mp3]` packed like an image, or dropped (and reported) when refused."""

    def replace(match: re.Match[str]) -> str:
        name = sounds(html.unescape(match.group(1)).strip())
        return "" if name is None else f"[sound:{html.escape(name, quote=False)}]"

    return _SOUND.sub(replace, part)


def _highlight(part: str) -> str:
    return _highlights(part, lambda text: f"<mark>{text}</mark>")


def _highlights(part: str, wrap: Callable[[str], str]) -> str:
    """Each `==x==` as `wrap(x)`, found by the parser's own rule (one scan, no regex)."""
    pieces, last = [], 0
    for start, end in highlight_spans(part):
        pieces += [part[last:start], wrap(part[start + 2 : end - 2])]
        last = end
    return "".join([*pieces, part[last:]])


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
