"""The strict mode CI runs in: a test skipped for a missing program fails the run."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")
PROBE = """
import pytest

def test_needs_a_program():
    pytest.skip("needs the `no-such-program` program, which is not on PATH")
"""


def run_probe(pytester: pytest.Pytester, strict: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makepyfile(test_probe=PROBE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STUDY_TEST_STRICT", strict)
        return pytester.runpytest_subprocess("-rA")


def test_a_skip_names_the_program_and_passes_on_a_laptop(pytester: pytest.Pytester) -> None:
    result = run_probe(pytester, "0")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs the `no-such-program` program*"])


def test_a_skip_fails_under_study_test_strict(pytester: pytest.Pytester) -> None:
    result = run_probe(pytester, "1")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*skipped under STUDY_TEST_STRICT=1*no-such-program*"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED
