"""`study check` end to end: each kind of finding, a clean note, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from study.cli import app
from study.notes import check
from study.notes.builder import Dropped
from study.notes.card import Card
from study.notes.parser import ParsedNote

runner = CliRunner()


def write(folder: Path, name: str, text: str) -> Path:
    note = folder / name
    note.write_text(text, encoding="utf-8")
    return note


def check_lines(monkeypatch: pytest.MonkeyPatch, note: Path, parsed: ParsedNote) -> list[str]:
    """`study check NOTE` when the card rules give `parsed`: its output lines."""
    monkeypatch.setattr(check, "parse_text", lambda text, source: parsed)
    result = runner.invoke(app, ["check", str(note)])
    assert result.exit_code == (1 if result.stdout.count("\n") > 1 else 0), result.output
    return result.stdout.splitlines()


# Spanish, and no topic of the corpus: a kitchen note.
KITCHEN = """\
# Cocina

## Utensilios

| Utensilio | Uso |
| --- | --- |
| Batidor | Mezcla y airea |
| Rallador | Ralla el queso |

El horno se precalienta diez minutos.
Nunca se abre la puerta al hornear.

Ver también [la compra](compra.md).

## Técnicas

- Blanquear: hervir un momento y enfriar en agua con hielo
- Pochar: cocer en líquido a fuego muy suave

![Cuchillo](cuchillo.png)

```
sal
```
"""

LONG_BACK = "hervir un momento y enfriar en agua con hielo, " + "muy " * 100


def kitchen_card(front: str, back: str, line: int) -> Card:
    return Card(
        id=f"{line}{front}", note="n", deck="Cocina", kind="summary", front=front, back=back,
        source="cocina.md", line=line, path=("Técnicas",),
    )  # fmt: skip


def kitchen_parse(text: str, source: str, deck: str | None = None) -> ParsedNote:
    """The cards a rule engine could make of KITCHEN, one of each kind of trouble."""
    cards = [
        kitchen_card("Batidor — Uso", "Mezcla y airea", 7),
        kitchen_card("Rallador — Uso", "Ralla el queso", 8),
        kitchen_card("Blanquear", LONG_BACK, 17),
        kitchen_card("blanquear", "Pochar: cocer en líquido a fuego muy suave", 18),
        kitchen_card("Cuchillo", "![Cuchillo](cuchillo.png)", 20),
        kitchen_card("✅", "sal", 23),
        kitchen_card("Sal", "**sal**", 23),
    ]
    merged = [f"{source}:18: `blanquear` is listed again (first at line 17); merged into one card"]
    dropped = [Dropped(13, "Ver también la compra", "nothing to learn")]
    return ParsedNote(deck="Cocina", cards=cards, merged=merged, dropped=dropped)


def test_check_reports_each_kind_of_finding_one_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = write(tmp_path, "cocina.md", KITCHEN)
    monkeypatch.setattr(check, "parse_text", kitchen_parse)
    result = runner.invoke(app, ["check", str(note)])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f'{note}:10: lines 10-11 made no card: "El horno se precalienta diez minutos."',
        f'{note}:13: no card for "Ver también la compra": nothing to learn',
        f'{note}:17: answer too long to grade (447 characters, limit 400): "Blanquear"',
        f"{note}:18: `blanquear` is listed again (first at line 17); merged into one card",
        f'{note}:18: question repeats line 17: "blanquear"',
        f'{note}:20: answer is only an image: "Cuchillo"',
        f'{note}:23: answer repeats the question: "Sal"',
        f'{note}:23: question has no words: "✅"',
        "1 note checked: 8 findings in 1 note",
    ]


GIT = """\
# Git

| Comando | O que faz |
| --- | --- |
| `git status` | Mostra o estado da árvore de trabalho |
| `git log` | Mostra o histórico de commits |
"""


def test_a_clean_note_has_no_findings_and_exits_0(tmp_path: Path) -> None:
    note = write(tmp_path, "git.md", GIT)
    result = runner.invoke(app, ["check", str(note)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["1 note checked: no findings"]


def test_a_missing_note_is_bad_input_exit_2_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    result = runner.invoke(app, ["check", str(missing)])
    assert result.exit_code == 2
    assert result.stderr == f"study: {missing}: no such file or folder\n"
    assert "Traceback" not in result.output


def test_an_unreadable_note_is_named_the_others_still_checked_exit_2(tmp_path: Path) -> None:
    (tmp_path / "git.md").write_text(GIT, encoding="utf-8")
    (tmp_path / "broken.md").write_bytes(b"# Caf\xe9\n")
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == ["1 note checked: no findings"]
    assert result.stderr.startswith(f"study: {tmp_path / 'broken.md'}: is not UTF-8 text")


NOTES = """\
+++
title = "Notas"
+++

Primer párrafo.

- Paso uno:
  ```
  make
  }
  ```
- Paso dos

