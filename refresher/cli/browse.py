"""`refresher find TEXT` and `refresher show ID`: browse the banks and your record on them;
`refresher flag ID` and `refresher unflag ID`: mark questions to look at again, and clear them."""

from __future__ import annotations

import typer

from refresher.cli import complete
from refresher.cli.help import PagedCommand
from refresher.cli.options import NoPager, pager_on


def find(
    ctx: typer.Context,
    text: list[str] = typer.Argument(
        ..., metavar="TEXT", help="Words to look for (all must match)."
    ),
    bank: str = typer.Option(
        None,
        "--bank",
        "-b",
        metavar="BANK",
        help="Only this bank (default: every bank).",
        autocompletion=complete.bank_ids,
    ),
    no_pager: NoPager = False,
) -> None:
    """Find questions by any words of their prompt, answer, explanation, id, topic or tags.

    Each match shows its id, kind, topic and your record on it.

    Example: refresher find forget gate
    """
    from refresher.app.browse import find as look
    from refresher.render import browse as draw
    from refresher.render.console import make_console, paged, print_warning

    result = look(" ".join(text), bank)
    for s in result.skipped:
        print_warning(s.warning)
    console = make_console()
    with paged(console, pager_on(ctx, no_pager)):
        draw.finding(console, result)


def show(
    ctx: typer.Context,
    question: str = typer.Argument(
        ..., metavar="ID", help="A question id (or BANK/ID).", autocompletion=complete.question_ids
    ),
    bank: str = typer.Option(
        None,
        "--bank",
        "-b",
        metavar="BANK",
        help="The bank to look in (default: every bank).",
        autocompletion=complete.bank_ids,
    ),
    no_pager: NoPager = False,
) -> None:
    """Show one question with its answer, explanation and every answer you gave it.

    Example: refresher show lstm-forget-bias
    """
    from refresher.app.browse import show as one
    from refresher.render import browse as draw
    from refresher.render.console import make_console, paged

    shown = one(question, bank)
    console = make_console()
    with paged(console, pager_on(ctx, no_pager)):
        draw.shown(console, shown)


_BANK_OPTION = typer.Option(
    None,
    "--bank",
    "-b",
    metavar="BANK",
    help="The bank to look in (default: every bank).",
    autocompletion=complete.bank_ids,
)


def flag(
    questions: list[str] = typer.Argument(
        ...,
        metavar="ID...",
        help="Question ids (or BANK/ID).",
        autocompletion=complete.question_ids,
    ),
    bank: str = _BANK_OPTION,
) -> None:
    """Flag questions to look at again, as f does at a quiz, review or interview prompt.

    refresher quiz --flagged asks them, stats lists them.

    Example: refresher flag lstm-forget-bias
    """
    from refresher.app.flags import flag as mark
    from refresher.render import browse as draw
    from refresher.render.console import make_console

    draw.flag_changes(make_console(), mark(questions, bank), flagged=True)


def unflag(
    questions: list[str] = typer.Argument(
        None,
        metavar="ID...",
        help="Question ids (or BANK/ID).",
        autocompletion=complete.question_ids,
        show_default=False,
    ),
    every: bool = typer.Option(False, "--all", help="Clear every flag (of --bank if given)."),
    bank: str = _BANK_OPTION,
) -> None:
    """Clear the flag of questions you flagged (f at a prompt), or every flag with --all.

    Example: refresher unflag lstm-forget-bias   or   refresher unflag --all
    """
    from refresher.app import flags
    from refresher.core.errors import InputError
    from refresher.render import browse as draw
    from refresher.render.console import make_console

    if every and questions:
        raise InputError("unflag: give question ids or --all, not both")
    if every:
        draw.flags_cleared(make_console(), flags.unflag_all(bank))
        return
    if not questions:
        raise InputError("unflag: name a question id (refresher stats lists flags) or --all")
    draw.flag_changes(make_console(), flags.unflag(questions, bank), flagged=False)


def register(app: typer.Typer) -> None:
    app.command(cls=PagedCommand)(find)
    app.command(cls=PagedCommand)(show)
    app.command(cls=PagedCommand)(flag)
    app.command(cls=PagedCommand)(unflag)
