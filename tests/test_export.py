"""The Anki export, checked by importing the package into a real Anki collection.

Anki's own importer (the `anki` package from PyPI, default options as in Anki's import
dialog) is the judge: counts, decks, fields, tags, media, and re-import updating notes in
place instead of duplicating them.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from typer.testing import CliRunner

import study.anki.export
from study.anki.export import anki_tag, deck_id, deck_name, export, write_package
from study.cli import app
from study.collector import collector_paused
from study.errors import StudyError
from study.notes.card import Card
from study.notes.vault import load_cards
from tests.support import DECKS, REPO, collector_states

runner = CliRunner()

NOTE = """\
# Docker

#containers #dev/ops-tools

## Commands

- `docker ps` — lists running containers
- `docker run -it {{image}} bash` — runs an interactive shell in a new container

## Images

### What it is

A **Docker Image** is a read-only template. <script>alert(1)</script>\
<img src="x.png" onerror="alert(2)"> [click](javascript:alert(3))

![diagram](diagram.png) ![[layers.png|200]] ![secret](../secret.png) ![gone](missing.png)

### Layers

| Layer | Made by |
| --- | --- |
| base | `FROM` |
| app | `COPY` |

## Terms

Immutable :: cannot change after it is built

Container ::: a running instance of an image

## Cloze

The Docker ==daemon== builds ==images==.
"""
PNG = b"\x89PNG\r\n\x1a\n diagram bytes"
LAYERS = b"\x89PNG\r\n\x1a\n layers bytes"
SECRET = b"secret bytes that must never travel"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A folder with one note (2 commands, a concept, a table, basic cards, a cloze) and images."""
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "docker.md").write_text(NOTE, encoding="utf-8")
    (folder / "diagram.png").write_bytes(PNG)
    (folder / "layers.png").write_bytes(LAYERS)
    (tmp_path / "secret.png").write_bytes(SECRET)
    os.utime(folder / "docker.md", (1_700_000_000, 1_700_000_000))
    return folder


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield collection
    collection.close()


def import_package(collection: Collection, package: Path) -> None:
    """Import as Anki's import dialog does by default (update notes only if newer)."""
    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions()
    )
    collection.import_anki_package(request)


def notes_by_first_field(collection: Collection) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for note_id in collection.find_notes(""):
        note = collection.get_note(note_id)
        kind = note.note_type()
        assert kind is not None
        record: dict[str, object] = dict(note.items())
        record["_type"] = kind["name"]
        record["_tags"] = sorted(note.tags)
        record["_guid"] = note.guid
        record["_id"] = note.id
        record["_cards"] = [card.ord for card in note.cards()]
        found[note.fields[0]] = record
    return found


def deck_names(collection: Collection) -> set[str]:
    return {deck.name for deck in collection.decks.all_names_and_ids()} - {"Default"}


def test_package_imports_into_anki_with_notes_cards_decks_and_fields(
    vault: Path, tmp_path: Path, anki: Collection
) -> None:
    out = tmp_path / "docker.apkg"
    report = export([str(vault / "docker.md")], out)
    assert (report.notes, report.cards, report.decks) == (8, 14, ["Docker"])
    import_package(anki, out)

    assert (anki.note_count(), anki.card_count()) == (8, 14)
    assert deck_names(anki) == {"Docker"}
    deck = anki.decks.by_name("Docker")
    assert deck is not None and deck["desc"].startswith("Cards made by <i>study</i> from Markdown")
    notes = notes_by_first_field(anki)
    ps = notes["docker ps"]
    assert ps["_type"] == "study Command"
    assert ps["Description"] == "lists running containers"
    assert ps["_cards"] == [0, 1]  # the command and its reverse: one note, two cards
    assert ps["_tags"] == ["containers", "dev::ops-tools"]
    run = notes['<div class="command">docker run -it &#123;&#123;image&#125;&#125; bash</div>']
    assert (run["_type"], run["_cards"]) == ("study Basic", [0, 1])  # a placeholder: no type-in
    assert run["Context"] == "Docker › Commands"
    table = notes["base — Made by"]
    assert (table["Back"], table["Reverse"], table["Reverse Back"]) == (
        "<code>FROM</code>",
        "Made by: FROM",
        "base",
    )
    assert notes["Immutable"]["_cards"] == [0]  # `::` has no reverse
    assert notes["Container"]["_cards"] == [0, 1]  # `:::` does
    cloze = notes["The Docker {{c1::daemon}} builds {{c2::images}}."]
    assert (cloze["_type"], cloze["_cards"]) == ("study Cloze", [0, 1])
    concept = notes["Images — What it is"]
    assert concept["Source"] == "docker.md:12"  # relative to the folder given, never absolute
    assert "<strong>Docker Image</strong>" in str(concept["Back"])
    assert '<img src="diagram.png" alt="diagram">' in str(concept["Back"])
    assert '<img src="layers.png" alt="layers.png">' in str(concept["Back"])


