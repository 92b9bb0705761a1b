"""Which notes changed since the last sync."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

import study.schedule.scan
from study import __version__
from study.errors import StudyError
from study.notes.vault import NoteLimits
from study.schedule.scan import Known, content_hash, plan, resolve_roots


def test_content_hash_is_deterministic_and_content_only() -> None:
    assert content_hash(b"# Deck\n") == content_hash(b"# Deck\n")
    assert content_hash(b"# Deck\n") != content_hash(b"# Deck \n")
    assert len(content_hash(b"")) == 64


def test_plan_sorts_notes_into_changed_unchanged_and_gone(tmp_path: Path) -> None:
    (tmp_path / "same.md").write_text("same")
    (tmp_path / "edited.md").write_text("new text")
    (tmp_path / "new.md").write_text("new")
    root = str(tmp_path)
    known = {
        f"{root}/same.md": Known(content_hash(b"same")),
        f"{root}/edited.md": Known(content_hash(b"old text")),
        f"{root}/deleted.md": Known(content_hash(b"x")),
        "/elsewhere/other.md": Known(content_hash(b"y")),  # another root's: not ours to retire
    }
    result = plan([root], known, explicit=True)
    assert sorted(result.changed) == [f"{root}/edited.md", f"{root}/new.md"]
    assert result.gone == [f"{root}/deleted.md"]
    assert result.unchanged == 1
    assert not result.idle


def test_a_vanished_registered_root_protects_its_notes(tmp_path: Path) -> None:
    gone = str(tmp_path / "gone")
    result = plan([gone], {f"{gone}/a.md": Known("h")}, explicit=False)
    assert result.gone == []
    assert result.failures == [f"{gone}: no such file or folder (its cards are kept)"]
    with pytest.raises(StudyError, match="no such file or folder"):
        plan([gone], {}, explicit=True)


def test_roots_are_absolute_with_dot_dot_folded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_roots([Path("a/../b"), Path("b")]) == [str(tmp_path / "b")]


# --- stamps: size and mtime (ns) before any read ---------------------------------------------

OLD_NS = 1_700_000_000_000_000_000  # 2023-11-14: long settled by the time of NOW
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes read for hashing while a test runs, by file name."""
    seen: list[str] = []
    real = study.schedule.scan.read_note_bytes

    def spy(path: Path, limits: NoteLimits | None = None) -> bytes:
        seen.append(Path(path).name)
        return real(path, limits)

    monkeypatch.setattr(study.schedule.scan, "read_note_bytes", spy)
    return seen


def _note(folder: Path, name: str, text: str, mtime_ns: int = OLD_NS) -> Path:
    path = folder / name
    path.write_text(text)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def _recorded(folder: Path, names: list[str]) -> dict[str, Known]:
    """What a sync of `folder` records when its notes are as they are now."""
    done = plan([str(folder)], {}, explicit=True, now=NOW)
    assert done.stamps == {str(folder / n): (os.stat(folder / n).st_size, OLD_NS) for n in names}
    return {
        path: Known(content_hash(Path(path).read_bytes()), *done.stamps[path], __version__)  # type: ignore[misc]
        for path in done.present
    }


def test_a_new_note_is_not_read_by_the_plan(tmp_path: Path, reads: list[str]) -> None:
    # It is parsed whatever its hash, and hashed from the bytes the parse reads: read once.
    _note(tmp_path, "new.md", "Q :: A\n")
    _note(tmp_path, "old.md", "R :: B\n")
    known = {str(tmp_path / "old.md"): Known(content_hash(b"R :: B\n"))}  # no stamp yet
    done = plan([str(tmp_path)], known, explicit=True, now=NOW)
    assert reads == ["old.md"]
    assert done.changed == [str(tmp_path / "new.md")]
    assert done.present[str(tmp_path / "new.md")] is None
    assert done.stamps[str(tmp_path / "new.md")] == (7, OLD_NS)
    assert (done.unchanged, done.restamped) == (1, [str(tmp_path / "old.md")])


def test_an_unchanged_stamp_means_the_note_is_not_read(tmp_path: Path, reads: list[str]) -> None:
    _note(tmp_path, "a.md", "Q :: A\n")
    _note(tmp_path, "b.md", "R :: B\n")
    known = _recorded(tmp_path, ["a.md", "b.md"])
    reads.clear()
    again = plan([str(tmp_path)], known, explicit=True, now=NOW)
    assert reads == []
    assert (again.unchanged, again.changed, again.restamped) == (2, [], [])


def test_an_edit_is_read_once_even_when_size_and_time_look_alike(
    tmp_path: Path, reads: list[str]
) -> None:
    _note(tmp_path, "a.md", "Q :: A\n")
    _note(tmp_path, "b.md", "R :: B\n")
    known = _recorded(tmp_path, ["a.md", "b.md"])
    _note(tmp_path, "b.md", "R :: C\n", OLD_NS + 1)  # same size, one nanosecond later
    reads.clear()
    again = plan([str(tmp_path)], known, explicit=True, now=NOW)
    assert reads == ["b.md"]
    assert again.changed == [str(tmp_path / "b.md")]


def test_a_touched_note_costs_one_hash_and_keeps_its_new_stamp(
    tmp_path: Path, reads: list[str]
) -> None:
    _note(tmp_path, "a.md", "Q :: A\n")
    known = _recorded(tmp_path, ["a.md"])
    _note(tmp_path, "a.md", "Q :: A\n", OLD_NS + 5)  # `touch`: same content, a new time
    reads.clear()
    again = plan([str(tmp_path)], known, explicit=True, now=NOW)
    path = str(tmp_path / "a.md")
    assert (reads, again.changed, again.restamped) == (["a.md"], [], [path])
    assert again.stamps[path] == (7, OLD_NS + 5)


def test_a_note_modified_just_before_the_sync_is_not_stamped(tmp_path: Path) -> None:
    # An edit in the same timestamp tick as the read could keep the stamp: hash it next time.
    just_now = int(NOW.timestamp() * 1e9) - 1_000_000_000
    _note(tmp_path, "a.md", "Q :: A\n", just_now)
    done = plan([str(tmp_path)], {}, explicit=True, now=NOW)
    assert done.stamps == {str(tmp_path / "a.md"): None}


def test_a_stamp_from_another_release_is_not_trusted(tmp_path: Path, reads: list[str]) -> None:
    # The hash includes the release (a newer parser re-reads every note): so must the stamp.
    _note(tmp_path, "a.md", "Q :: A\n")
    path = str(tmp_path / "a.md")
    known = {path: Known(content_hash(b"Q :: A\n"), 7, OLD_NS, "0.0.1")}
    plan([str(tmp_path)], known, explicit=True, now=NOW)
    assert reads == ["a.md"]
