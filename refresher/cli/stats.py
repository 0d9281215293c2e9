"""`refresher stats`: how your study is going, in the terminal or as JSON.

`app.stats` gathers the numbers; this command picks the view. The scheduler and the stats code
are imported when the command runs, to keep start-up light.
"""

from __future__ import annotations

import json

import typer

from refresher.cli import complete
from refresher.cli.help import PagedCommand
from refresher.cli.options import NoPager, pager_on


def stats(
    ctx: typer.Context,
    bank: str = typer.Argument(
        None,
        help="Bank id or a .yaml file (default: every bank).",
        autocompletion=complete.bank_ids,
    ),
    days: int = typer.Option(
        14, "--days", "-d", min=1, max=3650, help="Look back N days (at most 3650)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
    no_pager: NoPager = False,
) -> None:
    """How it is going: activity per day, accuracy, weakest questions, due cards, streak.

    Also lists leeches (cards suspended after failing again and again).

    Example: refresher stats session-14 --days 30
    """
    from refresher.app.stats import gather
    from refresher.render import stats as show
    from refresher.render.console import make_console, paged, print_warning

    report = gather(bank, days)
    for s in report.skipped:  # one broken bank must not hide the others' progress
        print_warning(s.warning)
    if as_json:
        typer.echo(json.dumps(report.stats.to_dict(), indent=2, ensure_ascii=False))
        return
    console = make_console()
    with paged(console, pager_on(ctx, no_pager)):
        show.stats(console, report.stats, report.title)
        show.practice(console, report.stats)


def register(app: typer.Typer) -> None:
    app.command(cls=PagedCommand)(stats)
