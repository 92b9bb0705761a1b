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
