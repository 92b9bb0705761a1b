"""study as a wheel installs it, in a folder to put first on PYTHONPATH.

Builds the wheel with `pip wheel` (hatch_build.py compiles the card parser with mypyc) and
unpacks it into FOLDER, byte-compiled as an install leaves it. A process started with
PYTHONPATH=FOLDER imports this `study` ahead of the editable one, with the venv's
dependencies. Stops if the wheel came out pure Python (no C compiler here): what is wanted
is the compiled build, and a pure one would pass for it silently.

    .venv/bin/python benchmarks/compiled.py FOLDER
"""

from __future__ import annotations

import argparse
import compileall
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build_compiled(folder: Path) -> Path:
    """`folder`, holding the unpacked compiled wheel of the working tree."""
    with tempfile.TemporaryDirectory(prefix="study-wheel-") as scratch:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", scratch, str(REPO)],
            check=True,
        )
        (wheel,) = Path(scratch).glob("*.whl")
        if wheel.name.endswith("-none-any.whl"):
            sys.exit(f"{wheel.name} is pure Python: the parser did not compile (see pip's output)")
        with zipfile.ZipFile(wheel) as unpacked:
            unpacked.extractall(folder)
    compileall.compile_dir(folder / "study", quiet=1)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    print(build_compiled(parser.parse_args().folder))


if __name__ == "__main__":
    main()
