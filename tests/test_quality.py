"""The card-quality harness (benchmarks/quality.py) and the junk signals it shares with
`study check` (study.notes.signals), on hand-made notes, facts and cards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.quality import (
    CARRIED,
    CORPUS,
    FACTS,
    LONG,
    MISSED,
    Fact,
    as_json,
    corpus_notes,
    fact_outcome,
    load_facts,
    measure,
    phrase_pattern,
    score,
    seed_kept,
    table,
)
from study.notes.card import MAX_ANSWER_CHARS, Card
from study.notes.signals import (
    answer_is_front,
    count_signals,
    empty_answer,
    empty_front,
    flagged,
    plain_fold,
    repeats,
    too_long,
)
from tests.support import REPO

# The garden note, and the cards a rule engine could make of it: a table row each, and the
# seasons paragraph whole (too long to grade).
SEASONS = (
    "Spring is when seeds are sown. Summer is for watering every evening. Autumn is when the"
    " leaves fall and the bulbs go in. Winter is for pruning the fruit trees and planning the"
    " beds. Each season of the garden has its own work, its own tools and its own pleasures,"
    " and a gardener who knows them plans the whole year ahead, with notes on what grew, what"
    " failed, where the frost came first and which beds need compost before spring comes."
)
NOTE = f"""\
# Garden

## Tools

| Tool | Use |
| --- | --- |
| `rake` | Gathers *dead leaves* |
| `hoe` | Breaks up the soil |

## Seasons

