"""Command lists -> cards: `cmd` — what it does, in lists, under items, tldr-pages style."""

from __future__ import annotations

from study.notes import notetext as nt
from study.notes.blocks import Node
from study.notes.builder import CODE, LISTS, Blocks, Builder, Section, code_only, line_of, raw_text


def command_cards(blocks: Blocks, section: Section, b: Builder) -> Blocks:
    rest: Blocks = []
    i = 0
    while i < len(blocks):
        node = blocks[i]
        if node.type not in LISTS:
            rest.append(node)
            i += 1
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        found, used_next = _command_list(node, nxt, section, b)
        if not found:
            rest.append(node)
        i += 2 if used_next else 1
    return rest


def _command_list(node: Node, nxt: Node | None, section: Section, b: Builder) -> tuple[bool, bool]:
    """Command cards from a list; (any found, the block after the list was its command)."""
    found, used_next = False, False
    items = node.children
    for k, item in enumerate(items):
        got = _command_item(item, b)
        if got is None and k == len(items) - 1 and nxt is not None:
            got = _tldr_item(item, nxt)
            used_next = got is not None
        if got is None:
            continue
        command, description, line, desc_line = got
        reverse = (description, command, desc_line)
        b.add("command", section.path, command, command, description, line, reverse)
        found = True
    return found, used_next and found


def _command_item(item: Node, b: Builder) -> tuple[str, str, int, int] | None:
    """`cmd` — what it does, `cmd`: what, or `cmd` with the description indented under it."""
    if not item.children or item.children[0].type != "paragraph":
        return None
    first, more = item.children[0], item.children[1:]
    raw = raw_text(first).strip()
    if "`" not in raw and not more:
        return None  # no code span and no block under the item: no command (most items)
    wrap = next((w for w in ("**", "__", "*", "_") if raw.startswith(w + "`")), "")
    match = nt.CODE_SPAN.match(raw, len(wrap))
    if match is not None:
        command = nt.one_line(match.group(2))
        rest = raw[match.end() :]
        rest = rest[len(wrap) :] if wrap and rest.startswith(wrap) else rest
        if rest.strip() and rest.lstrip(" \t")[:1] in ("—", "–", "-", ":", "\n"):
            head = rest.lstrip(" \t")
            text = head.strip() if head.startswith("\n") else head[1:].strip()
            parts = [nt.tidy(text), *(b.source_of(n) for n in more)]
            return command, "\n\n".join(p for p in parts if p), line_of(first), line_of(first)
        if not rest.strip() and more:
            description = "\n\n".join(b.source_of(n) for n in more)
            return command, description, line_of(first), line_of(more[0])
        return None
    return _described_then_code(first, more)


def _described_then_code(first: Node, more: list[Node]) -> tuple[str, str, int, int] | None:
    """An item "what it does:" followed, inside the item, by the command alone."""
    lines = raw_text(first).strip().split("\n")
    if len(lines) > 1 and code_only(lines[-1]) and lines[-2].rstrip().endswith(":"):
        text = nt.tidy("\n".join(lines[:-1])).rstrip(":").strip()
        return code_only(lines[-1]), text, line_of(first) + len(lines) - 1, line_of(first)
    if len(more) == 1 and raw_text(first).rstrip().endswith(":"):
        command = _command_block(more[0])
        if command:
            text = nt.tidy(raw_text(first)).rstrip(":").strip()
            return command, text, line_of(more[0]), line_of(first)
    return None


def _tldr_item(item: Node, nxt: Node) -> tuple[str, str, int, int] | None:
    """tldr-pages layout: "- what it does:" then, after the list, a paragraph of the command."""
    if len(item.children) != 1 or item.children[0].type != "paragraph":
        return None
    text = raw_text(item.children[0]).strip()
    command = _command_block(nxt)
    if not text.endswith(":") or not command:
        return None
    return command, nt.tidy(text[:-1]).strip(), line_of(nxt), line_of(item)


def _command_block(node: Node) -> str:
    """The command in a block that holds only a command: a lone code span or a short fence."""
    if node.type == "paragraph":
        return code_only(raw_text(node))
    if node.type in CODE:
        code, _ = nt.clean_code(node.content, node.info)
        return code if code and code.count("\n") < 3 else ""
    return ""
