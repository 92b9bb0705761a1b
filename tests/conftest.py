"""Test isolation and the strict mode CI runs in."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

pytest_plugins = ["tests.pgserver"]

STRICT = os.environ.get("STUDY_TEST_STRICT") == "1"

# In CI the property tests draw the same examples on every run, so a submission lands or not
# on its own code, never on a draw; on a developer's machine each run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def study_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder; no test touches the real home."""
    home = tmp_path / "study-home"
    home.mkdir()
    monkeypatch.setenv("STUDY_HOME", str(home))
    return home


def local_zone(monkeypatch: pytest.MonkeyPatch, zone: str) -> Iterator[None]:
    """Local time is `zone` until the fixture using this ends (`yield from` it)."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC (study days roll over at 04:00 UTC), whatever zone the machine is in."""
    yield from local_zone(monkeypatch, "UTC")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under STUDY_TEST_STRICT=1 (set by .ci/run) a skipped test fails the run."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped under STUDY_TEST_STRICT=1: {reason}"
