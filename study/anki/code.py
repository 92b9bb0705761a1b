"""Code blocks highlighted for Anki: Pygments token classes, coloured by the note types' CSS.

Classes rather than inline styles, so the colours live once in the note type (`CODE_CSS`) and
follow Anki's night mode; a fence without a language, or with one Pygments does not know,
stays a plain monospace block. Highlighting runs on sanitized HTML and Pygments escapes the
code it gets, so nothing a note says reaches the field unescaped.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

_BLOCK = re.compile(r'<pre><code class="language-([^"]*)">(.*?)</code></pre>', re.DOTALL)

# Short Pygments token classes by family (`k` keyword, `kd` declaration keyword ...): a prefix
# selector covers each family. Day colours after GitHub's light theme, night after its dark one.
CODE_CSS = """\
.hl [class^="k"], .hl .ow { color: #cf222e; }
.hl [class^="s"] { color: #0a3069; }
.hl [class^="c"] { color: #6e7781; font-style: italic; }
.hl [class^="m"] { color: #0550ae; }
.hl .nf, .hl .fm, .hl .nc, .hl .nn { color: #8250df; }
.hl .nb, .hl .bp, .hl .nt, .hl .nv, .hl .vi { color: #116329; }
.hl .na, .hl .gp { color: #953800; }
.nightMode .hl [class^="k"], .nightMode .hl .ow { color: #ff7b72; }
.nightMode .hl [class^="s"] { color: #a5d6ff; }
.nightMode .hl [class^="c"] { color: #8b949e; }
.nightMode .hl [class^="m"] { color: #79c0ff; }
.nightMode .hl .nf, .nightMode .hl .fm, .nightMode .hl .nc, .nightMode .hl .nn { color: #d2a8ff; }
.nightMode .hl .nb, .nightMode .hl .bp, .nightMode .hl .nt, .nightMode .hl .nv,
.nightMode .hl .vi { color: #7ee787; }
.nightMode .hl .na, .nightMode .hl .gp { color: #ffa657; }
"""


def highlight_blocks(body: str) -> str:
    """Every fenced block with a known language, as `<pre class="hl">` with token spans."""
    return _BLOCK.sub(_highlight, body)


def _highlight(match: re.Match[str]) -> str:
    language, escaped = match.group(1), match.group(2)
    lexer = _lexer(language)
    if lexer is None:
        return f"<pre><code>{escaped}</code></pre>"
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    code = html.unescape(escaped)
    spans = highlight(code, lexer, HtmlFormatter(nowrap=True)).rstrip("\n")
    # Anki reads `{{` as a template: the escaped braces stay escaped inside the spans.
    spans = spans.replace("{{", "&#123;&#123;").replace("}}", "&#125;&#125;")
    return f'<pre class="hl" data-language="{html.escape(language)}"><code>{spans}\n</code></pre>'


@lru_cache(maxsize=64)
def _lexer(language: str) -> Any:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None
