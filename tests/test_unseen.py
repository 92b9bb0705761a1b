"""Shapes first met on notes nobody tuned the rules on (tests/unseen/), each on a note of
another topic written here, in two languages, asserted card by card."""

from __future__ import annotations

import pytest

from study.notes import signals
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


# A bold label heads the rest of its slide only: a thematic break (`---`, a Marp or
# reveal.js slide) ends it, and what follows belongs to the heading above again.
SLIDES_EN = """\
# Fractions

## Adding fractions

---

**Example: 1/2 + 1/3**

Over the common denominator 6: 3/6 + 2/6 = 5/6.

---

To add two fractions, write them over a common denominator, then add the numerators.

---
"""

SLIDES_ES = """\
# Fracciones

## Sumar fracciones

---

**Ejemplo: 1/2 + 1/3**

Con el denominador común 6: 3/6 + 2/6 = 5/6.

---

Para sumar dos fracciones, se escriben con un denominador común y se suman los numeradores.

---
"""


def test_a_bold_label_ends_at_a_thematic_break() -> None:
    assert triples(parse_text(SLIDES_EN, "fractions.md")) == [
        (
            "concept",
            "Adding fractions",
            "To add two fractions, write them over a common denominator, then add the numerators.",
        ),
        (
            "concept",
            "Adding fractions — Example: 1/2 + 1/3",
            "Over the common denominator 6: 3/6 + 2/6 = 5/6.",
        ),
    ]
    assert triples(parse_text(SLIDES_ES, "fracciones.md")) == [
        (
            "concept",
            "Sumar fracciones",
            "Para sumar dos fracciones, se escriben con un denominador común y se suman los "
            "numeradores.",
        ),
        (
            "concept",
            "Sumar fracciones — Ejemplo: 1/2 + 1/3",
            "Con el denominador común 6: 3/6 + 2/6 = 5/6.",
        ),
    ]


# In a body cut into parts, a lead-in and its list are a question and its answer; a lead-in
# whose list became cards of its own ("Rocks fall into three families:") is left out.
LEAD_EN = """\
# Volcanoes

## Eruptions

An eruption happens when magma rises through the crust and escapes at the surface, \
sometimes quietly as lava flows and sometimes violently as ash columns that reach the \
stratosphere.

The main products of an eruption are:

- lava flows
- ash and tephra
- volcanic gases

Most eruptions last from a few days to a few months, although some volcanoes erupt for \
decades, like Stromboli in Italy, whose small explosions name a whole eruptive style.

## Rocks

Rocks fall into three families:

- **Igneous**: formed from cooled magma
- **Sedimentary**: formed from compacted layers
- **Metamorphic**: changed by heat and pressure

Most of the crust is igneous rock.
"""

LEAD_PT = """\
# Vulcões

## Erupções

Uma erupção acontece quando o magma sobe pela crosta e escapa na superfície, às vezes \
calmamente como fluxos de lava e às vezes com violência, em colunas de cinzas que chegam à \
estratosfera.

Os principais produtos de uma erupção são:

- fluxos de lava
- cinzas e tefra
- gases vulcânicos

A maioria das erupções dura de poucos dias a poucos meses, embora alguns vulcões entrem em \
erupção por décadas, como o Stromboli na Itália, que dá nome a um estilo eruptivo.

## Rochas

As rochas dividem-se em três famílias:

- **Ígneas**: formadas pelo magma resfriado
- **Sedimentares**: formadas por camadas compactadas
- **Metamórficas**: transformadas por calor e pressão

A maior parte da crosta é de rocha ígnea.
"""


