"""Matching a card whose question changed to the row it replaces."""

from __future__ import annotations

from study.notes.card import Card
from study.schedule.match import MATCH_THRESHOLD, match_cards, similarity


def _card(front: str, back: str, kind: str = "basic") -> Card:
    return Card(
        id=f"new-{front}",
        note="n",
        deck="D",
        kind=kind,
        front=front,
        back=back,
        source="/n.md",
        line=1,
    )


def _row(front: str, back: str, kind: str = "basic", path: str = "/n.md") -> dict[str, object]:
    return {"id": f"old-{front}", "note_path": path, "kind": kind, "front": front, "back": back}


def test_similarity_of_usual_edits() -> None:
    assert similarity("What is a volume?", "Storage", "What is a volume?", "Storage") == 1.0
    typo = similarity(
        "What prints the working directroy?", "pwd", "What prints the working directory?", "pwd"
    )
    assert typo > 0.95
    reverse = similarity("Copy a file", "cp", "Copy one file", "cp")
    assert reverse > MATCH_THRESHOLD
    assert (
        similarity("What removes a file?", "rm", "Which signal stops a process?", "SIGTERM") < 0.5
    )


def test_best_pairs_win_and_each_side_is_used_once() -> None:
    orphans = [_row("docker ps", "List running containers"), _row("docker ps -a", "List all")]
    fresh = [
        ("/n.md", _card("docker ps -a --quiet", "List all")),
        ("/n.md", _card("docker ps --quiet", "List running containers")),
    ]
    pairs = match_cards(orphans, fresh)
    assert sorted((row["id"], pair[1].id) for row, pair in pairs) == [
        ("old-docker ps", "new-docker ps --quiet"),
        ("old-docker ps -a", "new-docker ps -a --quiet"),
    ]


def test_only_the_same_note_and_kind_are_compared() -> None:
    fresh = [("/n.md", _card("What is a volume?", "Storage"))]
    assert match_cards([_row("What is a volume?", "Storage", kind="concept")], fresh) == []
    assert match_cards([_row("What is a volume?", "Storage", path="/other.md")], fresh) == []


def test_unrelated_cards_are_not_matched() -> None:
    fresh = [("/n.md", _card("Which signal stops a process?", "SIGTERM"))]
    assert match_cards([_row("What removes a file?", "rm")], fresh) == []
