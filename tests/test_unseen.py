"""Shapes first met on notes nobody tuned the rules on (tests/unseen/), each on a note of
another topic written here, in two languages, asserted card by card."""

from __future__ import annotations

from study.notes.parser import parse_text
from tests.support import triples

# Hugo and Zola's TOML front matter: settings, never a card; the teaser above `<!-- more -->`
# introduces the post, it defines nothing.
TOML_EN = """\
+++
title = "Tides & currents notes"
date = 2024-01-05
+++

These notes contain the first unit of the coastal geography course.

<!-- more -->

Use the search box to find a section.

## Tides

- **Spring tide**: the highest tide, at new and full moon
"""

TOML_IT = """\
+++
title = "Maree & correnti"
+++

Questi appunti contengono la prima unità del corso.

<!--more-->

## Maree

- **Marea sizigiale**: la marea più alta, con luna nuova e piena
"""


def test_toml_front_matter_and_a_post_teaser_make_no_card() -> None:
    assert triples(parse_text(TOML_EN, "tides.md")) == [
        ("summary", "Spring tide", "the highest tide, at new and full moon"),
    ]
    assert triples(parse_text(TOML_IT, "maree.md")) == [
        ("summary", "Marea sizigiale", "la marea più alta, con luna nuova e piena"),
    ]


# Two answers differing only in their numbers are two facts, not one restated.
BOILING_EN = """\
# Boiling points

## Water

- **Boiling point**: 100 degrees at sea level

## Ethanol

- **Boiling point**: 78 degrees at sea level
"""

BOILING_DE = """\
# Siedepunkte

## Wasser

- **Siedepunkt**: 100 Grad auf Meereshöhe

## Ethanol

- **Siedepunkt**: 78 Grad auf Meereshöhe
"""


def test_answers_differing_in_their_numbers_are_both_kept() -> None:
    assert triples(parse_text(BOILING_EN, "boiling.md")) == [
        ("summary", "Boiling point (Water)", "100 degrees at sea level"),
        ("summary", "Boiling point (Ethanol)", "78 degrees at sea level"),
    ]
    assert triples(parse_text(BOILING_DE, "siedepunkte.md")) == [
        ("summary", "Siedepunkt (Wasser)", "100 Grad auf Meereshöhe"),
        ("summary", "Siedepunkt (Ethanol)", "78 Grad auf Meereshöhe"),
    ]
