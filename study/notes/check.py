"""`study check`: what a note's cards leave out or get wrong that `study cards` cannot show.

For each note: the lines of content no card holds, the answers too long to grade, the
questions asked twice, the other junk signals (`study.notes.signals`, the rules the quality
harness counts), and what the card rules merged or dropped and why.

A line of content is a line of a paragraph, list item, quote, table body row, HTML block or
code block, as markdown-it maps them; headings, front matter, rules, comments, table
headers, dividers and chat junk are structure, not content. A line is *held* when each of
its sentences (each cell, for a table row) has all its words on one card (its heading path,
front and back together): so a line the rules split into a question and an answer
(`ls -> lists files`) or into a card a sentence is held, while a paragraph no rule took is
not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from study.errors import StudyError
from study.notes import hashcards
from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import LISTS, kept
from study.notes.card import MAX_ANSWER_CHARS, Card
from study.notes.native import parse_blocks
from study.notes.parser import ParsedNote, parse_text
from study.notes.signals import card_signals, empty_answer, plain_fold, repeats
from study.notes.vault import find_notes, read_note

_WORD = re.compile(r"\w+")
# Quote, list, task and callout markers before a line's words: "> - [ ] ", "> [!note] ".
_MARKER = re.compile(
    r"^\s*(?:>\s?)*(?:(?:[-*+]|\d{1,9}[.)])(?:\s+\[[ xX]\])?(?=\s|$))?\s*(?:\[![\w-]+\][+-]?\s*)?"
)
# Where a line holding several sentences may be cut: the rules make a card a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_TAG = re.compile(r"<[^>\n]*>")
_CELL = "\x1f"  # joins a table row's cells in a content line
_SHOWN = 60  # characters of a line or question quoted in a finding


@dataclass(frozen=True, order=True)
class Finding:
    """One thing to fix or know, at a line of the note."""

    line: int
    what: str


@dataclass
class NoteCheck:
    source: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class CheckReport:
    notes: list[NoteCheck] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # unreadable notes, one message each

    @property
    def findings(self) -> int:
        return sum(len(note.findings) for note in self.notes)


def check_paths(paths: Sequence[Path]) -> CheckReport:
    """Check every note under `paths` (files, or folders searched for *.md).

    A missing path is a StudyError (exit 2: bad input); an unreadable note is listed in
    `failures` and the others are still checked.
    """
    try:
        notes = find_notes(paths)
    except StudyError as error:
        raise StudyError(str(error), exit_code=2) from None
    report = CheckReport()
    for path in notes:
        try:
            text = read_note(path)
        except StudyError as error:
            report.failures.append(str(error))
            continue
        report.notes.append(NoteCheck(str(path), check_text(text, str(path))))
    return report


def check_text(text: str, source: str) -> list[Finding]:
    """The findings of one note, in line order."""
    note = parse_text(text, source=source)
    findings = [*_card_findings(note.cards), *_rule_findings(note, source)]
    # What a rule dropped is reported once, with its reason; what the user left out, never.
    dropped = {item.line for item in note.dropped}
    left_out = {n for first, last in note.left_out for n in range(first, last + 1)}
    findings += _unheld_lines(text, note.cards, dropped, left_out)
    return sorted(set(findings))


def _card_findings(cards: list[Card]) -> Iterator[Finding]:
    for card, earlier in repeats(cards):
        yield Finding(card.line, f"question repeats line {earlier.line}: {_quote(card.front)}")
    for card in cards:
        for signal in card_signals(card):
            yield Finding(card.line, f"{_signal_text(signal, card)}: {_quote(card.front)}")


def _signal_text(signal: str, card: Card) -> str:
    if signal == "too-long":
        return f"answer too long to grade ({len(card.back)} characters, limit {MAX_ANSWER_CHARS})"
    if signal == "empty-answer":
        return f"answer is only {empty_answer(card.back)}"
    if signal == "empty-front":
        return "question has no words"
    return "answer repeats the question"


def _rule_findings(note: ParsedNote, source: str) -> Iterator[Finding]:
    for item in note.dropped:
        yield Finding(item.line, f"no card for {_quote(item.text)}: {item.reason}")
    prefix = f"{source}:"
    for message in note.merged:  # "source:line: what", as `study cards` prints them
        line, _, what = message.removeprefix(prefix).partition(": ")
        if message.startswith(prefix) and line.isdigit():
            yield Finding(int(line), what)
        else:
            yield Finding(1, message)


class _Line(NamedTuple):
    """A line of content: where it is, its text, and the blocks it belongs to."""

    number: int  # 1-based
    text: str  # without list and quote markers; a table row's cells joined by _CELL
    block: int  # the id of its top-level block: runs of unheld lines stay inside one
    # 1-based first and last lines of the list items it is in (or of its block, outside lists)
    units: tuple[tuple[int, int], ...]


def _unheld_lines(
    text: str, cards: list[Card], dropped: set[int], left_out: set[int]
) -> Iterator[Finding]:
    """Runs of content lines no card holds, one finding per run within a block.

    A list item or block holding a line a rule dropped (and said why) is not reported again;
    lines the user left out of cards are not reported at all.
    """
    held = _CardWords(cards)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, _ = hashcards.extract(text)  # hashcards' Q:/A:/C: lines are cards by their syntax
    lines = text.split("\n")
    top, _ = parse_blocks(text)
    skipped = {n + 1 for n in nt.toml_front_matter(lines)} | left_out
    content = (
        line
        for line in _content_lines(top, lines)
        if line.number not in skipped
        and not any(first <= drop <= last for first, last in line.units for drop in dropped)
    )
    for run in _runs(content, held):
        first, last, shown = run[0][0], run[-1][0], run[0][1]
        where = "line" if first == last else f"lines {first}-{last}"
        yield Finding(first, f"{where} made no card: {_quote(shown)}")


class _CardWords:
    """Which cards hold which words: a line is held when one card holds all its words."""

    def __init__(self, cards: list[Card]) -> None:
        self._cards: dict[str, set[int]] = {}  # word -> the cards holding it
        for n, card in enumerate(cards):
            for word in _words(" ".join((*card.path, card.front, card.back))):
                self._cards.setdefault(word, set()).add(n)

    def hold(self, words: set[str]) -> bool:
        holders = [self._cards.get(word, set()) for word in words]
        return bool(set.intersection(*holders))


def _runs(content: Iterator[_Line], held: _CardWords) -> Iterator[list[tuple[int, str]]]:
    """Unheld lines grouped: a run ends at a held line or at the end of its top-level block."""
    run: list[tuple[int, str]] = []
    run_block = -1
    for line in content:
        # A table row is held when each of its cells is: a row gives one card per column.
        # A line is held when each of its parts is: a table row gives one card per column,
        # a line of sentences may give one card per sentence.
        parts = [
            words
            for cell in line.text.split(_CELL)
            for sentence in _SENTENCE_END.split(cell)
            if (words := set(_words(sentence)))
        ]
        if not parts or empty_answer(line.text) or _is_divider(line.text):
            continue  # "}", "---" or an image alone: nothing to hold, no reason to end a run
        if all(held.hold(words) for words in parts):
            if run:
                yield run
            run = []
            continue
        if run and line.block != run_block:
            yield run
            run = []
        run.append((line.number, " ".join(line.text.replace(_CELL, " ").split())))
        run_block = line.block
    if run:
        yield run


def _is_divider(text: str) -> bool:
    """A line of one character repeated ("ーーーー", "====="): a rule drawn by hand."""
    ink = "".join(text.split())
    return len(ink) >= 3 and len(set(ink)) == 1


def _content_lines(
    nodes: list[Node], lines: list[str], outer: _Line | None = None
) -> Iterator[_Line]:
    """The content lines of `nodes`; `outer` carries the enclosing block and list item."""
    for node in nodes:
        if node.type in ("heading", "hr", "front_matter", "thead") or not node.map:
            continue
        start, end = node.map
        block = id(node) if outer is None else outer.block
        units = () if outer is None else outer.units
        if node.type == "list_item" or (outer is None and node.type not in LISTS):
            units = (*units, (start + 1, end))

        def line(n: int, text: str) -> _Line:
            return _Line(n + 1, text, block, units)  # noqa: B023 (used at once)

        if node.type in ("fence", "code_block"):
            code, _ = nt.clean_code(node.content, node.info)
            kept_lines = {text.strip() for text in code.split("\n") if text.strip()}
            # The fences and any chat junk lines are not code.
            yield from (
                line(n, lines[n]) for n in range(start, end) if lines[n].strip() in kept_lines
            )
        elif node.type == "html_block":
            yield from (line(n, text) for n, text in _html_lines(node, lines))
        elif node.type == "paragraph":
            if kept(node):
                yield from (line(n, _MARKER.sub("", lines[n])) for n in range(start, end))
        elif node.type == "tr":
            yield line(start, _CELL.join(lines[start].split("|")))
        else:
            yield from _content_lines(node.children, lines, _Line(0, "", block, units))


def _html_lines(node: Node, lines: list[str]) -> Iterator[tuple[int, str]]:
    if node.content.lstrip().startswith("<!--") or not node.map:
        return  # a comment: notes to self and tool directives
    for n in range(*node.map):
        words = _TAG.sub(" ", lines[n])
        if len(_words(words)) >= 2:  # markup around a word ("<summary>show") is chrome
            yield n, words


def _words(text: str) -> list[str]:
    return _WORD.findall(plain_fold(text))


def _quote(text: str) -> str:
    line = " ".join(text.split())
    return f'"{line if len(line) <= _SHOWN else line[: _SHOWN - 1] + "…"}"'


def report_lines(report: CheckReport) -> list[str]:
    """`file:line: what`, grouped by note, then the one-line summary."""
    out: list[str] = []
    for note in report.notes:
        out.extend(f"{note.source}:{f.line}: {f.what}" for f in note.findings)
    flagged = sum(1 for note in report.notes if note.findings)
    checked = len(report.notes)
    if report.findings:
        found = _count(report.findings, "finding")
        out.append(f"{_count(checked, 'note')} checked: {found} in {_count(flagged, 'note')}")
    else:
        out.append(f"{_count(checked, 'note')} checked: no findings")
    return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
