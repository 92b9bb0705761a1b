"""A card's id: what it is made of, and values that must never change."""

from __future__ import annotations

from study.notes.card import card_id, id_key, keyed_id


def test_ids_are_what_every_release_made() -> None:
    # Written down from the release before ids were computed from a cached prefix: a
    # change here would make every card in every database new, and lose its history.
    assert card_id("Docker", "command", (), "docker ps") == "103c5079c94a2d91"
    assert card_id("Docker", "concept", ("Docker Image", "What it is"), "") == "2b9596b062c23477"
    assert card_id("Shell", "basic", ("Files",), "What lists files?\x1f2") == "5b470e8ca4084725"
    assert card_id("Français", "table", ("Café",), "Crème\x1fPrix") == "4e4b41e1e34fc59c"


def test_spacing_case_and_unicode_form_do_not_count() -> None:
    assert card_id("  docker ", "command", (), "DOCKER   ps") == "103c5079c94a2d91"
    decomposed = card_id("Français", "table", ("Cafe\u0301",), "Cre\u0300me\x1fPrix")
    assert decomposed == "4e4b41e1e34fc59c"


def test_the_kind_and_the_path_count() -> None:
    ids = {
        card_id("Docker", "command", (), "docker ps"),
        card_id("Docker", "command-reverse", (), "docker ps"),
        card_id("Docker", "command", ("Containers",), "docker ps"),
        card_id("Docker", "command", ("docker ps",), ""),
    }
    assert len(ids) == 4


def test_a_key_made_once_gives_the_ids_of_a_card_and_its_reverse() -> None:
    # The Builder hashes a command's key once for the card and its reverse sibling.
    key = id_key("DOCKER   ps")
    assert keyed_id("Docker", "command", (), key) == "103c5079c94a2d91"
    assert keyed_id("Docker", "command-reverse", (), key) == "9b2f4a3eb5841889"
    # Case, spacing (the key separator among it) and Unicode form do not count.
    assert id_key("Cre\u0300me\x1fPrix") == b"cr\xc3\xa8me prix"