def test_no_script_event_handler_or_javascript_url_reaches_anki(
    vault: Path, tmp_path: Path, anki: Collection
) -> None:
    out = tmp_path / "docker.apkg"
    export([str(vault)], out)
    import_package(anki, out)
    fields = [field for note_id in anki.find_notes("") for field in anki.get_note(note_id).fields]
    text = "\n".join(fields).lower()
    for bad in ("<script", "alert(1)", "onerror", "alert(2)", 'href="javascript:'):
        assert bad not in text
    # markdown-it refuses the javascript: link, so it stays visible text, not a link
    assert "[click](javascript:alert(3))" in text


def test_command_reverse_asks_to_type_the_command(
    vault: Path, tmp_path: Path, anki: Collection
) -> None:
    out = tmp_path / "docker.apkg"
    export([str(vault)], out)
    import_package(anki, out)
    (card_id,) = anki.find_cards('"Command:docker ps" card:2')
    question = anki.get_card(card_id).question()
    assert "lists running containers" in question
    assert "[[type:Command]]" in question  # Anki's type-in-the-answer box

    # A command with a placeholder is recalled, not typed: any image name is a right answer.
    (run_id,) = anki.find_cards('"Front:*docker run*" card:2')
    run = anki.get_card(run_id)
    assert "runs an interactive shell in a new container" in run.question()
    assert "[[type:" not in run.question() and 'id="typeans"' not in run.answer()
    assert "docker run -it &#123;&#123;image&#125;&#125; bash" in run.answer()


def test_reexport_after_editing_an_answer_updates_the_same_notes(
    vault: Path, tmp_path: Path, anki: Collection
) -> None:
    note = vault / "docker.md"
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    export([str(vault)], first)
    import_package(anki, first)
    before = notes_by_first_field(anki)

    note.write_text(NOTE.replace("lists running containers", "shows running containers"))
    os.utime(note, (1_700_000_100, 1_700_000_100))  # saved later: Anki updates if newer
    export([str(vault)], second)
    import_package(anki, second)
    after = notes_by_first_field(anki)

    assert (anki.note_count(), anki.card_count()) == (8, 14)
    assert after["docker ps"]["Description"] == "shows running containers"
    assert after["docker ps"]["_id"] == before["docker ps"]["_id"]  # same note, history kept
    assert {n["_guid"] for n in after.values()} == {n["_guid"] for n in before.values()}


def test_importing_the_same_package_twice_adds_nothing(
    vault: Path, tmp_path: Path, anki: Collection
) -> None:
    out = tmp_path / "docker.apkg"
    export([str(vault)], out)
    import_package(anki, out)
    import_package(anki, out)
    assert (anki.note_count(), anki.card_count()) == (8, 14)


