"""`refresher drill KIND`: endless practice of one kind of numeric question."""

from __future__ import annotations

import random
import secrets
import time

import typer

from refresher.cli import complete
from refresher.cli.options import BankArg, open_bank


def drill(
    kind: str = typer.Argument(
        None,
        help="What to drill: pool, conv, pool-size, conv-size, params, rnn, lstm, gru, "
        "gradients, bptt (without it, the kinds the bank has are listed).",
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
    from refresher.app import settings
    from refresher.app.quiz import check_seed, open_history
    from refresher.cli.runner import Ended, Runner
    from refresher.core.errors import InputError, RefresherError, UsageError
    from refresher.env.clock import utcnow
    from refresher.quiz.round import Mode, Round, drill_items, drill_kinds, nothing_to_drill
    from refresher.render import question as draw
    from refresher.render import summary as draw_summary
    from refresher.render.console import make_console

    if seed is not None:
        check_seed(seed)
    if bank is not None and bank_option is not None and bank != bank_option:
        raise InputError("give the bank once: as an argument (refresher drill KIND BANK)")
    the_bank = open_bank(bank if bank is not None else bank_option)
    alone = kind is not None and bank is None and bank_option is None
    # `refresher drill my-bank.yaml`: a bank named alone, to see what it can drill
    if alone and kind not in drill_kinds(the_bank) and (named := _bank_named(kind)) is not None:
        the_bank, bank, kind = named, kind, None
    if kind is None:
        kinds = drill_kinds(the_bank)
        if not kinds:
            raise RefresherError(nothing_to_drill(the_bank))
        where = "" if bank is None and bank_option is None else f" {the_bank.id}"
        raise UsageError(
            f"name what to drill, e.g. refresher drill {kinds[0]}{where}; "
            f"kinds in {the_bank.id}: {', '.join(kinds)}"
        )
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    items = drill_items(the_bank, kind, seed, random.Random(seed))
    console = make_console()
    with open_history() as history:
        runner = Runner(
            console,
            history,
            the_bank,
            Mode.DRILL,
            round_id=history.start_round(the_bank.id, Mode.DRILL.value, seed, utcnow()),
            tries=settings.load().tries,
        )
        draw.header(console, f"Drill: {kind}", 0, 0, "drill", seed)
        rnd = Round([], Mode.DRILL)
        started = time.monotonic()
        ended = Ended.FINISHED
        while ended is Ended.FINISHED:
            rnd.items.append(next(items))
            ended = runner.run(rnd)
        del rnd.items[rnd.position :]  # the problem on screen when you stopped is not "missed"
        draw_summary.summary(
            console, rnd.summary(time.monotonic() - started), the_bank.topics, show_misses=False
        )
        if ended is Ended.INTERRUPTED:
            raise typer.Exit(130)


def _bank_named(name: str):  # type: ignore[no-untyped-def]
    """The bank `name` stands for (an id or a bank file), or None when it names none."""
    from refresher.core.errors import RefresherError

    try:
        return open_bank(name)
    except RefresherError:
        return None


def register(app: typer.Typer) -> None:
    from refresher.cli.help import PagedCommand

    app.command(cls=PagedCommand)(drill)
