"""The work a regular expression does, counted in steps rather than timed.

`re` runs in C and reports no work, so a pattern that re-scans its input (`\\[[^\\]]*\\]\\(`
tried from each `[` of "[[[[...") costs time no Python-level count sees. This module replays
a call through a small backtracking matcher built from `re`'s own parse of the pattern,
trying positions and alternatives in the order `re` does and counting one step per pattern
item tried and per character a repeat takes. The count is a model of `re`'s work, not its
exact figure, but it grows as that work grows (linear, quadratic), and it is the same on a
busy machine as on a quiet one. Each replayed match is checked against `re`'s own answer, so
the model cannot drift silently from the engine it stands for.

`Recorder` swaps the module-level patterns of some modules for recording stand-ins while a
block runs, so a test can replay every call the parser made.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from types import ModuleType
from typing import Any

Then = Callable[[int], "int | None"]
_SINGLE = {C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN}
_SPACE = " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85"


def _category(name: Any, ch: str, ascii_only: bool) -> bool:
    if ascii_only and not ch.isascii():
        return name in (C.CATEGORY_NOT_DIGIT, C.CATEGORY_NOT_SPACE, C.CATEGORY_NOT_WORD)
    digit, space = ch.isdecimal(), ch.isspace() or ch in _SPACE
    word = ch.isalnum() or ch == "_"
    return {
        C.CATEGORY_DIGIT: digit, C.CATEGORY_NOT_DIGIT: not digit,
        C.CATEGORY_SPACE: space, C.CATEGORY_NOT_SPACE: not space,
        C.CATEGORY_WORD: word, C.CATEGORY_NOT_WORD: not word,
    }[name]  # fmt: skip


@dataclass
class Matcher:
    """One pattern's parse, matched against one string, counting steps."""

    pattern: re.Pattern[str]
    text: str
    steps: int = 0
    groups: dict[int, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.items = list(P.parse(self.pattern.pattern, self.pattern.flags))
        self.flags = self.pattern.flags

    def _one(self, op: Any, av: Any, ch: str) -> bool:
        """Whether a single-character item takes `ch`."""
        fold = bool(self.flags & re.IGNORECASE)
        if op is C.ANY:
            return ch != "\n" or bool(self.flags & re.DOTALL)
        if op in (C.LITERAL, C.NOT_LITERAL):
            same = ch == chr(av) or (fold and ch.lower() == chr(av).lower())
            return same if op is C.LITERAL else not same
        chars = {ch, ch.lower(), ch.upper()} if fold else {ch}
        hit, negate = False, False
        for kind, value in av:
            if kind is C.NEGATE:
                negate = True
            elif kind is C.LITERAL:
                hit = hit or chr(value) in chars
            elif kind is C.RANGE:
                hit = hit or any(value[0] <= ord(c) <= value[1] for c in chars)
            elif kind is C.CATEGORY:
                hit = hit or _category(value, ch, bool(self.flags & re.ASCII))
        return hit != negate

    def _run(self, op: Any, av: Any, pos: int, most: int) -> int:
        """How many characters from `pos` a single-character item takes, up to `most`."""
        count, end = 0, len(self.text)
        while count < most and pos + count < end and self._one(op, av, self.text[pos + count]):
            count += 1
        self.steps += count + 1
        return count

    def seq(self, items: list[Any], i: int, pos: int, then: Then) -> int | None:
        """Match items[i:] at `pos`, then `then`; the end `then` accepts, or None."""
        if i == len(items):
            return then(pos)
        self.steps += 1
        op, av = items[i]

        def rest(end: int) -> int | None:
            return self.seq(items, i + 1, end, then)

        if op in _SINGLE:
            ok = pos < len(self.text) and self._one(op, av, self.text[pos])
            return rest(pos + 1) if ok else None
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            return self._repeat(op, av, pos, rest)
        if op is C.SUBPATTERN:
            return self._group(av, pos, rest)
        if op is C.BRANCH:
            for alternative in av[1]:
                end = self.seq(list(alternative), 0, pos, rest)
                if end is not None:
                    return end
            return None
        return self._other(op, av, pos, rest)

    def _group(self, av: Any, pos: int, rest: Then) -> int | None:
        number, add, remove, body = av
        saved, before = self.flags, dict(self.groups)
        self.flags = (self.flags | add) & ~remove

        def close(end: int) -> int | None:
            self.flags = saved
            if number is not None:
                self.groups[number] = (pos, end)
            found = rest(end)
            if found is None:
                self.flags = (saved | add) & ~remove
            return found

        found = self.seq(list(body), 0, pos, close)
        self.flags = saved
        if found is None:
            self.groups = before
        return found

    def _repeat(self, op: Any, av: Any, pos: int, rest: Then) -> int | None:
        low, high, body = av
        body = list(body)
        if len(body) == 1 and body[0][0] in _SINGLE:
            return self._repeat_one(op, low, high, body[0], pos, rest)
        if op is C.POSSESSIVE_REPEAT:
            end = self._repeat_many(C.MAX_REPEAT, low, high, body, pos, 0, lambda e: e)
            return None if end is None else rest(end)
        return self._repeat_many(op, low, high, body, pos, 0, rest)

    def _repeat_one(
        self, op: Any, low: int, high: int, item: Any, pos: int, rest: Then
    ) -> int | None:
        """A repeat of one character class, as `re` runs it: a scan, then backing off."""
        if op is C.MIN_REPEAT:
            count = self._run(item[0], item[1], pos, low)
            while count >= low:
                found = rest(pos + count)
                if found is not None or count >= high:
                    return found
                if self._run(item[0], item[1], pos + count, 1) == 0:
                    return None
                count += 1
            return None
        count = self._run(item[0], item[1], pos, high)
        if op is C.POSSESSIVE_REPEAT:
            return rest(pos + count) if count >= low else None
        while count >= low:
            found = rest(pos + count)
            if found is not None:
                return found
            count -= 1
            self.steps += 1
        return None

    def _repeat_many(
        self, op: Any, low: int, high: int, body: list[Any], pos: int, done: int, rest: Then
    ) -> int | None:
        """A repeat of a longer piece, one more round at a time (an empty round ends it)."""

        def again(end: int) -> int | None:
            if end == pos and done >= low:
                return None
            return self._repeat_many(op, low, high, body, end, done + 1, rest)

        if op is C.MIN_REPEAT and done >= low:
            found = rest(pos)
            if found is not None or done >= high:
                return found
            return self.seq(body, 0, pos, again)
        if done < high:
            found = self.seq(body, 0, pos, again)
            if found is not None or done < low:
                return found
        return rest(pos) if done >= low else None

    def _other(self, op: Any, av: Any, pos: int, rest: Then) -> int | None:
        """Zero-width items (anchors, lookarounds), back-references and atomic groups."""
        if op is C.AT:
            return rest(pos) if self._at(av, pos) else None
        if op in (C.ASSERT, C.ASSERT_NOT):
            direction, body = av
            body = list(body)
            if direction == 1:
                seen = self.seq(body, 0, pos, lambda e: e) is not None
            else:
                width = P.SubPattern(P.State(), body).getwidth()[0]
                start = pos - width
                seen = (
                    start >= 0
                    and self.seq(body, 0, start, lambda e: e if e == pos else None) is not None
                )
            return rest(pos) if seen == (op is C.ASSERT) else None
        if op is C.GROUPREF:
            start, end = self.groups.get(av, (0, -1))
            piece = self.text[start:end] if end >= 0 else None
            self.steps += 1 + len(piece or "")
            if piece is None or not self.text.startswith(piece, pos):
                return None
            return rest(pos + len(piece))
        if op is C.ATOMIC_GROUP:
            inside = self.seq(list(av), 0, pos, lambda e: e)
            return None if inside is None else rest(inside)
        raise NotImplementedError(f"regex item {op} in {self.pattern.pattern!r}")

    def _at(self, where: Any, pos: int) -> bool:
        text, lines = self.text, bool(self.flags & re.MULTILINE)
        if where is C.AT_BEGINNING:
            return pos == 0 or (lines and text[pos - 1] == "\n")
        if where is C.AT_BEGINNING_STRING:
            return pos == 0
        if where is C.AT_END:
            return pos == len(text) or (text[pos] == "\n" and (lines or pos == len(text) - 1))
        if where is C.AT_END_STRING:
            return pos == len(text)
        before = pos > 0 and _category(C.CATEGORY_WORD, text[pos - 1], False)
        after = pos < len(text) and _category(C.CATEGORY_WORD, text[pos], False)
        return (before != after) == (where is C.AT_BOUNDARY)

    def attempt(self, start: int, end_at: int | None = None, advance: bool = False) -> int | None:
        """The end of a match beginning at `start` (ending at `end_at` if given), or None."""
        self.groups = {}

        def accept(end: int) -> int | None:
            if end_at is not None and end != end_at:
                return None
            return None if advance and end == start else end

        return self.seq(self.items, 0, start, accept)

    def spans(self, start: int, limit: int = 0) -> Iterator[tuple[int, int]]:
        """Every match from `start`, left to right, as `finditer` finds them (`limit` 0: all)."""
        advance, found = False, 0
        while start <= len(self.text) and (limit == 0 or found < limit):
            self.steps += 1
            end = self.attempt(start, advance=advance)
            if end is None:
                start, advance = start + 1, False
                continue
            yield start, end
            found += 1
            start, advance = end, end == start


def replay(call: Call) -> int:
    """The steps one call made, checked against `re`'s own result."""
    pattern, text = call.pattern, call.text[: call.endpos]
    matcher = Matcher(pattern, text)
    ours: object
    expected: object
    if call.method in ("match", "fullmatch"):
        end_at = len(text) if call.method == "fullmatch" else None
        end = matcher.attempt(call.pos, end_at=end_at)
        real = getattr(pattern, call.method)(text, call.pos)
        ours = None if end is None else (call.pos, end)
        expected = None if real is None else real.span()
    else:
        limit = 1 if call.method == "search" else call.count
        ours = list(matcher.spans(call.pos, limit))
        expected = [m.span() for m in pattern.finditer(text, call.pos)][: limit or None]
    assert ours == expected, f"model disagrees with re on {pattern.pattern!r}: {ours} != {expected}"
    return matcher.steps


_METHODS = ("search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split")


@dataclass
class Call:
    """One call of a pattern's method: what it was given."""

    pattern: re.Pattern[str]
    method: str
    text: str
    pos: int = 0
    endpos: int | None = None
    count: int = 0  # sub's count, split's maxsplit


def _call(
    pattern: re.Pattern[str], method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Call:
    """A call's arguments, named as `re` names them."""
    if method in ("sub", "subn", "split"):
        names = ["text", "count"] if method == "split" else ["repl", "text", "count"]
        given = dict(zip(names, args, strict=False))
        given.update(kwargs)
        count = given.get("count", given.get("maxsplit", 0))
        return Call(pattern, method, given["text"], count=count)
    given = dict(zip(["text", "pos", "endpos"], args, strict=False))
    given.update(kwargs)
    return Call(pattern, method, given["text"], given.get("pos", 0), given.get("endpos"))


class _Recording:
    """Stands in for a compiled pattern, noting each call before making it."""

    def __init__(self, pattern: re.Pattern[str], calls: list[Call]) -> None:
        self._pattern, self._calls = pattern, calls

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._pattern, name)
        if name not in _METHODS:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(_call(self._pattern, name, args, kwargs))
            return real(*args, **kwargs)

        return call


def _patterns(value: object) -> bool:
    """A compiled text pattern, or a tuple of them (tried in turn by the code)."""
    if isinstance(value, tuple):
        return bool(value) and all(_patterns(item) for item in value)
    return isinstance(value, re.Pattern) and isinstance(value.pattern, str)


def _stand_in(value: Any, calls: list[Call]) -> Any:
    if isinstance(value, tuple):
        return tuple(_stand_in(item, calls) for item in value)
    return _Recording(value, calls)


@contextmanager
def recorded(modules: list[ModuleType]) -> Iterator[list[Call]]:
    """Every call made through the modules' module-level patterns while the block runs."""
    calls: list[Call] = []
    swapped = [
        (module, name, value)
        for module in modules
        for name, value in vars(module).items()
        if _patterns(value)
    ]
    for module, name, value in swapped:
        setattr(module, name, _stand_in(value, calls))
    try:
        yield calls
    finally:
        for module, name, value in swapped:
            setattr(module, name, value)


def steps(calls: list[Call]) -> int:
    """The regex steps of every recorded call."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 50000))  # the matcher recurses once per item matched
    try:
        return sum(replay(call) for call in calls)
    finally:
        sys.setrecursionlimit(limit)
