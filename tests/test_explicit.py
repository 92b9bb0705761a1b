"""Explicit card syntaxes: the Obsidian plugin's, hashcards', "not this", and bounded cost."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from study.notes.card import card_id
from study.notes.cloze import MAX_DELETIONS, anki_spans, bracket_deletions, highlight_spans
from study.notes.hashcards import extract
from study.notes.parser import Dropped, ParsedNote, parse_text


def cards(note: ParsedNote) -> list[tuple[str, str, str]]:
    return [(card.kind, card.front, card.back) for card in note.cards]


# --- the Obsidian spaced-repetition plugin -------------------------------------------------

ASTRONOMY = """\
# Astronomy

## What is a nebula?
?
A cloud of gas and dust in space.

## Stars
Which star is closest to Earth?
?
The Sun.

#flashcards/space/planets
Which planet is the largest?
?
Jupiter.

#flashcards
Which planet has rings you can see?
??
Saturn

#observing What do you need to see Andromeda?
?
A dark sky.

## Light

How far does light travel in a year?

?
One light-year.

What is the speed of light?
?

About 300,000 km/s.
"""


def test_question_cards_as_the_plugin_reads_them() -> None:
    note = parse_text(ASTRONOMY, source="astronomy.md")
    assert [(c.kind, c.deck, c.front, c.back, c.line) for c in note.cards] == [
        # a heading touching the card: its title opens the question (here it is the question)
        ("basic", "Astronomy", "What is a nebula?", "A cloud of gas and dust in space.", 3),
        ("basic", "Astronomy", "Stars\nWhich star is closest to Earth?", "The Sun.", 7),
        # a #flashcards/... tag line: taken off the question, the deck beneath #flashcards
        ("basic", "space::planets", "Which planet is the largest?", "Jupiter.", 12),
        ("basic", "Astronomy", "Which planet has rings you can see?", "Saturn", 17),
        ("basic-reverse", "Astronomy", "Saturn", "Which planet has rings you can see?", 17),
        # any other tag opening the card is taken off too, and names no deck
        ("basic", "Astronomy", "What do you need to see Andromeda?", "A dark sky.", 22),
    ]
    assert note.dropped == [
        Dropped(30, "How far does light travel in a year? ? One light-year.", _NEIGHBOURS),
        Dropped(33, "What is the speed of light? ? About 300,000 km/s.", _NEIGHBOURS),
    ]


_NEIGHBOURS = "a `?` line needs the question right above it and the answer right below"


def test_a_block_touching_the_question_mark_joins_the_card() -> None:
    text = (
        "## Telescopes\n\nWhich mount follows the sky?\n?\n```text\nequatorial\n```\n\n"
        "```text\nf = 1200 / 200\n```\n?\nThe focal ratio f/6.\n\n"
        "Name two telescope designs.\n?\n- refractor\n- reflector\n"
    )
    assert cards(parse_text(text, source="t.md")) == [
        ("basic", "Which mount follows the sky?", "```text\nequatorial\n```"),
        ("basic", "```text\nf = 1200 / 200\n```", "The focal ratio f/6."),
        ("basic", "Name two telescope designs.", "- refractor\n- reflector"),
    ]


def test_schedule_comments_the_plugin_writes_are_no_answer() -> None:
    text = (
        "## Moons\n\nMoons of Mars::Phobos and Deimos <!--SR:!2025-03-01,4,270-->\n\n"
        "Largest moon of Saturn?\n?\nTitan <!--SR:!2025-03-02,9,250-->\n"
    )
    assert cards(parse_text(text, source="m.md")) == [
        ("basic", "Moons of Mars", "Phobos and Deimos"),
        ("basic", "Largest moon of Saturn?", "Titan"),
    ]


def test_clozes_highlights_and_what_is_not_one() -> None:
    text = (
        "## Eclipses\n"
        "A ==solar== eclipse happens at ==new moon==.\n\n"
        "If x == y == z the equation holds, and a === b is code talk.\n\n"
        "==========\n\n"
        "#flashcards/space A lunar eclipse needs a ==full moon==.\n"
    )
    note = parse_text(text, source="e.md")
    full = "Eclipses\nA solar eclipse happens at new moon."
    assert [(c.kind, c.deck, c.front, c.back) for c in note.cards] == [
        ("cloze", "E", "Eclipses\nA [...] eclipse happens at new moon.", full),
        ("cloze", "E", "Eclipses\nA solar eclipse happens at [...].", full),
        ("cloze", "space", "A lunar eclipse needs a [...].", "A lunar eclipse needs a full moon."),
        (
            "concept",
            "E",
            "E — Eclipses",
            "If x == y == z the equation holds, and a === b is code talk.\n\n==========",
        ),
    ]
    assert note.cards[0].note == note.cards[1].note == note.cards[0].id


def test_a_deck_tag_under_a_touching_heading() -> None:
    text = "## Giants\n#flashcards/space/planets\nLargest planet?\n?\nJupiter\n"
    note = parse_text(text, source="g.md")
    assert [(c.deck, c.front, c.back, c.tags) for c in note.cards] == [
        ("space::planets", "Giants\nLargest planet?", "Jupiter", ("flashcards/space/planets",))
    ]


def test_single_line_cards_opening_a_question_paragraph_are_cards_of_their_own() -> None:
    text = (
        "## Orbits\n\nMoon period::27.3 days\nYear on Mars?\nstd::chrono says\n?\n687 days\n\n"
        "## Tides\nCause::the Moon\n?\nGravity\n"
    )
    assert [(c.front, c.back, c.line) for c in parse_text(text, source="o.md").cards] == [
        ("Moon period", "27.3 days", 3),
        ("Year on Mars?\nstd::chrono says", "687 days", 4),
        # right under a heading, the plugin's card starts at the heading: no `::` card
        ("Tides\nCause::the Moon", "Gravity", 9),
    ]


def test_single_line_cards_ignore_the_heading_above() -> None:
    note = parse_text("## Orbits\nPeriod of Earth::365.25 days\n", source="o.md")
    assert cards(note) == [("basic", "Period of Earth", "365.25 days")]
    assert note.cards[0].path == ("Orbits",)


# --- hashcards ----------------------------------------------------------------------------

CUISINE = """\
# Cuisine

