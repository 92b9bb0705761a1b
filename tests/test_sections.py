"""Section rules on notes of other topics, card by card: long bodies, code pairing, labels
and question headings, chat junk, and the facts before the first heading."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from study.notes.card import MAX_ANSWER_CHARS, card_id
from study.notes.parser import parse_text
from tests.support import triples

# --- long bodies ---------------------------------------------------------------------------

ASTRONOMY = """\
# Astronomy

A nebula is a giant cloud of dust and gas in space.

## Stars

A star is a luminous sphere of plasma held together by its own gravity. The nearest star \
to Earth is the Sun, and most stars we see at night lie within a few thousand light-years \
of us.

- **Main sequence**: the long stage in which a star fuses hydrogen into helium in its core.
- Red giant: a late stage in which the star's outer layers swell and cool after the core \
runs out of hydrogen.
- White dwarf - the hot, dense remnant left when a star like the Sun has shed its outer \
layers.
- Neutron star:
    - the collapsed core of a massive star, made almost entirely of neutrons and only about \
twenty kilometres across.

## Observing a planet

To observe a planet through a small telescope:

1. Check the forecast for a clear night with steady air, since turbulence blurs the view \
at high magnification.
2. Set the telescope outside an hour early so that the optics cool to the temperature of \
the night air.
3. Align the finder scope on a distant landmark during the day, before it gets dark.
4. Start with the lowest-power eyepiece, centre the planet, then switch to a higher power.

## Polar alignment

1. Level the mount.
2. Point the polar axis north.
3. Centre Polaris in the polar scope.
"""


def test_long_body_splits_into_definition_and_one_card_per_labelled_item() -> None:
    note = parse_text(ASTRONOMY, source="astronomy.md")
    assert triples(note)[1:6] == [
        (
            "concept",
            "Astronomy — Stars",
            "A star is a luminous sphere of plasma held together by its own gravity. The "
            "nearest star to Earth is the Sun, and most stars we see at night lie within a "
            "few thousand light-years of us.",
        ),
        (
            "concept",
            "Stars — Main sequence",
            "the long stage in which a star fuses hydrogen into helium in its core.",
        ),
        (
            "concept",
            "Stars — Red giant",
            "a late stage in which the star's outer layers swell and cool after the core runs "
            "out of hydrogen.",
        ),
        (
            "concept",
            "Stars — White dwarf",
            "the hot, dense remnant left when a star like the Sun has shed its outer layers.",
        ),
        (
            "concept",
            "Stars — Neutron star",
            "- the collapsed core of a massive star, made almost entirely of neutrons and only "
            "about twenty kilometres across.",
        ),
    ]
    stars = note.cards[1:6]
    assert [card.line for card in stars] == [5, 9, 10, 11, 12]
    # The section's own card keeps the id it had as one whole-body card.
    assert stars[0].id == card_id("Astronomy", "concept", ("Stars",), "")


def test_long_procedure_gives_one_card_per_step_and_a_short_one_stays_whole() -> None:
    note = parse_text(ASTRONOMY, source="astronomy.md")
    assert triples(note)[6:] == [
        (
            "concept",
            "Step 1 of Observing a planet",
            "Check the forecast for a clear night with steady air, since turbulence blurs the "
            "view at high magnification.",
        ),
        (
            "concept",
            "Step 2 of Observing a planet",
            "Set the telescope outside an hour early so that the optics cool to the "
            "temperature of the night air.",
        ),
        (
            "concept",
            "Step 3 of Observing a planet",
            "Align the finder scope on a distant landmark during the day, before it gets dark.",
        ),
        (
            "concept",
            "Step 4 of Observing a planet",
            "Start with the lowest-power eyepiece, centre the planet, then switch to a higher "
            "power.",
        ),
        (
            "concept",
            "Astronomy — Polar alignment",
            "1. Level the mount.\n2. Point the polar axis north.\n3. Centre Polaris in the "
            "polar scope.",
        ),
    ]
    assert len(note.cards) == 11


MUSIC = """\
Théorie musicale
================

