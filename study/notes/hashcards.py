"""Cards in hashcards' syntax: `Q:` question, `A:` answer, `C:` text with `[deletions]`.

hashcards reads a note line by line (its `src/parser.rs`): a line opening with `Q:` starts a
question, `A:` its answer, `C:` a cloze text; each goes on over the following lines until
the next `Q:` or `C:`, a `---` line or the end of the file; a line opening with `#` is a
comment. Markdown would read some of that otherwise (`---` right under an answer makes it a
setext heading), so these cards are taken from the lines before the Markdown parse, and
their lines blanked out of what the other rules see.

Deliberate differences, for notes that also hold prose: a heading after a blank line ends
a card (a `#` line right under a line of the card is a comment, as in hashcards); the
lines of a fenced code block are never read as `Q:`/`A:`/`C:` or comments; a malformed
card (a question with no answer, a `C:` with no deletion) is left to the other rules
instead of failing the whole note.
"""

from __future__ import annotations

import bisect
import re
from typing import Final, NamedTuple

from study.notes import cloze
from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import Builder, Dropped, Section

_MARKS: Final = ("Q:", "A:", "C:")
_HEADING: Final = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_FENCE: Final = re.compile(r" {0,3}(`{3,}|~{3,})")


class Found(NamedTuple):
    """One hashcards card: a question and answer, or a cloze text and its deletions."""

    line: int  # 1-based line of its `Q:` or `C:`
    front: str  # the question, or the cloze text without its brackets
    back: str  # the answer ("" for a cloze)
    deletions: tuple[cloze.Span, ...]


_REASONS: Final = {
    "Q:": "a `Q:` question with no `A:` answer",
    "C:": "a `C:` text with no [deletion]",
}


class _Reader:
    """The state of one pass over a note's lines."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.found: list[Found] = []
        self.mark = ""  # "Q:", "A:" or "C:" while reading a card, else ""
        self.start = 0  # 0-based line of the card's Q: or C:
        self.parts: dict[str, list[str]] = {}  # "Q:" / "A:" / "C:" -> the lines read
        self.taken: list[tuple[int, int]] = []  # line ranges made into cards
        self.seen: set[Found] = set()  # hashcards keeps one card of identical twins
        self.malformed: list[Dropped] = []

    def open(self, mark: str, at: int) -> None:
        self.close(at)
        self.mark, self.start, self.parts = mark, at, {mark: [self.lines[at][2:].lstrip()]}

    def close(self, end: int) -> None:
        """End the card being read at line `end` (excluded), keeping it if it is whole."""
        card = self._card() if self.mark else None
        if card is None and self.mark in _REASONS:
            text = nt.one_line(" ".join(self.parts[self.mark]))[:80]
            self.malformed.append(Dropped(self.start + 1, text, _REASONS[self.mark]))
        if card is not None:
            self.taken.append((self.start, end))
            if card._replace(line=0) not in self.seen:
                self.seen.add(card._replace(line=0))
                self.found.append(card)
        self.mark = ""

    def _card(self) -> Found | None:
        text = {mark: nt.tidy("\n".join(lines)) for mark, lines in self.parts.items()}
        if self.mark == "A:" and text["Q:"] and text["A:"]:
            return Found(self.start + 1, text["Q:"], text["A:"], ())
        if self.mark == "C:":
            clean, deletions = cloze.bracket_deletions(text["C:"])
            if deletions:
                return Found(self.start + 1, clean, "", tuple(deletions))
        return None


def extract(text: str) -> tuple[str, list[Found | Dropped]]:
    """The note's hashcards cards (and those it would refuse), and its text with the cards'
    lines blanked (as many lines as before)."""
    if "Q:" not in text and "C:" not in text:
        return text, []
    lines = text.split("\n")
    reader = _Reader(lines)
    fence = ""
    matter = _front_matter_end(lines)
    for at, line in enumerate(lines):
        if at < matter:
            continue
        if fence or _FENCE.match(line):
            fence = _fence_after(line, fence)
            if reader.mark:
                reader.parts[reader.mark].append(line)
            continue
        _read_line(reader, at, line)
    reader.close(len(lines))
    for start, end in reader.taken:
        lines[start:end] = [""] * (end - start)
    found: list[Found | Dropped] = [*reader.found, *reader.malformed]
    return "\n".join(lines), found


def _front_matter_end(lines: list[str]) -> int:
    """The first line after the front matter (0 for none): its keys are no cards."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for at in range(1, len(lines)):
        if lines[at].rstrip() in ("---", "..."):
            return at + 1
    return 0


def _fence_after(line: str, fence: str) -> str:
    """The open code fence after `line` ("" once it closes)."""
    match = _FENCE.match(line)
    if not fence:
        return match.group(1) if match else ""
    closing = match is not None and match.group(1)[0] == fence[0]
    if closing and match is not None and len(match.group(1)) >= len(fence):
        return "" if not line[match.end() :].strip() else fence
    return fence


def _read_line(reader: _Reader, at: int, line: str) -> None:
    mark = line[:2] if line[:2] in _MARKS else ""
    if mark == "A:" and reader.mark == "Q:":
        reader.mark = mark
        reader.parts[mark] = [line[2:].lstrip()]
    elif mark in ("Q:", "C:"):
        reader.open(mark, at)
    elif mark == "A:" or not reader.mark:
        reader.close(at)  # an answer with no question: not a card
    elif line.strip() == "---" or (_HEADING.match(line) and not reader.lines[at - 1].strip()):
        reader.close(at + (line.strip() == "---"))
    elif not line.lstrip().startswith("#"):
        reader.parts[reader.mark].append(line)


def add_cards(
    found: list[Found | Dropped], sections: list[Section], kept: list[Section], b: Builder
) -> None:
    """Each card under the heading it sits in (`sections` in note order), if that is `kept`."""
    starts = [section.line for section in sections]
    keep = {id(section) for section in kept}
    for card in found:
        section = sections[max(bisect.bisect_right(starts, card.line) - 1, 0)]
        if id(section) not in keep:
            continue
        if isinstance(card, Dropped):
            b.dropped.append(card)
        else:
            _add(card, section.path, b)


def deck_name(top: list[Node]) -> str:
    """A hashcards deck's `name = "..."` in TOML front matter (YAML reads it as no mapping)."""
    matter = top[0] if top and top[0].type == "front_matter" else None
    if matter is None or "name" not in matter.content or "=" not in matter.content:
        return ""
    import tomllib  # only notes with TOML front matter pay for it

    try:
        name = tomllib.loads(matter.content).get("name")
    except (tomllib.TOMLDecodeError, ValueError):
        return ""
    return nt.one_line(name) if isinstance(name, str) else ""


def _add(card: Found, path: tuple[str, ...], b: Builder) -> None:
    if not card.deletions:
        b.add("basic", path, card.front, card.front, card.back, card.line)
        return
    if len(card.deletions) > cloze.MAX_DELETIONS:
        b.dropped.append(cloze.too_many(card.line, card.front, len(card.deletions)))
    note: str | None = None
    for span in card.deletions[: cloze.MAX_DELETIONS]:
        front = cloze.fill(card.front, list(card.deletions), span[2])
        cid = b.add("cloze", path, front, front, card.front, card.line, note=note)
        note = note or cid
