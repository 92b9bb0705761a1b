"""Card Markdown -> the sanitized HTML Anki shows."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.anki import render as render_module
from study.anki.render import cloze_count, escape_braces, render, render_plain


def test_plain_text_stays_plain() -> None:
    assert render("  Lists running containers.  ") == "Lists running containers."
    assert render('say "hi" & <b>') == 'say "hi" &amp; <b></b>'


def test_inline_markup() -> None:
    assert render("Use `docker ps` to *list* **running** ~~old~~ ones") == (
        "Use <code>docker ps</code> to <em>list</em> <strong>running</strong> <s>old</s> ones"
    )


def test_code_block_is_a_monospace_pre() -> None:
    html = render("```\ndocker run -it python:3.11 bash\n```")
    assert html == "<pre><code>docker run -it python:3.11 bash\n</code></pre>"


def test_code_block_keeps_its_language_and_is_highlighted() -> None:
    html = render("```python\nif x < 1:  # small\n    f('{{a}}')\n```")
    assert html == (
        '<pre class="hl" data-language="python"><code><span class="k">if</span> '
        '<span class="n">x</span> <span class="o">&lt;</span> '
        '<span class="mi">1</span><span class="p">:</span>  <span class="c1"># small</span>\n'
        '    <span class="n">f</span><span class="p">(</span>'
        '<span class="s1">\'&#123;&#123;a&#125;&#125;\'</span><span class="p">)</span>\n'
        "</code></pre>"
    )


def test_an_unknown_language_stays_a_plain_block() -> None:
    assert render("```nosuchlanguage\na <b>\n```") == "<pre><code>a &lt;b&gt;\n</code></pre>"


@pytest.mark.parametrize(
    ("markdown", "field"),
    [
        (r"\(E = mc^2 \, x<y\)", r"\(E = mc^2 \, x&lt;y\)"),
        (r"mass $m_1$ costs $5 and $6", r"mass \(m_1\) costs $5 and $6"),
        ("$$a^2 + b^2$$", r"\[a^2 + b^2\]"),
        ("$$\n\\frac{a}{b}\n$$", r"\[\frac{a}{b}\]"),
        ("\\[\nx^2\n\\]", r"\[x^2\]"),
    ],
)
def test_math_reaches_anki_in_its_mathjax_delimiters(markdown: str, field: str) -> None:
    assert render(markdown) == field


def test_remote_images_become_links_and_are_never_loaded() -> None:
    html = render('![chart](https://example.com/c.png) <img src="http://example.com/x.gif">')
    assert html == (
        '<a href="https://example.com/c.png" rel="noopener noreferrer">chart</a> '
        '<a href="http://example.com/x.gif" rel="noopener noreferrer">http://example.com/x.gif</a>'
    )


def test_audio_is_an_anki_sound_resolved_like_an_image() -> None:
    asked: list[str] = []

    def resolve(src: str) -> str | None:
        asked.append(src)
        return None if src == "gone.mp3" else f"m-{src}"

    html = render("Say ![[say.mp3]] and [sound:hi.ogg] not [sound:gone.mp3]", images=resolve)
    assert html == "Say [sound:m-say.mp3] and [sound:m-hi.ogg] not "
    assert asked == ["say.mp3", "hi.ogg", "gone.mp3"]


def test_images_markdown_refuses_are_still_reported_and_leave_their_alt() -> None:
    asked: list[str] = []

    def resolve(src: str) -> str | None:
        asked.append(src)
        return None

    html = render("![f](file:///etc/passwd.png) ![w](C:\\x.png)", images=resolve)
    assert html == "f w"
    assert asked == ["C:%5Cx.png", "file:///etc/passwd.png"]


def test_lists_and_paragraphs() -> None:
    assert render("- one\n- two *2*") == "<ul>\n<li>one</li>\n<li>two <em>2</em></li>\n</ul>"
    assert render("1. one\n2. two") == "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"
    assert render("first\n\nsecond") == "<p>first</p>\n<p>second</p>"


def test_table_keeps_cells_and_alignment() -> None:
    html = render("| a | b |\n|:--|--:|\n| 1 | `x` |")
    assert "<table>" in html and '<th style="text-align:left">a</th>' in html
    assert '<td style="text-align:right"><code>x</code></td>' in html


@pytest.mark.parametrize(
    ("markdown", "safe"),
    [
        ("<script>alert(1)</script>after", "after"),
        ('<b onclick="steal()">bold</b>', "<b>bold</b>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<img src="x.png" onerror="alert(1)">', '<img src="x.png">'),
        ('<td style="color:red;text-align:right">c</td>', "c"),
        ("<iframe src='https://evil.example'></iframe>ok", "ok"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ('<p style="position:fixed">p</p>', "<p>p</p>"),
    ],
)
def test_raw_html_is_sanitized(markdown: str, safe: str) -> None:
    assert render(markdown) == safe


def test_placeholders_are_escaped_so_anki_shows_them() -> None:
    assert render("cp {{path/to/file}} {{dest}}") == (
        "cp &#123;&#123;path/to/file&#125;&#125; &#123;&#123;dest&#125;&#125;"
    )
    assert render("```\ntar -xf {{archive}}\n```") == (
        "<pre><code>tar -xf &#123;&#123;archive&#125;&#125;\n</code></pre>"
    )
    assert render("{{c1::not a cloze here}}") == "&#123;&#123;c1::not a cloze here&#125;&#125;"
    assert render_plain("docker run -v {{path}}:/x <y>") == (
        "docker run -v &#123;&#123;path&#125;&#125;:/x &lt;y&gt;"
    )
    assert escape_braces("{{{x}}}") == "&#123;&#123;&#123;x&#125;&#125;&#125;"
    assert escape_braces("{single}") == "{single}"


def test_highlight_is_a_mark_outside_clozes() -> None:
    assert render("the ==daemon== runs `a ==b==`") == (
        "the <mark>daemon</mark> runs <code>a ==b==</code>"
    )


@pytest.mark.parametrize(
    ("markdown", "anki"),
    [
        ("The ==daemon== runs ==containers==.", "The {{c1::daemon}} runs {{c2::containers}}."),
        (
            "{{c2::x}} then ==y== and {{path}}",
            "{{c2::x}} then {{c3::y}} and &#123;&#123;path&#125;&#125;",
        ),
        (
            "cp {{c1::{{src}} {{dst}}}}",
            "cp {{c1::&#123;&#123;src&#125;&#125; &#123;&#123;dst&#125;&#125;}}",
        ),
        ("unclosed {{c1::x", "unclosed &#123;&#123;c1::x"),
        ("`==code==` stays, ==this== goes", "<code>==code==</code> stays, {{c1::this}} goes"),
        ("a == b == c", "a == b == c"),
        ("{{c1::answer::hint}}", "{{c1::answer::hint}}"),
    ],
)
def test_cloze_syntax(markdown: str, anki: str) -> None:
    assert render(markdown, cloze=True) == anki


def test_cloze_count() -> None:
    assert cloze_count(render("==a== ==b== {{c1::c}}", cloze=True)) == 3 - 1 + 1
    assert cloze_count(render("no deletions", cloze=True)) == 0


def test_images_are_resolved_by_the_caller() -> None:
    asked: list[str] = []

    def resolve(src: str) -> str | None:
        asked.append(src)
        return None if src.startswith("..") else f"media-{src}"

    html = render(
        '![a](img.png) ![[pic.png|100]] ![[Other note]] <img src="../up.png">', images=resolve
    )
    assert html == (
        '<img src="media-img.png" alt="a"> <img src="media-pic.png" alt="pic.png"> Other note '
    )  # the refused image leaves nothing behind: no <img> without a source
    assert asked == ["img.png", "pic.png", "../up.png"]


# The quick path must give exactly what markdown-it + nh3 give, on any text it accepts.
_PIECES = [
    *"ab é1*_`-#>.( ),!?:\"'+\n",
    "**",
    "__",
    "- ",
    "\n- ",
    "word",
    "x_y",
    "1. ",
    "\n\n",
    "\n\n- ",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14).map("".join))
def test_quick_path_matches_the_parser(text: str) -> None:
    fast = render_module._quick(text.strip())
    if fast is not None:
        assert fast == render_module._render(text, False, None, quick=False)


def test_quick_path_takes_the_common_answers() -> None:
    for text in ("Plain.", "A **read-only** one", "- a\n- `b`", "Use `ls`", "a\n\n- b\n\nc"):
        assert render_module._quick(text) is not None
    for text in ("# Heading", "- a\n\n- b", "[link](x)", "1. one", "***", "x ==y=="):
        assert render_module._quick(text) is None


_WORDS = ["a", "word", "**bold**", "*em*", "`code`", "_u_", "é", "x_y", "(p)", "1.", "-", "'q'"]
_LINE = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join)
_BLOCK = st.one_of(
    st.lists(_LINE.map("- {}".format), min_size=1, max_size=3).map("\n".join),
    st.lists(_LINE, min_size=1, max_size=2).map("\n".join),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_BLOCK, min_size=1, max_size=4).map("\n\n".join))
def test_quick_path_matches_the_parser_on_paragraphs_and_lists(text: str) -> None:
    fast = render_module._quick(text)
    if fast is not None:
        assert fast == render_module._render(text, False, None, quick=False)


def test_highlights_follow_the_parser_rule() -> None:
    assert render("The ==Sun== is a star.") == "The <mark>Sun</mark> is a star."
    assert render("x == y == z") == "x == y == z"  # no marker before a space: no highlight
    assert render("The ==Sun== and ==Moon==", cloze=True) == "The {{c1::Sun}} and {{c2::Moon}}"
    assert "<mark>" not in render("== a " * 6000)  # one scan: no quadratic retry per marker
