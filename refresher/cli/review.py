"""`refresher review` (spaced repetition), `refresher unsuspend` and `refresher config`.

The decisions are the app's (`app.review`, `app.settings`); these commands gather options, ask
and draw. The scheduler (py-fsrs), the review loop and their drawing are imported when a command
runs, so `refresher --help` and `quiz` do not pay for them.
"""

from __future__ import annotations

import random

import typer

from refresher.cli import complete
from refresher.cli.help import PagedCommand
from refresher.cli.options import BankArg, Topics, Types, open_bank


def review(
    bank: BankArg = None,
    new: int = typer.Option(
        None,
        "--new",
        min=0,
        help="New cards allowed today, counting those already seen today"
        " (default: new_per_day in `refresher config`).",
    ),
    limit: int = typer.Option(None, "--limit", min=1, help="Review at most N cards this time."),
    topic: Topics = None,
    qtype: Types = None,
    seed: int = typer.Option(None, "--seed", help="Seed for a reproducible option order."),
    no_budget: bool = typer.Option(
        False, "--no-budget", help="Go on past today's daily_minutes (`refresher config`)."
    ),
) -> None:
    """Review what is due today on your FSRS schedule, then a few new cards.

    With daily_minutes set, the review stops when today's minutes are used (the lowest
    recall first when not everything fits); --no-budget goes on.

    Typed questions are graded and rated for you (wrong: Again, right: Good).
    Enter keeps that rating; 1-4 changes it.

    Cards and interview questions: Enter shows the answer, then rate it:
    1 Again, 2 Hard, 3 Good or 4 Easy.

    Interview questions can also be answered in writing (an empty line ends the answer): the
    key points it covers are ticked for you to confirm, and their share suggests the rating
    (below 25% Again, below 60% Hard, below 90% Good, else Easy).

    At any prompt: u undoes the last rating, s skips, f flags the card, q ends.

    Example: refresher review session-14 --new 5 --limit 20
    """
    from refresher.app import settings
    from refresher.app.review import open_sitting, review_questions
    from refresher.cli.reviewer import Reviewer
    from refresher.render.console import make_console

    the_bank = open_bank(bank)
    questions = review_questions(the_bank, topics=topic or (), types=qtype or ())
    config = settings.load()
    with open_sitting(
        the_bank,
        questions,
        config,
        new_per_day=config.new_per_day if new is None else new,
        limit=limit,
        seed=random.SystemRandom().randrange(1_000_000) if seed is None else seed,
        budget=not no_budget,
    ) as sitting:
        code = Reviewer(make_console(), sitting).run()
    if code:
        raise typer.Exit(code)


def unsuspend(
    cards: list[str] = typer.Argument(
        ...,
        help="Card id (as `stats` lists it), bank/question-id, or a question id.",
        autocompletion=complete.card_refs,
    ),
) -> None:
    """Bring suspended cards (leeches) back into your reviews.

    Example: refresher unsuspend 12   or   refresher unsuspend session-14/forget-gate
    """
    from refresher.app.review import open_cards
    from refresher.render import review as show
    from refresher.render.console import make_console

    console = make_console()
    with open_cards() as history:
        for ref in cards:
            done = history.unsuspend(ref)
            if done.was_suspended:
                show.notice(
                    console, f"Card {done.card_id} ({done.key}) is back in your reviews.", "right"
                )
            else:
                show.notice(
                    console, f"Card {done.card_id} ({done.key}) was not suspended.", "muted"
                )


def config(
    key: str = typer.Argument(
        None, help="A setting to show or change.", autocompletion=complete.config_keys
    ),
    value: str = typer.Argument(None, help="Its new value."),
    past: bool = typer.Option(
        False, "--past", help="Accept an interview_date before today (for trying things out)."
    ),
) -> None:
    """Show the review settings, or change one: refresher config new_per_day 20.

    Settings live in config.toml in the data folder ($REFRESHER_HOME).
    """
    from refresher.app import settings
    from refresher.render import review as show
    from refresher.render.console import make_console

    if key is not None and value is not None:
        from refresher.render.console import print_warning

        dropped: list[str] = []
        typer.echo(f"{key} = {settings.change(key, value, past=past, dropped=dropped)}")
        for problem in dropped:  # the rest of a broken file, mended on the way
            print_warning(problem)
        return
    if key is not None:
        typer.echo(settings.shown_value(key))
        return
    path, rows = settings.rows()
    show.config_table(
        make_console(), str(path), [(r.name, r.value, r.default, r.help) for r in rows]
    )


def register(app: typer.Typer) -> None:
    app.command(cls=PagedCommand)(review)
    app.command(cls=PagedCommand)(unsuspend)
    # `config buffer_days -1` passes "-1" as a value (refused by the setting's own range check)
    app.command(cls=PagedCommand, context_settings={"ignore_unknown_options": True})(config)