@pytest.mark.parametrize(
    ("text", "ending", "orphan", "expected"),
    [
        (
            LEAD_EN,
            "name a whole eruptive style.",
            "Rocks fall into three families:",
            [
                ("concept", "Volcanoes — Eruptions", "An eruption happens when magma rises thr"),
                (
                    "concept",
                    "The main products of an eruption are",
                    "- lava flows\n- ash and tephra\n- volcanic",
                ),
                ("summary", "Igneous", "formed from cooled magma"),
                ("summary", "Sedimentary", "formed from compacted layers"),
                ("summary", "Metamorphic", "changed by heat and pressure"),
                ("concept", "Volcanoes — Rocks", "Most of the crust is igneous rock."),
            ],
        ),
        (
            LEAD_PT,
            "que dá nome a um estilo eruptivo.",
            "As rochas dividem-se em três famílias:",
            [
                ("concept", "Vulcões — Erupções", "Uma erupção acontece quando o magma sobe"),
                (
                    "concept",
                    "Os principais produtos de uma erupção são",
                    "- fluxos de lava\n- cinzas e tefra\n- gase",
                ),
                ("summary", "Ígneas", "formadas pelo magma resfriado"),
                ("summary", "Sedimentares", "formadas por camadas compactadas"),
                ("summary", "Metamórficas", "transformadas por calor e pressão"),
                ("concept", "Vulcões — Rochas", "A maior parte da crosta é de rocha ígnea"),
            ],
        ),
    ],
)
def test_a_lead_in_asks_for_its_list_and_an_orphan_lead_in_is_left_out(
    text: str, ending: str, orphan: str, expected: list[tuple[str, str, str]]
) -> None:
    note = parse_text(text, "volcanoes.md")
    assert [(kind, front, back[:40]) for kind, front, back in triples(note)] == expected
    assert note.cards[0].back.endswith(ending)  # the two paragraphs, packed in order
    assert orphan in [drop.text for drop in note.dropped]


# A display formula right after a term's line is part of that term's answer, not left for
# the section's own card with the other formulas and no term to tell them apart.
FORMULAS_EN = """\
# Motion

## Kinematics

- Uniform motion: constant velocity

$$x = x_0 + v t$$

- Uniform acceleration: constant acceleration

$$v = v_0 + a t$$
"""

FORMULAS_FR = """\
# Mouvement

## Cinématique

- Mouvement uniforme : vitesse constante

$$x = x_0 + v t$$

- Mouvement uniformément accéléré : accélération constante

$$v = v_0 + a t$$
"""


def test_a_display_formula_belongs_to_the_term_above_it() -> None:
    assert triples(parse_text(FORMULAS_EN, "motion.md")) == [
        ("summary", "Uniform motion", "constant velocity\n\n$$x = x_0 + v t$$"),
        ("summary", "Uniform acceleration", "constant acceleration\n\n$$v = v_0 + a t$$"),
    ]
    assert triples(parse_text(FORMULAS_FR, "mouvement.md")) == [
        ("summary", "Mouvement uniforme", "vitesse constante\n\n$$x = x_0 + v t$$"),
        (
            "summary",
            "Mouvement uniformément accéléré",
            "accélération constante\n\n$$v = v_0 + a t$$",
        ),
    ]


# Notes written for pandoc put LaTeX layout commands between sections: layout, not content.
PANDOC_EN = """\
# Chemistry

## Acids

An acid gives up protons in water.

\\newpage

## Bases

\\pagebreak

\\newpage
"""

PANDOC_DE = """\
# Chemie

## Säuren

Eine Säure gibt in Wasser Protonen ab.

\\newpage

## Basen

\\clearpage
"""


def test_latex_layout_commands_are_not_content() -> None:
    assert triples(parse_text(PANDOC_EN, "chemistry.md")) == [
        ("concept", "Chemistry — Acids", "An acid gives up protons in water."),
    ]
    assert triples(parse_text(PANDOC_DE, "chemie.md")) == [
        ("concept", "Chemie — Säuren", "Eine Säure gibt in Wasser Protonen ab."),
    ]


