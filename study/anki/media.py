"""The images and sounds a note refers to, gathered for the Anki package without leaving its folder.

Notes come from anywhere (a shared vault, a chat paste), so an image reference is treated
like untrusted input: resolved and checked first, and only a file inside the note's own
folder is ever opened.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from study.anki.render import SOUND_SUFFIXES, ImageResolver
from study.notes.card import Card

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]|^\\\\")  # C:\x.png, C:/x.png, \\server\share


class Media:
    """The media files notes refer to: resolved inside the note's folder, or reported.

    A reference is resolved and checked before anything is opened; one that leaves the
    note's folder (`../`, an absolute path, a symlink out) or names a missing file is
    reported and dropped, and its file is never read.
    """

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}  # name inside the package -> file
        self._names: dict[Path, str] = {}
        self.skipped: list[str] = []

    def resolver(self, card: Card) -> ImageResolver:
        def resolve(src: str) -> str | None:
            if _DRIVE.match(unquote(src)):
                self._skip(card, src, "is a Windows path, not a file in the note's folder")
                return None
            scheme = urlsplit(src).scheme.lower()
            if scheme in ("http", "https"):  # rendering links remote images: only sounds come
                self._skip(card, src, "is on the network; only files in the note's folder")
                return None
            if scheme:  # data:, file:, javascript: ...
                self._skip(card, src, "is not a file in the note's folder")
                return None
            path = unquote(src.split("#")[0].split("?")[0])
            return self._add(card, Path(card.source).parent, path)

        return resolve

    def _add(self, card: Card, folder: Path, src: str) -> str | None:
        try:
            base = folder.resolve()
            target = (folder / src).resolve()
        except (OSError, RuntimeError):
            self._skip(card, src, "cannot be resolved")
            return None
        if not target.is_relative_to(base):
            self._skip(card, src, "is outside the note's folder")
            return None
        if not target.is_file():
            self._skip(card, src, "is missing")
            return None
        name = self._names.get(target)
        if name is None:
            name = target.name
            if name in self.files:  # another folder's img.png: keep both, apart
                digest = hashlib.sha256(str(target).encode("utf-8")).hexdigest()[:8]
                name = f"{target.stem}-{digest}{target.suffix}"
            self._names[target] = name
            self.files[name] = target
        return name

    def _skip(self, card: Card, src: str, why: str) -> None:
        kind = "sound" if src.lower().endswith(SOUND_SUFFIXES) else "image"
        message = f"{card.source}:{card.line}: {kind} {src!r} {why}; skipped"
        if message not in self.skipped:
            self.skipped.append(message)