{SEASONS}
"""

GARDEN_FACTS = """\
- {cue: "rake", answer: ["gathers dead leaves"]}
- {cue: "hoe", answer: ["waters the roses"]}
- {cue: "Seasons", answer: ["Winter is for pruning"]}
- {cue: ["Tools", "hoe"], answer: "Breaks up the SOIL"}
"""


def card(
    front: str, back: str, deck: str = "Garden", kind: str = "basic", path: tuple[str, ...] = ()
) -> Card:
    return Card(
        id=front, note=front, deck=deck, kind=kind, front=front, back=back, source="n.md",
        line=1, path=path,
    )  # fmt: skip


GARDEN_CARDS = [
    card("`rake` — Use", "Gathers *dead leaves*", kind="table", path=("Tools",)),
    card("`hoe` — Use", "Breaks up the soil", kind="table", path=("Tools",)),
    card("Seasons", SEASONS, kind="concept", path=("Seasons",)),
]


@pytest.fixture
def garden(tmp_path: Path) -> tuple[Path, Path]:
    note = tmp_path / "garden.md"
    note.write_text(NOTE, encoding="utf-8")
    facts = tmp_path / "garden.yaml"
    facts.write_text(GARDEN_FACTS, encoding="utf-8")
    return note, facts


def test_facts_are_read_with_a_cue_or_cues_and_one_or_more_phrases(
    garden: tuple[Path, Path],
) -> None:
    assert load_facts(garden[1]) == [
        Fact(("rake",), ("gathers dead leaves",)),
        Fact(("hoe",), ("waters the roses",)),
        Fact(("Seasons",), ("Winter is for pruning",)),
        Fact(("Tools", "hoe"), ("Breaks up the SOIL",)),
    ]


def test_a_note_without_facts_has_none(tmp_path: Path) -> None:
    assert load_facts(tmp_path / "missing.yaml") == []


def test_score_counts_a_fact_carried_one_missed_and_one_only_in_a_long_answer(
    garden: tuple[Path, Path],
) -> None:
    assert len(SEASONS) > MAX_ANSWER_CHARS
    report = score("garden", GARDEN_CARDS, load_facts(garden[1]), MAX_ANSWER_CHARS)
    assert (report.cards, report.facts, report.carried, report.long) == (3, 4, 2, 1)
    assert report.missed == [
        Fact(("hoe",), ("waters the roses",)),
        Fact(("Seasons",), ("Winter is for pruning",)),
    ]
    assert report.recall == 0.5
    # The seasons card's answer is over the limit: the one junk signal of this note.
    assert report.signals["too-long"] == 1
    assert report.junk == 1
    assert report.junk_cards == ["1: too-long: Seasons"]


def test_measure_parses_the_note_and_scores_its_cards(tmp_path: Path) -> None:
    note = tmp_path / "capitals.md"
    note.write_text("# Capitals\n\nCapital of France::Paris\n", encoding="utf-8")
    facts = [Fact(("France",), ("Paris",)), Fact(("Spain",), ("Madrid",))]
    report = measure(note, facts, MAX_ANSWER_CHARS)
    assert (report.note, report.cards, report.carried, report.long) == ("capitals.md", 1, 1, 0)
    assert report.missed == [Fact(("Spain",), ("Madrid",))]


def test_matching_ignores_case_accents_marks_and_spacing_and_goes_either_way() -> None:
    cards = [card("Qué es `ls`", "Lista  el **contenido**"), card("Muestra la fecha", "date")]
    assert fact_outcome(Fact(("ls",), ("lista el contenido",)), cards, 400) == CARRIED
    assert fact_outcome(Fact(("que es",), ("LISTA",)), cards, 400) == CARRIED
    # The cue on the back and the answer on the front (a reverse card) counts too.
    assert fact_outcome(Fact(("date",), ("muestra la fecha",)), cards, 400) == CARRIED


def test_matching_takes_whole_words_only() -> None:
    cards = [card("desktop", "shows the screen")]
    assert fact_outcome(Fact(("top",), ("shows the screen",)), cards, 400) == MISSED


def test_matching_reads_the_heading_path_as_part_of_the_question() -> None:
    row = card("1 — Color", "White and Green")._replace(path=("Wiring", "568A"))
    assert fact_outcome(Fact(("568A", "1"), ("White and Green",)), [row], 400) == CARRIED
    assert fact_outcome(Fact(("568B", "1"), ("White and Green",)), [row], 400) == MISSED


def test_an_answer_over_the_limit_carries_nothing_it_is_counted_apart() -> None:
    cards = [card("Seasons", "Winter is for pruning. " + "x" * 400)]
    assert fact_outcome(Fact(("Seasons",), ("winter is for pruning",)), cards, 400) == LONG


def test_seed_cards_kept_counts_the_golden_kind_and_front_pairs_still_made() -> None:
    cards = [card("docker ps", "Lists", kind="command"), card("Image", "Recipe", kind="summary")]
    seed = [("command", "docker ps"), ("summary", "Image"), ("command", "docker rm")]
    assert seed_kept(cards, seed) == 2


def test_the_table_has_a_row_per_note_and_an_overall_row(garden: tuple[Path, Path]) -> None:
    report = score("garden", GARDEN_CARDS, load_facts(garden[1]), MAX_ANSWER_CHARS)
    lines = table([report]).splitlines()
    assert lines[0].split() == [
        "note", "cards", "facts", "carried", "recall", "long", "dup", "over", "no-ans",
        "no-q", "same", "junk", "seed",
    ]  # fmt: skip
    assert lines[2].split() == ["garden", "3", "4", "2", "50%", "1", "0", "1", "0", "0", "0", "1"]
    assert lines[-1].split() == ["overall", "3", "4", "2", "50%", "1", "0", "1", "0", "0", "0", "1"]
    record = json.loads(as_json([report]))
    assert record["overall"]["recall"] == 0.5


def test_the_seed_golden_names_cards_the_bundled_deck_makes() -> None:
    seed = json.loads((REPO / "benchmarks" / "facts" / "docker.seed.json").read_text("utf-8"))
    assert len(seed) == 115
    assert ["command", "docker ps"] in seed


def test_every_corpus_note_has_its_licence_line_and_facts_in_its_own_words() -> None:
    """Facts are copied from the note: a phrase the note does not hold is a typo."""
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    notes = corpus_notes()
    assert len(notes) == 21
    for note in notes:
        if note.parent == CORPUS:
            assert f"| {note.name} |" in sources
        facts = load_facts(FACTS / f"{note.stem}.yaml")
        assert len(facts) >= 6, note.name
        text = plain_fold(note.read_text(encoding="utf-8"))
        for fact in facts:
            for phrase in (*fact.cue, *fact.answer):
                assert phrase_pattern(phrase).search(text), (note.name, phrase)


# --- the junk signals, on hand-written cards ----------------------------------------------


def test_too_long_is_past_max_answer_chars() -> None:
    assert not too_long(card("q", "a" * MAX_ANSWER_CHARS))
    assert too_long(card("q", "a" * (MAX_ANSWER_CHARS + 1)))


@pytest.mark.parametrize(
    ("back", "what"),
    [
        ("![hub](hub.png)", "an image"),
        ("![[Kubernetes.png]]", "an image"),
        ('<img src="a.png" alt="a">', "an image"),
        ("[Pour en savoir plus !](https://en.wikipedia.org/wiki/Ethernet_frame)", "a link"),
        ("https://glottolog.org/glottolog/family", "a link"),
        ("[[Continuous Integration]]", "a link"),
        ("- [[Continuous Integration]]\n- [[Continuous Delivery]]", "a list of links"),
        ("1. [Intro](intro.md)\n2. [Setup](setup.md)", "a list of links"),
        ("- ![[Continuous Integration Diagram.png]]", "an image"),
        ("> ![w:300](hub.png)\n> ![w:300](switch.png)", "an image"),
        ("- [[Automated Tests]]", "a link"),
        ("```mermaid\ngraph TD\n  A-->B\n```", "a diagram"),
        ("```\n+---+   +---+\n| 5 |-->| 3 |\n+---+   +---+\n```", "a diagram"),
        ("<pre>\n|  +---+  |\n|  | 3 |  |\n|  +---+  |\n</pre>", "a diagram"),
    ],
)
def test_an_answer_with_nothing_to_learn_is_named(back: str, what: str) -> None:
    assert empty_answer(back) == what


@pytest.mark.parametrize(
    "back",
    [
        "Lists running containers.",
        "See [the docs](https://docs.docker.com) for the flags.",
        "```bash\nps aux | grep nginx > out.txt\n```",
        "- [[Canary Deployment]]: release to a few users first\n- [[Blue Green Deployment]]",
        "![hub](hub.png)\nA hub repeats every frame on every port.",
    ],
)
def test_an_answer_with_words_is_not_empty(back: str) -> None:
    assert empty_answer(back) is None


@pytest.mark.parametrize("front", ["$", "✅", "0", "10.0.", "# —", "| 1 |"])
def test_a_front_with_no_letter_is_empty(front: str) -> None:
    assert empty_front(front)


@pytest.mark.parametrize("front", ["ls", "Row 3", "Mutable: ✅", "CAT 5e", "¿Qué es SQL?"])
def test_a_front_with_a_letter_is_not_empty(front: str) -> None:
    assert not empty_front(front)


def test_an_answer_equal_to_its_front_gives_itself_away() -> None:
    assert answer_is_front(card("**Priority** scheduling", "priority  Scheduling"))
    assert not answer_is_front(card("Priority scheduling", "Allocation by priority"))


def test_repeats_are_fronts_asked_twice_in_one_deck_case_and_marks_aside() -> None:
    first, again = card("docker ps", "Lists"), card("`Docker PS`", "Shows running ones")
    other_deck = card("docker ps", "Lists", deck="Other")
    assert repeats([first, again, other_deck]) == [(again, first)]


def test_counts_give_each_signal_and_the_junk_cards_once_each() -> None:
    cards = [
        card("ls", "Lists files"),
        card("ls", "x" * 500),  # repeated and too long: one junk card, two signals
        card("✅", "![done](done.png)"),  # empty front and empty answer
        card("Same", "same"),
    ]
    assert count_signals(cards) == {
        "duplicate": 1, "too-long": 1, "empty-answer": 1, "empty-front": 1,
        "answer-is-front": 1,
    }  # fmt: skip
    assert [(card.front, signals) for card, signals in flagged(cards)] == [
        ("ls", ["too-long", "duplicate"]),
        ("✅", ["empty-answer", "empty-front"]),
        ("Same", ["answer-is-front"]),
    ]


def test_plain_fold_reads_links_as_their_text() -> None:
    assert plain_fold("O [protocolo](a/b.md) **Secure  Shell**") == "o protocolo secure shell"
    assert plain_fold("[[Target|Alias]] é") == "alias e"
