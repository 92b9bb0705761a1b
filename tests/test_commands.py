"""Commands written as plain lines and bullets naming two commands, card by card."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from study.notes.builder import leading_commands
from study.notes.card import card_id
from study.notes.commands import _line_pair, _may_pair, _rule_line
from study.notes.parser import parse_text
from tests.support import triples

NPM = (
    "# npm\n\n## Scripts\n\n"
    "`npm install` - installs the dependencies  \n"  # a hard break: two trailing spaces
    "`npm test` - runs the test script\\\n"  # a hard break: a backslash
    "`npm run build` — runs the build script\n\n"
    "`npm ci`: installs exactly what the lock file says\n"
)


def test_code_lines_with_hard_breaks_and_a_cmd_colon_paragraph() -> None:
    note = parse_text(NPM, source="npm.md")
    assert triples(note) == [
        ("command", "npm install", "installs the dependencies"),
        ("command-reverse", "installs the dependencies", "npm install"),
        ("command", "npm test", "runs the test script"),
        ("command-reverse", "runs the test script", "npm test"),
        ("command", "npm run build", "runs the build script"),
        ("command-reverse", "runs the build script", "npm run build"),
        ("command", "npm ci", "installs exactly what the lock file says"),
        ("command-reverse", "installs exactly what the lock file says", "npm ci"),
    ]
    assert [card.line for card in note.cards[::2]] == [5, 6, 7, 9]
    assert note.cards[2].id == card_id("npm", "command", (), "npm test")


PIP = """\
# Pacotes Python

## Comandos úteis:
pip install <pacote>  -> instala um pacote;
pip freeze            -> lista os pacotes instalados;
	pip list          -> o mesmo, em tabela;
