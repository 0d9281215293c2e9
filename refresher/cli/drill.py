"""`refresher drill KIND`: endless practice of one kind of numeric question."""

from __future__ import annotations

import random
import secrets
import time

import typer

from refresher.cli.options import open_bank


def drill(
    kind: str = typer.Argument(
        ...,
        help="What to drill: pool, conv, pool-size, conv-size, params, rnn, lstm, gru, "
        "gradients, bptt.",
    ),
    bank: str = typer.Option(None, "--bank", "-b", help="Bank id or file (default: bundled)."),
    seed: int = typer.Option(None, "--seed", help="Seed for reproducible numbers."),
) -> None:
    """Fresh numeric problems of one kind until you type q; a miss shows the worked solution.

    Example: refresher drill pool
    """
    from refresher import limits
    from refresher.app import settings
    from refresher.app.quiz import open_history
    from refresher.cli.runner import Ended, Runner
    from refresher.clock import utcnow
    from refresher.errors import InputError
    from refresher.render import question as draw
    from refresher.render import summary as draw_summary
    from refresher.render.console import make_console
    from refresher.session import Mode, Round, drill_items

    if seed is not None and abs(seed) > limits.SEED_MAX:
        raise InputError(f"--seed: at most {limits.SEED_MAX} (and at least -{limits.SEED_MAX})")
    the_bank = open_bank(bank)
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


def register(app: typer.Typer) -> None:
    app.command()(drill)
