"""Images for the Anki package: only files inside the note's folder, everything else reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.anki.media import Media
from study.notes.card import Card


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    (notes / "img" / "a.png").write_bytes(b"a")
    (notes / "b.png").write_bytes(b"b")
    (tmp_path / "secret.png").write_bytes(b"secret")
    (notes / "link.png").symlink_to(tmp_path / "secret.png")
    return notes


def card_in(folder: Path, line: int = 1) -> Card:
    return Card("id", "id", "D", "concept", "q", "a", str(folder / "n.md"), line)


def test_files_inside_the_folder_are_packed_by_name(folder: Path) -> None:
    media = Media()
    resolve = media.resolver(card_in(folder))
    assert resolve("img/a.png") == "a.png"
    assert resolve("b.png") == "b.png"
    assert resolve("img/a.png?v=2#top") == "a.png"
    assert resolve("img%2Fa.png") == "a.png"
    assert media.files == {"a.png": folder / "img" / "a.png", "b.png": folder / "b.png"}
    assert media.skipped == []


def test_the_same_name_from_two_folders_is_kept_apart(folder: Path) -> None:
    (folder / "img" / "b.png").write_bytes(b"other b")
    media = Media()
    resolve = media.resolver(card_in(folder))
    first, second = resolve("b.png"), resolve("img/b.png")
    assert first == "b.png" and second != "b.png"
    assert second is not None and second.startswith("b-") and second.endswith(".png")
    assert resolve("img/b.png") == second  # the same file keeps its name


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("../secret.png", "is outside the note's folder"),
        ("link.png", "is outside the note's folder"),  # a symlink pointing out
        ("SECRET", "is outside the note's folder"),  # an absolute path
        ("missing.png", "is missing"),
        ("img", "is missing"),  # a folder is not an image
        ("mailto:someone@example.com", "is not a file in the note's folder"),
        ("file:///etc/x.png", "is not a file in the note's folder"),
        ("data:image/png;base64,AAAA", "is not a file in the note's folder"),
        ("C:%5Cpics%5Cx.png", "is a Windows path, not a file in the note's folder"),
        ("https://example.com/x.png", "is on the network; only files in the note's folder"),
    ],
)
def test_references_out_of_the_folder_or_missing_are_reported(
    folder: Path, src: str, why: str
) -> None:
    src = src.replace("SECRET", str(folder.parent / "secret.png"))
    media = Media()
    assert media.resolver(card_in(folder, line=7))(src) is None
    assert media.files == {}
    assert media.skipped == [f"{folder / 'n.md'}:7: image {src!r} {why}; skipped"]


def test_sounds_are_packed_and_reported_as_sounds(folder: Path) -> None:
    (folder / "say.mp3").write_bytes(b"ID3")
    media = Media()
    resolve = media.resolver(card_in(folder, line=3))
    assert resolve("say.mp3") == "say.mp3"
    assert resolve("gone.ogg") is None
    assert media.files == {"say.mp3": folder / "say.mp3"}
    assert media.skipped == [f"{folder / 'n.md'}:3: sound 'gone.ogg' is missing; skipped"]
