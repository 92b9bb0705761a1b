"""Finding notes on disk and reading them safely: bad files are named, good ones still load."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from study.errors import StudyError
from study.notes.vault import NoteLimits, _read_up_to, find_notes, load_cards, read_note
from tests.support import DECKS

COMMANDS = "## Shell\n\n- `ls` — lists files\n- `pwd` — prints the folder\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_find_notes_recursive_sorted_and_skipping_tool_folders(tmp_path: Path) -> None:
    b = write(tmp_path / "b.md", "x")
    a = write(tmp_path / "sub" / "a.markdown", "x")
    c = write(tmp_path / "sub" / "deeper" / "c.MD", "x")
    write(tmp_path / ".obsidian" / "workspace.md", "x")
    write(tmp_path / ".trash" / "old.md", "x")
    write(tmp_path / "image.png", b"\x89PNG\x00")
    write(tmp_path / "notes.txt", "x")
    assert find_notes([tmp_path]) == [b, a, c]


def test_find_notes_keeps_explicit_files_and_drops_repeats(tmp_path: Path) -> None:
    note = write(tmp_path / "n.md", "x")
    other = write(tmp_path / "o.markdown", "x")
    assert find_notes([other, note, tmp_path, note]) == [other, note]


def test_a_file_that_is_not_markdown_is_refused(tmp_path: Path) -> None:
    text = write(tmp_path / "plain.txt", "x")
    with pytest.raises(
        StudyError, match=r"plain\.txt: not a Markdown note \(a notes file ends in \.md\)"
    ):
        find_notes([text])


def test_missing_path_is_a_study_error(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match=r"nope\.md: no such file or folder"):
        find_notes([tmp_path / "nope.md"])


def test_folder_without_notes_is_a_study_error(tmp_path: Path) -> None:
    write(tmp_path / "readme.txt", "x")
    with pytest.raises(StudyError, match="no Markdown notes"):
        find_notes([tmp_path])
    with pytest.raises(StudyError, match="no notes given"):
        find_notes([])


def test_read_note_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path / "n.md", "\ufeff# Título\r\n".encode())
    assert read_note(path) == "# Título\r\n"


def test_read_note_names_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "latin.md", "# Informação\n".encode("latin-1"))
    with pytest.raises(StudyError) as caught:
        read_note(path)
    assert str(caught.value) == (
        f"{path}: is not UTF-8 text (byte 0xe7 on line 1); save it as UTF-8 to study it"
    )


def test_read_note_refuses_binary_files(tmp_path: Path) -> None:
    path = write(tmp_path / "photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(StudyError, match=r"photo\.md: is a binary file"):
        read_note(path)


def test_load_cards_reports_bad_files_and_loads_the_rest(tmp_path: Path) -> None:
    good = write(tmp_path / "shell.md", COMMANDS)
    bad = write(tmp_path / "bad.md", b"- `ls` \xff\xfe\n")
    binary = write(tmp_path / "bin.md", b"\x00\x01\x02")
    loaded = load_cards([tmp_path])
    assert [(c.kind, c.front) for c in loaded.cards] == [
        ("command", "ls"),
        ("command-reverse", "lists files"),
        ("command", "pwd"),
        ("command-reverse", "prints the folder"),
    ]
    assert all(card.source == str(good) for card in loaded.cards)
    assert loaded.failures == [
        f"{bad}: is not UTF-8 text (byte 0xff on line 1); save it as UTF-8 to study it",
        f"{binary}: is a binary file, not a Markdown note; skipped",
    ]
    assert loaded.decks == {str(good): "Shell"}


def test_same_command_in_two_notes_of_one_deck_is_one_card(tmp_path: Path) -> None:
    first = write(tmp_path / "a.md", "---\ndeck: Unix\n---\n" + COMMANDS)
    second = write(tmp_path / "b.md", "---\ndeck: Unix\n---\n- `ls` — shows a folder\n")
    loaded = load_cards([tmp_path])
    assert [c.front for c in loaded.cards if c.kind == "command"] == ["ls", "pwd"]
    assert len({c.id for c in loaded.cards}) == len(loaded.cards) == 4
    assert loaded.merged == [
        f"{second}:4: `ls` is already a card ({first}:6); kept one",
    ]


def test_load_cards_never_writes_to_notes(tmp_path: Path) -> None:
    note = write(tmp_path / "docker.md", (DECKS / "docker.md").read_bytes())
    before = (note.read_bytes(), note.stat().st_mtime_ns)
    loaded = load_cards([note])
    assert len(loaded.cards) == 115
    assert (note.read_bytes(), note.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docker.md", "study-home"]


NOTE = "# N\n\n## Q\n\nWhat is n?\n\nIt is one.\n"


def test_a_fifo_or_a_device_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    zero = tmp_path / "zero.md"
    zero.symlink_to("/dev/zero")  # reading it would never end
    for path in (fifo, zero):
        with pytest.raises(StudyError, match=r"is not a regular file"):
            read_note(path)
    loaded = load_cards([fifo, zero, write(tmp_path / "n.md", NOTE)])
    assert [card.front for card in loaded.cards] == ["N — Q"]
    assert [f.split(": ")[1] for f in loaded.failures] == [
        "is not a regular file (a device, FIFO or socket); skipped"
    ] * 2


def test_a_fifo_found_in_a_folder_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    write(tmp_path / "n.md", NOTE)
    os.mkfifo(tmp_path / "pipe.md")
    loaded = load_cards([tmp_path])
    assert len(loaded.cards) == 1
    assert loaded.failures == [
        f"{tmp_path / 'pipe.md'}: is not a regular file (a device, FIFO or socket); skipped"
    ]


def test_a_note_over_the_size_limit_is_skipped_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = write(tmp_path / "big.md", NOTE + "x" * 2000)
    small = write(tmp_path / "small.md", NOTE)
    assert read_note(big, NoteLimits(max_bytes=5000)).startswith("# N")
    with pytest.raises(
        StudyError, match=r"big\.md: is larger than 0\.001 MB, the limit for a note"
    ):
        read_note(big, NoteLimits(max_bytes=1024))
    monkeypatch.setenv("STUDY_MAX_NOTE_MB", "0.001")  # 1,048 bytes
    loaded = load_cards([big, small])
    assert [card.source for card in loaded.cards] == [str(small)]
    assert len(loaded.failures) == 1 and "big.md: is larger than" in loaded.failures[0]


def test_a_note_that_grew_since_it_was_opened_is_read_on_up_to_the_limit() -> None:
    # The read asks for the size the note had when opened; what was written since still
    # counts, so a note grown past the limit is still seen as too big.
    grown = b"# Note\n\nmore text written after the stat\n"
    assert _read_up_to(io.BytesIO(grown), 8, 1000) == grown
    assert _read_up_to(io.BytesIO(grown), 8, 20) == grown[:20]
    assert _read_up_to(io.BytesIO(grown), len(grown), 1000) == grown
    assert _read_up_to(io.BytesIO(grown), 100, 1000) == grown  # it shrank


def test_the_default_size_limit_is_a_few_megabytes() -> None:
    assert NoteLimits.from_environment().max_bytes == 8 * 1024 * 1024


def test_links_leaving_the_folder_are_skipped_and_reported(tmp_path: Path) -> None:
    vault, outside = tmp_path / "vault", tmp_path / "secrets"
    write(outside / "secret.md", "# S\n\n## Key\n\nWhat is the key?\n\nIt is hunter2.\n")
    write(vault / "n.md", NOTE)
    (vault / "secret.md").symlink_to(outside / "secret.md")
    (vault / "elsewhere").symlink_to(outside)
    skipped: list[str] = []
    assert find_notes([vault], NoteLimits(), skipped) == [vault / "n.md"]
    assert skipped == [
        f"{vault / 'elsewhere'}: links to {outside}, outside the folder {vault}; skipped "
        "(STUDY_FOLLOW_LINKS=1 follows such links)",
        f"{vault / 'secret.md'}: links to {outside / 'secret.md'}, outside the folder {vault}; "
        "skipped (STUDY_FOLLOW_LINKS=1 follows such links)",
    ]
    allowed = find_notes([vault], NoteLimits(follow_outside_links=True), [])
    assert sorted(p.name for p in allowed) == ["n.md", "secret.md"]  # one secret.md: one file


def test_links_inside_the_folder_are_followed_and_loops_walked_once(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    note = write(vault / "topics" / "n.md", NOTE)
    (vault / "topics" / "again").symlink_to(vault / "topics")  # a loop
    (vault / "shortcut").symlink_to(vault / "topics")  # the same folder a second way
    (vault / "alias.md").symlink_to(note)  # the same note a second way
    skipped: list[str] = []
    found = find_notes([vault], NoteLimits(), skipped)
    assert len(found) == 1 and found[0].resolve() == note
    assert skipped == []


def test_only_links_are_resolved_and_notes_sort_as_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A re-sync of thousands of notes walks them all: a `realpath` each (a `lstat` of every
    # part of the path) was most of its time. Only the folder and the one link are resolved.
    vault = tmp_path / "vault"
    a = write(vault / "a" / "b.md", "x")
    c = write(vault / "a-c.md", "x")
    d = write(vault / "a" / "deep" / "d.md", "x")
    (vault / "z.md").symlink_to(d)  # the same note a second way: kept once, by its first name
    resolved: list[str] = []
    realpath = os.path.realpath
    monkeypatch.setattr(
        os.path, "realpath", lambda path: resolved.append(str(path)) or realpath(path)
    )

    found = find_notes([vault])

    assert resolved == [str(vault), str(vault / "z.md")]
    assert found == [a, d, c]  # by path parts, as `Path`s sort: `a/` before `a-c.md`