# A lead-in with nothing after it ("**Estimators**:" whose table became cards) is no answer.
ESTIMATION_EN = """\
# Statistics

## Estimation

- **Inference**:
  Drawing conclusions about a population from a sample.
- **Estimators**:

| Parameter | Estimator |
| --- | --- |
| mean | sample mean |
| variance | sample variance |
"""

ESTIMATION_PT = """\
# Estatística

## Estimação

- **Inferência**:
  Conclusões sobre uma população a partir de uma amostra.
- **Estimadores**:

| Parâmetro | Estimador |
| --- | --- |
| média | média amostral |
| variância | variância amostral |
"""


def test_a_lead_in_alone_is_no_answer() -> None:
    assert triples(parse_text(ESTIMATION_EN, "statistics.md")) == [
        ("table", "mean — Estimator", "sample mean"),
        ("table", "variance — Estimator", "sample variance"),
        (
            "concept",
            "Estimation — Inference",
            "Drawing conclusions about a population from a sample.",
        ),
    ]
    assert triples(parse_text(ESTIMATION_PT, "estatistica.md")) == [
        ("table", "média — Estimador", "média amostral"),
        ("table", "variância — Estimador", "variância amostral"),
        (
            "concept",
            "Estimação — Inferência",
            "Conclusões sobre uma população a partir de uma amostra.",
        ),
    ]
    assert signals.lead_in_alone("- **Estimators**:")
    assert not signals.lead_in_alone("The stack has two operations: push and pop.")


# A paragraph too long for one card is cut at sentence ends into even parts, so its last
# sentence (an example) is not left alone.
GLACIERS_EN = """\
# Glaciers

## Moraines

A **moraine** is a ridge of rock and soil that a glacier pushed ahead of it or left along \
its sides as it moved down the valley over many centuries. A terminal moraine marks the \
furthest point the ice ever reached before the climate warmed. Lateral moraines line the \
valley walls, and medial moraines form where two glaciers meet and their lateral ridges \
join in the middle of the ice. For instance, Long Island is a terminal moraine.
"""

GLACIARES_ES = """\
# Glaciares

## Morrenas

Una **morrena** es una cresta de rocas y tierra que un glaciar empujó delante de sí o dejó \
a sus lados mientras bajaba por el valle durante muchos siglos. Una morrena terminal marca \
el punto más lejano al que llegó el hielo antes de que el clima se calentara. Las morrenas \
laterales bordean las paredes del valle, y las centrales se forman donde dos glaciares se \
unen. Por ejemplo, Long Island es una morrena terminal.
"""


@pytest.mark.parametrize(
    ("text", "first_end", "second_start"),
    [
        (GLACIERS_EN, "before the climate warmed.", "Lateral moraines line the valley walls"),
        (GLACIARES_ES, "antes de que el clima se calentara.", "Las morrenas laterales bordean"),
    ],
)
def test_a_long_paragraph_is_cut_into_even_parts(
    text: str, first_end: str, second_start: str
) -> None:
    first, second = (card.back for card in parse_text(text, "note.md").cards)
    assert first.endswith(first_end)
    assert second.startswith(second_start)
    assert second.endswith(("Long Island is a terminal moraine.", "es una morrena terminal."))


# A note with no heading but its title is all body (before, only an opening paragraph was
# taken and an outline under the title made no card at all). An outline's node typed with
# its facts on the lines under it, no bullets, is named by its first line.
OUTLINE_EN = """\
# Revision for the geology quiz
* **Volcanoes**
Magma rises through the crust
Most stand on plate boundaries
\t* Stromboli
\tSmall explosions every few minutes
\tAn island north of Sicily
\t* Mount St. Helens
\tErupted in 1980
\tA lateral blast flattened the forest
"""

OUTLINE_ES = """\
# Repaso para el examen de geología
* **Volcanes**
El magma sube por la corteza
La mayoría están en bordes de placas
\t* Estrómboli
\tPequeñas explosiones cada pocos minutos
\tUna isla al norte de Sicilia
\t* Monte Santa Helena
\tEntró en erupción en 1980
\tUna explosión lateral arrasó el bosque
"""


