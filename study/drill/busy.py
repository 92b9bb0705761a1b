"""An answer saved through a busy database: kept in memory and tried again, never dropped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from study.schedule.database import is_busy


def until_written(console: Any, write: Callable[[], Any]) -> Any:
    """`write`, tried again while another process holds the database past the busy timeout:
    the answer waits in memory, never dropped, and the user is told why."""
    while True:
        try:
            return write()
        except Exception as error:
            if not is_busy(error):
                raise
            console.print(
                "[yellow]the database is busy (another drill or a sync is writing); "
                "your answer is kept, waiting to save it…[/]"
            )
