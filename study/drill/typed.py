"""`study drill --typed`: the command typed from memory, compared with the card's."""

from __future__ import annotations

import difflib
from typing import Any


def plain_command(text: str) -> str:
    """The command of a card's back, without Markdown code marks or extra spacing."""
    lines = [ln for ln in text.strip().splitlines() if not ln.strip().startswith("```")]
    return " ".join(" ".join(lines).strip().strip("`").split())


def compare_typed(answer: str, expected_back: str) -> tuple[int, str]:
    """The grade a typed command earns, and one line of rich markup showing the difference.

    Spacing does not count. Exact -> Good; close (80% alike) -> Hard; else Again. The user's
    own line is already on the screen, so the command is shown once more, not twice: the
    expected command, with what the answer lacked or got wrong underlined.
    """
    expected = plain_command(expected_back)
    typed = " ".join(answer.split())
    if typed == expected:
        return 3, f"[green]✓ {_escape(expected)}[/]"
    matcher = difflib.SequenceMatcher(None, typed, expected, autojunk=False)
    parts = []
    for op, _, _, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_escape(expected[b1:b2]))
        elif op in ("insert", "replace"):
            parts.append(f"[bold green underline]{_escape(expected[b1:b2])}[/]")
        # a deletion (typed, not expected) leaves nothing to show in the expected command
    rating = 2 if matcher.ratio() >= 0.8 else 1
    return rating, f"✗ expected: {''.join(parts)}"


def show_typed(console: Any, answer: str, expected_back: str) -> int | None:
    """Shows how the typed command differs and proposes a grade (None: nothing typed)."""
    if not answer.strip():
        return None
    rating, diff = compare_typed(answer, expected_back)
    console.print(diff)
    return rating


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
