"""The reminder as an iCalendar file: a daily event with an alarm, for phones and calendar apps.

Named ical, not calendar, so it never shadows the standard library's `calendar` module.
"""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from study.atomic import write_atomic


def event_uid(decks: Sequence[str] = ()) -> str:
    """The same decks give the same UID, so re-importing the file updates the event in place."""
    key = "study-remind:" + ",".join(sorted(deck.casefold() for deck in decks))
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, key)}@study"


def reminder_calendar(hour: int, minute: int, now: datetime, decks: Sequence[str] = ()) -> bytes:
    """The .ics bytes: a 15-minute review session every day at hour:minute, alarm at its start.

    The start is floating local time (no time zone), so "08:30" stays 08:30 wherever the
    phone travels, which is what a daily habit wants.
    """
    from icalendar import Alarm, Calendar, Event, vRecur

    command = shlex.join(["study", "drill", *decks])
    what = f"Review the cards due in {', '.join(decks)}" if decks else "Review the cards due today"
    start = datetime.combine(now.astimezone().date(), time(hour, minute))

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{what}: run `{command}`")
    alarm.add("trigger", timedelta(0))

    event = Event()
    event.add("uid", event_uid(decks))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=15))
    event.add("rrule", vRecur(freq="DAILY"))
    event.add("summary", "study: review due cards")
    event.add("description", f"{what}: run `{command}` in a terminal.")
    event.add_component(alarm)

    calendar = Calendar()
    calendar.add("prodid", "-//study//study remind//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()


def write_calendar(
    path: Path, hour: int, minute: int, now: datetime, decks: Sequence[str] = ()
) -> Path:
    """Write the reminder calendar to `path` atomically; returns the path written."""
    write_atomic(path, reminder_calendar(hour, minute, now, decks))
    return path
