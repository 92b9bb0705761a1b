"""Words that agree with their numbers: one rule for every count a command prints."""


def plural(number: int, noun: str) -> str:
    """`1 card`, `2 cards`, `0 cards`: the count and the noun that agrees with it."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
