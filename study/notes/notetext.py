"""Note text: the small text-level judgements the parser makes inside one Markdown element.

Structure (headings, lists, tables, code) always comes from markdown-it's token stream; this
module only looks *inside* an element already found there: cleaning a heading's title,
telling chat-export junk from content, finding #tags and [[wikilinks]], trimming a code
block. Kept apart from the parser so each judgement can be read and tested on its own.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

# Code spans live in their own module; notetext is where the rules look for text helpers.
from study.notes.codespans import CodeSpan, code_span_at, code_spans  # noqa: F401

# Sub-headings that name an aspect of the concept above them. Matched without case or
# accents; shown in sentence case ("What It Is:" -> "What it is").
ASPECTS: Final = frozenset(
    {
        # English
        "what it is", "what is it", "definition", "meaning", "characteristics", "features",
        "key features", "properties", "purpose", "why it matters", "why use it", "how it works",
        "analogy", "advantages", "disadvantages", "pros", "cons", "benefits", "limitations",
        "use cases", "when to use", "when to use it", "key points", "key concepts", "notes",
        "overview", "important", "tips", "caveats",
        # Portuguese
        "o que e", "definicao", "significado", "caracteristicas", "propriedades", "proposito",
        "finalidade", "objetivo", "para que serve", "por que usar", "como funciona", "analogia",
        "vantagens", "desvantagens", "beneficios", "limitacoes", "casos de uso", "quando usar",
        "pontos-chave", "pontos chave", "conceitos-chave", "observacoes", "visao geral", "dicas",
        # Spanish
        "que es", "definicion", "caracteristicas principales", "propiedades", "para que sirve",
        "por que usarlo", "ventajas", "desventajas", "limitaciones", "cuando usar",
        "cuando usarlo", "puntos clave",
        "conceptos clave", "notas", "observaciones", "vision general", "consejos",
    }
)  # fmt: skip

# First header cells saying "the rows are attributes, the columns are the things compared".
# Not "#", "item" or "category": over a column of numbers or of names, they head the rows.
ATTRIBUTE_HEADERS: Final = frozenset(
    {
        "", "vs", "vs.", "x", "feature", "features", "aspect", "aspects", "property",
        "attribute", "characteristic", "characteristics", "criteria", "criterion", "comparison",
        "dimension", "trait", "caracteristica", "caracteristicas", "aspecto",
        "propriedade", "atributo", "criterio", "recurso", "comparacao",
        "propiedad", "comparacion",
    }
)  # fmt: skip

# The buttons a chat page puts above its code, copied along with the code.
COPY_LABELS: Final = frozenset(
    {
        "copiareditar", "copiar editar", "copyedit", "copy edit", "copy code", "copy",
        "edit", "copiar", "editar", "copiar codigo", "copy lines", "copied!", "copiado!",
    }
)  # fmt: skip
_LANGUAGE: Final = re.compile(r"[A-Za-z][\w+#.\-]{0,24}")

# A chat model's label pasted between answers ("4o", "o3-mini", "GPT-4o").
_MODEL_LABEL: Final = re.compile(
    r"(chat)?(gpt[- ]?)?(3\.5|4|4o|4\.1|4\.5|5|o1|o3|o4)([- ]?(mini|pro|high|turbo))?",
    re.IGNORECASE,
)
_CHAT_LABELS: Final = frozenset(
    {"chatgpt said:", "you said:", "o chatgpt disse:", "voce disse:", "chatgpt dijo:",
     "tu dijiste:", "chatgpt", "thought for a few seconds"}
)  # fmt: skip
# The assistant's closing offer: a question it asks back ...
_OFFER_QUESTIONS: Final = (
    "would you like", "do you want me", "do you want a", "do you want to see", "want me to",
    "should i ", "shall i ", "would it help", "need help with", "quer que eu", "voce gostaria",
    "gostaria que eu", "gostaria de ver", "deseja que eu", "quer ver", "posso te ajudar",
    "quieres que", "te gustaria", "deseas que", "quieres ver", "necesitas ayuda",
)  # fmt: skip
# ... or an offer that does not end in a question mark.
_OFFER_STATEMENTS: Final = (
    "let me know if", "if you'd like, i can", "if you want, i can", "i can also",
    "se quiser, posso", "se quiser posso", "posso tambem", "me avise se",
    "si quieres, puedo", "si quieres puedo", "tambien puedo", "avisame si",
    # ... or its send-off, telling the reader they are ready now.
    "with this you can", "with this, you can", "with that you can", "with that, you can",
    "now you're ready", "you're all set", "com isso voce", "com isso, voce", "agora voce ja",
    "con esto ya", "con esto puedes", "con esto, ya", "con esto, puedes", "ahora ya puedes",
)  # fmt: skip

_TAG: Final = re.compile(r"(?:^|(?<=\s))#([\w/\-]*[^\W\d][\w/\-]*)")
# A link to another note; an embed (![[image.png]]) is content and stays as written.
_WIKILINK: Final = re.compile(r"(?<!!)\[\[([^\[\]\n]+?)\]\]")
_NUMBERING: Final = re.compile(
    r"^(?:\d\ufe0f?\u20e3|\d+(?:\.\d+)*[.):]|\d+\s*[-–—]\s|[IVXLC]+\.|[A-Z][.)])\s*"
)
_KEYCAP: Final = re.compile(r"^\d\ufe0f?\u20e3")


# fold() and strip_symbols() run on every heading and short paragraph, so they look up
# Unicode categories only for the characters that can have them: non-ASCII ones (ASCII has
# no accents, and only `^` and ` are symbols).
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]+")
_SYMBOLS: Final = ("So", "Sk", "Cs", "Co", "Cn", "Cf", "Me")
_MAYBE_SYMBOL: Final = re.compile(r"[^\x00-\x7f]+|[\^`]")


def fold(text: str) -> str:
    """Case- and accent-free form, for matching words in any of the three languages."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _NON_ASCII.sub(_without_marks, unicodedata.normalize("NFD", folded))
    return " ".join(folded.split())


