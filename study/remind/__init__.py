"""Daily reminders: the due-count message and notification, the systemd/cron/launchd timers and
the calendar file.

Imports `study.schedule` (what is due) and the shared modules.
"""
