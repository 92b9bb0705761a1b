"""The store and the schedule: the SQLite tables and their migrations, syncing notes into cards,
the FSRS adapter and settings, which cards are due, answering and undoing.

May import `study.notes` (a sync parses notes) and the shared modules; never the drill, the Anki
export, the reminders or the CLI.
"""
