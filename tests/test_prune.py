"""The last pass over a note's cards: one question, one card; nothing without a fact in it."""

from __future__ import annotations

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from study.notes import signals
from study.notes.builder import Dropped
from study.notes.card import MAX_ANSWER_CHARS, Card, card_id
from study.notes.parser import parse_text
from study.notes.prune import _Folded, _repeats_question, prune
from tests.support import triples

ASTRONOMY = """\
# Astronomy

## Planets

- **Mercury**: the closest planet to the Sun
- **Venus**: the hottest planet

## Summary

- **Mercury**: the closest planet to the Sun
- **Venus**: the hottest planet of the solar system
- **Mars**: the red planet

## Moons of Jupiter

- **Io**: the most volcanic body

### Sizes

- **Io**: 3,643 km across
"""


def test_a_repeat_is_merged_a_restatement_dropped_another_answer_told_apart() -> None:
    note = parse_text(ASTRONOMY, source="astro.md")
    assert triples(note) == [
        ("summary", "Mercury", "the closest planet to the Sun"),
        ("summary", "Venus", "the hottest planet"),
        ("summary", "Mars", "the red planet"),
        ("summary", "Io (Moons of Jupiter)", "the most volcanic body"),
        ("summary", "Io (Sizes)", "3,643 km across"),
    ]
    assert note.merged == [
        "astro.md:10: “Mercury” is asked again (first at line 5); merged into one card"
    ]
    assert note.dropped == [Dropped(11, "Venus", "restates line 6")]
    # A question told apart by its section keeps its id: ids come from key and path.
    sizes = note.cards[4]
    assert sizes.id == card_id("Astronomy", "summary", ("Moons of Jupiter", "Sizes"), "Io")


VIOLAO = """\
# Violão

## Afinação padrão

| Corda | Nota |
|---|---|
| 6 | Mi |
| 5 | Lá |

## Afinação Drop D

| Corda | Nota |
|---|---|
| 6 | Ré |
| 5 | Lá |
"""


def test_parallel_sections_name_themselves_even_where_they_agree() -> None:
    note = parse_text(VIOLAO, source="violao.md")
    assert triples(note) == [
        ("table", "Corda 6 — Nota (Afinação padrão)", "Mi"),
        ("table", "Corda 5 — Nota (Afinação padrão, Afinação Drop D)", "Lá"),
        ("table", "Corda 6 — Nota (Afinação Drop D)", "Ré"),
    ]
    assert note.merged == [
        "violao.md:15: “Corda 5 — Nota” is asked again (first at line 8); merged into one card"
    ]
    assert note.cards[2].id == card_id("Violão", "table", ("Afinação Drop D",), "6\x1fNota")


PATISSERIE = """\
# Pâtisserie

## Sommaire

- Pâtes
- Crèmes

## Pâtes

- **Pâte brisée**: farine, beurre, eau
- **Pâte brisée**: se travaille froide

## Crèmes

| Crème | Base |
|---|---|
| Crème pâtissière | Lait, œufs, sucre, farine |
| Crème anglaise | Lait, jaunes, sucre |

> [!tip] Astuce
> Filmer au contact.

## Photo

![Un mille-feuille](millefeuille.jpg)

## Lien

[La recette complète](https://example.org/recette)

## Liens

- [Pâte feuilletée](https://example.org/feuilletee)
- [Pâte sablée](https://example.org/sablee)

## Schéma

```mermaid
graph TD; Pâte-->Cuisson
```

## Températures

- **180**: °C
"""


def test_answers_with_nothing_to_learn_are_dropped_and_reported() -> None:
    note = parse_text(PATISSERIE, source="patisserie.md")
    assert triples(note) == [
        ("summary", "Pâte brisée", "farine, beurre, eau\n\nse travaille froide"),
        ("table", "Crème pâtissière — Base", "Lait, œufs, sucre, farine"),
        ("table-reverse", "Base: Lait, œufs, sucre, farine", "Crème pâtissière"),
        ("table", "Crème anglaise — Base", "Lait, jaunes, sucre"),
        ("table-reverse", "Base: Lait, jaunes, sucre", "Crème anglaise"),
    ]
    assert note.merged == [
        "patisserie.md:11: “Pâte brisée” is asked again with another answer "
        "(first at line 10); merged"
    ]
    assert note.dropped == [
        Dropped(3, "Pâtisserie — Sommaire", "the answer is only a table of contents"),
        Dropped(
            13,
            "Pâtisserie — Crèmes",
            "the answer is only a callout left beside its section's cards",
        ),
        Dropped(23, "Pâtisserie — Photo", "the answer is only an image"),
        Dropped(27, "Pâtisserie — Lien", "the answer is only a link"),
        Dropped(31, "Pâtisserie — Liens", "the answer is only a list of links"),
        Dropped(38, "Pâtisserie — Schéma", "the answer is only a diagram"),
        Dropped(44, "180", "the question is only a symbol or a number"),
    ]


