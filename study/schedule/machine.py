"""Which machine this is, and which vault each of its folders is: notes live at different
paths on each machine (the laptop's `~/notes` is the desktop's `/home/me/vault`).

A registered folder belongs to the machine that registered it (`root.machine`) and names a
vault (`root.vault`, the folder's name unless `study sync PATH --vault NAME` says otherwise).
A note is stored by its key, the vault and its path inside the folder (`notes/git/basics.md`),
the same on every machine; only the `root` and `note` rows (where the files are here, their
stamps) are per machine. So two machines syncing the same notes make one set of cards with
one history, and neither ever retires a card because the other's folders are absent.

The machine is known by an id kept in `STUDY_HOME` (its host name and a random part, made
on the first sync): a host name alone may be shared, or change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from study.errors import StudyError
from study.notes.vault import is_under
from study.paths import data_dir

# Rows written before folders belonged to machines (m009): the first machine to sync owns them.
UNCLAIMED = ""


def known_machine() -> str | None:
    """This machine's id, or None before its first sync made one."""
    try:
        return (data_dir() / "machine").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def machine_id() -> str:
    """This machine's id, made once and kept in the data folder."""
    known = known_machine()
    if known:
        return known
    kept = data_dir() / "machine"
    import secrets  # made once per machine: not imported by every `study sync`
    import socket

    from study.atomic import write_atomic

    host = "".join(c for c in socket.gethostname().split(".")[0] if c.isalnum() or c in "-_")
    made = f"{host or 'machine'}-{secrets.token_hex(4)}"
    try:
        write_atomic(kept, f"{made}\n".encode())
    except OSError as error:
        raise StudyError(
            f"cannot keep this machine's id in {kept} ({error.strerror or error}); "
            "make the folder writable or set STUDY_HOME"
        ) from None
    return made


def vault_name(root: str, taken: Mapping[str, str], wanted: str | None = None) -> str:
    """The vault a newly registered `root` names: `wanted`, else the folder's (or file's)
    name, made unique with a number among this machine's other vaults (`taken`: by root).
    StudyError when `wanted` is already another folder's here: their notes would collide."""
    if wanted and ("/" in wanted or wanted.strip() != wanted):
        raise StudyError(f"a vault name has no `/` and no spaces around it: {wanted!r}")
    if wanted:
        holder = next((path for path, vault in taken.items() if vault == wanted), None)
        if holder is not None and holder != root:
            raise StudyError(f"the vault {wanted!r} is already {holder} on this machine")
        return wanted
    base = Path(root).name or "notes"
    name, number, used = base, 1, set(taken.values())
    while name in used:
        number += 1
        name = f"{base}-{number}"
    return name


def note_key(path: str, roots: Mapping[str, str]) -> str:
    """A note's key: its vault (of the outermost root holding it) and its path in there."""
    holders = [root for root in roots if is_under(path, root)]
    if not holders:
        return path  # under no root of this machine (kept as it was)
    root = min(holders, key=len)
    inside = os.path.relpath(path, root)  # normalised: only its separators to make "/"
    return roots[root] if inside == "." else f"{roots[root]}/{inside.replace(os.sep, '/')}"


Execute = Callable[[str, Mapping[str, object]], Iterable[Sequence[object]]]  # Store.execute


def local_vaults(execute: Execute) -> dict[str, str]:
    """This machine's vaults and the folder each is here (none before its first sync)."""
    machine = known_machine()
    if machine is None:
        return {}
    sql = "SELECT vault, path FROM root WHERE machine = :machine"
    return {str(vault): str(path) for vault, path in execute(sql, {"machine": machine})}


def local_file(vaults: Mapping[str, str], note_path: str, source: str) -> str:
    """Where a card's note is on this machine: the folder of its vault here (`vaults`, from
    `local_vaults`), and the path in it; where it was last synced (`source`) when this
    machine has no such vault."""
    vault, _, inside = note_path.partition("/")
    here = vaults.get(vault)
    if here is None:
        return source
    return str(Path(here, inside)) if inside else here


def note_file(execute: Execute, note_path: str, source: str) -> Path:
    """`local_file` of one card's note (the drill's editor)."""
    return Path(local_file(local_vaults(execute), note_path, source))
