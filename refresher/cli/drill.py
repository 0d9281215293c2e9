"""`refresher drill KIND`: endless practice of one kind of numeric question."""

from __future__ import annotations

import time

import typer

from refresher.cli import complete
from refresher.cli.options import BankArg
from refresher.explain.registry import kinds


def drill(
    kind: str = typer.Argument(
        None,
        help=f"What to drill: {', '.join(kinds())} (without it, the kinds the bank has are "
        "listed).",
        metavar="kind",
        autocompletion=complete.drill_kinds,
    ),
    bank: BankArg = None,
    bank_option: str = typer.Option(None, "--bank", "-b", hidden=True),  # the old spelling
    seed: int = typer.Option(None, "--seed", help="Seed for reproducible numbers."),
) -> None:
    """Fresh numeric problems of one kind until you type q; a miss shows the worked solution.

    Example: refresher drill pool   or   refresher drill lstm my-bank
    """
    from refresher.app.quiz import KindsToChoose, open_history, plan_drill
    from refresher.cli.runner import Ended, Runner
    from refresher.env.clock import utcnow
    from refresher.quiz.round import Mode
    from refresher.render import question as draw
    from refresher.render import summary as draw_summary
    from refresher.render.console import make_console

    try:
        plan = plan_drill(kind, bank, bank_option, seed)
    except KindsToChoose as menu:
        typer.echo(f"{menu.bank.title} can drill:")
        for k in menu.kinds:
            typer.echo(f"  {k}")
        typer.echo(f"Name one: refresher drill {menu.kinds[0]}{menu.where}")
        return
    console = make_console()
    with open_history() as history:
        runner = Runner(
            console,
            history,
            plan.bank,
            Mode.DRILL,
            round_id=history.start_round(plan.bank.id, Mode.DRILL.value, plan.seed, utcnow()),
            tries=plan.tries,
        )
        draw.header(console, f"Drill: {plan.kind}", 0, 0, "drill", plan.seed)
        rnd = plan.start()
        started = time.monotonic()
        ended = Ended.FINISHED
        while ended is Ended.FINISHED:
            plan.next_into(rnd)
            ended = runner.run(rnd)
        plan.finish(rnd)
        draw_summary.summary(
            console, rnd.summary(time.monotonic() - started), plan.bank.topics, show_misses=False
        )
        if ended is Ended.INTERRUPTED:
            raise typer.Exit(130)


def register(app: typer.Typer) -> None:
    from refresher.cli.help import PagedCommand

    app.command(cls=PagedCommand)(drill)