def _without_marks(match: re.Match[str]) -> str:
    return _run_without(match.group(), False)  # combining marks


# Non-ASCII runs repeat (a note's emoji and dashes, its accented words): each run's answer
# is worked out once, character by character, then looked up.
@lru_cache(maxsize=8192)
def _run_without(run: str, symbols: bool) -> str:
    if symbols:
        return "".join(
            ch
            for ch in run
            if unicodedata.category(ch) not in _SYMBOLS and ch not in "\ufe0e\ufe0f"
        )
    return "".join(ch for ch in run if unicodedata.category(ch) != "Mn")


def strip_symbols(text: str) -> str:
    """Text without emoji and pictographs (decoration, not content).

    ASCII text is returned as it is (its `^` and ` are kept); in other text they go too.
    """
    if text.isascii():
        return text
    return _MAYBE_SYMBOL.sub(_without_symbols, text)


def _without_symbols(match: re.Match[str]) -> str:
    return _run_without(match.group(), True)  # emoji and symbols


# Headings repeat across a vault's notes ("📌 What It Is:" under every concept): a title is
# cleaned and named once.
@lru_cache(maxsize=4096)
def clean_title(title: str) -> str:
    """A heading as a card shows it: no emoji, numbering, wikilink brackets or trailing colon."""
    text = _KEYCAP.sub("", plain_links(title).strip(), count=1)
    text = " ".join(strip_symbols(text).replace("**", "").replace("__", "").split())
    text = _NUMBERING.sub("", text, count=1).strip()
    text = text.rstrip(":：").strip()
    return text.strip("*_ ").strip()


@lru_cache(maxsize=4096)
def aspect_name(title: str) -> str | None:
    """The sentence-case name of an aspect sub-heading ("How It Works" -> "How it works")."""
    if fold(title).strip("¿?¡! ") not in ASPECTS:
        return None
    lower = title.lower()
    first = next((n for n, ch in enumerate(lower) if ch.isalpha()), 0)
    return lower[:first] + lower[first : first + 1].upper() + lower[first + 1 :]


