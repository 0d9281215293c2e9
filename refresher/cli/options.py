"""Options several commands share, declared once, and opening the bank a command names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from refresher.model import Bank

BankArg = Annotated[
    str | None,
    typer.Argument(help="Bank id or a .yaml file (default: the bundled bank)."),
]
Topics = Annotated[
    list[str] | None,
    typer.Option("--topic", "-t", metavar="TOPIC", help="Only this topic (repeatable)."),
]
Types = Annotated[
    list[str] | None,
    typer.Option("--type", metavar="TYPE", help="Only this question type (repeatable)."),
]
Tags = Annotated[
    list[str] | None,
    typer.Option("--tag", metavar="TAG", help="Only questions with this tag (repeatable)."),
]


def open_bank(name: str | None) -> Bank:
    """The bank `name` (id or file) among bundled and user banks; the bundled one by default."""
    from refresher import catalog as banks
    from refresher.store import bank_cache_dir, home_dir

    return banks.resolve(name, banks.bank_paths([home_dir() / "banks"]), bank_cache_dir())
