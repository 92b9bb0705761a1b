"""The terminal: single keys without Enter, and Markdown drawn with rich.

A drill is driven by single key presses, so on a real terminal the input is switched to
cbreak mode (no line editing, no echo) and always switched back, even when the drill ends
with an exception or a SIGTERM/SIGHUP. When stdin is not a terminal (a pipe, a file, a test)
every character of a line is one key press and an empty line is Enter, so a drill can be
scripted: `printf ' \\n3\\n q\\n' | study drill`.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import IO, Any

ENTER = "\n"
ESC = "\x1b"
EOF = "\x04"  # Ctrl-D, as cbreak mode delivers it
QUIT = "q"  # what the end of a scripted input means: stop, never loop forever


class KeyReader:
    """Reads one key press at a time from a terminal, or keys line by line from a pipe."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdin
        self._pending: deque[str] = deque()
        self._saved: Any = None
        self._fd = -1
        try:
            self._fd = self.stream.fileno()
            self.tty = os.isatty(self._fd)
        except (AttributeError, OSError, ValueError):
            self.tty = False

    def __enter__(self) -> KeyReader:
        if self.tty:
            import termios
            import tty

            self._saved = termios.tcgetattr(self._fd)
            tty.setcbreak(self._fd)
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def restore(self) -> None:
        """Puts the terminal back as it was; safe to call twice."""
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def key(self, timeout: float | None = None) -> str:
        """The next key press; Enter is "\\n", Esc is ESC; the end of a scripted input is `q`.

        With a `timeout` (seconds, a terminal only) "" means no key was pressed in that time.
        """
        if not self.tty:
            return self._scripted_key()
        while not self._pending:
            if timeout is not None and not _readable(self._fd, timeout):
                return ""
            data = os.read(self._fd, 64)
            if not data:
                return QUIT
            text = data.decode("utf-8", "replace")
            if text == ESC:  # Esc alone; an arrow or function key (ESC [ ...) is no drill key
                return ESC
            if text.startswith(ESC):
                continue
            self._pending.extend(ENTER if c == "\r" else c for c in text)
        return self._pending.popleft()

    def _scripted_key(self) -> str:
        while not self._pending:
            line = self.stream.readline()
            if not line:
                return QUIT
            line = line.rstrip("\r\n")
            self._pending.extend(line if line else ENTER)
        return self._pending.popleft()

    def line(self, prompt: str = "") -> str | None:
        """A whole typed line (for `--typed`); None when the user leaves (Esc, Ctrl-D, the end
        of a scripted input)."""
        if self.tty:
            sys.stdout.write(prompt)
            sys.stdout.flush()
            return self._edit_line()
        if self._pending:
            rest = "".join(self._pending)
            self._pending.clear()
            return "" if rest == ENTER else rest
        text = self.stream.readline()
        if not text or ESC in text or EOF in text:
            return None
        return text.rstrip("\r\n")

    def _edit_line(self) -> str | None:
        """Reads a line key by key (still in cbreak mode), so Esc can leave at once."""
        typed: list[str] = []
        while True:
            key = self.key()
            if key in (ESC, EOF):
                sys.stdout.write("\n")
                return None
            if key == ENTER:
                sys.stdout.write("\n")
                sys.stdout.flush()
                return "".join(typed)
            if key in ("\x7f", "\b"):
                if typed:
                    typed.pop()
                    sys.stdout.write("\b \b")
            elif key == "\x15":  # Ctrl-U: start again
                sys.stdout.write("\b \b" * len(typed))
                typed.clear()
            elif key.isprintable():
                typed.append(key)
                sys.stdout.write(key)
            sys.stdout.flush()


def _readable(fd: int, timeout: float) -> bool:
    import select

    ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
    return bool(ready)


@contextmanager
def signals_restore(reader: KeyReader) -> Iterator[None]:
    """SIGTERM and SIGHUP end the drill through `SystemExit`, so the terminal is restored."""

    def stop(signum: int, frame: FrameType | None) -> None:
        reader.restore()
        raise SystemExit(128 + signum)

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        with suppress(ValueError, OSError):  # not the main thread (some test runners)
            previous[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def make_console(file: IO[str] | None = None) -> Any:
    """A rich Console on stdout: styles only on a real terminal, no colour under NO_COLOR
    (rich reads it), and the terminal's own width, however narrow."""
    from rich.console import Console

    return Console(file=file, highlight=False, soft_wrap=False)
