"""Anki packages: the note types, Markdown rendered to sanitized HTML, media, the `.apkg` writer.

Imports `study.notes` (cards parsed from files) and `study.schedule` (cards from the database).
"""
