"""Parses notes sent one JSON line at a time and answers each with its cards, as JSON.

Run with PYTHONPATH set to an unpacked compiled wheel (benchmarks/compiled.py), it is the
compiled parser's side of tests/test_compiled.py; imported, `parsed` is the pure side. The
first line it writes names the file each parser module was loaded from.
"""

from __future__ import annotations

import json
import sys
import traceback

from study.notes import native, parser
from study.notes.parser import parse_text


def parsed(text: str, source: str) -> dict[str, object]:
    """Everything a parse gives, every card field included, in JSON's types."""
    note = parse_text(text, source)
    result = {
        "deck": note.deck,
        "cards": [card._asdict() for card in note.cards],
        "tags": note.tags,
        "merged": note.merged,
        "related": note.related,
        "dropped": note.dropped,
        "left_out": note.left_out,
    }
    return json.loads(json.dumps(result, ensure_ascii=False))  # tuples -> lists, both sides


def serve() -> None:
    print(json.dumps({"parser": parser.__file__, "native": native.__file__}), flush=True)
    for line in sys.stdin:
        note = json.loads(line)
        try:
            answer: dict[str, object] = parsed(note["text"], note["source"])
        except Exception:  # reported to the test, which shows the note that raised it
            answer = {"error": traceback.format_exc()}
        print(json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    serve()
