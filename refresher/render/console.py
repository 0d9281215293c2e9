"""Console construction: one place decides colour, width and theme. Never created at import."""

from __future__ import annotations

import os
import sys
from typing import IO

from rich.console import Console
from rich.theme import Theme

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
    )


def stdin_is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def print_error(message: str) -> None:
    """One clear line on stderr: `error: message` (red when colour is allowed)."""
    from rich.text import Text

    make_console(stderr=True).print(Text.assemble(("error: ", "error"), message), soft_wrap=True)


def print_warning(message: str) -> None:
    """One line on stderr for something skipped that the user should know about."""
    from rich.text import Text

    make_console(stderr=True).print(Text.assemble(("warning: ", "skip"), message), soft_wrap=True)
