"""`refresher review` (spaced repetition), `refresher unsuspend` and `refresher config`.

The scheduler (py-fsrs), the review loop and their drawing are imported when a command runs, so
`refresher --help` and `quiz` do not pay for them.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

import typer

from refresher.cli.options import BankArg, Topics, Types, open_bank
from refresher.errors import RefresherError

if TYPE_CHECKING:
    from refresher.model import Bank


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
) -> None:
    """Review what is due today on your FSRS schedule, then a few new cards.

    Typed questions are graded and rated for you (wrong: Again, right: Good).
    Enter keeps that rating; 1-4 changes it.

    Cards and interview questions: Enter shows the answer, then rate it:
    1 Again, 2 Hard, 3 Good or 4 Easy.

    At any prompt: u undoes the last rating, s skips, q ends.

    Example: refresher review session-14 --new 5 --limit 20
    """
    from refresher import config as settings
    from refresher.cli.reviewer import Reviewer
    from refresher.render.console import make_console
    from refresher.session import select
    from refresher.store import home_dir, open_store

    the_bank = open_bank(bank)
    questions = select(the_bank, topics=topic or (), types=qtype or ())
    config = settings.load(settings.config_path(home_dir()))
    with open_store() as store:
        reviewer = Reviewer(
            make_console(),
            store,
            the_bank,
            questions,
            config,
            new_per_day=config.new_per_day if new is None else new,
            limit=limit,
            seed=secrets.randbelow(1_000_000) if seed is None else seed,
        )
        code = reviewer.run()
    if code:
        raise typer.Exit(code)


def unsuspend(
    cards: list[str] = typer.Argument(
        ..., help="Card id (as `stats` lists it), bank/question-id, or a question id."
    ),
) -> None:
    """Bring suspended cards (leeches) back into your reviews.

    Example: refresher unsuspend 12   or   refresher unsuspend session-14/forget-gate
    """
    from refresher.render import review as show
    from refresher.render.console import make_console
    from refresher.store import open_store

    console = make_console()
    with open_store() as store:
        for ref in cards:
            found = store.find_cards(ref)
            if not found:
                raise RefresherError(f"no card '{ref}': use an id from `refresher stats`")
            if len(found) > 1:
                keys = ", ".join(f"{b}/{q}" for _, b, q in found)
                raise RefresherError(f"'{ref}' is in several banks ({keys}); name bank/question")
            card_id, bank_id, qid = found[0]
            if store.card_state(card_id) is None:
                raise RefresherError(f"{bank_id}/{qid} has never been reviewed")
            was = store.set_suspended(card_id, False)
            if was:
                show.notice(
                    console, f"Card {card_id} ({bank_id}/{qid}) is back in your reviews.", "right"
                )
            else:
                show.notice(
                    console, f"Card {card_id} ({bank_id}/{qid}) was not suspended.", "muted"
                )


def config(
    key: str = typer.Argument(None, help="A setting to show or change."),
    value: str = typer.Argument(None, help="Its new value."),
) -> None:
    """Show the review settings, or change one: refresher config new_per_day 20.

    Settings live in config.toml in the data folder ($REFRESHER_HOME).
    """
    from refresher import config as settings
    from refresher.render import review as show
    from refresher.render.console import make_console
    from refresher.store import home_dir

    path = settings.config_path(home_dir())
    current = settings.load(path)
    if key is not None and value is not None:
        updated = settings.with_value(current, key, value)
        settings.save(path, updated)
        typer.echo(f"{key} = {settings.shown(getattr(updated, key))}")
        return
    if key is not None:
        if key not in settings.SETTINGS:
            raise settings.unknown_setting("config", key)
        typer.echo(settings.shown(getattr(current, key)))
        return
    defaults = settings.Config()
    rows = [
        (
            name,
            settings.shown(getattr(current, name)),
            settings.shown(getattr(defaults, name)),
            s.help,
        )
        for name, s in settings.SETTINGS.items()
    ]
    show.config_table(make_console(), str(path), rows)


def missed_ids(bank: Bank, days: int | None, wanted: list[str]) -> list[str]:
    """Ids of `bank`'s questions last answered wrong in the last quiz round, or within `days`
    days when given (quiz or review), narrowed to `wanted` ids if any. Used by `quiz --missed`."""
    from refresher.store import local_now, open_store

    with open_store() as store:
        if days is None:
            started, ids = store.missed_in_last_round(bank.id)
            if started is None:
                raise RefresherError(f"no quiz round of '{bank.id}' yet: nothing missed to redo")
            where = f"in your last round of '{bank.id}' ({started[:16].replace('T', ' ')} UTC)"
        else:
            ids = store.missed_since(bank.id, local_now() - timedelta(days=days))
            where = f"in '{bank.id}' in the past {days} day{'s' if days != 1 else ''}"
    present = {q.id for q in bank.questions}
    ids = [i for i in ids if i in present and (not wanted or i in wanted)]
    if not ids:
        raise RefresherError(f"no missed questions {where}: nothing to redo")
    return ids


def register(app: typer.Typer) -> None:
    app.command()(review)
    app.command()(unsuspend)
    app.command()(config)
