"""Compiles the card parser with mypyc when a wheel is built, if this machine can.

A wheel (`pip install .`, `pip wheel .`) gets the parser's modules as C extensions beside
their sources (an extension is imported before a `.py` of the same name): the first sync
parses every note, and compiled it parses them ~1.4x faster. The compile happens in a
scratch copy of the package, never in the source tree, where a `.so` would shadow later
edits of its `.py`. When it cannot be done (no C compiler, no Python headers, a type error
mypyc refuses), the wheel is the pure-Python one, with a warning saying why: the install
never fails for want of a compiler. An editable install (`pip install -e .`) is always pure
Python, so an edited source takes effect at once. `STUDY_PURE=1` builds a pure wheel.

Every module of `study/notes` is compiled except those below: the parser's hot path is the
rest, and these either run once per command or hold what mypyc does not compile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE = "study"
COMPILED_FOLDER = "study/notes"
NOT_COMPILED = {
    "__init__.py",
    "cardview.py",  # how `study cards` prints: not part of a parse
    "check.py",  # `study check`: once per command, over the parse
    "frontmatter.py",  # a class made inside a function (mypyc compiles module-level ones only)
    "lookup.py",  # finding a card by id: once per command
    "vault.py",  # finding and reading files: I/O, not parsing
}

# Run in the scratch copy by the build environment's Python (which has mypy and setuptools):
# one shared library for the group (named after it, not a hash) and a small one per module.
_COMPILE = """
import sys
from mypyc.build import mypycify
from setuptools import setup

setup(
    name="study-compiled",
    ext_modules=mypycify(sys.argv[3:], opt_level="3", group_name="study"),
    script_args=["build_ext", "--build-lib", sys.argv[1], "--build-temp", sys.argv[2]],
)
"""


def compiled_sources(root: Path) -> list[str]:
    """The source files mypyc compiles, relative to `root`."""
    folder = root / COMPILED_FOLDER
    return sorted(
        path.relative_to(root).as_posix()
        for path in folder.glob("*.py")
        if path.name not in NOT_COMPILED
    )


def compile_into(root: Path, scratch: Path) -> list[Path]:
    """The extension modules built from a copy of `root`'s package under `scratch`.

    Raises CalledProcessError (with mypyc's and the compiler's output) when it cannot build.
    """
    copy = scratch / "src"
    shutil.copytree(
        root / PACKAGE,
        copy / PACKAGE,
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"),
    )
    # mypy's settings, as `mypy study` checks; not the pyproject.toml itself, whose [project]
    # the compiling setup() would take for its own
    settings = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["mypy"]
    ini = [f"{key} = {value}" for key, value in settings.items()]
    (copy / "mypy.ini").write_text("\n".join(["[mypy]", *ini, ""]), encoding="utf-8")
    built = scratch / "lib"
    command = [sys.executable, "-c", _COMPILE, str(built), str(scratch / "tmp")]
    subprocess.run(
        [*command, *compiled_sources(root)],
        cwd=copy,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    return sorted(built.rglob(f"*{suffix}"))


class CompileParser(BuildHookInterface):
    """Adds the compiled parser to a standard wheel, or leaves the wheel pure if it can't."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "standard" or os.environ.get("STUDY_PURE") == "1":
            return
        self._scratch = Path(tempfile.mkdtemp(prefix="study-mypyc-"))
        try:
            extensions = compile_into(Path(self.root), self._scratch)
        except subprocess.CalledProcessError as error:
            tail = "\n".join(str(error.output).splitlines()[-15:])
            self.app.display_warning(
                f"study: the parser is not compiled (mypyc's build failed), so this wheel is"
                f" pure Python and parses ~1.4x slower:\n{tail}"
            )
            return
        built = self._scratch / "lib"
        for extension in extensions:
            build_data["force_include"][str(extension)] = extension.relative_to(built).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True  # this interpreter's and platform's tag, not py3-none-any

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
