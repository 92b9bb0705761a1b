"""Writing a file so that a crash or a full disk never leaves half of it behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_output(path: Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A binary file to write that replaces `path` only when the block ends without error.

    It is a temporary file in the same folder, synced and renamed over `path`: readers
    (systemd, launchd, a calendar app, Anki) see the old file or the new one, never a mix.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` at once (see `atomic_output`), making its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path, mode) as out:
        out.write(data)