python -m venv .venv  -> cria um ambiente virtual;
"""


def test_arrow_lines_without_code_are_commands_in_portuguese() -> None:
    note = parse_text(PIP, source="pip.md")
    assert triples(note) == [
        ("command", "pip install <pacote>", "instala um pacote"),
        ("command-reverse", "instala um pacote", "pip install <pacote>"),
        ("command", "pip freeze", "lista os pacotes instalados"),
        ("command-reverse", "lista os pacotes instalados", "pip freeze"),
        ("command", "pip list", "o mesmo, em tabela"),
        ("command-reverse", "o mesmo, em tabela", "pip list"),
        ("command", "python -m venv .venv", "cria um ambiente virtual"),
        ("command-reverse", "cria um ambiente virtual", "python -m venv .venv"),
    ]


RULED = """\
# Resumo
----------------------------------------
ARQUIVOS
----------------------------------------
touch  -> cria um arquivo vazio;
stat   -> mostra os metadados do arquivo;
----------------------------------------
REDE
----------------------------------------
curl   -> baixa uma URL;
"""


def test_command_lines_ruled_off_by_dashes_are_not_headings() -> None:
    note = parse_text(RULED, source="resumo.md")
    assert triples(note) == [
        ("command", "touch", "cria um arquivo vazio"),
        ("command-reverse", "cria um arquivo vazio", "touch"),
        ("command", "stat", "mostra os metadados do arquivo"),
        ("command-reverse", "mostra os metadados do arquivo", "stat"),
        ("command", "curl", "baixa uma URL"),
        ("command-reverse", "baixa uma URL", "curl"),
    ]
    assert [card.line for card in note.cards[::2]] == [5, 6, 10]
    assert [card.path for card in note.cards[::2]] == [("ARQUIVOS",), ("ARQUIVOS",), ("REDE",)]


def test_bullets_naming_two_commands_give_one_card_asking_for_both() -> None:
    note = parse_text(
        "# Redes domésticas\n\n## Herramientas\n\n"
        "- `ipconfig` / `ifconfig` – muestra las interfaces\n"
        "- **`nslookup` o `dig`**: pregunta al DNS\n",
        source="red.md",
    )
    assert triples(note) == [
        ("command", "ipconfig / ifconfig", "muestra las interfaces"),
        ("command-reverse", "muestra las interfaces", "ipconfig / ifconfig"),
        ("command", "nslookup / dig", "pregunta al DNS"),
        ("command-reverse", "pregunta al DNS", "nslookup / dig"),
    ]


def test_arrow_lines_of_terms_are_term_cards_without_a_reverse() -> None:
    note = parse_text(
        "# Cocina\n\n## Bases\n\nSofrito -> cebolla y tomate pochados\n"
        "Majado -> ajo y almendra machacados en mortero\n",
        source="cocina.md",
    )
    assert triples(note) == [
        ("summary", "Sofrito", "cebolla y tomate pochados"),
        ("summary", "Majado", "ajo y almendra machacados en mortero"),
    ]


def test_prose_is_not_a_command_line() -> None:
    note = parse_text(
        "# Music\n\n## Keys\n\nC major -> A minor is the relative step.\n\n"
        "`440 Hz` is the A above middle C.\n",
        source="music.md",
    )
    assert triples(note) == [
        (
            "concept",
            "Music — Keys",
            "C major -> A minor is the relative step.\n\n`440 Hz` is the A above middle C.",
        )
    ]


def test_unspaced_arrows_and_rule_lines_in_a_paragraph_of_word_pairs() -> None:
    note = parse_text(
        "# Coreano\n\n## Negação\n\n먹다→안 먹다\n가다→안 가다\nーーーーー\n보다→안 보다\n",
        source="coreano.md",
    )
    assert triples(note) == [
        ("summary", "먹다", "안 먹다"),
        ("summary", "가다", "안 가다"),
        ("summary", "보다", "안 보다"),
    ]
    assert [card.line for card in note.cards] == [5, 6, 8]


def test_a_callout_of_pairs_gives_a_card_a_line_under_its_title() -> None:
    note = parse_text(
        "# Italiano\n\n## Plurali\n\n> [!list] Irregolari\n> Uomo -> uomini\n> Uovo -> uova\n\n"
        "> [!example] Cane -> cani\n\n> [!example] Re -> re Dio -> dei\n",
        source="italiano.md",
    )
    assert triples(note) == [
        ("summary", "Uomo", "uomini"),
        ("summary", "Uovo", "uova"),
        ("summary", "Cane", "cani"),
    ]
    assert [card.line for card in note.cards] == [6, 7, 9]
    # Two pairs on one line cannot be told apart ("re Dio"?): the callout is no pair, and
    # left alone beside the section's cards it is no card either.
    assert [(item.text, item.reason) for item in note.dropped] == [
        ("Italiano — Plurali", "the answer is only a callout left beside its section's cards")
    ]


# What a plain line is made of: words, code spans, arrows, separators and rule characters.
_LINE_PIECES = ["ls", "Uomo", "uomini", " ", "\t", "`", "``", "-", ">", "->", "=>", "→", "=",
                ":", "—", "–", ";", "<f>", "\\", "ー", "x"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=14).map("".join))
def test_the_cheap_tests_before_the_line_regexes_never_turn_a_pair_away(line: str) -> None:
    # line_pairs skips a paragraph _may_pair rejects, and _line_pair looks for a code span
    # only at a backtick: neither may miss a line the regexes would pair.
    if _line_pair(line, 0) is not None:
        assert _may_pair(line)
    if not line.startswith("`"):
        assert leading_commands(line) is None


def test_only_code_spans_and_arrows_can_pair_a_line() -> None:
    assert _may_pair("prose, then `ls`")
    assert _may_pair("Uomo -> uomini")
    assert _may_pair("a => b")
    assert _may_pair("먹다→안 먹다")
    assert not _may_pair("C major - A minor: the relative step")
    assert not _may_pair("a > b = c")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="-ーa ", max_size=6))
def test_a_rule_line_is_one_character_repeated_three_times_or_more(line: str) -> None:
    assert _rule_line(line) == (len(line) >= 3 and len(set(line)) == 1)


def test_rule_lines() -> None:
    assert _rule_line("-----")
    assert _rule_line("ーーーー")
    assert _rule_line("===")
    assert not _rule_line("--")
    assert not _rule_line("-=-")
    assert not _rule_line("")
