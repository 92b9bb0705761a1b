"""`e` in a drill: the card's note opened in the user's editor, at the card's line."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path


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
