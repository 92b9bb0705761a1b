"""The block tree and its lazily parsed texts give what markdown-it's full parse gives.

The parser's speed rests on skipping work: no inline parse until a rule asks, and answers
to some questions read off the source. Each shortcut is checked here against markdown-it
itself, on the bundled deck and on arbitrary text.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from study.notes import notetext as nt
from study.notes.blocks import Inline
from study.notes.native import parse_blocks
from study.notes.parser import _may_hold_marks
from tests.support import DECKS, FIXTURES

FULL = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
DOCKER = (DECKS / "docker.md").read_text(encoding="utf-8")

# Pieces that exercise every inline rule, and the chat junk the parser drops.
PIECES = [
    "a", "b c", " ", "\n", "  \n", "\t", "#", "#tag", "[[", "]]", "[[Note|Alias]]", "[x](u)",
    "[ref]", "\n\n[ref]: http://r\n", "![i](p)", "[![i](p)](u)", "*", "**", "_", "__", "`",
    "\\", "\\#", "&", "&#35;", "&lbrack;", "<", ">", "<http://x/%5B%5Bn%5D%5D>", "<b>", "%23",
    "é", "e\u0301", "🚢", "\ufe0f", "^", "?", ":", "Would you like", "me to", "ChatGPT", "said",
    "4o", "mini", "Let me know if", "| a | b |\n|---|---|\n| c | d |", "# ", "- ",
    "**Bold**", " **2**", "**é**:", "**x y**.", ")", "(", ".", "\x1f", "\u00a0", "***", "_b_",
]  # fmt: skip
MARKDOWNISH = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


def full_inlines(text: str) -> list[Token]:
    return [token for token in FULL.parse(text) if token.type == "inline"]


def shape(tokens: list[Token]) -> list[tuple[str, str, int, object]]:
    return [
        (t.type, t.content, t.nesting, shape(t.children) if t.children else None) for t in tokens
    ]


def reference_plain(tokens: list[Token]) -> str:
    """plain() the slow way: every inline parsed, as the parser did before it was lazy."""
    parts: list[str] = []

    def walk(children: list[Token]) -> None:
        for child in children:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.type != "html_inline" and child.children:
                walk(child.children)

    walk(tokens)
    return " ".join("".join(parts).split())


def check_texts(text: str) -> list[Inline]:
    _, texts = parse_blocks(text)
    expected = full_inlines(text)
    assert [inline.content for inline, _ in texts] == [t.content for t in expected]
    for (inline, _), token in zip(texts, expected, strict=True):
        assert inline.plain() == reference_plain(token.children or [])
        assert shape(inline.tokens()) == shape(token.children or [])
    return [inline for inline, _ in texts]


def test_lazy_texts_match_the_full_parse_on_the_bundled_deck() -> None:
    inlines = check_texts(DOCKER)
    assert len(inlines) > 100
    assert sum(inline.plain_source for inline in inlines) > len(inlines) / 2


def test_plain_bold_is_read_off_the_source() -> None:
    texts = [
        "🐳 1. Docker **Image**",
        "**Image** vs **Container**: two things",
        "A **read-only** template.\n**Layers** (cached)",
    ]
    for text in texts:
        (inline,) = check_texts(text)
        fresh = parse_blocks(text)[1][0][0]
        assert fresh.plain() == inline.plain() and fresh._tokens is None  # no inline parse
    for text in ("a**b**", "**b**c", "** b**", "**b **", "**b**_c_", "***b***", "**b*c**"):
        check_texts(text)  # not plain bold: parsed, and still what markdown-it says


def test_block_tree_mirrors_the_token_stream() -> None:
    top, _ = parse_blocks("# T\n\n- a\n  - b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n")
    assert [node.type for node in top] == ["heading", "bullet_list", "table"]
    item = top[1].children[0]
    assert [child.type for child in item.children] == ["paragraph", "bullet_list"]
    assert item.children[0].inline is not None and item.children[0].inline.content == "a"
    row = top[2].children[1].children[0]
    assert [cell.inline.content for cell in row.children if cell.inline] == ["1", "2"]
    assert top[0].tag == "h1" and top[0].map == [0, 1]


def test_link_references_reach_the_lazy_parse() -> None:
    (inline,) = check_texts("[docs]\n\n[docs]: https://example.com\n")
    assert [t.type for t in inline.tokens()] == ["link_open", "text", "link_close"]


def test_brackets_that_cannot_make_a_link_are_read_off_the_source() -> None:
    for text in ("[[Pushing to Docker]]", "See [[Docker]] and [this]!", "![[diagram.png]] [x] [y]"):
        (inline,) = check_texts(text)
        fresh = parse_blocks(text)[1][0][0]
        assert fresh.plain() == text and fresh.text_runs() == [text]
        assert not fresh.has_image() and fresh._tokens is None  # no inline parse
    # A link, an image, a reference a definition makes: parsed, as markdown-it reads them
    (link,) = check_texts("[[Docker]] and [docs](https://docs.docker.com)")
    assert link.plain() == "[[Docker]] and docs" and link._tokens is not None
    (image,) = check_texts("![diagram](d.png)")
    assert image.has_image()
    (inline,) = check_texts("[[Docker]] [ref]\n\n[ref]: https://r.org\n")
    assert inline.plain() == "[[Docker]] ref" and inline._tokens is not None


def test_image_only_at_the_top_level_counts() -> None:
    def image(text: str) -> bool:
        _, texts = parse_blocks(text)
        return texts[0][0].has_image()

    assert image("![diagram](d.png)")
    assert not image("[![badge](b.svg)](https://ci)")
    assert not image("*![x](y)*")
    assert not image("no picture here!")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_shortcuts_agree_with_markdown_it(text: str) -> None:
    for inline in check_texts(text):
        runs = [t.content for t in inline.tokens() if t.type == "text"]
        assert inline.text_runs() == runs  # read off the source when it has no syntax
        if not _may_hold_marks(inline.content):  # skipped when looking for tags, links
            assert not [tag for run in runs for tag in nt.tags_in(run)]
            assert not nt.wikilinks("\n".join(runs))
        if nt.is_junk(inline.plain()):
            assert inline.maybe_junk()


def test_a_line_without_inline_syntax_is_its_own_text_run() -> None:
    assert Inline("#docker #linux 100%", None, {}).text_runs() == ["#docker #linux 100%"]
    assert Inline("#a `#b`", None, {}).text_runs() == ["#a "]  # parsed: a code span
    assert Inline("#a\n#b", None, {}).text_runs() == ["#a", "#b"]  # parsed: a line break
    assert Inline("", None, {}).text_runs() == []


def test_tags_and_links_that_only_decoding_reveals_are_looked_for() -> None:
    for text, tags, links in [
        ("\\#escaped", ["escaped"], []),
        ("&#35;entity", ["entity"], []),
        ("\\[\\[Escaped]]", [], ["Escaped"]),
        ("&lbrack;&lbrack;Entity&rbrack;&rbrack;", [], ["Entity"]),
        ("<http://x/%5B%5BEncoded%5D%5D>", [], ["Encoded"]),
    ]:
        (inline,) = check_texts(text)
        runs = [t.content for t in inline.tokens() if t.type == "text"]
        assert [tag for run in runs for tag in nt.tags_in(run)] == tags
        assert nt.wikilinks("\n".join(runs)) == links
        assert _may_hold_marks(inline.content)


def test_junk_is_still_found_behind_emphasis() -> None:
    for junk in ("**Would you like** me to draw it?", "_ChatGPT said:_", "`4o`", "**🙂**"):
        (inline,) = check_texts(junk)
        assert inline.same_letters and nt.is_junk(inline.plain())
        assert inline.maybe_junk()
    (prose,) = check_texts("A **Docker Image** is a `read-only` template for containers.")
    assert not prose.maybe_junk()


def test_fixtures_parse_alike() -> None:
    for note in sorted(FIXTURES.rglob("*.md")):
        check_texts(note.read_text(encoding="utf-8"))