def is_question(title: str) -> bool:
    """A title that asks something ("What is a nebula?", "¿Qué es un sofrito?")."""
    text = title.strip()
    return len(text.split()) >= 2 and (text.endswith(("?", "？")) or text.startswith("¿"))


def plain_links(text: str) -> str:
    """[[Target|Alias]] -> Alias and [[Target]] -> Target: wikilinks read as plain text."""
    if "[[" not in text:
        return text  # called on every cell and answer; most have no link

    def shown(match: re.Match[str]) -> str:
        target, _, alias = match.group(1).partition("|")
        return (alias or target.replace("#", " > ")).strip()

    return _WIKILINK.sub(shown, text)


def wikilinks(text: str) -> list[str]:
    """The notes a text links to, by target name, in order."""
    found = []
    for match in _WIKILINK.finditer(text):
        target = match.group(1).partition("|")[0].partition("#")[0].strip()
        if target:
            found.append(target)
    return found


def tags_in(text: str) -> list[str]:
    """Obsidian #tags in a run of prose (never in code: callers pass text tokens only)."""
    return [tag.strip("/") for tag in _TAG.findall(text) if tag.strip("/")]


def without_tags(text: str) -> str:
    return _TAG.sub("", text).strip()


def without_links(text: str) -> str:
    return _WIKILINK.sub("", text).strip()


# LaTeX control words and nothing else ("\\newpage", "\\pagebreak \\clearpage").
_LAYOUT: Final = re.compile(r"(?:\\[A-Za-z]+\*?\s*)+")


def only_layout(text: str) -> bool:
    """A paragraph of LaTeX commands alone, as notes written for pandoc hold between
    sections: page breaks, not content."""
    return _LAYOUT.fullmatch(text.strip()) is not None


def is_junk(text: str) -> bool:
    """A paragraph pasted from a chat that is not content: a model label or a closing offer."""
    if len(text) > 400:
        return False
    folded = fold(strip_symbols(text)).lstrip("¿¡ ")
    if not folded:
        return True
    if folded in _CHAT_LABELS or _MODEL_LABEL.fullmatch(folded):
        return True
    if folded.startswith(_OFFER_STATEMENTS):
        return True
    return folded.startswith(_OFFER_QUESTIONS) and folded.rstrip(" .!").endswith("?")


def _letters(text: str) -> str:
    if text.isascii():  # no symbol to strip, no accent to fold: one C pass over the bytes
        return text.encode().translate(None, _ASCII_NOT_LETTER).lower().decode()
    return _NOT_LETTER.sub("", fold(strip_symbols(text)))


_NOT_LETTER: Final = re.compile(r"[\W_]+")
_ASCII_NOT_LETTER: Final = bytes(code for code in range(128) if not chr(code).isalnum())
# is_junk() is True only for text whose letters and digits begin like one of these, or are
# no longer than the longest model label's ("ChatGPT-3.5 turbo").
_JUNK_STARTS: Final = tuple(
    _letters(s) for s in (*_CHAT_LABELS, *_OFFER_STATEMENTS, *_OFFER_QUESTIONS)
)
_LABEL_LETTERS: Final = len("chatgpt35turbo")
# ... or end like a copy button ("python" then "CopiarEditar"), which kept() drops.
_COPY_ENDS: Final = tuple(_letters(label) for label in COPY_LABELS)


def could_be_junk(text: str) -> bool:
    """False if no text with the letters and digits of `text`, in order, is_junk() or is
    only copy buttons.

    Lets the parser rule out junk from a paragraph's source, before parsing its Markdown.
    """
    letters = _letters(text)
    return (
        len(letters) <= _LABEL_LETTERS or letters.startswith(_JUNK_STARTS)
        or letters.endswith(_COPY_ENDS)
    )  # fmt: skip


