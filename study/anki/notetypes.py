"""The Anki note types `study` exports to: fields, card templates and the stylesheet.

Their ids are constants: Anki matches note types by id, so a changed id would give every
user a second copy of each type. Their modification time is a constant too: Anki replaces a
note type on import only when the package's is newer, so a user's own template or CSS change
survives a re-import until a release changes the note types (and raises MODELS_CHANGED).
Fields beyond Front/Back/Context/Source hold the reverse card, so a card and its reverse stay
one Anki note, as they are one in study.
"""

from __future__ import annotations

import genanki

from study.anki.code import CODE_CSS

# Note type ids are constants: a changed id would make Anki create a second note type.
BASIC_MODEL_ID = 1_764_179_201
COMMAND_MODEL_ID = 1_764_179_202
CLOZE_MODEL_ID = 1_764_179_203
# Raise this when a template or the CSS changes, so Anki's "update if newer" takes them.
MODELS_CHANGED = 1_796_000_000  # 2026-11-29: highlighted code, placeholders as recall cards

CSS = """\
.card { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 20px;
  line-height: 1.45; text-align: left; color: #1f2328; background: #ffffff;
  max-width: 44em; margin: 0 auto; padding: 0 .6em; }
.card.nightMode, .nightMode .card { color: #e6edf3; background: #1e1f22; }
.context { font-size: .7em; opacity: .65; margin-bottom: .8em; }
.source { font-size: .65em; opacity: .5; margin-top: 1.2em; }
code, pre, .command, #typeans { font-family: ui-monospace, "SF Mono", Menlo, Consolas,
  "DejaVu Sans Mono", monospace; font-size: .88em; }
code { background: rgba(127, 127, 127, .16); padding: .1em .3em; border-radius: 4px; }
pre, .command { background: rgba(127, 127, 127, .12); padding: .6em .8em; border-radius: 6px;
  white-space: pre-wrap; word-break: break-word; }
pre code { background: none; padding: 0; font-size: 1em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid rgba(127, 127, 127, .55); padding: .25em .6em; vertical-align: top; }
th { background: rgba(127, 127, 127, .12); }
img { max-width: 100%; }
.cloze { font-weight: bold; color: #0969da; }
.nightMode .cloze { color: #58a6ff; }
"""
CSS += CODE_CSS

_CONTEXT = '<div class="context">{{Context}}</div>'
_SOURCE = '<div class="source">{{Source}}</div>'
_ANSWER = '{{FrontSide}}<hr id="answer">'

BASIC = genanki.Model(
    BASIC_MODEL_ID,
    "study Basic",
    fields=[{"name": n} for n in ("Front", "Back", "Context", "Source", "Reverse", "Reverse Back")],
    templates=[
        {
            "name": "Card 1",
            "qfmt": _CONTEXT + "{{Front}}",
            "afmt": _ANSWER + "{{Back}}" + _SOURCE,
        },
        {  # only for a card that has a reverse sibling in study
            "name": "Card 2 (reverse)",
            "qfmt": "{{#Reverse}}" + _CONTEXT + "{{Reverse}}{{/Reverse}}",
            "afmt": _ANSWER + "{{Reverse Back}}" + _SOURCE,
        },
    ],
    css=CSS,
)

COMMAND = genanki.Model(
    COMMAND_MODEL_ID,
    "study Command",
    fields=[{"name": n} for n in ("Command", "Description", "Context", "Source", "Ask Command")],
    templates=[
        {
            "name": "Command",
            "qfmt": _CONTEXT + '<div class="command">{{Command}}</div>',
            "afmt": _ANSWER + "{{Description}}" + _SOURCE,
        },
        {  # type the command: only when study has the reverse card
            "name": "Type the command",
            "qfmt": "{{#Ask Command}}"
            + _CONTEXT
            + "{{Description}}{{type:Command}}{{/Ask Command}}",
            "afmt": _CONTEXT + '{{Description}}<hr id="answer">{{type:Command}}' + _SOURCE,
        },
    ],
    css=CSS,
)

CLOZE = genanki.Model(
    CLOZE_MODEL_ID,
    "study Cloze",
    fields=[{"name": n} for n in ("Text", "Extra", "Context", "Source")],
    templates=[
        {
            "name": "Cloze",
            "qfmt": _CONTEXT + "{{cloze:Text}}",
            "afmt": _CONTEXT + "{{cloze:Text}}<br>{{Extra}}" + _SOURCE,
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)
