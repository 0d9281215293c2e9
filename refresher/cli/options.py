"""Options several commands share, declared once, and opening the bank a command names (which
`app.banks` does: the shell only names it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from refresher.cli import complete

if TYPE_CHECKING:
    from refresher.core.model import Bank

BankArg = Annotated[
    str | None,
    typer.Argument(
        help="Bank id or a .yaml file (default: the bundled bank).",
        autocompletion=complete.bank_ids,
    ),
]


def _repeatable(*flags: str, metavar: str, help: str, words: Callable[..., list[str]]) -> Any:
    """A `list[str] | None` option that may be given several times, completed by `words`."""
    option = typer.Option(*flags, metavar=metavar, help=help, autocompletion=words)
    return Annotated[list[str] | None, option]


Topics = _repeatable(
    "--topic", "-t", metavar="TOPIC", help="Only this topic (repeatable).", words=complete.topics
)
Types = _repeatable(
    "--type",
    metavar="TYPE",
    help="Only this question type (repeatable).",
    words=complete.question_types,
)
Tags = _repeatable(
    "--tag", metavar="TAG", help="Only questions with this tag (repeatable).", words=complete.tags
)


NoPager = Annotated[
    bool,
    typer.Option(
        "--no-pager", help="Print everything at once, even when it is taller than the terminal."
    ),
]


def pager_on(ctx: typer.Context | None, no_pager: bool) -> bool:
    """Whether long output may go through a pager: not with --no-pager here or before the
    command (`refresher --no-pager stats`)."""
    from refresher.cli.help import NO_PAGER

    root = ctx.find_root() if ctx is not None else None
    if ctx is not None and ctx.meta.get(NO_PAGER):
        return False
    return not no_pager and not (root is not None and root.params.get("no_pager"))


def open_bank(name: str | None) -> Bank:
    """The bank `name` (id or file) among bundled and user banks; the bundled one by default."""
    from refresher.app import banks

    return banks.open_bank(name)
