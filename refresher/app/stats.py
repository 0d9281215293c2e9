"""The inputs of `refresher stats` (app layer): which banks, which questions, the store's rows.

`compute()` gathers from an open store what `refresher.srs.stats.compute` (pure) needs and returns
its `Stats`; `gather()` does the same for a bank name on the history in the data folder and
says which broken banks were skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from refresher.app import banks as bank_access
from refresher.app import optimize as app_optimize
from refresher.app import plan
from refresher.app import settings as app_settings
from refresher.core.model import Bank, Question
from refresher.env import config, paths
from refresher.env.clock import local_now
from refresher.env.config import Config
from refresher.srs import schedule
from refresher.srs import stats as core
from refresher.srs.stats import Stats
from refresher.storage.store import Store, open_store


@dataclass(frozen=True)
class StatsReport:
    stats: Stats
    title: str  # the bank's title, or "all banks"
    skipped: list[bank_access.Skipped]  # broken banks left out of "all banks"


def compute(
    store: Store,
    banks: Sequence[Bank],
    *,
    scope: str | None,
    days: int,
    settings: Config,
    now: datetime,
    cache: Path | None = None,
) -> Stats:
    """Stats over `banks` (`scope`: the one bank id, or None for all) for the `days` up to
    `now`; the model fit is kept in the folder `cache` when given (`app.optimize.model_fit`)."""
    scheduler = schedule.make_scheduler(
        desired_retention=settings.desired_retention,
        parameters=config.parameters_for(settings, scope),
    )
    day = schedule.StudyDay.local_to(now, settings.day_starts_at)
    # Over several banks, topics are keyed by bank: a user bank's `rnn: RNN` is not the
    # bundled bank's `rnn`, and must neither rename it nor be counted with it.
    by_bank = scope is None and len(banks) > 1
    questions: dict[int, Question] = {}
    unseen = 0
    for b in banks:
        known = store.known_ids(b.id)
        for q in b.questions:
            if q.id in known:
                questions[known[q.id]] = q
            else:
                unseen += 1
    since = core.window_start(now, day, days)
    target = plan.target_of(settings)
    cards = store.card_infos(scope)
    at = plan.readiness_moment(target, now, day)
    retention = {
        k: store.true_retention(core.window_start(now, day, n), scope)
        for k, n in core.RETENTION_WINDOWS.items()
    }

    # One pass over the last year serves the calendar, the daily chart and most streaks.
    heat_first = day.date_of(core.window_start(now, day, core.HEATMAP_DAYS))
    year = store.activity_by_day(day.start(heat_first), day.shift_minutes, scope)
    year_days = {date.fromisoformat(d) for d, _, _, n in year if n}
    first_day = day.date_of(since)
    if days <= core.HEATMAP_DAYS:
        daily_rows = [(d, a, r) for d, a, r, _ in year if date.fromisoformat(d) >= first_day]
    else:
        daily_rows = store.daily_activity(since, day.shift_minutes, scope)

    def studied(first: date) -> set[date]:
        if first >= heat_first:
            return {d for d in year_days if d >= first}
        rows = store.study_days(day.start(first), day.shift_minutes, scope, day.start(heat_first))
        return year_days | {date.fromisoformat(d) for d in rows}

    result = core.compute(
        now=now,
        day=day,
        days=days,
        scheduler=scheduler,
        bank=scope,
        questions=questions,
        daily_rows=daily_rows,
        accuracy_rows=_keyed(store, store.accuracy_rows(since, scope), by_bank),
        rating_counts=store.rating_counts(since, scope),
        cards=cards,
        study_streak=core.streak(studied, day.date_of(now)),
        unseen=unseen,
        topic_names=topic_names(banks, by_bank),
        first_try=store.first_try_counts(since, scope),
        mistake_rows=store.mistake_counts(since, scope),
        retention_rows=retention,
        heatmap_rows=[(d, a, r) for d, a, r, _ in year],
        memory_rows=store.card_memory(scope),
        answer_time=store.answer_seconds(since, scope),
        readiness=plan.readiness(store, banks, at, cards, settings, by_bank=by_bank),
        interview_date=None if target is None else target.day,
    )
    by_key = {(b.id, q.id): q for b in banks for q in b.questions}
    flagged = tuple(
        core.Flagged(by_key[(f.bank, f.qid)], day.date_of(f.flagged_at))
        for f in store.flags(scope)
        if (f.bank, f.qid) in by_key
    )
    return replace(
        result,
        model_fit=app_optimize.model_fit(store, settings, scope, now, cache),
        flagged=flagged,
    )


def topic_names(banks: Sequence[Bank], by_bank: bool) -> dict[str, str]:
    """Topic key -> the name shown: `bank/topic` -> `name (bank)` over several banks."""
    if not by_bank:
        return {k: v for b in banks for k, v in b.topics.items()}
    return {f"{b.id}/{k}": f"{v} ({b.id})" for b in banks for k, v in b.topics.items()}


def _keyed(
    store: Store, rows: Sequence[tuple[int, str, str, int, int]], by_bank: bool
) -> list[tuple[int, str, str, int, int]]:
    """Accuracy rows with their topic keyed `bank/topic` when `by_bank`."""
    if not by_bank:
        return list(rows)
    keys = store.card_keys({r[0] for r in rows})
    return [
        (card_id, f"{keys[card_id][0]}/{topic}" if card_id in keys else topic, *rest)
        for card_id, topic, *rest in rows
    ]


def gather(name: str | None, days: int, home: Path | None = None) -> StatsReport:
    """Stats of the bank `name` (id or file), or of every bank when None, as of now."""
    loaded, skipped = bank_access.open_banks(name, home)
    settings = app_settings.load(home)
    now = local_now()
    scope = loaded[0].id if name is not None else None
    with open_store(home) as store:
        result = compute(
            store,
            loaded,
            scope=scope,
            days=days,
            settings=settings,
            now=now,
            cache=paths.cache_dir(home),
        )
    title = loaded[0].title if name is not None else "all banks"
    return StatsReport(result, title, skipped)
