"""Tables -> cards, card by card: the key column, the answer columns, the reverses."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from study.notes import notetext as nt
from study.notes.card import card_id
from study.notes.parser import parse_text
from study.notes.tables import _YES_NO, distinctive, gives_away
from tests.support import triples

CHEMISTRY = """\
# Chemistry

## Elements

| Element | Symbol | Atomic number | Group |
|---|---|---|---|
| Hydrogen | H | 1 | Nonmetal |
| Sodium | Na | 11 | Alkali metal |
| Neon | Ne | 10 | Noble gas |
| Argon | Ar | 18 | Noble gas |
"""


def test_a_row_gives_its_key_and_each_other_column_and_reverses_only_what_names_it() -> None:
    note = parse_text(CHEMISTRY, source="chemistry.md")
    assert triples(note) == [
        ("table", "Hydrogen — Symbol", "H"),
        ("table", "Hydrogen — Atomic number", "1"),
        ("table", "Hydrogen — Group", "Nonmetal"),
        ("table-reverse", "Group: Nonmetal", "Hydrogen"),
        ("table", "Sodium — Symbol", "Na"),
        ("table", "Sodium — Atomic number", "11"),
        ("table", "Sodium — Group", "Alkali metal"),
        ("table-reverse", "Group: Alkali metal", "Sodium"),
        ("table", "Neon — Symbol", "Ne"),
        ("table", "Neon — Atomic number", "10"),
        ("table", "Neon — Group", "Noble gas"),
        ("table", "Argon — Symbol", "Ar"),
        ("table", "Argon — Atomic number", "18"),
        ("table", "Argon — Group", "Noble gas"),
    ]
    # "H" and "Na" are too short to name an element, "1" is a number alone, and "Noble gas"
    # is two elements' group: none of them is the question of a reverse card.
    sodium = note.cards[4]
    assert sodium.id == card_id("Chemistry", "table", ("Elements",), "Sodium\x1fSymbol")
    assert note.cards[7].note == note.cards[6].id


VIM = """\
# Vim

## Comandos

| Modo | Comando | Descripción |
|---|---|---|
| Normal | `dd` | Borra la línea actual |
| Normal | `yy` | Copia la línea actual |
| Inserción | `Ctrl-w` | Borra la palabra anterior |
"""


def test_a_repeated_first_column_is_no_key_the_command_column_is() -> None:
    note = parse_text(VIM, source="vim.md")
    assert triples(note) == [
        ("table", "dd — Modo", "Normal"),
        ("command", "dd", "Borra la línea actual"),
        ("command-reverse", "Borra la línea actual", "dd"),
        ("table", "yy — Modo", "Normal"),
        ("command", "yy", "Copia la línea actual"),
        ("command-reverse", "Copia la línea actual", "yy"),
        ("table", "Ctrl-w — Modo", "Inserción"),
        ("table-reverse", "Modo: Inserción", "Ctrl-w"),
        ("command", "Ctrl-w", "Borra la palabra anterior"),
        ("command-reverse", "Borra la palabra anterior", "Ctrl-w"),
    ]


GEOGRAFIA = """\
# Geografía

## Capitales

| Continente | País | Capital |
|---|---|---|
| Europa | Francia | París |
| Europa | Portugal | Lisboa |
| América | Perú | Lima |
| América | Chile | Santiago |
"""


def test_a_names_column_keys_the_rows_when_the_first_column_repeats() -> None:
    note = parse_text(GEOGRAFIA, source="geografia.md")
    assert triples(note) == [
        ("table", "Francia — Continente", "Europa"),
        ("table", "Francia — Capital", "París"),
        ("table-reverse", "Capital: París", "Francia"),
        ("table", "Portugal — Continente", "Europa"),
        ("table", "Portugal — Capital", "Lisboa"),
        ("table-reverse", "Capital: Lisboa", "Portugal"),
        ("table", "Perú — Continente", "América"),
        ("table", "Perú — Capital", "Lima"),
        ("table-reverse", "Capital: Lima", "Perú"),
        ("table", "Chile — Continente", "América"),
        ("table", "Chile — Capital", "Santiago"),
        ("table-reverse", "Capital: Santiago", "Chile"),
    ]


ANDROID = """\
# Android

## Versões

| Versão | Codinome | Ano |
|---|---|---|
| 4.4 | KitKat | 2013 |
| 9.0 | Pie | 2018 |
| 10.0 | Quince Tart | 2019 |
"""


def test_number_row_labels_stay_whole_and_ask_with_their_column_name() -> None:
    note = parse_text(ANDROID, source="android.md")
    assert triples(note) == [
        ("table", "Versão 4.4 — Codinome", "KitKat"),
        ("table-reverse", "Codinome: KitKat", "Versão 4.4"),
        ("table", "Versão 4.4 — Ano", "2013"),
        ("table", "Versão 9.0 — Codinome", "Pie"),
        ("table-reverse", "Codinome: Pie", "Versão 9.0"),
        ("table", "Versão 9.0 — Ano", "2018"),
        ("table", "Versão 10.0 — Codinome", "Quince Tart"),
        ("table-reverse", "Codinome: Quince Tart", "Versão 10.0"),
        ("table", "Versão 10.0 — Ano", "2019"),
    ]


CUISSON = """\
# Cuisine

## Cuissons

