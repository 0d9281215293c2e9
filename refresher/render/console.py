"""Console construction: one place decides colour, width and theme. Never created at import."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.text import Text
from rich.theme import Theme

from refresher.core.text import strip_controls

THEME = Theme(
    {
        "right": "bold green",
        "wrong": "bold red",
        "skip": "yellow",
        "muted": "dim",
        "accent": "bold cyan",
        "letter": "bold magenta",
        "progress": "cyan",
        "error": "bold red",
        # the gate being computed in worked examples
        "gate.f": "bold red",
        "gate.i": "bold green",
        "gate.g": "bold yellow",
        "gate.o": "bold blue",
        "gate.c": "bold magenta",
        "gate.h": "bold cyan",
        "gate.r": "bold red",
        "gate.z": "bold green",
        "gate.n": "bold yellow",
        "window": "black on yellow",
        "cell.out": "bold green",
    }
)


class _TrimmedLines:
    """A text stream that drops the spaces Rich pads lines with before each newline.

    Used when output goes to a pipe or a file (`refresher stats > out.txt`), where padding is
    noise; a terminal keeps Rich's output as it is. A prompt (text not yet ended by a newline)
    is written untouched.
    """

    def __init__(self, stream: IO[str]):
        self._stream = stream

    def write(self, text: str) -> int:
        if " \n" in text or "\t\n" in text:  # most text has none: no regular expression run
            self._stream.write(_TRAILING.sub("\n", text))
        else:
            self._stream.write(text)
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


_TRAILING = re.compile(r"[ \t]+\n")


class _Console(Console):
    """Rich's console, except that a closed pipe is left to the CLI boundary (exit 141)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True  # nothing more to write
        raise BrokenPipeError


def make_console(
    file: IO[str] | None = None,
    *,
    stderr: bool = False,
    width: int | None = None,
    record: bool = False,
    force_terminal: bool | None = None,
) -> Console:
    """A Console honouring NO_COLOR and pipes (Rich does both when not forced)."""
    no_color = bool(os.environ.get("NO_COLOR"))
    if file is None and not record and not force_terminal:
        stream = sys.stderr if stderr else sys.stdout
        if not _isatty(stream):
            file = _TrimmedLines(stream)
    return _Console(
        file=file,
        stderr=stderr,
        width=width,
        theme=THEME,
        record=record,
        no_color=no_color,
        force_terminal=force_terminal,
        highlight=False,
        soft_wrap=False,
        # Text from a bank, an import or the store is never markup: a topic named `[/b]` or
        # `[link=...]` is shown as typed. Prompts opt in (`input` parses markup), through
        # `prompt_markup`, which escapes what it is given.
        markup=False,
        emoji=False,
    )


def prompt_markup(label: str, tail: str = "›") -> str:
    """The markup of a prompt: `label` (escaped, so any text may be in it), then `tail`."""
    return f"[accent]{escape(label)}[/accent] [muted]{escape(tail)}[/muted] "


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --- long output through a pager ---------------------------------------------------------------


@contextlib.contextmanager
def paged(console: Console, enabled: bool = True) -> Iterator[None]:
    """Show what is printed inside the block through a pager when it is taller than the
    terminal: only on a terminal, never when piped, and not with `enabled=False` (--no-pager)."""
    if not enabled or not console.is_terminal or console.is_dumb_terminal:
        yield
        return
    with console.capture() as captured:
        yield
    page(captured.get(), console)


def page(text: str, console: Console) -> None:
    """`text` (already rendered, styles included) through $PAGER (default `less -R`) when it
    is taller than the terminal, else straight to the console's file."""
    if text.count("\n") < console.size.height or not _run_pager(text):
        console.file.write(text)
        console.file.flush()


def pager_wanted() -> bool:
    """False when $PAGER turns paging off (`PAGER=cat` or empty) or stdout is not a terminal."""
    return _pager_command() is not None and _isatty(sys.stdout)


def _pager_command() -> list[str] | None:
    command = os.environ.get("PAGER")
    if command is None:
        return ["less"]
    words = shlex.split(command) if command.strip() else []
    return None if not words or words[0] == "cat" else words


