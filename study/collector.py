"""Python's cycle collector, paused for the bulk work of one command.

A first sync holds 100,000 card rows and an export 60,000 notes: the collector passes over
and over them as they pile up (~15% of a sync's main process, ~10% of an export) though
neither makes a reference cycle, so reference counting alone frees everything. Tests hold
the parser, the sync and the export to that (`gc.collect()` finds nothing after them).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off inside, back as it was after (processes forked inside inherit
    it off: the sync's parse workers)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def collector_off_to_the_end() -> Iterator[None]:
    """The collector off for a short command whose process ends when it does (`study due`),
    and everything alive after it frozen (`gc.freeze`), so that Python's exit does not walk
    every object the imports made: its last collection was ~3 ms of `study due`'s ~35, and
    the passes over the imports as they load ~1 ms more. Back as it was after, for a caller
    that goes on (a test calling the launcher in its process)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
