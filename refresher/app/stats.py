"""The inputs of `refresher stats` (app layer): which banks, which questions, the store's rows.

`compute()` gathers from an open store what `refresher.srs.stats.compute` (pure) needs and returns
its `Stats`; `gather()` does the same for a bank name on the history in the data folder and
says which broken banks were skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import msgspec

from refresher.app import answer_cache, day_cache, plan
from refresher.app import banks as bank_access
from refresher.app import optimize as app_optimize
from refresher.app import settings as app_settings
from refresher.core.model import Bank, Question
from refresher.core.values import replace
from refresher.env import config, paths
from refresher.env.clock import local_now
from refresher.env.config import Config
from refresher.srs import schedule
from refresher.srs import stats as core
from refresher.srs.stats import Stats
from refresher.storage.days import DAY_FIELDS
from refresher.storage.store import Store, open_store


class StatsReport(msgspec.Struct, frozen=True):
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
    known_of: dict[str, dict[str, int]] = {}
    for b in banks:
        known = known_of[b.id] = store.known_ids(b.id)
        for q in b.questions:
            if q.id in known:
                questions[known[q.id]] = q
            else:
                unseen += 1
    since = core.window_start(now, day, days)
    target = plan.target_of(settings)
    table = store.card_table(scope)
    cards = table.infos
    at = plan.readiness_moment(target, now, day)
    # The totals of every study day (kept between runs) serve the calendar, the daily chart,
    # the streaks, the ratings and true retention.
    days_of = day_cache.totals(store, scope, day.shift_minutes, cache)
    totals = sorted((date.fromisoformat(d), row) for d, row in days_of.items())
    heat_first = day.date_of(core.window_start(now, day, core.HEATMAP_DAYS))
    first_day = day.date_of(since)

    def over(first: date) -> list[list[int]]:
        return [row for d, row in totals if d >= first]

    retention = {
        k: _sums(over(day.date_of(core.window_start(now, day, n))), RECALLED, IN_REVIEW)
        for k, n in core.RETENTION_WINDOWS.items()
    }
    year = [(d.isoformat(), r[ANSWERS], r[RATINGS], r[ATTEMPTS] + r[RATINGS]) for d, r in totals
            if d >= heat_first]  # fmt: skip
    daily_rows = [(d.isoformat(), r[ANSWERS], r[RATINGS]) for d, r in totals if d >= first_day]
    study_days = {d for d, r in totals if r[ATTEMPTS] + r[RATINGS]}
    window = over(first_day)

    def studied(first: date) -> set[date]:
        return {d for d in study_days if d >= first}

    answered = answer_cache.totals(store, scope, since, cache)  # per question, kept
    accuracy = [r[:5] for r in answered]
    graded, first_right, overruled = _sums(answered, 4, 5, 6)

    result = core.compute(
        now=now,
        day=day,
        days=days,
        scheduler=scheduler,
        bank=scope,
        questions=questions,
        daily_rows=daily_rows,
        accuracy_rows=_keyed(store, accuracy, by_bank),
        rating_counts=dict(zip((1, 2, 3, 4), _sums(window, *RATING_FIELDS), strict=True)),
        cards=cards,
        study_streak=core.streak(studied, day.date_of(now)),
        unseen=unseen,
        topic_names=topic_names(banks, by_bank),
        first_try=(graded, first_right, overruled),
        mistake_rows=store.mistake_counts(since, scope),
        retention_rows=retention,
        heatmap_rows=[(d, a, r) for d, a, r, _ in year],
        memory_rows=table.memory,
        answer_time=(float(sum(r[7] for r in answered)), graded),
        readiness=plan.readiness_at(
            store, banks, (at,), cards, settings, by_bank=by_bank, known=known_of
        )[0],
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


ANSWERS, ATTEMPTS, RATINGS, RECALLED, IN_REVIEW = (
    DAY_FIELDS.index(f) for f in ("answers", "attempts", "ratings", "recalled", "in_review")
)
RATING_FIELDS = tuple(DAY_FIELDS.index(f) for f in ("again", "hard", "good", "easy"))


def _sums(rows: Sequence[Sequence[float]], *fields: int) -> tuple[int, ...]:
    return tuple(int(sum(r[f] for r in rows)) for f in fields)


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