def _card(front: str, back: str, line: int, path: tuple[str, ...] = ("Notes",)) -> Card:
    cid = card_id("Deck", "concept", path, front)
    return Card(cid, cid, "Deck", "concept", front, back, "deck.md", line, path)


def test_an_answer_too_long_to_grade_is_never_emitted() -> None:
    long = "word " * (MAX_ANSWER_CHARS // 5 + 1)
    short = _card("Short", "a fact", 3)
    pruned = prune([short, _card("Long", long.strip(), 7)])
    assert pruned.cards == [short]
    assert pruned.dropped == [
        Dropped(7, "Long", f"answer too long to grade (404 characters, over {MAX_ANSWER_CHARS})")
    ]


def test_one_section_asking_twice_with_answers_too_long_together_keeps_the_first() -> None:
    first = _card("Q", "a" * 300, 3)
    pruned = prune([first, _card("Q", "b " * 60, 5)])
    assert pruned.cards == [first]
    assert pruned.dropped == [
        Dropped(5, "Q", "asked at line 3 too; the answers together are too long")
    ]


def test_cards_without_repeats_or_junk_pass_untouched() -> None:
    given = [_card("Tides", "the Moon's pull", 3), _card("Seasons", "the axial tilt", 5)]
    assert prune(given) == (given, [], [])


def test_a_third_answer_joins_the_one_from_its_own_section() -> None:
    x = _card("Boiling point", "100 °C at sea level", 3, ("Water",))
    y = _card("Boiling point", "78 °C", 9, ("Ethanol",))
    pruned = prune([x, y, _card("Boiling point", "lower in the mountains", 11, ("Ethanol",))])
    assert [(card.front, card.back) for card in pruned.cards] == [
        ("Boiling point (Water)", "100 °C at sea level"),
        ("Boiling point (Ethanol)", "78 °C\n\nlower in the mountains"),
    ]
    assert [card.id for card in pruned.cards] == [x.id, y.id]
    assert pruned.merged == [
        "deck.md:11: “Boiling point” is asked again with another answer (first at line 9); merged"
    ]


_WORDS = st.sampled_from(["Io", "io", "Mars", "**Mars**", "7", "✅", "the red planet", "", "a b"])
_CARDS = st.lists(
    st.tuples(
        st.lists(_WORDS, min_size=1, max_size=3).map(" ".join),
        st.lists(_WORDS, min_size=1, max_size=3).map(" ".join),
        st.sampled_from([(), ("Moons",), ("Moons", "Sizes"), ("Sizes",), ("Io",)]),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(_CARDS)
@example([("Io", "Mars", ()), ("Io", "Io Io", ("Io",)), ("Io Io", "Io", ())])  # "Io (Io)"
@example([("Mars Io", "Mars", ()), ("Mars Io", "Io", ())])  # joined: "Mars\n\nIo"
def test_what_prune_keeps_asks_each_question_once_and_shows_no_junk(
    made: list[tuple[str, str, tuple[str, ...]]],
) -> None:
    given_cards = [_card(front, back, n + 1, path) for n, (front, back, path) in enumerate(made)]
    pruned = prune([card for card in given_cards if card.front.strip() and card.back.strip()])
    assert signals.repeats(pruned.cards) == []
    assert [card for card in pruned.cards if signals.card_signals(card)] == []
    kept_ids = [card.id for card in pruned.cards]
    assert set(kept_ids) <= {card.id for card in given_cards}


# Pieces an answer and its question share or not: case, accents, marks, links and emoji that
# the comparison sets aside, and words that start alike.
_PIECES = st.sampled_from(
    ["Io", "io", "IO", "Éo", "eo", "7", "**", "_", "`", "^", "[[Io]]", "[[x|Io]]", "[Io](u)",
     "✅", "—", " ", "\n", "-", "Mars", "mars", "ma"]
)  # fmt: skip
_TEXT = st.lists(_PIECES, max_size=6).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TEXT, _TEXT)
@example("Io", "io")
@example("[[x|Io]]", "Io")
@example("io", "Io**")
@example("Éo", "eo")
def test_the_repeated_question_shortcuts_give_the_full_comparison(front: str, back: str) -> None:
    """An answer that starts with a letter or digit starts its fold with it: the first-letter
    and first-word looks rule out only answers the full comparison tells apart (all these
    are short enough for it)."""
    assume(back[:1].isalnum())
    card = _card(front, back, 1)
    assert _repeats_question(card, _Folded()) == signals.answer_is_front(card)