def test_an_outline_under_a_title_alone_gives_a_card_per_node() -> None:
    assert triples(parse_text(OUTLINE_EN, "geology.md")) == [
        (
            "concept",
            "Revision for the geology quiz — Volcanoes",
            "Magma rises through the crust\nMost stand on plate boundaries",
        ),
        (
            "concept",
            "Volcanoes — Stromboli",
            "Small explosions every few minutes\nAn island north of Sicily",
        ),
        (
            "concept",
            "Volcanoes — Mount St. Helens",
            "Erupted in 1980\nA lateral blast flattened the forest",
        ),
    ]
    assert triples(parse_text(OUTLINE_ES, "geologia.md")) == [
        (
            "concept",
            "Repaso para el examen de geología — Volcanes",
            "El magma sube por la corteza\nLa mayoría están en bordes de placas",
        ),
        (
            "concept",
            "Volcanes — Estrómboli",
            "Pequeñas explosiones cada pocos minutos\nUna isla al norte de Sicilia",
        ),
        (
            "concept",
            "Volcanes — Monte Santa Helena",
            "Entró en erupción en 1980\nUna explosión lateral arrasó el bosque",
        ),
    ]


def test_a_titled_note_keeps_its_quoted_summary_out_and_an_untitled_scrap_stays_out() -> None:
    # A quote opening a note with only a title (a tldr page's summary) is a preface.
    quoted = "# Lichens\n\n> Notes from the field trip.\n\n- **Crustose**: flat, like paint\n"
    assert triples(parse_text(quoted, "lichens.md")) == [
        ("summary", "Crustose", "flat, like paint")
    ]
    # With no title either, the text is a scrap: only an opening definition is asked.
    assert parse_text("Draft, v2 :)\n\n- ferns\n- mosses\n", "scrap.md").cards == []


# Facts typed one a line with no full stop, too many for one card: cut between lines, never
# dropped as one over-long answer.
LINES_EN = "# Birds of the marsh\n* Grey heron\n" + "".join(
    f"\tFact {n}: wades in shallow water and waits for fish to pass\n" for n in range(1, 9)
)
LINES_DE = "# Vögel im Moor\n* Graureiher\n" + "".join(
    f"\tFakt {n}: watet im flachen Wasser und wartet auf Fische\n" for n in range(1, 9)
)


@pytest.mark.parametrize(
    ("text", "first", "last"), [(LINES_EN, "Fact 1", "Fact 8"), (LINES_DE, "Fakt 1", "Fakt 8")]
)
def test_lines_with_no_full_stop_are_cut_between_lines(text: str, first: str, last: str) -> None:
    note = parse_text(text, "birds.md")
    backs = [card.back for card in note.cards]
    assert [card.front.rsplit(" (", 1)[1] for card in note.cards] == ["1/2)", "2/2)"]
    assert backs[0].startswith(first) and backs[1].endswith(
        "wartet auf Fische" if "Fakt" in first else "for fish to pass"
    )
    assert all(line.startswith(("Fact", "Fakt")) for back in backs for line in back.split("\n"))
    assert last in backs[1] and note.dropped == []


# A glossary written as paragraphs, one `**Term**: definition` line each with a blank line
# between: each term is a card of its own, as it is in a list (before, the entries were
# packed together into the heading's card or its parts, cut across two terms).
GLOSSARY_EN = """\
# Astronomy

## Key terms

**Nebula**: A cloud of gas and dust in space.

**Pulsar**: A rotating neutron star that emits beams of radiation.
"""

GLOSSARY_DE = """\
# Astronomie

## Grundbegriffe

**Nebel**: Eine Wolke aus Gas und Staub im All.

**Pulsar**: Ein rotierender Neutronenstern, der Strahlung aussendet.
"""


