"""The Anki note types: pinned ids, and which cards each type makes."""

from __future__ import annotations

import genanki

from study.anki.notetypes import BASIC, CLOZE, COMMAND


def test_note_type_ids_are_pinned() -> None:
    # Anki matches note types by id: changing one gives users a duplicate note type.
    assert (BASIC.model_id, COMMAND.model_id, CLOZE.model_id) == (
        1_764_179_201,
        1_764_179_202,
        1_764_179_203,
    )


def test_reverse_cards_only_when_study_has_the_reverse() -> None:
    one_way = genanki.Note(BASIC, ["q", "a", "ctx", "src", "", ""])
    both = genanki.Note(BASIC, ["q", "a", "ctx", "src", "a", "q"])
    assert [c.ord for c in one_way.cards] == [0]
    assert [c.ord for c in both.cards] == [0, 1]
    command = genanki.Note(COMMAND, ["ls", "lists", "ctx", "src", ""])
    typed = genanki.Note(COMMAND, ["ls", "lists", "ctx", "src", "y"])
    assert [c.ord for c in command.cards] == [0]
    assert [c.ord for c in typed.cards] == [0, 1]
    assert "{{type:Command}}" in COMMAND.templates[1]["qfmt"]


def test_one_cloze_card_per_deletion() -> None:
    note = genanki.Note(CLOZE, ["{{c1::a}} {{c2::b}} {{c2::c}}", "", "ctx", "src"])
    assert sorted(c.ord for c in note.cards) == [0, 1]
