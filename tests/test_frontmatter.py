"""Front matter: read at a cost bounded by its size, aliases refused, bad YAML ignored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from study.notes.frontmatter import _word_pairs, load_front_matter
from study.notes.parser import parse_text
from tests.support import REPO


def alias_bomb() -> str:
    """Nine levels of `&aN [*aM x9]`: ~600 bytes standing for 9**10 elements."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    return "\n".join([*lines, "tags: *a9"]) + "\n"


def test_the_bomb_is_small() -> None:
    assert 500 < len(alias_bomb()) < 700


def test_front_matter_with_an_alias_is_ignored_whole() -> None:
    assert load_front_matter(alias_bomb()) == {}
    assert load_front_matter("base: &b {x: 1}\nother: *b\n") == {}


def test_stars_and_ampersands_in_plain_text_still_load() -> None:
    text = 'deck: R&D\ntags: [a, "*b", c]\ntitle: 2 * 3\n'
    assert load_front_matter(text) == {"deck": "R&D", "tags": ["a", "*b", "c"], "title": "2 * 3"}


def test_front_matter_without_marks_loads_as_before() -> None:
    assert load_front_matter("deck: Docker\ntags: [ops, cli]\n") == {
        "deck": "Docker",
        "tags": ["ops", "cli"],
    }
    assert load_front_matter("- a list\n") == {}
    assert load_front_matter("date: 2024-02-30\n") == {}


def test_a_note_with_the_bomb_still_gives_its_cards() -> None:
    note = parse_text(f"---\n{alias_bomb()}---\n\n## Q\n\nWhat is x?\n\nIt is y.\n", "b.md")
    assert [card.front for card in note.cards] == ["B — Q"]
    assert note.tags == ()


def test_study_cards_on_the_bomb_finishes(tmp_path: Path) -> None:
    """Issue 16, finding 1: this note cost 100 s and 2.7 GB; a generous bound, not a timing."""
    note = tmp_path / "bomb.md"
    note.write_text(f"---\n{alias_bomb()}---\n\n## Q\n\nWhat is x?\n\nIt is y.\n")
    done = subprocess.run(
        [sys.executable, "-m", "study", "cards", "--json", str(note)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert '"front": "Bomb — Q"' in done.stdout


def test_word_pairs_are_read_as_yaml_reads_them() -> None:
    assert load_front_matter("deck: docker") == {"deck": "docker"}
    assert load_front_matter("deck: deck00\n\nlang: pt-BR\n") == {"deck": "deck00", "lang": "pt-BR"}
    # Words YAML reads as something else than a string go to the YAML loader.
    assert load_front_matter("deck: Yes") == {"deck": True}
    assert load_front_matter("deck: NULL") == {"deck": None}
    assert load_front_matter("study: off") == {"study": False}
    assert load_front_matter("deck: a # note") == {"deck": "a"}
    assert load_front_matter("deck: a\ndeck: b") == {"deck": "b"}


_WORDS = st.sampled_from(
    ["deck", "tags", "yes", "No", "ON", "off", "null", "True", "x1", "a-b", "pt_BR", "1a", "-a"]
)
_LINES = st.one_of(
    st.builds(lambda k, gap, v, end: f"{k}:{gap}{v}{end}", _WORDS, st.sampled_from(["", " ", "  "]),
              _WORDS, st.sampled_from(["", " ", " #c", "\t"])),
    st.text(alphabet=" :#-ab\t'\"[]{}&*!|>", max_size=8),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=4))
def test_word_pairs_read_without_yaml_are_what_yaml_reads(lines: list[str]) -> None:
    import yaml

    text = "\n".join(lines)
    simple = _word_pairs(text)
    if simple is not None:
        assert simple == yaml.safe_load(text)