1. Qu'est-ce qu'une gamme

Une suite de notes rangées par hauteur, de la tonique à l'octave.

2. Accord parfait

Trois notes superposées en tierces :

- la fondamentale ;
- la tierce ;
- la quinte.

3. Pourquoi accorde-t-on à 440 Hz ?

4. Qui a fixé ce diapason ?

Une conférence internationale, à Londres, en 1939.

## Le contrepoint

Le contrepoint est l'art de superposer des lignes mélodiques indépendantes qui gardent \
chacune leur sens tout en formant ensemble une harmonie cohérente. Il s'est développé au \
Moyen Âge avec l'organum, puis a atteint un sommet à la Renaissance chez Palestrina. Bach en \
a fait la base de ses fugues et de ses inventions, que les élèves étudient encore \
aujourd'hui pour apprendre à écrire à plusieurs voix.
"""


def test_numbered_title_lines_are_questions_and_a_long_paragraph_is_cut_between_sentences() -> None:
    note = parse_text(MUSIC, source="musique.md")
    assert note.deck == "Théorie musicale"
    assert triples(note) == [
        (
            "concept",
            "Théorie musicale — Qu'est-ce qu'une gamme",
            "Une suite de notes rangées par hauteur, de la tonique à l'octave.",
        ),
        (
            "concept",
            "Théorie musicale — Accord parfait",
            "Trois notes superposées en tierces :\n\n- la fondamentale ;\n- la tierce ;\n- la "
            "quinte.",
        ),
        # "3. Pourquoi ... ?" has no answer under it: no card.
        (
            "concept",
            "Théorie musicale — Qui a fixé ce diapason ?",
            "Une conférence internationale, à Londres, en 1939.",
        ),
        (
            "concept",
            "Théorie musicale — Le contrepoint (1/2)",
            "Le contrepoint est l'art de superposer des lignes mélodiques indépendantes qui "
            "gardent chacune leur sens tout en formant ensemble une harmonie cohérente. Il "
            "s'est développé au Moyen Âge avec l'organum, puis a atteint un sommet à la "
            "Renaissance chez Palestrina.",
        ),
        (
            "concept",
            "Théorie musicale — Le contrepoint (2/2)",
            "Bach en a fait la base de ses fugues et de ses inventions, que les élèves "
            "étudient encore aujourd'hui pour apprendre à écrire à plusieurs voix.",
        ),
    ]
    assert [card.line for card in note.cards] == [4, 8, 18, 22, 24]
    assert all(len(card.back) <= MAX_ANSWER_CHARS for card in note.cards)


# --- context: question headings, bold labels, catch-all lists; code pairing; chat junk ----

COOKING = """\
# Cocina española

## ¿Qué es un sofrito?

Un sofrito es una base de cebolla, ajo y tomate cocinados lentamente en aceite de oliva.

## Salsas

**¿Qué es la salsa romesco?**

Una salsa catalana de pimientos secos, almendras y ajo.

**Alioli**

Una emulsión de ajo y aceite de oliva, sin huevo en la receta tradicional.

## Varios

- **Pimentón**: pimiento rojo seco y molido.
- **Azafrán**: estigmas secos de la flor del azafrán.
- **Garbanzo**: legumbre base del cocido.

## Horno

Para precalentar el horno a 200 grados, ejecuta:

```
horno --precalentar 200
```

Esto tarda unos diez minutos.

O manualmente

```
gira el mando a 200
```

## Temporizador

Para poner un temporizador de una hora:

bash

CopiarEditar

timer 60m

