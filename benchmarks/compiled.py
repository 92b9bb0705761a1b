"""The study package with its card parser compiled by mypyc, in a folder to put first on
PYTHONPATH: what a compiled build would give, to measure it (benchmarks/bench_compiled.py).

Copies the package into FOLDER and has mypyc compile every module of `study/notes` but those
in NOT_COMPILED, in that copy (never in the source tree, where a `.so` would shadow edits of
its `.py`). A process started with PYTHONPATH=FOLDER imports this `study` ahead of the
editable one, with the venv's dependencies. Needs mypy (the test extra), setuptools and a C
compiler with Python's headers.

    .venv/bin/python benchmarks/compiled.py FOLDER
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOT_COMPILED = {
    "__init__.py",
    "cardview.py",  # how `study cards` prints: not part of a parse
    "check.py",  # `study check`: once per command, over the parse
    "frontmatter.py",  # a class made inside a function (mypyc compiles module-level ones only)
    "lookup.py",  # finding a card by id: once per command
    "vault.py",  # finding and reading files: I/O, not parsing
}

# Run in the copy: one shared library for the group (named after it, not a hash) and a small
# one per module, built in place beside each source.
_COMPILE = """
import sys
from mypyc.build import mypycify
from setuptools import setup

setup(
    name="study-compiled",
    ext_modules=mypycify(sys.argv[1:], opt_level="3", group_name="study"),
    script_args=["build_ext", "--inplace"],
)
"""


def build_compiled(folder: Path) -> Path:
    """`folder`, holding a copy of the package with the parser's modules compiled."""
    shutil.copytree(
        REPO / "study",
        folder / "study",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"),
    )
    # mypy's settings, as `mypy study` checks; not the pyproject.toml itself, whose [project]
    # the compiling setup() would take for its own
    settings = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["mypy"]
    ini = [f"{key} = {value}" for key, value in settings.items()]
    (folder / "mypy.ini").write_text("\n".join(["[mypy]", *ini, ""]), encoding="utf-8")
    sources = sorted(
        path.relative_to(folder).as_posix()
        for path in (folder / "study" / "notes").glob("*.py")
        if path.name not in NOT_COMPILED
    )
    done = subprocess.run(
        [sys.executable, "-c", _COMPILE, *sources], cwd=folder, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"mypyc could not compile the parser:\n{done.stdout[-3000:]}{done.stderr}")
    compileall.compile_dir(folder / "study", quiet=1)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    print(build_compiled(parser.parse_args().folder))


if __name__ == "__main__":
    main()
