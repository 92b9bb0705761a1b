"""A synthetic vault in the style of decks/docker.md, deterministic from a seed.

Each note has what the first user's note has: tags and wikilinks, an introduction, four
numbered concept sections (what it is, characteristics, an example command with its
explanation), a comparison table, a summary list and groups of commands each followed by an
indented description. Each note yields about 100 cards, so 1,000 notes make ~100,000.

    python benchmarks/vault.py FOLDER [--notes N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

TOPICS = 4  # concept sections per note
SUBSECTIONS = 3  # "What It Is", "Characteristics", "Purpose" under each topic
ROWS = 4  # comparison-table rows (features); the columns are the topics
GROUPS = 4  # command groups
COMMANDS = 6  # commands per group
NOTES_PER_DECK = 20
# What the parser makes of one note: a concept card per sub-section, an example per topic,
# a table card and its reverse per cell, a summary card per topic, a command card and its
# reverse per command.
CARDS_PER_NOTE = TOPICS * SUBSECTIONS + TOPICS + 2 * ROWS * TOPICS + TOPICS + 2 * GROUPS * COMMANDS

_ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou"]
_EMOJI = ["🐳", "🚢", "🧱", "🗂", "📦", "🛠️", "📁", "🧹"]
_FEATURES = ["Definition", "Mutable", "Lifecycle", "Use case", "Analogy", "Scope", "Cost"]
_VERBS = ["create", "list", "remove", "inspect", "start", "stop", "push", "pull", "prune", "tag"]


def _word(rng: random.Random, syllables: int = 2) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(_word(rng, rng.randint(1, 3)) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _topic(rng: random.Random, tool: str, number: int, name: str) -> list[str]:
    emoji = _EMOJI[number % len(_EMOJI)]
    bullets = [f"- {_sentence(rng, rng.randint(3, 8))}" for _ in range(rng.randint(2, 5))]
    traits = [
        f"- {_word(rng).title()}: {_sentence(rng, rng.randint(4, 10))}"
        for _ in range(rng.randint(2, 4))
    ]
    purposes = [f"- {_sentence(rng, rng.randint(4, 9))}" for _ in range(rng.randint(2, 3))]
    command = f"{tool} {name.lower()} {_word(rng)} --{_word(rng)} {_word(rng)}"
    return [
        f"## {emoji} {number}. {tool.title()} **{name}**",
        "",
        "### 📌 What It Is:",
        "",
        f"A **{name}** is a **{_word(rng)} {_word(rng)}** {_sentence(rng, 12)}",
        "",
        *bullets,
        "",
        "### ⚙️ Characteristics:",
        "",
        *traits,
        "",
        "### 💾 Purpose:",
        "",
        *purposes,
        "",
        "### 📋 Example:",
        "",
        "```bash",
        command,
        "```",
        "",
        f"This {_sentence(rng, rng.randint(6, 14)).lower()}",
        "",
        "---",
        "",
    ]


def _table(rng: random.Random, names: list[str]) -> list[str]:
    features = rng.sample(_FEATURES, ROWS)
    lines = ["## 🔁 Comparison Table", "", "|Feature|" + "|".join(names) + "|"]
    lines.append("|---" * (len(names) + 1) + "|")
    for feature in features:
        cells = [f"{_word(rng).title()} {_word(rng)} {_word(rng, 1)}" for _ in names]
        lines.append(f"|{feature}|" + "|".join(cells) + "|")
    return [*lines, "", "---", ""]


def _commands(rng: random.Random, tool: str, index: int) -> list[str]:
    lines: list[str] = []
    for group in range(GROUPS):
        lines += [f"### {_EMOJI[group]} **{_word(rng).title()} {_word(rng)}**", ""]
        for n in range(COMMANDS):
            verb = _VERBS[(group * COMMANDS + n) % len(_VERBS)]
            # The note index keeps every command unique within its deck.
            command = f"{tool} {verb} {_word(rng)}{index}-{group}-{n} <{_word(rng)}>"
            lines += [f"- `{command}`", "    ", f"    {_sentence(rng, rng.randint(4, 9))}"]
            lines.append("    ")
        lines += ["", "---", ""]
    return lines


def _names(rng: random.Random, used: set[str]) -> list[str]:
    # Topic names are unique across the vault: cards of two notes of a deck that share a
    # topic name and a heading ("Summary") would be one card, and the count would drift.
    names: list[str] = []
    while len(names) < TOPICS:
        name = _word(rng, rng.randint(2, 3)).title()
        if name not in used:
            used.add(name)
            names.append(name)
    return names


def note_text(rng: random.Random, index: int, deck: str, used: set[str] | None = None) -> str:
    """One note, like decks/docker.md, with its deck in the front matter."""
    tool = f"{_word(rng)}{index}"
    names = _names(rng, used if used is not None else set())
    lines = ["---", f"deck: {deck}", "---", ""]
    lines += [" ".join(f"#{_word(rng)}" for _ in range(4)), ""]
    lines += [f"[[{_word(rng).title()} {_word(rng)}]]", ""]
    lines += [
        f"In {tool}, the terms " + ", ".join(f"**{n}**" for n in names) + " represent "
        f"{_sentence(rng, 10).lower()} Here's a comprehensive breakdown of each:",
        "",
        "---",
        "",
    ]
    for number, name in enumerate(names, start=1):
        lines += _topic(rng, tool, number, name)
    lines += _table(rng, names)
    lines += ["## 🔚 Summary", ""]
    lines += [f"- **{n}** = {_sentence(rng, rng.randint(4, 9))}" for n in names]
    lines += ["", "Would you like a diagram of how these relate?", ""]
    lines += _commands(rng, tool, index)
    return "\n".join(lines)


def make_vault(folder: Path, notes: int, seed: int) -> int:
    """Writes `notes` notes under `folder` (a sub-folder per deck); returns the cards expected."""
    rng = random.Random(seed)
    used: set[str] = set()
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(notes):
        deck = f"deck{index // NOTES_PER_DECK:02d}"
        sub = folder / deck
        sub.mkdir(exist_ok=True)
        (sub / f"note{index:04d}.md").write_text(
            note_text(rng, index, deck, used), encoding="utf-8"
        )
    return notes * CARDS_PER_NOTE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(make_vault(args.folder, args.notes, args.seed))


if __name__ == "__main__":
    main()