Con esto ya puedes hornear tu primer pan.
"""


def test_question_headings_bold_labels_and_a_catch_all_list() -> None:
    note = parse_text(COOKING, source="cocina.md")
    assert triples(note)[:6] == [
        (
            "concept",
            "¿Qué es un sofrito?",
            "Un sofrito es una base de cebolla, ajo y tomate cocinados lentamente en aceite "
            "de oliva.",
        ),
        (
            "concept",
            "Salsas — ¿Qué es la salsa romesco?",
            "Una salsa catalana de pimientos secos, almendras y ajo.",
        ),
        (
            "concept",
            "Salsas — Alioli",
            "Una emulsión de ajo y aceite de oliva, sin huevo en la receta tradicional.",
        ),
        ("summary", "Pimentón", "pimiento rojo seco y molido."),
        ("summary", "Azafrán", "estigmas secos de la flor del azafrán."),
        ("summary", "Garbanzo", "legumbre base del cocido."),
    ]
    assert note.cards[1].path == ("Salsas", "¿Qué es la salsa romesco?")
    assert note.cards[1].line == 9


def test_code_pairs_with_its_lead_in_and_a_step_label_names_a_code_card() -> None:
    note = parse_text(COOKING, source="cocina.md")
    assert triples(note)[6:9] == [
        ("example", "horno --precalentar 200", "Para precalentar el horno a 200 grados, ejecuta"),
        ("code", "Horno — O manualmente", "```\ngira el mando a 200\n```"),
        # The lead-in won the code; the paragraph after it is the section's own fact.
        ("concept", "Cocina española — Horno", "Esto tarda unos diez minutos."),
    ]


def test_chat_copy_buttons_around_an_unfenced_command_and_the_send_off_are_not_answers() -> None:
    note = parse_text(COOKING, source="cocina.md")
    assert triples(note)[9:] == [
        ("example", "timer 60m", "Para poner un temporizador de una hora"),
    ]
    for card in note.cards:
        for junk in ("CopiarEditar", "bash", "Con esto ya puedes"):
            assert junk not in card.front and junk not in card.back


def test_opening_definition_before_the_first_heading_is_asked_about_the_subject() -> None:
    note = parse_text(ASTRONOMY, source="astronomy.md")
    assert triples(note)[0] == (
        "concept",
        "Astronomy",
        "A nebula is a giant cloud of dust and gas in space.",
    )
    assert note.cards[0].line == 3


LAW = """\
# Direito civil

O direito civil é o ramo do direito privado que regula as relações entre particulares.

## Partes do contrato

**Contratante:** quem contrata o serviço.
**Contratado:** quem presta o serviço.

## Tipos de prazo

- Prazo decadencial: extingue o próprio direito.
- Prazo prescricional: extingue a pretensão de exigir o direito.

## Glossário

- Usufruto (direito de usar e fruir um bem alheio)
- Comodato (empréstimo gratuito de coisa que não se consome)

## Princípios

- Boa-fé objetiva: dever de agir com lealdade em todas as fases do contrato.
- Função social do contrato
**Deveres anexos**
- informar a outra parte sobre riscos do negócio
- cooperar para que o contrato seja cumprido

## Capacidade

### Características

- Plena: aos dezoito anos.
- Relativa: entre dezesseis e dezoito anos.

## Família

🔹 Emancipação