def test_a_glossary_of_bold_term_paragraphs_gives_a_card_per_term() -> None:
    assert triples(parse_text(GLOSSARY_EN, "astronomy.md")) == [
        ("concept", "Key terms — Nebula", "A cloud of gas and dust in space."),
        ("concept", "Key terms — Pulsar", "A rotating neutron star that emits beams of radiation."),
    ]
    assert triples(parse_text(GLOSSARY_DE, "astronomie.md")) == [
        ("concept", "Grundbegriffe — Nebel", "Eine Wolke aus Gas und Staub im All."),
        (
            "concept",
            "Grundbegriffe — Pulsar",
            "Ein rotierender Neutronenstern, der Strahlung aussendet.",
        ),
    ]


# A term split from its definition at a colon or dash inside its bold ("1903 - **Wright
# Flyer**: ...", "The **law of thrust** - ...") loses its marks, not just the closing ones
# (the front read "1903 - **Wright Flyer"); a bold term may run to six words.
FLIGHT_EN = """\
# History of flight

## Milestones

1903 - **Wright Flyer**: The first powered flight.
1927 - **Spirit of St. Louis**: The first solo flight across the Atlantic.

## Laws

- The **law of lift and drag** - lift grows with the square of the airspeed
- The **law of thrust** - thrust must match drag in level flight
"""

FLIGHT_FR = """\
# Histoire de l'aviation

## Jalons

1903 - **Wright Flyer** : le premier vol motorisé.
1927 - **Spirit of St. Louis** : la première traversée de l'Atlantique en solitaire.

## Lois

- La **loi de la portance** - la portance croît avec le carré de la vitesse
- La **loi de la poussée** - la poussée égale la traînée en vol horizontal
"""


def test_a_term_split_inside_its_bold_loses_its_marks() -> None:
    assert triples(parse_text(FLIGHT_EN, "flight.md")) == [
        ("concept", "Milestones — 1903 - Wright Flyer", "The first powered flight."),
        (
            "concept",
            "Milestones — 1927 - Spirit of St. Louis",
            "The first solo flight across the Atlantic.",
        ),
        ("summary", "The law of lift and drag", "lift grows with the square of the airspeed"),
        ("summary", "The law of thrust", "thrust must match drag in level flight"),
    ]
    assert triples(parse_text(FLIGHT_FR, "aviation.md")) == [
        ("concept", "Jalons — 1903 - Wright Flyer", "le premier vol motorisé."),
        (
            "concept",
            "Jalons — 1927 - Spirit of St. Louis",
            "la première traversée de l'Atlantique en solitaire.",
        ),
        ("summary", "La loi de la portance", "la portance croît avec le carré de la vitesse"),
        ("summary", "La loi de la poussée", "la poussée égale la traînée en vol horizontal"),
    ]


# A line naming where the text came from ("Source: the course book") has nothing to learn:
# under a glossary whose terms became cards of their own it was the heading's whole answer.
SOURCED_EN = GLOSSARY_EN + "\nSource: the course book\n"
SOURCED_ES = """\
# Astronomía

## Términos

**Nebulosa**: Una nube de gas y polvo en el espacio.

**Púlsar**: Una estrella de neutrones que gira y emite radiación.

Fuente: Wikipedia
"""


def test_a_line_naming_the_source_is_no_card() -> None:
    assert [front for _, front, _ in triples(parse_text(SOURCED_EN, "astronomy.md"))] == [
        "Key terms — Nebula",
        "Key terms — Pulsar",
    ]
    note = parse_text(SOURCED_ES, "astronomia.md")
    assert [front for _, front, _ in triples(note)] == ["Términos — Nebulosa", "Términos — Púlsar"]
    assert [(drop.line, drop.text) for drop in note.dropped] == [(9, "Fuente: Wikipedia")]
    # A definition of a term named "Source" is a sentence, and stays.
    pin = parse_text(
        "# Transistors\n\n## Pins\n\nSource: the pin that feeds the current.\n", "t.md"
    )
    assert triples(pin) == [
        ("concept", "Transistors — Pins", "Source: the pin that feeds the current.")
    ]