Q: Quelle est la base d'un roux ?
A: Du beurre et de la farine,
cuits ensemble.

Q: Combien de sauces mères
en cuisine française ?
A: Cinq.
# les cinq : béchamel, velouté, espagnole, tomate, hollandaise
---
C: La [béchamel] se fait avec du [lait].

C:
Une pâte brisée, c'est [250 g] de farine.

![tarte](tarte.png) [sablée] \\[pas une sablée\\]
Q: Quelle est la base d'un roux ?
A: Du beurre et de la farine,
cuits ensemble.

## Pain
Le levain est un ferment naturel.
"""


def test_hashcards_notes_make_the_cards_hashcards_makes() -> None:
    note = parse_text(CUISINE, source="cuisine.md")
    bechamel = "La béchamel se fait avec du lait."
    pate = "Une pâte brisée, c'est 250 g de farine.\n\n![tarte](tarte.png) sablée [pas une sablée]"
    assert [(c.kind, c.front, c.back, c.line) for c in note.cards] == [
        ("concept", "Cuisine — Pain", "Le levain est un ferment naturel.", 22),
        (
            "basic",
            "Quelle est la base d'un roux ?",
            "Du beurre et de la farine,\ncuits ensemble.",
            3,
        ),
        ("basic", "Combien de sauces mères\nen cuisine française ?", "Cinq.", 7),
        ("cloze", "La [...] se fait avec du lait.", bechamel, 12),
        ("cloze", "La béchamel se fait avec du [...].", bechamel, 12),
        ("cloze", pate.replace("250 g", "[...]"), pate, 14),
        ("cloze", pate.replace("sablée [", "[...] ["), pate, 14),
        # the repeated question: hashcards keeps one card of identical twins
    ]
    clozes = [c for c in note.cards if c.kind == "cloze"]
    assert [c.note for c in clozes] == [clozes[0].id] * 2 + [clozes[2].id] * 2


def test_hashcards_answers_in_display_math() -> None:
    text = (
        "Q: Derivative of $x^2$?\nA: $2x$\n\nQ: State Euler's identity\nA:\n\n"
        "$$\ne^{i\\pi} + 1 = 0\n$$\n\n\nQ: Determinant of a 2x2 matrix?\nA:\n$$\n"
        "\\begin{vmatrix}\na & b \\\\\nc & d\n\\end{vmatrix} = ad - bc\n$$\n"
    )
    assert cards(parse_text(text, source="maths.md")) == [
        ("basic", "Derivative of $x^2$?", "$2x$"),
        ("basic", "State Euler's identity", "$$\ne^{i\\pi} + 1 = 0\n$$"),
        (
            "basic",
            "Determinant of a 2x2 matrix?",
            "$$\n\\begin{vmatrix}\na & b \\\\\nc & d\n\\end{vmatrix} = ad - bc\n$$",
        ),
    ]


def test_a_hashcards_card_keeps_the_id_of_the_same_explicit_card() -> None:
    hashcards = parse_text("## Sauces\nQ: Mother of mayonnaise?\nA: Hollandaise\n", "s.md")
    plugin = parse_text("## Sauces\nMother of mayonnaise?::Hollandaise\n", "s.md")
    assert hashcards.cards[0].id == plugin.cards[0].id
    assert plugin.cards[0].id == card_id("S", "basic", ("Sauces",), "Mother of mayonnaise?")


def test_hashcards_toml_front_matter_names_the_deck() -> None:
    text = '---\nname = "Biologie cellulaire"\n---\n\nQ: Unité du vivant ?\nA: La cellule.'
    note = parse_text(text, source="ch1.md")
    assert [(c.deck, c.kind, c.front, c.back) for c in note.cards] == [
        ("Biologie cellulaire", "basic", "Unité du vivant ?", "La cellule.")
    ]
    assert parse_text("---\nC: [a, b]\nQ: x\nA: y\n---\n", source="ch2.md").cards == []


def test_malformed_hashcards_are_left_to_the_other_rules() -> None:
    text = (
        "## Fermentation\n"
        "Q: Which yeast makes bread rise?\n\n"
        "Saccharomyces cerevisiae feeds on sugars.\n\n"
        "C: No brackets in this one.\n\n"
        "```text\nQ: inside code\nA: not a card\n```\n"
    )
    note = parse_text(text, source="f.md")
    assert note.dropped == [
        Dropped(
            2,
            "Which yeast makes bread rise? Saccharomyces cerevisiae feeds on sugars.",
            "a `Q:` question with no `A:` answer",
        ),
        Dropped(
            6,  # a C: text runs on to the end of the note, code block and all
            "No brackets in this one. ```text Q: inside code A: not a card ```",
            "a `C:` text with no [deletion]",
        ),
    ]
    assert cards(note) == [
        (
            "concept",
            "F — Fermentation",
            "Q: Which yeast makes bread rise?\n\n"
            "Saccharomyces cerevisiae feeds on sugars.\n\n"
            "C: No brackets in this one.\n\n"
            "```text\nQ: inside code\nA: not a card\n```",
        )
    ]


def test_a_heading_after_a_blank_line_ends_a_hashcards_answer() -> None:
    text = (
        "## Herbs\nQ: Herb in pesto?\nA: Basil.\n# a comment, as in hashcards\nOr Genovese basil."
        "\n\n## Spices\nSaffron is a stigma.\n\nA: an answer with no question\n"
    )
    assert cards(parse_text(text, source="h.md")) == [
        ("concept", "H — Spices", "Saffron is a stigma.\n\nA: an answer with no question"),
        ("basic", "Herb in pesto?", "Basil.\nOr Genovese basil."),
    ]


@pytest.mark.parametrize(
    ("text", "clean", "deletions"),
    [  # hashcards' own test cases (its spans end inclusive, these exclusive)
        ("Foo [bar] baz.", "Foo bar baz.", [(4, 7)]),
        ("Foo [bar] ![](image.jpg) [quux].", "Foo bar ![](image.jpg) quux.", [(4, 7), (23, 27)]),
        ("Key: [`\\[`]", "Key: `[`", [(5, 8)]),
        ("\\[markdown\\] [`\\[cloze\\]`]", "[markdown] `[cloze]`", [(11, 20)]),
        (
            "The notation [$n!$] means 'n factorial'.",
            "The notation $n!$ means 'n factorial'.",
            [(13, 17)],
        ),
        ("[a [b] c]", "a b c", [(2, 3)]),
    ],
)
def test_bracket_deletions(text: str, clean: str, deletions: list[tuple[int, int]]) -> None:
    found, spans = bracket_deletions(text)
    assert found == clean
    assert [span[:2] for span in spans] == deletions


# --- "not this" ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["false", "no", "off", '"False"'])
def test_front_matter_leaves_a_note_out(value: str) -> None:
    text = f"---\nstudy: {value}\n---\n# Pâtisserie\n\nChou::pâte à choux\n\n## Crème\nÉpaisse.\n"
    note = parse_text(text, source="p.md")
    assert note.cards == []
    assert note.deck == "Pâtisserie"


def test_a_skip_comment_leaves_a_section_and_its_sub_sections_out() -> None:
    text = (
        "# Cozinha\n\n"
        "## Molhos\n<!-- study: skip -->\nMolho branco::bechamel\n\n"
        "### Emulsões\nMaionese::ovo e óleo\n\n"
        "## Pães\nFermento natural::levain\n\n"
        "### Broas\n<!--study:skip-->\nBroa::milho\n\n"
        "## Doces\nQ: Base do pudim?\nA: Ovos e leite.\n"
    )
    note = parse_text(text, source="cozinha.md")
    assert [(c.path, c.front, c.back) for c in note.cards] == [
        (("Pães",), "Fermento natural", "levain"),
        (("Doces",), "Base do pudim?", "Ovos e leite."),
    ]


def test_a_skip_comment_before_the_first_heading_skips_only_that_text() -> None:
    text = "<!-- study: skip -->\nPrep::mise en place\n\n## Knives\nChef's knife::20 cm\n"
    assert cards(parse_text(text, source="k.md")) == [("basic", "Chef's knife", "20 cm")]


# --- bounded cost (issue 16) --------------------------------------------------------------


@pytest.fixture
def ten_seconds() -> Iterator[None]:
    """Fail a parse that takes longer than 10 s (each input takes well under 0.2 s)."""

    def too_slow(signum: int, frame: object) -> None:
        raise TimeoutError("the parse took more than 10 s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.usefixtures("ten_seconds")
def test_repeated_single_line_cards_finish() -> None:
    note = parse_text("Q::A\n\n" * 2000, source="q.md")
    # One question, one card: the 1,999 repeats (ids Q, Q\x1f2, ... in the Builder) merge.
    assert [card.id for card in note.cards] == [card_id("Q", "basic", (), "Q")]
    assert len(note.merged) == 1999
    assert note.merged[0] == "q.md:3: “Q” is asked again (first at line 1); merged into one card"


@pytest.mark.usefixtures("ten_seconds")
def test_four_thousand_question_cards_finish() -> None:
    note = parse_text("Q\n?\nA\n\n" * 4000, source="q.md")
    assert [(card.front, card.back) for card in note.cards] == [("Q", "A")]
    assert len(note.merged) == 3999


@pytest.mark.usefixtures("ten_seconds")
def test_six_thousand_highlights_make_a_bounded_cloze_note() -> None:
    text = "==a== " * 6000
    note = parse_text(text, source="h.md")
    # The cloze rule makes cards for the first 20 deletions; each shows the whole text, far
    # over the answer limit, so none is emitted: all are reported.
    assert note.cards == []
    too_long = "answer too long to grade (11999 characters, over 400)"
    assert note.dropped == [
        Dropped(1, "==a== " * 13 + "==", "6000 deletions in one text: cards for the first 20 only"),
        *[Dropped(1, card_front, too_long) for card_front in _cloze_fronts(MAX_DELETIONS)],
    ]


def _cloze_fronts(count: int) -> list[str]:
    """The fronts of the first `count` cloze cards of "==a== " * 6000, on one line."""
    words = ["a"] * 6000
    return [" ".join([*words[:n], "[...]", *words[n + 1 :]]) for n in range(count)]


@pytest.mark.usefixtures("ten_seconds")
def test_hostile_markers_finish() -> None:
    assert parse_text("==========\n", source="s.md").cards == []
    assert parse_text("== a " * 6000 + "\n\n{{c1::" * 3000, source="s.md").cards == []
    note = parse_text("Q: a\nA: b\n" * 4000, source="h.md")  # hashcards keeps one of twins
    assert cards(note) == [("basic", "a", "b")]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("a ==b== c", [(2, 7)]),
        ("a ==== b ==c==", [(9, 14)]),  # a run of four is no marker
        ("x == y == z", []),
        ("==========", []),
        ("==a== ==b==", [(0, 5), (6, 11)]),
        ("==a\nb==", [(0, 7)]),
    ],
)
def test_highlight_spans(text: str, spans: list[tuple[int, int]]) -> None:
    assert highlight_spans(text) == spans


def test_anki_spans() -> None:
    text = "{{c1::Lisbon::city}} and {{c2::Porto}} {{c3::}} {{c1::open"
    assert anki_spans(text, text) == [(0, 20, "c1", "Lisbon", "city"), (25, 38, "c2", "Porto", "")]


_PIECES = ["Q:", "A:", "C:", "?", "??", "::", ":::", "==", "=", "[", "]", "\\[", "![", "#"]
_PIECES += ["#flashcards/a", "---", "```", "{{c1::", "}}", "<!--SR:", "-->", " ", "\n", "x"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_marker_soup_never_crashes_and_keeps_lines(text: str) -> None:
    blanked, _ = extract(text)
    assert blanked.count("\n") == text.count("\n")
    note = parse_text(text, source="soup.md")
    assert all(card.front and card.back for card in note.cards)


@pytest.mark.usefixtures("ten_seconds")
@pytest.mark.parametrize("ticks", [1000, 5000])
def test_a_long_run_of_backticks_after_a_highlight_finishes(ticks: int) -> None:
    # Found by the hostile-notes property test: a code-span regex that backtracked over the
    # run's length took 1.5 s at 1,000 backticks and over 40 s at 3,000.
    note = parse_text("==a== " + "`" * ticks, source="t.md")
    assert note.cards == []  # the cloze's question would be only backticks: nothing to learn
    assert [(d.line, d.reason) for d in note.dropped] == [
        (1, "the question is only a symbol or a number")
    ]