def copy_buttons(text: str) -> tuple[str, str] | None:
    """(the rest, the language) of text that starts with a chat page's copy-button lines.

    Outside a code fence a pasted answer's code reads "bash", "CopiarEditar", then the
    command, on lines or paragraphs of their own; None if `text` does not start that way.
    """
    if not any(_may_fold_to_label(line) for line in text.strip().split("\n", 2)[:2]):
        return None  # most paragraphs: neither line a label can be on starts like one
    lines = text.strip().split("\n")
    head = [line.strip() for line in lines[:4]]
    start = 1 if head and is_language_line(head[0]) else 0
    labels = 0
    while start + labels < len(head) and fold(head[start + labels]) in COPY_LABELS:
        labels += 1
    if not labels:
        return None
    rest = "\n".join(lines[start + labels :]).strip("\n")
    return dedent(rest), head[0].lower() if start else ""


# A line folds to a copy label only if it starts with a label's first letter, in either
# case, or with a character outside ASCII (`fold` makes "É" an "e").
_LABEL_INITIALS: Final = frozenset(
    ch for label in COPY_LABELS for ch in (label[0], label[0].upper())
)


def _may_fold_to_label(line: str) -> bool:
    first = line.lstrip()[:1]
    return first in _LABEL_INITIALS or not first.isascii()


def only_copy_buttons(text: str) -> bool:
    """Text that is a chat page's language line and copy buttons and nothing else."""
    found = copy_buttons(text)
    return found is not None and not found[0].strip()


def is_language_line(text: str) -> bool:
    """A line that is only a word like a language's name ("bash", "yaml", "Dockerfile")."""
    word = text.strip()
    return bool(_LANGUAGE.fullmatch(word)) and fold(word) not in COPY_LABELS


def clean_code(content: str, info: str = "") -> tuple[str, str]:
    """A fenced block's code and language, without the chat page's copy-button lines.

    A chat export puts the language name and the button label ("bash", "CopiarEditar") as
    the first lines of the code; they are dropped, and the language kept if the fence had none.
    """
    lines = content.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    language = info.split()[0] if info.split() else ""
    found = copy_buttons("\n".join(lines))
    if found is not None:
        lines = found[0].split("\n")
        language = language or found[1]
    code = dedent("\n".join(line.rstrip() for line in lines)).strip("\n")
    return code, language


def dedent(text: str) -> str:
    """`textwrap.dedent`, exactly, in a third of its time: the common margin of spaces and
    tabs taken off each line, lines of only spaces and tabs emptied."""
    return "\n".join(dedent_lines(text.split("\n")))


def dedent_lines(lines: list[str]) -> list[str]:
    """`dedent` over lines. Its regular expressions (and a new one for each margin) were a
    good part of making an answer of a note's source."""
    margin: str | None = None
    for line in lines:
        body = line.lstrip(" \t")
        if not body:
            continue  # a blank line has no say in the margin
        indent = line[: len(line) - len(body)]
        if margin is None or margin.startswith(indent):
            margin = indent
        elif not indent.startswith(margin):
            n = 0
            while margin[n] == indent[n]:  # they differ before either ends
                n += 1
            margin = margin[:n]
    cut = len(margin) if margin else 0
    return [line[cut:] if line.lstrip(" \t") else "" for line in lines]


def tidy(markdown: str) -> str:
    """Markdown source made presentable: dedented, trailing spaces and blank runs removed."""
    if "\n" not in markdown:  # one line (most descriptions and cells): only its ends go
        return plain_links(markdown.lstrip(" \t").rstrip())
    lines = markdown.split("\n")
    if markdown[:1] in (" ", "\t", "\n"):  # else the first line has no margin: none is common
        lines = dedent_lines(lines)
    text = "\n".join([line.rstrip() for line in lines]).strip("\n")
    return plain_links(_BLANK_LINES.sub("\n\n", text))


_BLANK_LINES: Final = re.compile(
    r"\n\n\n+"
)  # two blank lines or more, once trailing spaces are gone


def one_line(text: str) -> str:
    return " ".join(text.split())


def toml_front_matter(lines: list[str]) -> range:
    """The 0-based indexes of a leading `+++` block (Hugo and Zola's TOML front matter):
    settings, never a card (the parser blanks them; `study check` does not report them)."""
    if not lines or lines[0].strip() != "+++":
        return range(0)
    for n in range(1, len(lines)):
        if lines[n].strip() == "+++":
            return range(n + 1)
    return range(0)
