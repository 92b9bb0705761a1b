"""Which notes changed since the last sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.errors import StudyError
from study.schedule.scan import content_hash, plan, resolve_roots


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
        f"{root}/same.md": content_hash(b"same"),
        f"{root}/edited.md": content_hash(b"old text"),
        f"{root}/deleted.md": content_hash(b"x"),
        "/elsewhere/other.md": content_hash(b"y"),  # under another root: not ours to retire
    }
    result = plan([root], known, explicit=True)
    assert sorted(result.changed) == [f"{root}/edited.md", f"{root}/new.md"]
    assert result.gone == [f"{root}/deleted.md"]
    assert result.unchanged == 1
    assert not result.idle


def test_a_vanished_registered_root_protects_its_notes(tmp_path: Path) -> None:
    gone = str(tmp_path / "gone")
    result = plan([gone], {f"{gone}/a.md": "h"}, explicit=False)
    assert result.gone == []
    assert result.failures == [f"{gone}: no such file or folder (its cards are kept)"]
    with pytest.raises(StudyError, match="no such file or folder"):
        plan([gone], {}, explicit=True)


def test_roots_are_absolute_with_dot_dot_folded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_roots([Path("a/../b"), Path("b")]) == [str(tmp_path / "b")]
