"""The terminal drill: the review loop and the keys, screens and colours it draws with.

Imports `study.schedule` (the queue and the answers) and the shared modules.
"""
