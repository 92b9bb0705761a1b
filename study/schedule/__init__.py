"""The store and the schedule: the SQLite tables and their migrations, syncing notes into cards,
the scheduling rules (`rules`: what is eligible now, under which limits, in which study day),
the settings, the fsrs adapter, the answers (grade, undo, bury, suspend) and the due counts.

May import `study.notes` (a sync parses notes) and the shared modules; never the drill, the Anki
export, the reminders or the CLI.
"""
