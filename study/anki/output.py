"""Where `study export -o` writes: always a file Anki will recognise as a package."""

from __future__ import annotations

from pathlib import Path

from study.errors import StudyError


def apkg_path(output: Path) -> tuple[Path, str]:
    """The package path for `-o OUTPUT`, and a note when it was changed ("" when not).

    Anki imports a package by its `.apkg` ending: a name without an ending is given it (and
    the user told so); a name with another ending (`docker.txt`) is a mistake worth a line,
    not a package nobody can double-click.
    """
    if output.suffix.lower() == ".apkg" or output.is_dir():  # a folder: the export says so
        return output, ""
    if output.suffix:
        raise StudyError(f"-o {output}: an Anki package ends in .apkg (try -o {output.stem}.apkg)")
    given = output.with_name(output.name + ".apkg")
    return given, f"writing {given}: an Anki package ends in .apkg"