| Cuisson | Principe | Couvercle | Four |
|---|---|---|---|
| Vapeur | Cuire dans la vapeur d'eau | Oui | ❌ |
| Pochage | Cuire dans un liquide frémissant | Non | ❌ |
| Braisage | Cuire longtemps avec peu de liquide | Oui | ✅ |
| Rôtissage | Saisir puis cuire à sec | Non | 200 |
"""


def test_no_reverse_gives_its_answer_away_or_asks_a_symbol_yes_no_or_number() -> None:
    note = parse_text(CUISSON, source="cuisine.md")
    reverses = [(card.front, card.back) for card in note.cards if card.kind == "table-reverse"]
    # "Vapeur" is in its own principle, "Oui"/"Non" are yes and no, ✅ is a symbol, and
    # "200" a number: only the principles that do not name their cooking ask for it.
    assert reverses == [
        ("Principe: Cuire dans un liquide frémissant", "Pochage"),
        ("Principe: Cuire longtemps avec peu de liquide", "Braisage"),
        ("Principe: Saisir puis cuire à sec", "Rôtissage"),
    ]
    forward = [(card.front, card.back) for card in note.cards if card.kind == "table"]
    assert forward[:3] == [
        ("Vapeur — Principe", "Cuire dans la vapeur d'eau"),
        ("Vapeur — Couvercle", "Oui"),
        ("Vapeur — Four", "❌"),
    ]
    assert len(forward) == 12


def test_a_column_counting_the_rows_is_neither_their_key_nor_a_fact() -> None:
    note = parse_text(
        "# Astro\n\n## Planets\n\n| # | Planet | Moons |\n|---|---|---|\n"
        "| 1 | Mercury | 0 |\n| 2 | Mars | 2 |\n",
        source="astro.md",
    )
    assert triples(note) == [("table", "Mercury — Moons", "0"), ("table", "Mars — Moons", "2")]


def test_a_table_whose_rows_no_column_names_is_left_to_the_section() -> None:
    note = parse_text(
        "# Menu\n\n## Semana\n\n| Día | Plato |\n|---|---|\n| Lunes | Sopa |\n| Lunes | Sopa |\n",
        source="menu.md",
    )
    # No "Row 1 — Plato" fronts: with no key the table stays whole, the section's answer.
    assert triples(note) == [
        (
            "concept",
            "Menu — Semana",
            "| Día | Plato |\n|---|---|\n| Lunes | Sopa |\n| Lunes | Sopa |",
        )
    ]


def test_a_cell_naming_two_commands_asks_for_both() -> None:
    note = parse_text(
        "# Editors\n\n## Quit\n\n| Command | Effect |\n|---|---|\n"
        "| `:q` / `:quit` | closes the window |\n| `ZZ` | saves and closes |\n",
        source="editors.md",
    )
    assert triples(note) == [
        ("command", ":q / :quit", "closes the window"),
        ("command-reverse", "closes the window", ":q / :quit"),
        ("command", "ZZ", "saves and closes"),
        ("command-reverse", "saves and closes", "ZZ"),
    ]


def test_a_command_column_keys_the_rows_over_a_first_column_of_step_numbers() -> None:
    note = parse_text(
        "# Rust\n\n## Proyecto nuevo\n\n| Paso | Comando | Descripción |\n|---|---|---|\n"
        "| 1 | `cargo new demo` | Crea el proyecto |\n| 2 | `cargo run` | Compila y ejecuta |\n",
        source="rust.md",
    )
    assert triples(note) == [
        ("table", "cargo new demo — Paso", "1"),
        ("command", "cargo new demo", "Crea el proyecto"),
        ("command-reverse", "Crea el proyecto", "cargo new demo"),
        ("table", "cargo run — Paso", "2"),
        ("command", "cargo run", "Compila y ejecuta"),
        ("command-reverse", "Compila y ejecuta", "cargo run"),
    ]


def test_a_reverse_gives_away_its_answer_when_the_question_holds_one_of_its_words() -> None:
    assert gives_away("Element", nt.fold("Sodium chloride"), "Sodium")
    assert gives_away("Computers", nt.fold("fast ones"), "Computer")  # a plural is the word
    assert gives_away("Capital", nt.fold("São Paulo"), "Sao Paulo state")
    assert not gives_away("Group", nt.fold("Noble gas"), "Neon")
    assert not gives_away("Is", nt.fold("it"), "it")  # under three letters: no word of note


# Words that fold (case, accents, ß, a final sigma), with the separators of cells.
_TABLE_PIECES = ["Gas", "gases", "São", "Sao", "PAULO", "Strasse", "Straße", "ΟΔΟΣ", "οδοσ",
                 "e\u0301te", "ete", "it", "x_y", " ", ":", "-", "/", "🚢"]  # fmt: skip
_table_text = st.lists(st.sampled_from(_TABLE_PIECES), max_size=6).map("".join)


def _words(text: str) -> list[str]:
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[^\W_]+", text)]


@settings(max_examples=400, deadline=None)
@given(_table_text, _table_text, _table_text)
def test_folding_a_question_in_parts_finds_the_words_folding_it_whole(
    attribute: str, cell: str, answer: str
) -> None:
    # The question "attribute: cell" as it was checked before the cell came folded.
    asked = set(_words(nt.fold(f"{attribute}: {cell}")))
    answered = {w for w in _words(nt.fold(answer)) if len(w) >= 3}
    assert gives_away(attribute, nt.fold(cell), answer) == bool(asked & answered)


@settings(max_examples=400, deadline=None)
@given(_table_text, _table_text)
def test_a_cell_is_distinctive_with_three_letters_outside_its_column_name(
    cell: str, attribute: str
) -> None:
    # Every letter run of the cell counted, as before the count stopped at three letters.
    words = nt.fold(nt.strip_symbols(cell)).strip(" .()[]")
    named = set(re.findall(r"[^\W\d_]+", nt.fold(attribute)))
    letters = sum(len(run) for run in re.findall(r"[^\W\d_]+", words) if run not in named)
    number = re.fullmatch(r"[\d\s.,:/%+\-–—x×]+", words or "0")
    expected = words not in _YES_NO and not number and letters >= 3
    assert distinctive(cell, attribute) == expected
