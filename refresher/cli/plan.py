"""`refresher plan`: days to the interview, today's target, readiness now and on the day.

`app.plan` computes the plan; this command picks the view.
"""

from __future__ import annotations

import json

import typer

from refresher.cli.options import BankArg


def plan(
    bank: BankArg = None,
    date: str = typer.Option(
        None,
        "--date",
        metavar="YYYY-MM-DD",
        help="Interview date for this plan (default: interview_date in `refresher config`).",
    ),
    minutes: int = typer.Option(
        None,
        "--minutes",
        metavar="N",
        help="Minutes a day you have for this plan (default: daily_minutes in `refresher config`).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Plan toward your interview: days left, cards by state, the pace of new cards, today's
    target and its time, readiness today and on the morning of the day, the weakest topics.

    While a date is set, `review` works toward it: new cards at the plan's pace, nothing due
    after the date, a last review spread over the final buffer_days.

    With a budget (--minutes N or daily_minutes), the plan chooses the pace of new cards and
    the desired retention that bring the most recall on the interview morning within it, and
    `review` follows it, stopping when the day's minutes are used.

    Example: refresher plan --date 2026-12-20 --minutes 40
    """
    from refresher.app.plan import gather
    from refresher.render import plan as show
    from refresher.render.console import make_console

    result = gather(bank, date, remember_note=not as_json, minutes=minutes)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    show.plan(make_console(), result)


def register(app: typer.Typer) -> None:
    app.command()(plan)