def test_same_input_gives_byte_identical_deflated_package(vault: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.apkg", tmp_path / "two.apkg"
    export([str(vault)], one)
    export([str(vault)], two)
    assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(one) as archive:
        entries = archive.infolist()
        assert [e.filename for e in entries] == ["collection.anki2", "media", "0", "1"]
        assert {e.compress_type for e in entries} == {zipfile.ZIP_DEFLATED}
        assert {e.date_time for e in entries} == {(1980, 1, 1, 0, 0, 0)}


def test_exporting_makes_no_reference_cycles(vault: Path, tmp_path: Path) -> None:
    """write_package pauses the cycle collector: it must leave nothing only it could free."""
    cards = load_cards([vault, DECKS / "docker.md"]).cards
    write_package(cards, tmp_path / "warm.apkg")  # first-use imports and caches
    gc.collect()
    with collector_paused():
        report = write_package(cards, tmp_path / "study.apkg", subdecks=True)
        assert gc.collect() == 0
    assert gc.isenabled() and report.notes > 70 and report.media


def test_the_collector_is_paused_during_an_export_and_back_after(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = collector_states(monkeypatch, study.anki.export, "_build")
    write_package(load_cards([vault]).cards, tmp_path / "study.apkg")
    assert seen == [False] and gc.isenabled()


def test_images_travel_and_references_outside_or_missing_are_reported(
    vault: Path, tmp_path: Path, anki: Collection
) -> None:
    out = tmp_path / "docker.apkg"
    report = export([str(vault)], out)
    assert report.media == ["diagram.png", "layers.png"]
    assert [m.split(": ", 1)[1] for m in report.skipped] == [
        "image 'x.png' is missing; skipped",
        "image '../secret.png' is outside the note's folder; skipped",
        "image 'missing.png' is missing; skipped",
    ]
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("media")) == {"0": "diagram.png", "1": "layers.png"}
        assert (archive.read("0"), archive.read("1")) == (PNG, LAYERS)
    assert SECRET not in out.read_bytes()
    import_package(anki, out)
    assert (Path(anki.media.dir()) / "diagram.png").read_bytes() == PNG
    assert (Path(anki.media.dir()) / "layers.png").read_bytes() == LAYERS


def test_obsidian_image_embeds_travel(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "layers.png").write_bytes(PNG)
    (tmp_path / "layers.png").write_bytes(b"another file with the same name")
    source = str(tmp_path / "n.md")
    cards = [
        Card("a", "a", "D", "concept", "Layers", "![[img/layers.png|200]]", source, 1),
        Card("b", "b", "D", "concept", "Top", "![top](layers.png)", source, 2),
    ]
    report = write_package(cards, tmp_path / "out.apkg")
    assert len(report.media) == 2 and "layers.png" in report.media  # same name, kept apart
    with zipfile.ZipFile(tmp_path / "out.apkg") as archive:
        names = json.loads(archive.read("media"))
        files = {names[number]: archive.read(number) for number in names}
    assert files["layers.png"] == PNG


def test_subdecks_map_heading_sections(vault: Path, tmp_path: Path, anki: Collection) -> None:
    out = tmp_path / "docker.apkg"
    report = export([str(vault)], out, subdecks=True)
    import_package(anki, out)
    expected = {"Docker::Commands", "Docker::Images", "Docker::Terms", "Docker::Cloze"}
    assert set(report.decks) == expected
    assert deck_names(anki) == expected | {"Docker"}
    (card_id,) = anki.find_cards('"Command:docker ps" card:1')
    assert anki.decks.name(anki.get_card(card_id).did) == "Docker::Commands"


def test_tag_filter_on_notes(vault: Path, tmp_path: Path) -> None:
    (vault / "other.md").write_text("# Git\n\n#vcs\n\n## Basics\n\n- `git status` — shows state\n")
    report = export([str(vault)], tmp_path / "git.apkg", tags=["#VCS"])
    assert (report.notes, report.decks) == (1, ["Git"])


def test_bundled_deck_exports_every_card_once(tmp_path: Path, anki: Collection) -> None:
    cards = load_cards([DECKS / "docker.md"]).cards
    out = tmp_path / "docker.apkg"
    report = export([str(DECKS / "docker.md")], out)
    import_package(anki, out)
    assert anki.card_count() == report.cards == len(cards)
    assert anki.note_count() == report.notes == len({c.note for c in cards})
    notes = notes_by_first_field(anki)
    example = notes["<pre><code>docker pull python:3.11</code></pre>"]
    assert example["Back"] == "This downloads an image of Python 3.11 from Docker Hub."
    pull = notes['<div class="command">docker pull &lt;imagem&gt;</div>']  # a placeholder
    assert pull["Back"] == "Baixa uma imagem do Docker Hub."


def test_cloze_siblings_become_one_note_with_numbered_deletions(
    tmp_path: Path, anki: Collection
) -> None:
    full = "The **pod** runs containers {{x}}."
    cards = [
        Card("b", "n", "K", "cloze", "The **pod** runs [...].", full, "k.md", 3),
        Card("a", "n", "K", "cloze", "The **[unit]** runs containers {{x}}.", full, "k.md", 3),
    ]
    out = tmp_path / "k.apkg"
    write_package(cards, out)
    import_package(anki, out)
    (note_id,) = anki.find_notes("")
    note = anki.get_note(note_id)
    assert note["Text"] == (
        "The <strong>{{c1::pod::unit}}</strong> runs {{c2::containers &#123;&#123;x&#125;&#125;}}."
    )
    assert anki.card_count() == 2


def test_identity_constants_are_stable() -> None:
    # Pinned: a different deck id on another machine or release would split the deck.
    assert 1 << 30 <= deck_id("Docker") < 1 << 31
    assert deck_id("Docker") != deck_id("docker")
    assert deck_id("Docker") == 1_261_948_550


def test_tags_and_deck_names_suit_anki() -> None:
    assert anki_tag("#dev/ops tools") == "dev::ops_tools"
    assert anki_tag("a//b") == "a::b"
    card = Card("a", "a", "Docker", "concept", "q", "a", "n.md", 1, ("Images", "What it is"))
    assert deck_name(card, subdecks=False) == "Docker"
    assert deck_name(card, subdecks=True) == "Docker::Images"
    titled = Card("a", "a", "Docker", "concept", "q", "a", "n.md", 1, ("Docker", "A::B"))
    assert deck_name(titled, subdecks=True) == "Docker::A:B"


# --- errors -----------------------------------------------------------------------------


def test_nothing_to_export_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StudyError, match="nothing to export"):
        write_package([], tmp_path / "x.apkg")
    assert not (tmp_path / "x.apkg").exists()


