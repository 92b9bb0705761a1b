"""study: Markdown notes to spaced-repetition cards, drilled in the terminal."""

__version__ = "0.1.0"
