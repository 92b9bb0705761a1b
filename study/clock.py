"""The one place the wall clock is read: at the edge, by the commands, never in the core."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from study.errors import StudyError


def current_time() -> datetime:
    """Now, in aware UTC; `STUDY_NOW` (ISO 8601) fixes it for tests and scripted runs."""
    fixed = os.environ.get("STUDY_NOW")
    if not fixed:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(fixed)
    except ValueError:
        raise StudyError(f"STUDY_NOW={fixed!r} is not an ISO date and time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
