"""The changed notes parsed into plain card rows, in order, on one core or several."""

from __future__ import annotations

import gc
import json
from pathlib import Path

from study.collector import collector_paused
from study.notes.parser import parse_text
from study.schedule.incoming import Incoming, NoteRows, parsing, read_and_parse
from study.schedule.syncwrite import CONTENT
from tests.support import DECKS, FIXTURES

NOTE = "---\ntags: [shell]\n---\n# Shell\n\n## Files\n\nWhat lists files?::ls\nCopy a file:::cp\n"


def test_rows_are_the_cards_in_insert_column_order(tmp_path: Path) -> None:
    note = tmp_path / "shell.md"
    note.write_text(NOTE)
    rows = read_and_parse(str(note))
    assert isinstance(rows, NoteRows)
    cards = parse_text(NOTE, source=str(note)).cards
    assert rows.deck == "Shell"
    assert Incoming._fields == ("id", *CONTENT)  # sync's INSERT binds rows in this order
    for row, card in zip(rows.cards, cards, strict=True):
        incoming = Incoming._make(row)
        assert (incoming.id, incoming.front, incoming.back, incoming.line) == (
            card.id,
            card.front,
            card.back,
            card.line,
        )
        assert (incoming.note_path, incoming.source) == (str(note), str(note))
        assert json.loads(incoming.tags) == list(card.tags) == ["shell"]
        assert incoming.section == card.section == "Files"


def test_an_unreadable_note_is_a_message(tmp_path: Path) -> None:
    note = tmp_path / "bad.md"
    note.write_bytes(b"\xff\xfe\x00")
    assert (
        read_and_parse(str(note))
        == f"{note}: is a binary file, not a Markdown note; skipped (its cards are kept)"
    )


def test_workers_give_the_notes_in_order(tmp_path: Path) -> None:
    paths = []
    for i in range(7):
        path = tmp_path / f"n{i}.md"
        path.write_text(f"# Deck\n\nQuestion {i}?::Answer {i}\n")
        paths.append(str(path))
    with parsing(paths, 1) as serial:
        expected = list(serial)
    with parsing(paths, 2) as parallel:
        assert list(parallel) == expected
    assert [note.cards[0][4] for note in expected if isinstance(note, NoteRows)] == [
        f"Question {i}?" for i in range(7)
    ]


def test_parsing_makes_no_reference_cycles(tmp_path: Path) -> None:
    """A sync turns the cycle collector off: safe only while every note parsed, read or not,
    is freed by reference counting alone."""
    odd = {
        "explicit.md": NOTE + "\n## Cloze\n\n==Paris== is in {{c1::France}}.\n",
        "bad-front-matter.md": "---\ndate: 2024-02-30\nkey: [unclosed\n---\n# T\n\n- `ls`: list\n",
        "table.md": "# T\n\n| Thing | A | B |\n|---|---|---|\n| x | **1** | 2 |\n| y | 3 | 4 |\n",
    }
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in odd.items():
        (notes / name).write_text(text)
    (notes / "binary.md").write_bytes(b"\xff\xfe\x00")
    paths = [DECKS / "docker.md", *sorted(FIXTURES.rglob("*.md")), *sorted(notes.iterdir())]
    read_and_parse(str(paths[0]))  # first-use imports and caches are not garbage
    gc.collect()
    with collector_paused():
        assert not gc.isenabled()
        results = [read_and_parse(str(path)) for path in paths]
        assert gc.collect() == 0
    assert gc.isenabled()
    assert sum(isinstance(result, NoteRows) for result in results) == len(paths) - 1