Antecipa a capacidade plena, por concessão dos pais ou por casamento.
"""


def test_labelled_lines_glossary_items_and_a_label_joined_to_the_item_above() -> None:
    note = parse_text(LAW, source="direito.md")
    assert triples(note) == [
        (
            "concept",
            "Direito civil",
            "O direito civil é o ramo do direito privado que regula as relações entre "
            "particulares.",
        ),
        # A paragraph of **Term:** lines: one card per line, under the heading.
        ("concept", "Partes do contrato — Contratante", "quem contrata o serviço."),
        ("concept", "Partes do contrato — Contratado", "quem presta o serviço."),
        # A list of terms, each with its definition: one card per term.
        ("summary", "Prazo decadencial", "extingue o próprio direito."),
        ("summary", "Prazo prescricional", "extingue a pretensão de exigir o direito."),
        ("summary", "Usufruto", "direito de usar e fruir um bem alheio"),
        ("summary", "Comodato", "empréstimo gratuito de coisa que não se consome"),
        # A short body still gives its labelled item and its bold label's items apart.
        ("concept", "Direito civil — Princípios", "- Função social do contrato"),
        (
            "concept",
            "Princípios — Boa-fé objetiva",
            "dever de agir com lealdade em todas as fases do contrato.",
        ),
        (
            "concept",
            "Princípios — Deveres anexos",
            "- informar a outra parte sobre riscos do negócio\n- cooperar para que o contrato "
            "seja cumprido",
        ),
        # An aspect of a concept, short, stays one card (as the docker note's do).
        (
            "concept",
            "Capacidade — Características",
            "- Plena: aos dezoito anos.\n- Relativa: entre dezesseis e dezoito anos.",
        ),
        # A line marked by a symbol above its text is a sub-heading.
        (
            "concept",
            "Família — Emancipação",
            "Antecipa a capacidade plena, por concessão dos pais ou por casamento.",
        ),
    ]
    assert [card.line for card in note.cards] == [3, 7, 8, 12, 13, 17, 18, 20, 22, 24, 30, 37]
    assert note.cards[-1].path == ("Família", "Emancipação")


GUITAR = """\
A guitar tuner is a device that shows how far each string is from its target pitch. Most \
clip-on guitar tuners read the vibration of the headstock, so they work in a noisy room, \
while microphone tuners need quiet. A chromatic tuner shows every note of the scale, which \
makes it useful for alternate tunings such as drop D, open G or DADGAD on any guitar. A small coin \
battery in a clip-on tuner usually lasts for many months of daily practice.

## Tuning

bash

```
tune --string 6 --to E2
```

This tunes the low string to E.

Or manually

```
tune --manual
```

Then turn each peg until the needle is centred.

## Strings

**Change the strings**