def test_cli_exports_a_note_without_a_database(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "docker.apkg"
    result = runner.invoke(app, ["export", str(vault / "docker.md"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 8 notes, 14 cards (Docker), 2 media files" in result.stdout
    assert "'../secret.png' is outside the note's folder" in result.stderr
    assert out.is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-deck"], "no such file, folder or deck: 'no-such-deck'"),
        ([], "no study database at"),
        (["VAULT", "--tag", "nope"], "nothing to export"),
        (["VAULT", "-o", "TMP/missing/x.apkg"], "is not an existing folder"),
        (["VAULT", "-o", "TMP"], "is a folder"),
        (["VAULT", "-o", "VAULT/docker.md/x.apkg"], "is not an existing folder"),
    ],
)
def test_cli_bad_inputs_give_one_line_errors(
    vault: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [a.replace("VAULT", str(vault)).replace("TMP", str(tmp_path)) for a in args]
    if "-o" not in args:
        args += ["-o", str(tmp_path / "x.apkg")]
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 1
    assert result.stderr.startswith("study: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".apkg", ".tmp")]


def test_cli_requires_an_output_file(vault: Path) -> None:
    result = runner.invoke(app, ["export", str(vault)])
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_cli_exports_decks_from_the_database(vault: Path, tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    synced = runner.invoke(app, ["sync", str(vault), "--db", str(db)])
    assert synced.exit_code == 0, synced.output
    out = tmp_path / "docker.apkg"
    result = runner.invoke(app, ["export", "docker", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "8 notes, 14 cards (Docker)" in result.stdout
    unknown = runner.invoke(app, ["export", "Kubernetes", "-o", str(out), "--db", str(db)])
    assert unknown.exit_code == 1
    assert (
        "no such file or folder, and no deck named 'Kubernetes' (decks: Docker)" in unknown.stderr
    )


def _limit_file_size() -> None:
    # Any write past 8 KiB fails with EFBIG, like a full disk, instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8 * 1024, 8 * 1024))


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "out" / "docker.apkg"
    out.parent.mkdir()
    out.write_bytes(b"the previous export")
    command = [sys.executable, "-m", "study", "export", str(DECKS / "docker.md"), "-o", str(out)]
    done = subprocess.run(
        command,
        cwd=REPO,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("study: ") and "Traceback" not in done.stderr
    assert out.read_bytes() == b"the previous export"
    assert [p.name for p in out.parent.iterdir()] == ["docker.apkg"]


RICH = """\
# Physics

## Formulas

### Energy

Mass and energy: \\(E = mc^2\\), with $c$ the speed of light. $$\\frac{a}{b}$$

### Script

```python
def energy(m: float) -> float:
    return m * C ** 2
```

### Say it

The word for it: ![[energy.mp3]] and [sound:power.ogg]

### Refused

Pictures of it: ![local](/etc/hostname.png) ![win](C:\\pics\\x.png) \
![data](data:image/png;base64,AAAA) ![file](file:///etc/x.png) ![up](../secret.png) \
![gone](gone.png) ![web](https://example.com/w.png)
"""


def test_math_code_audio_and_refused_media_as_anki_renders_them(
    tmp_path: Path, anki: Collection
) -> None:
    folder = tmp_path / "physics"
    folder.mkdir()
    (folder / "physics.md").write_text(RICH, encoding="utf-8")
    (folder / "energy.mp3").write_bytes(b"ID3 energy")
    (folder / "power.ogg").write_bytes(b"OggS power")
    (tmp_path / "secret.png").write_bytes(SECRET)
    out = tmp_path / "physics.apkg"
    report = export([str(folder)], out)
    import_package(anki, out)

    def answer(heading: str) -> str:
        (card_id,) = anki.find_cards(f'"Front:{heading}"')
        return anki.get_card(card_id).answer()

    energy = answer("Formulas — Energy")
    assert r"\(E = mc^2\)" in energy and r"\(c\)" in energy and r"\[\frac{a}{b}\]" in energy
    script = answer("Formulas — Script")
    assert '<pre class="hl" data-language="python">' in script
    assert '<span class="k">def</span>' in script and '<span class="mi">2</span>' in script
    assert ".nightMode .hl" in script  # the note type's CSS colours it in night mode too
    (say_id,) = anki.find_cards('"Front:Formulas — Say it"')
    sounds = [tag.filename for tag in anki.get_card(say_id).answer_av_tags()]
    assert sounds == ["energy.mp3", "power.ogg"]
    assert sorted(report.media) == ["energy.mp3", "power.ogg"]
    assert (Path(anki.media.dir()) / "energy.mp3").read_bytes() == b"ID3 energy"
    refused = answer("Formulas — Refused")
    body = refused.split('<hr id="answer">', 1)[1]
    assert "<img" not in body  # no broken image: each refused one leaves its alt text
    assert '<a href="https://example.com/w.png"' in body
    assert "Pictures of it: local win data file up gone" in body
    reasons = sorted(message.split(": ", 1)[1] for message in report.skipped)
    assert reasons == [
        "image '../secret.png' is outside the note's folder; skipped",
        "image '/etc/hostname.png' is outside the note's folder; skipped",
        "image 'C:%5Cpics%5Cx.png' is a Windows path, not a file in the note's folder; skipped",
        "image 'data:image/png;base64,AAAA' is not a file in the note's folder; skipped",
        "image 'file:///etc/x.png' is not a file in the note's folder; skipped",
        "image 'gone.png' is missing; skipped",
    ]


def test_a_package_s_bytes_do_not_depend_on_how_the_path_was_typed(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    spellings = ["vault", "./vault/", str(vault), f"{vault}/../vault", "vault/docker.md"]
    packages = []
    for number, spelling in enumerate(spellings):
        out = tmp_path / f"{number}.apkg"
        export([spelling], out)
        packages.append(out.read_bytes())
    assert all(package == packages[0] for package in packages)
    with zipfile.ZipFile(tmp_path / "0.apkg") as archive:
        assert str(tmp_path).encode() not in archive.read("collection.anki2")