# What is under an outline's node is about that node: the aspects of "Oak" ask "Oak —
# Leaves", not "Trees — Leaves" (the node two levels up).
NESTED_EN = """\
# Revision for the botany quiz
* **Trees**
Woody plants with one trunk
\t* Oak
\t\t* Leaves
\t\tLobed and deciduous
\t\t* Fruit
\t\tThe acorn, a nut in a cup
"""

NESTED_PT = """\
# Revisão para a prova de botânica
* **Árvores**
Plantas lenhosas com um tronco
\t* Carvalho
\t\t* Folhas
\t\tLobadas e caducas
\t\t* Fruto
\t\tA bolota, uma noz numa cúpula
"""


def test_the_aspects_under_an_outline_node_ask_about_that_node() -> None:
    assert triples(parse_text(NESTED_EN, "botany.md")) == [
        ("concept", "Revision for the botany quiz — Trees", "Woody plants with one trunk"),
        ("concept", "Oak — Leaves", "Lobed and deciduous"),
        ("concept", "Oak — Fruit", "The acorn, a nut in a cup"),
    ]
    assert triples(parse_text(NESTED_PT, "botanica.md")) == [
        ("concept", "Revisão para a prova de botânica — Árvores", "Plantas lenhosas com um tronco"),
        ("concept", "Carvalho — Folhas", "Lobadas e caducas"),
        ("concept", "Carvalho — Fruto", "A bolota, uma noz numa cúpula"),
    ]


# A bracketed label alone on its line ("[Lecture 2]") marks where a lecture began, and a tip
# sending the reader to a link is advice on tools: neither makes a card or ends an answer.
LECTURES_EN = """\
# Geology

## Editing this note

**Tip:** check the formulas with an online calculator
https://example.org/calculator

[Lecture 1]

## Rocks

### Igneous rock
Rock formed when magma or lava cools and hardens.

[Lecture 2]

### Sedimentary rock
Rock formed from layers of sediment pressed together.

**Tip:** remember that sandstone is sedimentary.
"""

LECTURES_FR = """\
# Géologie

**Astuce :** pour réviser, voir [le quiz](https://example.org/quiz)

[Séance 1]

## Roches

### Roche magmatique
Roche formée quand le magma refroidit et durcit.

[Séance 2]

### Roche sédimentaire
Roche formée de couches de sédiments tassées.
"""


def test_lecture_markers_and_linked_tips_are_no_cards() -> None:
    note = parse_text(LECTURES_EN, "geology.md")
    assert triples(note) == [
        ("concept", "Rocks — Igneous rock", "Rock formed when magma or lava cools and hardens."),
        (
            "concept",
            "Rocks — Sedimentary rock",
            "Rock formed from layers of sediment pressed together.\n\n"
            "**Tip:** remember that sandstone is sedimentary.",
        ),
    ]
    assert [(drop.line, drop.reason) for drop in note.dropped] == [
        (5, "a tip on tools, with a link"),
        (8, "marks where a lecture began"),
        (15, "marks where a lecture began"),
    ]
    note = parse_text(LECTURES_FR, "geologie.md")
    assert triples(note) == [
        (
            "concept",
            "Roches — Roche magmatique",
            "Roche formée quand le magma refroidit et durcit.",
        ),
        ("concept", "Roches — Roche sédimentaire", "Roche formée de couches de sédiments tassées."),
    ]


def test_a_bracketed_line_that_is_a_checkbox_or_a_link_stays() -> None:
    text = "# Tasks\n\n## Done\n\n[x]\n\n[the map][map]\n\n[map]: https://example.org/map\n"
    assert triples(parse_text(text, "t.md")) == [
        ("concept", "Tasks — Done", "[x]\n\n[the map][map]"),
    ]
