"""`refresher quiz`: a round of questions from a bank, graded as you go."""

from __future__ import annotations

import time
from enum import StrEnum

import typer

from refresher.cli import complete
from refresher.cli.options import BankArg, Tags, Topics, Types


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
    flagged: bool = typer.Option(
        False, "--flagged", help="Only the questions you flagged (f at a prompt)."
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
        help="1 or 2; 2: after a wrong answer, a hint and a second try (practice; default:"
        " the `tries` setting).",
    ),
) -> None:
    """Take a quiz round. Answer with a letter, t/f or text; s skips, f flags, q quits.

    After a wrong answer in practice, o counts it right ("I was right": a typo, a synonym).

    Example: refresher quiz session-14 --topic lstm --count 10 --seed 7
    """
    from refresher.app.quiz import open_history, plan_round
    from refresher.cli.interview import typed_points
    from refresher.cli.runner import Ended, Runner
    from refresher.env.clock import utcnow
    from refresher.quiz.round import Mode
    from refresher.render import question as draw
    from refresher.render import summary as draw_summary
    from refresher.render.console import make_console

    plan = plan_round(
        bank,
        count=count or None,
        topics=topic or (),
        types=qtype or (),
        tags=tag or (),
        ids=qid,
        missed=missed,
        missed_days=missed_days,
        flagged=flagged,
        seed=seed,
        shuffle=not no_shuffle,
        mode=Mode(mode.value),
        tries=tries,
    )
    the_bank = plan.bank
    console = make_console()
    history = open_history()
    with history:
        runner = Runner(
            console,
            history,
            the_bank,
            plan.mode,
            round_id=history.start_round(the_bank.id, plan.mode.value, plan.seed, utcnow()),
            tries=plan.tries,
            typed_open=lambda q, first, flagger: typed_points(console, q, first, flagger),
        )
        draw.header(
            console,
            the_bank.title,
            len(plan.items),
            plan.matched,
            plan.mode.value,
            plan.seed,
            tries=plan.tries,
        )
        while True:
            rnd = plan.start()
            started = time.monotonic()
            ended = runner.run(rnd)
            summary = rnd.summary(time.monotonic() - started)
            draw_summary.summary(
                console, summary, the_bank.topics, show_misses=plan.mode is Mode.EXAM
            )
            if ended is Ended.INTERRUPTED:
                raise typer.Exit(130)
            if ended is not Ended.FINISHED or not summary.misses:
                return
            n = len(summary.misses)
            if not runner.confirm(f"Retry the {n} missed question{'s' if n != 1 else ''}?"):
                return
            plan.retry(summary.misses)


def register(app: typer.Typer) -> None:
    from refresher.cli.help import PagedCommand

    app.command(cls=PagedCommand)(quiz)
