"""`refresher quiz`: a round of questions from a bank, graded as you go."""

from __future__ import annotations

import random
import secrets
import time
from enum import StrEnum

import typer

from refresher.cli import complete
from refresher.cli.options import BankArg, Tags, Topics, Types, open_bank


class ModeOpt(StrEnum):
    practice = "practice"
    exam = "exam"


def quiz(
    bank: BankArg = None,
    count: int = typer.Option(
        20, "--count", "-n", min=0, help="Questions in the round; 0 asks every match."
    ),
    topic: Topics = None,
    qtype: Types = None,
    tag: Tags = None,
    qid: list[str] = typer.Option(
        [],
        "--id",
        metavar="ID",
        help="Only this question id (repeatable).",
        autocompletion=complete.question_ids,
    ),
    missed: bool = typer.Option(False, "--missed", help="Only those missed in your last round."),
    missed_days: int = typer.Option(
        None, "--missed-days", min=1, help="Only those last answered wrong in the past N days."
    ),
    seed: int = typer.Option(None, "--seed", help="Seed for a reproducible order."),
    no_shuffle: bool = typer.Option(
        False, "--no-shuffle", help="Keep bank order and option order."
    ),
    mode: ModeOpt = typer.Option(
        ModeOpt.practice,
        "--mode",
        "-m",
        help="practice: feedback after each answer; exam: at the end.",
    ),
    tries: int = typer.Option(
        None,
        "--tries",
        min=1,
        max=2,
        help="2: after a wrong answer, a hint and a second try (practice; default: the"
        " `tries` setting).",
    ),
) -> None:
    """Take a quiz round. Answer with a letter, t/f or text; s skips, q quits.

    After a wrong answer in practice, o counts it right ("I was right": a typo, a synonym).

    Example: refresher quiz session-14 --topic lstm --count 10 --seed 7
    """
    from refresher.app import settings
    from refresher.app.quiz import check_seed, find_missed_with_seeds, open_history
    from refresher.cli.runner import Ended, Runner
    from refresher.env.clock import utcnow
    from refresher.quiz.round import Mode, Round, attach_instances, make_items, rearranged, select
    from refresher.render import question as draw
    from refresher.render import summary as draw_summary
    from refresher.render.console import make_console

    if seed is not None:
        check_seed(seed)
    the_bank = open_bank(bank)
    seeds: dict[str, int] = {}
    if missed or missed_days:
        qid, seeds = find_missed_with_seeds(the_bank, missed_days, qid)
    questions = select(the_bank, topics=topic or (), types=qtype or (), tags=tag or (), ids=qid)
    if tries is None:
        tries = settings.load().tries
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    rng = random.Random(seed)
    items = make_items(questions, rng, shuffle=not no_shuffle, count=count or None)
    # numeric items: this round's numbers, or the very numbers that were missed
    items = attach_instances(items, seed, the_bank.path, seeds)
    console = make_console()
    history = open_history()
    run_mode = Mode(mode.value)
    with history:
        runner = Runner(
            console,
            history,
            the_bank,
            run_mode,
            round_id=history.start_round(the_bank.id, run_mode.value, seed, utcnow()),
            tries=tries,
        )
        draw.header(
            console,
            the_bank.title,
            len(items),
            len(questions),
            run_mode.value,
            seed,
        )
        while True:
            rnd = Round(items, run_mode)
            started = time.monotonic()
            ended = runner.run(rnd)
            summary = rnd.summary(time.monotonic() - started)
            draw_summary.summary(
                console, summary, the_bank.topics, show_misses=run_mode is Mode.EXAM
            )
            if ended is Ended.INTERRUPTED:
                raise typer.Exit(130)
            if ended is not Ended.FINISHED or not summary.misses:
                return
            n = len(summary.misses)
            if not runner.confirm(f"Retry the {n} missed question{'s' if n != 1 else ''}?"):
                return
            items = [m.item for m in summary.misses]
            if not no_shuffle:  # a new option order: the letter is not the thing to remember
                items = [rearranged(item, rng) for item in items]


def register(app: typer.Typer) -> None:
    from refresher.cli.help import PagedCommand

    app.command(cls=PagedCommand)(quiz)
