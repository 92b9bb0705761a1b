"""`e` in a drill: the card's note opened in the user's editor, at the card's line."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Any


def edit_note(path: Path, line: int) -> str:
    """Runs `$VISUAL` (or `$EDITOR`, or vi) `+LINE PATH` and waits for it; "" when it ran,
    else what went wrong, for the drill to say."""
    if not path.is_file():
        return f"{path} is gone"
    editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
    try:
        subprocess.run([*editor, f"+{line}", str(path)], check=False)
    except OSError as error:
        return f"cannot start the editor: {error}"
    return ""


def edit_in_drill(reader: Any, console: Any, path: Path, line: int) -> None:
    """Opens the note in the editor at the card's line, the terminal as the editor expects it
    meanwhile (the drill's key mode is taken off and put back), and says what happened."""
    reader.restore()
    try:
        problem = edit_note(path, line)
    finally:
        reader.__enter__()
    if problem:
        console.print(f"[red]{problem}[/]")
    else:
        console.print("[dim]run `study sync` to bring the edit into the cards[/]")
