"""The compiled parser (a wheel's, built by mypyc) gives exactly the pure-Python parser's cards.

mypyc enforces every annotation at run time: one that says less than the truth (a `str` that
can be None, a `list` that is a tuple) raises in the compiled parse on the first note that
takes that path, where the pure one goes on. So every note here goes through both, the
compiled one in a child process started on the unpacked wheel named by STUDY_COMPILED
(`.ci/run` builds it with benchmarks/compiled.py), and every field of every card, the deck,
tags, links, merges, drops and left-out lines are compared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.vault import make_vault
from tests.compiled_child import parsed
from tests.support import DECKS, FIXTURES
from tests.test_hostile import HOSTILE
from tests.test_linescan import NOTES_OF_PIECES
from tests.test_native import NOTELIKE
from tests.test_parser import MARKDOWNISH
from tests.test_sections import SHAPES

CHILD = Path(__file__).with_name("compiled_child.py")
TESTS = Path(__file__).resolve().parent
NOTES = sorted(
    [
        *(TESTS / "corpus").glob("*.md"),
        *(TESTS / "unseen").glob("*.md"),
        *(FIXTURES / "tldr").rglob("*.md"),
        DECKS / "docker.md",
    ]
)


class CompiledParser:
    """The child process parsing with the compiled build, one note per request."""

    def __init__(self, folder: str) -> None:
        env = {**os.environ, "PYTHONPATH": folder}
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD)], env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )  # fmt: skip
        self.modules: dict[str, str] = json.loads(self._answer())

    def _answer(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the compiled parser's process ended"
        return line

    def parse(self, text: str, source: str) -> dict[str, object]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"text": text, "source": source}) + "\n")
        self.process.stdin.flush()
        answer: dict[str, object] = json.loads(self._answer())
        assert "error" not in answer, f"the compiled parse of {source} raised:\n{answer['error']}"
        return answer


@pytest.fixture(scope="module")
def compiled() -> Iterator[CompiledParser]:
    folder = os.environ.get("STUDY_COMPILED")
    if not folder:
        pytest.skip(
            "needs STUDY_COMPILED, a folder holding the compiled wheel unpacked"
            " (`python benchmarks/compiled.py FOLDER` builds it; .ci/run does)"
        )
    child = CompiledParser(folder)
    with child.process:  # closes its pipes and waits: its stdin at an end, it ends
        yield child


def assert_same(compiled: CompiledParser, text: str, source: str) -> None:
    assert compiled.parse(text, source) == parsed(text, source)


def test_the_child_runs_the_compiled_modules(compiled: CompiledParser) -> None:
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    assert compiled.modules["parser"].endswith(f"study/notes/parser{suffix}")
    assert compiled.modules["native"].endswith(f"study/notes/native{suffix}")


@pytest.mark.parametrize("note", NOTES, ids=lambda path: path.name)
def test_every_corpus_note_gives_the_same_cards(compiled: CompiledParser, note: Path) -> None:
    assert_same(compiled, note.read_text(encoding="utf-8"), str(note))


def test_the_benchmark_vault_gives_the_same_cards(compiled: CompiledParser, tmp_path: Path) -> None:
    make_vault(tmp_path, 150, seed=3)  # ~100 cards a note
    cards = 0
    for note in sorted(tmp_path.rglob("*.md")):
        answer = compiled.parse(note.read_text(encoding="utf-8"), note.name)
        assert answer == parsed(note.read_text(encoding="utf-8"), note.name)
        cards += len(answer["cards"])  # type: ignore[arg-type]
    assert cards > 14_000  # the notes were parsed into cards, not into errors or nothing


def test_a_note_on_a_windows_line_ending_and_without_a_title(compiled: CompiledParser) -> None:
    assert_same(compiled, "- `ls` — lists files\r\n- `pwd` — prints the folder\r\n", "x_y.md")


# Front matter of every YAML type where the parser reads a deck, tags and the opt-out.
_YAML_VALUE = st.sampled_from(
    ["x", "12", "1.5", "null", "~", "true", "no", "2024-02-30", "2024-01-01", "[a, 2, null]",
     "[[a]]", "{a: 1}", "'#t, u v'", "[]", "", "&a x", "*a", "!!binary aGk=", "[a, {b: c}]"]
)  # fmt: skip
_YAML_KEY = st.sampled_from(["deck", "tags", "tag", "study", "title", "1", "aliases"])
FRONT_MATTER = st.builds(
    lambda pairs, body: "---\n" + "".join(f"{k}: {v}\n" for k, v in pairs) + "---\n" + body,
    st.lists(st.tuples(_YAML_KEY, _YAML_VALUE), max_size=4),
    NOTELIKE,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=300),
        MARKDOWNISH,
        NOTELIKE,
        NOTES_OF_PIECES,  # the line scanner's shapes: loose items, fences in items, quotes
        FRONT_MATTER,
        st.lists(st.sampled_from(SHAPES), max_size=40).map("\n".join),
    )
)
def test_generated_notes_give_the_same_cards(compiled: CompiledParser, text: str) -> None:
    assert_same(compiled, text, "generated.md")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE)
def test_hostile_notes_give_the_same_cards(compiled: CompiledParser, text: str) -> None:
    assert_same(compiled, text, "hostile.md")
