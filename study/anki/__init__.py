"""Anki packages both ways: note types, notes (note), Markdown rendered to sanitized HTML (render,
code), media, the schedule in Anki's terms (progress), the `.apkg` writer (collection, export)
and the reader that brings Anki's answers back (importer).

Imports `study.notes` (cards parsed from files) and `study.schedule` (cards from the database).
"""
