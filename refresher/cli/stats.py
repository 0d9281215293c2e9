"""`refresher stats`: how your study is going, in the terminal or as JSON.

The scheduler and the stats code are imported when the command runs, to keep start-up light.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import typer

from refresher.errors import BankError

if TYPE_CHECKING:
    from refresher.model import Bank, Question


def _banks(name: str | None) -> list[Bank]:
    from refresher import bank as banks
    from refresher import catalog
    from refresher.render.console import print_warning
    from refresher.store import bank_cache_dir, home_dir

    paths = catalog.bank_paths([home_dir() / "banks"])
    if name is not None:
        return [catalog.resolve(name, paths, bank_cache_dir())]
    loaded = []
    for path in paths:
        try:
            loaded.append(banks.load_bank(path, bank_cache_dir()))
        except BankError as exc:  # one broken bank must not hide the others' progress
            print_warning(f"skipped {path.name}: {exc.problems[0]} (see `refresher check`)")
    return loaded


def stats(
    bank: str = typer.Argument(None, help="Bank id or a .yaml file (default: every bank)."),
    days: int = typer.Option(14, "--days", "-d", min=1, max=3650, help="Look back N days."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as JSON."),
) -> None:
    """How it is going: activity per day, accuracy, weakest questions, due cards, streak.

    Also lists leeches (cards suspended after failing again and again).

    Example: refresher stats session-14 --days 30
    """
    from refresher import config as settings
    from refresher import schedule
    from refresher import stats as core
    from refresher.render import stats as show
    from refresher.render.console import make_console
    from refresher.store import home_dir, local_now, open_store

    loaded = _banks(bank)
    config = settings.load(settings.config_path(home_dir()))
    scheduler = schedule.make_scheduler(desired_retention=config.desired_retention)
    now = local_now()
    day = schedule.StudyDay.local_to(now, config.day_starts_at)
    scope = loaded[0].id if bank is not None else None
    with open_store() as store:
        questions: dict[int, Question] = {}
        unseen = 0
        for b in loaded:
            known = store.known_ids(b.id)
            for q in b.questions:
                if q.id in known:
                    questions[known[q.id]] = q
                else:
                    unseen += 1
        since = core.window_start(now, day, days)

        def studied(first: date) -> set[date]:
            rows = store.study_days(day.start(first), day.shift_minutes, scope)
            return {date.fromisoformat(d) for d in rows}

        result = core.compute(
            now=now,
            day=day,
            days=days,
            scheduler=scheduler,
            bank=scope,
            questions=questions,
            daily_rows=store.daily_activity(since, day.shift_minutes, scope),
            accuracy_rows=store.accuracy_rows(since, scope),
            rating_counts=store.rating_counts(since, scope),
            cards=store.card_infos(scope),
            study_streak=core.streak(studied, day.date_of(now)),
            unseen=unseen,
            topic_names={k: v for b in loaded for k, v in b.topics.items()},
        )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    title = loaded[0].title if bank is not None else "all banks"
    show.stats(make_console(), result, title)


def register(app: typer.Typer) -> None:
    app.command()(stats)
