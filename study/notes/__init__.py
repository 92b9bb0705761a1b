"""Markdown notes -> cards: the card model and its identity, the parser, the card rules, the
explicit syntax, reading notes from files and folders.

Imports only the shared modules at the top of `study` (errors, paths, ...); nothing here knows
about the database, the drill, Anki or reminders.
"""