```
restring --gauge 10
```
"""


def test_a_language_caption_above_a_fence_and_a_step_label_are_not_answers() -> None:
    note = parse_text(GUITAR, source="guitar.md")
    assert triples(note)[2:] == [
        ("example", "tune --string 6 --to E2", "This tunes the low string to E."),
        # The sentence after the code names nothing in it and does not point back at it:
        # it is the next step, not an explanation; the step label asks for the code.
        ("code", "Tuning — Or manually", "```\ntune --manual\n```"),
        ("concept", "Guitar — Tuning", "Then turn each peg until the needle is centred."),
        # A bold step label with nothing after the code: the label asks for the code.
        ("code", "Strings — Change the strings", "```\nrestring --gauge 10\n```"),
    ]


def test_code_pairs_with_a_paragraph_that_names_it_or_points_back_only() -> None:
    text = (
        "# Boulangerie\n\n## Pétrir\n\n```\npetrin --vitesse 2\n```\n\n"
        "Ce réglage évite de chauffer la pâte.\n\n```\nfour --chaleur 250\n```\n\n"
        "Le four monte en vingt minutes.\n\n```\nminuteur 45\n```\n\n"
        "Le pain se conserve trois jours.\n"
    )
    assert triples(parse_text(text, source="pain.md")) == [
        ("example", "petrin --vitesse 2", "Ce réglage évite de chauffer la pâte."),
        ("example", "four --chaleur 250", "Le four monte en vingt minutes."),
        # An unrelated paragraph after code stays the section's own; the code joins it.
        (
            "concept",
            "Boulangerie — Pétrir",
            "```\nminuteur 45\n```\n\nLe pain se conserve trois jours.",
        ),
    ]


def test_a_long_opening_paragraph_that_names_the_subject_is_its_definition() -> None:
    note = parse_text(GUITAR, source="guitar.md")
    first = note.cards[0]
    assert (first.kind, first.front, first.line) == ("concept", "Guitar (1/2)", 1)
    assert [len(card.back) <= MAX_ANSWER_CHARS for card in note.cards] == [True] * 6
    assert first.back == (
        "A guitar tuner is a device that shows how far each string is from its target pitch. "
        "Most clip-on guitar tuners read the vibration of the headstock, so they work in a "
        "noisy room, while microphone tuners need quiet."
    )
    # The rest of the long paragraph is the second part (the parts cut about even), asked
    # the same way.
    second = note.cards[1]
    assert (second.front, second.line) == ("Guitar (2/2)", 1)
    assert second.back == (
        "A chromatic tuner shows every note of the scale, which makes it useful for alternate "
        "tunings such as drop D, open G or DADGAD on any guitar. A small coin battery in a "
        "clip-on tuner usually lasts for many months of daily practice."
    )
    # A long opening that does not name the subject is a preface: no card.
    preface = "I first picked up a guitar at nine, in my uncle's garage, and I still remember "
    personal = parse_text(preface * 6 + "\n\n## Tuning\n\nTurn the pegs.\n", "guitar.md")
    assert [card.front for card in personal.cards] == ["Guitar — Tuning"]


def test_an_opening_line_of_marks_or_a_few_words_is_no_definition() -> None:
    assert parse_text("==========\n", source="s.md").cards == []
    assert parse_text("Draft, v2 :)\n\n## Moons\n", source="s.md").cards == []


SHAPES = [
    "# Title", "## Heading", "### What it is", "## What is a quasar?", "", "", "",
    "**Label**", "**Question?**", "🔹 Marked title", "1. Numbered title", "2. Is it a question?",
    "- **Term**: a definition of the term.", "- Term: another definition.", "- Term - dash.",
    "- Term (a gloss in brackets)", "- Label:", "    - indented definition under it.",
    "- plain item", "**Term:** text on a line", "**Other:** more text", "To run it:",
    "```", "run --it", "Or manually", "bash", "CopiarEditar", "Copy code",
    "With this you can already do it.", "A sentence that ends here. " * 8, "---",
]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SHAPES), max_size=40))
def test_any_mix_of_the_shapes_parses_with_unique_ids_and_gradeable_answers(
    lines: list[str],
) -> None:
    note = parse_text("\n".join(lines), source="mix.md")
    assert len({card.id for card in note.cards}) == len(note.cards)
    assert all(len(card.back) <= MAX_ANSWER_CHARS for card in note.cards)
    assert all(card.front.strip() and card.back.strip() for card in note.cards)


def test_a_paragraph_whose_every_line_defines_a_term_is_a_glossary() -> None:
    text = (
        "# Orchestra\n\n## Sections\n\nStrings - the largest section\n"
        "Brass: trumpets, horns and tubas\n\n## Seating\n\nViolins sit left: cellos right.\n"
    )
    assert triples(parse_text(text, source="orchestra.md")) == [
        ("concept", "Sections — Strings", "the largest section"),
        ("concept", "Sections — Brass", "trumpets, horns and tubas"),
        # One line alone is a sentence, not a glossary.
        ("concept", "Orchestra — Seating", "Violins sit left: cellos right."),
    ]


def test_text_after_a_chat_answers_closing_offer_is_no_opening_definition() -> None:
    text = (
        "A comet is a small icy body that sheds gas near the Sun.\n\n"
        "Would you like a diagram of a comet's tail?\n\n"
        "Claro, aqui está uma explicação mais curta.\n\n## Tails\n\nThey point away from the Sun.\n"
    )
    assert triples(parse_text(text, source="comets.md")) == [
        ("concept", "Comets", "A comet is a small icy body that sheds gas near the Sun."),
        ("concept", "Comets — Tails", "They point away from the Sun."),
    ]


def test_a_definition_too_long_to_grade_is_cut_between_its_sentences() -> None:
    first = (
        "the point of an orbit closest to the Sun, where a planet or comet moves fastest "
        "because the pull of the Sun is strongest there, as Kepler's second law describes "
        "for equal areas swept in equal times."
    )
    second = (
        "For the Earth it falls in early January, which surprises people in the northern "
        "hemisphere, whose winter it is: the seasons come from the tilt of the axis, not from "
        "the distance to the Sun, which changes by only about three per cent over the year."
    )
    glossary = f"- **Perihelion**: {first} {second}\n- **Aphelion**: the farthest point.\n"
    text = f"# Orbits\n\n## Glossary\n\n{glossary}"
    note = parse_text(text, source="orbits.md")
    assert triples(note) == [
        ("summary", "Perihelion (1/2)", first),
        ("summary", "Perihelion (2/2)", second),
        ("summary", "Aphelion", "the farthest point."),
    ]
    assert note.cards[0].id == card_id("Orbits", "summary", ("Glossary",), "Perihelion")
    assert [card.line for card in note.cards] == [5, 5, 6]


def test_a_heading_that_is_only_a_lead_in_and_its_glossary_is_asked_whole_too() -> None:
    text = (
        "# Guitarra\n\n## Partes\n\nSe compone de:\n\n- **Mástil**: sostiene los trastes.\n"
        "- **Caja**: amplifica el sonido.\n"
    )
    assert triples(parse_text(text, source="guitarra.md")) == [
        ("summary", "Mástil", "sostiene los trastes."),
        ("summary", "Caja", "amplifica el sonido."),
        (
            "concept",
            "Guitarra — Partes",
            "Se compone de:\n\n- **Mástil**: sostiene los trastes.\n- **Caja**: amplifica el "
            "sonido.",
        ),
    ]


def test_an_inline_command_between_copy_buttons_loses_its_backticks() -> None:
    text = (
        "# Masa madre\n\n## Alimentar\n\nPara alimentar la masa madre cada mañana:\n\n"
        "bash\nCopy code\n`masa alimentar --proporcion 1:1:1`\n"
    )
    assert triples(parse_text(text, source="masa.md")) == [
        (
            "example",
            "masa alimentar --proporcion 1:1:1",
            "Para alimentar la masa madre cada mañana",
        ),
    ]


def test_a_sentence_in_bold_is_content_not_a_label() -> None:
    text = "# Kiln\n\n## Firing\n\n**Never open the kiln above 200 °C.**\n\nLet it cool.\n"
    assert triples(parse_text(text, source="kiln.md")) == [
        (
            "concept",
            "Kiln — Firing",
            "**Never open the kiln above 200 °C.**\n\nLet it cool.",
        ),
    ]


def test_an_outline_of_named_nodes_gives_each_node_its_children() -> None:
    text = (
        "# Harvest\n\n## Crops\n\n- Cereals\n    - Wheat\n    - Barley\n"
        "- Legumes\n    - Lentils\n    - Chickpeas\n"
    )
    assert triples(parse_text(text, source="harvest.md")) == [
        ("concept", "Crops — Cereals", "- Wheat\n- Barley"),
        ("concept", "Crops — Legumes", "- Lentils\n- Chickpeas"),
    ]


def test_a_paragraph_opening_with_a_bold_term_in_a_long_body_is_that_terms_card() -> None:
    intro = (
        "Some stars end their lives in spectacular ways, and what is left behind depends on "
        "the mass of the star when it collapses, which astronomers estimate from its light. "
        "The heavier the star, the denser and stranger the remnant it leaves behind it."
    )
    pulsar = (
        "A **pulsar** is a rotating neutron star whose beams of radiation sweep past the "
        "Earth like a lighthouse."
    )
    spin = (
        "Some spin hundreds of times a second. The fastest known pulsar spins more than seven "
        "hundred times a second."
    )
    text = f"# Remnants\n\n## Collapse\n\n{intro}\n\n{pulsar}\n\n{spin}\n"
    assert triples(parse_text(text, source="remnants.md")) == [
        # The body is over the limit: the paragraph defining a bold term is a card of its own,
        # and the rest fits in one card.
        ("concept", "Remnants — Collapse", f"{intro}\n\n{spin}"),
        ("concept", "Collapse — pulsar", pulsar),
    ]