| Columna | Otra |
| --- | --- |
| x | y |
"""


def test_unheld_lines_group_by_top_level_block_and_skip_structure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No card at all: every content line is unheld. Front matter (TOML too), fences,
    the table header and lines with no words ("}") are structure, not content."""
    note = write(tmp_path, "notas.md", NOTES)
    assert check_lines(monkeypatch, note, ParsedNote(deck="Notas")) == [
        f'{note}:5: line made no card: "Primer párrafo."',
        f'{note}:7: lines 7-12 made no card: "Paso uno:"',
        f'{note}:16: line made no card: "x y"',
        "1 note checked: 3 findings in 1 note",
    ]


def test_a_list_item_a_rule_dropped_is_reported_once_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = write(tmp_path, "notas.md", NOTES)
    dropped = [Dropped(7, "Paso uno", "a label with nothing to learn")]
    assert check_lines(monkeypatch, note, ParsedNote(deck="Notas", dropped=dropped)) == [
        f'{note}:5: line made no card: "Primer párrafo."',
        f'{note}:7: no card for "Paso uno": a label with nothing to learn',
        f'{note}:12: line made no card: "Paso dos"',
        f'{note}:16: line made no card: "x y"',
        "1 note checked: 4 findings in 1 note",
    ]


PUNTOS = "- **Imagen**\n  - detalle del punto\n- Otro punto\n\n![foto](foto.png)\n"


def test_a_dropped_item_covers_its_sub_items_and_an_image_alone_is_not_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = write(tmp_path, "puntos.md", PUNTOS)
    dropped = [Dropped(1, "Imagen", "the answer is only an image")]
    assert check_lines(monkeypatch, note, ParsedNote(deck="Puntos", dropped=dropped)) == [
        f'{note}:1: no card for "Imagen": the answer is only an image',
        f'{note}:3: line made no card: "Otro punto"',
        "1 note checked: 2 findings in 1 note",
    ]


def test_what_the_user_left_out_of_cards_is_not_reported(tmp_path: Path) -> None:
    (tmp_path / "borrador.md").write_text(
        "---\nstudy: false\n---\n# Borrador\n\nUna idea a medias.\n", encoding="utf-8"
    )
    (tmp_path / "shell.md").write_text(
        "# Shell\n\n## Comandos\n\n- `ls`: lista archivos\n\n## Notas\n"
        "<!-- study: skip -->\n\nUna idea a medias.\n\n### Más\n\nOtra idea.\n\n"
        "## Otros\n\n- `pwd`: muestra la carpeta\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["2 notes checked: no findings"]


def test_explicit_cards_hold_their_lines(tmp_path: Path) -> None:
    note = write(
        tmp_path,
        "espacio.md",
        "# Espacio\n\nCapital de Francia::París\n\n¿Qué es una nebulosa?\n?\nUna nube de gas.\n\n"
        "Q: ¿Qué es un año luz?\nA: La distancia que recorre la luz\nen un año.\n\n"
        "C: El [Sol] es una estrella [de tipo G].\n",
    )
    result = runner.invoke(app, ["check", str(note)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["1 note checked: no findings"]


# One paragraph of ~900 characters: the parser cuts it between sentences into (1/3)..(3/3).
STORAGE = """\
# Git

## How Git stores data

Git stores every version of every file as a blob, named by the SHA-1 hash of its content. \
A tree object lists blobs and other trees with their names and modes, like a directory. \
A commit object points to one tree, to its parent commits, and carries the author, the \
committer and the message. Because every object is named by its content, two identical files \
are stored once, and any change to a file changes the hash of its blob, of every tree above \
it and of the commit. This is why history cannot be rewritten silently: changing an old \
commit changes every commit after it. Packfiles later compress similar objects as deltas \
against each other, so the repository stays small even with thousands of versions. Garbage \
collection removes objects nothing refers to after a grace period, which is why a lost \
commit can often be found again with the reflog for some weeks.
"""


def test_a_long_paragraph_cut_into_parts_is_held_by_the_parts_together(tmp_path: Path) -> None:
    note = tmp_path / "git.md"
    note.write_text(STORAGE, encoding="utf-8")
    result = runner.invoke(app, ["check", str(note)])
    assert result.stdout.splitlines() == ["1 note checked: no findings"]
    assert result.exit_code == 0


FRASES = "Una frase corta. Otra frase distinta.\n\n> [!nota] Título\n> cuerpo\n\nーーーーー\n"


def test_a_line_of_sentences_is_held_sentence_by_sentence_callouts_and_dividers_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = write(tmp_path, "frases.md", FRASES)
    cards = [
        kitchen_card("Primera", "Una frase corta.", 1),
        kitchen_card("Segunda", "Otra frase distinta.", 1),
        kitchen_card("Título", "cuerpo", 3),
    ]
    parsed = ParsedNote(deck="Frases", cards=cards)
    assert check_lines(monkeypatch, note, parsed) == ["1 note checked: no findings"]
    cards.pop()  # the callout's card: its title and body lines are no longer held
    assert check_lines(monkeypatch, note, parsed) == [
        f'{note}:3: lines 3-4 made no card: "Título"',
        "1 note checked: 1 finding in 1 note",
    ]
