"""Small helpers shared by the command modules."""

from __future__ import annotations

import typer

from refresher.render.console import print_error


def fail(message: str) -> typer.Exit:
    """Print one error line on stderr and return the `Exit(1)` for the caller to raise."""
    print_error(message)
    return typer.Exit(1)