def _run_pager(text: str) -> bool:
    command = _pager_command()
    if command is None:
        return False
    env = dict(os.environ)
    # -R keeps colours, -F leaves at once when the text fits after all, -X keeps it on screen
    env.setdefault("LESS", "-FRX")
    try:
        subprocess.run(command, input=text.encode("utf-8", "replace"), env=env, check=False)
    except OSError:  # no such pager: print instead
        return False
    except KeyboardInterrupt:
        pass  # Ctrl-C in the pager ends the paging, not refresher with a traceback
    return True


@contextlib.contextmanager
def paged_stream(console: Console, enabled: bool = True) -> Iterator[None]:
    """Like `paged`, for output too long to hold in memory: what is printed inside the block
    is kept only until it is taller than the terminal, then the pager starts and the rest goes
    to it as it is printed (the printing waits while the pager waits for the reader). Leaving
    the pager early ends the block quietly. Only on a terminal, never when piped."""
    if not enabled or not console.is_terminal or console.is_dumb_terminal:
        yield
        return
    original = console.file
    stream = _PagerStream(original, console.size.height)
    console.file = stream  # a file-like object: the console only writes and flushes it
    try:
        yield
    except _PagerGone:
        pass  # the reader quit the pager: nothing more to show
    except KeyboardInterrupt:
        if not stream.paging:
            raise
        # Ctrl-C in the pager is the pager's: the rows stop, the pager stays
    finally:
        console.file = original
        stream.close()


class _PagerGone(Exception):
    """The pager's input closed: the reader has left it."""


class _PagerStream:
    """A console file that holds text until there is a screenful, then feeds a pager."""

    def __init__(self, file: IO[str], height: int) -> None:
        self._file = file
        self._height = height
        self._held: list[str] = []
        self._lines = 0
        self._pager: subprocess.Popen[bytes] | None = None
        self._direct = False  # no pager could start: straight to the file

    @property
    def paging(self) -> bool:
        return self._pager is not None

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self._pager is not None:
            self._send(text)
        elif self._direct:
            self._file.write(text)
        else:
            self._held.append(text)
            self._lines += text.count("\n")
            if self._lines >= self._height:
                self._start()
        return len(text)

    def flush(self) -> None:
        if self._direct:
            self._file.flush()

    def _start(self) -> None:
        command = _pager_command()
        held, self._held = "".join(self._held), []
        if command is not None:
            env = dict(os.environ)
            env.setdefault("LESS", "-FRX")  # as `_run_pager`
            try:
                self._pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
            except OSError:  # no such pager: print instead
                self._pager = None
        if self._pager is None:
            self._direct = True
            self._file.write(held)
        else:
            self._send(held)

    def _send(self, text: str) -> None:
        assert self._pager is not None and self._pager.stdin is not None
        try:
            self._pager.stdin.write(text.encode("utf-8", "replace"))
        except OSError:  # BrokenPipeError: the reader quit
            raise _PagerGone from None

    def close(self) -> None:
        if self._pager is None:
            if self._held:
                self._file.write("".join(self._held))
                self._held = []
            self._file.flush()
            return
        with contextlib.suppress(OSError):
            assert self._pager.stdin is not None
            self._pager.stdin.close()
        while True:
            try:
                self._pager.wait()
                return
            except KeyboardInterrupt:
                continue  # Ctrl-C in the pager is the pager's; wait until it is left


def stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def print_error(message: str) -> None:
    """One clear line on stderr: `error: message` (red when colour is allowed). A control
    character in it (an argument quoted back, `flag $'\\e[31m'`) is shown as `?`."""
    line = Text.assemble(("error: ", "error"), strip_controls(message))
    make_console(stderr=True).print(line, soft_wrap=True)


def print_warning(message: str) -> None:
    """One line on stderr for something skipped that the user should know about (its control
    characters shown as `?`)."""
    line = Text.assemble(("warning: ", "skip"), strip_controls(message))
    make_console(stderr=True).print(line, soft_wrap=True)
