"""`refresher optimize` (app layer): fit FSRS parameters to the history, keep them if better.

Reads the reviews of the cards of a bank (or of all banks) from the store, has
`refresher.srs.optimize` fit and evaluate, saves the new parameters in the settings when they
predict held-out reviews better (globally, or for the one bank named), and then recomputes the
state of every card they apply to from its history. `reset()` removes them the same way.
`model_fit()` is the fit of the parameters in force, which `stats` shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from refresher.app import banks as bank_access
from refresher.app import fit_cache
from refresher.env import config, paths
from refresher.env.clock import local_now
from refresher.env.config import Config
from refresher.srs import optimize as core
from refresher.srs import schedule
from refresher.srs.optimize import Fitted, ModelFit
from refresher.storage.store import Store, open_store

Progress = Callable[[int, int], None]


class Optimized(msgspec.Struct, frozen=True):
    scope: str | None  # the bank id, or None for all banks (the global parameters)
    fitted: Fitted | None  # None after a reset
    saved: bool  # the settings changed
    rescheduled: int  # card states recomputed

    def to_dict(self) -> dict[str, Any]:
        f = self.fitted
        out: dict[str, Any] = {
            "bank": self.scope,
            "saved": self.saved,
            "rescheduled": self.rescheduled,
        }
        if f is None:
            return {**out, "reset": True}
        return {
            **out,
            "reviews": f.reviews,
            "items": f.items,
            "kept": "old" if f.kept else "new",
            "reason": f.reason,
            "partial": f.partial,
            "old": {
                "parameters": list(f.old),
                "held_out": None if f.old_score is None else f.old_score.to_dict(),
            },
            "new": {
                "parameters": None if f.new is None else list(f.new),
                "held_out": None if f.new_score is None else f.new_score.to_dict(),
            },
            "log_loss_gain": None if f.gain is None else round(f.gain, 6),
            "min_items": core.MIN_ITEMS,
            "min_items_full": core.MIN_ITEMS_FULL,
        }


def _scope(name: str | None, home: Path | None) -> str | None:
    return None if name is None else bank_access.open_bank(name, home).id


def _in_force(settings: Config, scope: str | None) -> tuple[float, ...]:
    return config.parameters_for(settings, scope) or core.default_parameters()


def run(
    name: str | None,
    home: Path | None = None,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> Optimized:
    """Fit on the history of bank `name` (None: all banks); save the result if better."""
    scope = _scope(name, home)
    path = paths.config_file(home)
    settings = config.load(path)
    now = now or local_now()
    day = schedule.StudyDay.local_to(now, settings.day_starts_at)
    with open_store(home) as store:
        items, count = core.training_items(store.review_history(scope), day)
        fitted = core.decide(items, count, _in_force(settings, scope), progress)
        if fitted.kept or fitted.new is None:
            return Optimized(scope, fitted, False, 0)
        updated = config.with_parameters(settings, scope, fitted.new)
        config.save(path, updated)
        return Optimized(scope, fitted, True, reschedule(store, updated, scope))


def reset(name: str | None, home: Path | None = None) -> Optimized:
    """Back to the defaults (or, for a bank, to the global parameters)."""
    scope = _scope(name, home)
    path = paths.config_file(home)
    settings = config.load(path)
    own = settings.parameters if scope is None else dict(settings.bank_parameters).get(scope)
    if own is None:
        return Optimized(scope, None, False, 0)
    updated = config.with_parameters(settings, scope, None)
    config.save(path, updated)
    with open_store(home) as store:
        return Optimized(scope, None, True, reschedule(store, updated, scope))


def reschedule(store: Store, settings: Config, scope: str | None) -> int:
    """Recompute from its history the state of every card of `scope` (None: every card not in
    a bank with its own parameters) under the parameters now in force; returns how many."""
    skip: set[int] = set()
    if scope is None:
        for bank, _ in settings.bank_parameters:
            skip.update(row[0] for row in store.review_history(bank))
    scheduler = schedule.make_scheduler(
        desired_retention=settings.desired_retention,
        fuzz=settings.fuzz,
        parameters=config.parameters_for(settings, scope),
    )
    by_card: dict[int, list[tuple[datetime, int, int | None]]] = {}
    for card_id, at, rating, ms in store.review_history(scope):
        if card_id not in skip:
            by_card.setdefault(card_id, []).append((at, rating, ms))
    states = []
    for card_id, ratings in by_card.items():
        stored = store.card_state(card_id)
        if stored is not None:
            states.append((card_id, len(ratings), core.replay(scheduler, card_id, ratings, stored)))
    return store.reschedule(states)


def model_fit(
    store: Store, settings: Config, scope: str | None, now: datetime, cache: Path | None = None
) -> ModelFit:
    """How well the parameters in force for `scope` predict its whole history.

    Scoring reads the whole history (seconds at 100,000 reviews), so the result is kept in the
    cache folder under keys made of the parameters, the study day's start and the history's
    marks (`Store.history_mark`, of every bank and of `scope`'s: any review added, undone or
    synced in changes them); `stats` scores again only when one of them changed. Without
    `cache` (a folder) it always scores."""
    day = schedule.StudyDay.local_to(now, settings.day_starts_at)
    params = config.parameters_for(settings, scope)

    if cache is None:
        return _score(store, params, scope, day)

    def key(mark: tuple[str, int, int, str]) -> str:
        return fit_cache.key(scope, params, day.shift_minutes, mark)

    # First under the mark of every bank (no scan), then of the bank alone (a scan of its
    # entries in an index): a review of another bank changes only the first.
    keys = (key(store.history_mark()),)
    kept = fit_cache.read(cache, keys[0])
    if kept is None and scope is not None:
        keys += (key(store.history_mark(scope)),)
        kept = fit_cache.read(cache, keys[1])
        if kept is not None:
            fit_cache.write(cache, keys, kept)  # found again under the quick mark next time
    if kept is not None:
        return kept
    fit = _score(store, params, scope, day)
    fit_cache.write(cache, keys, fit)
    return fit


def _score(
    store: Store, params: tuple[float, ...] | None, scope: str | None, day: schedule.StudyDay
) -> ModelFit:
    items, count = core.training_items(store.review_history(scope), day)
    recent = items[-core.MODEL_FIT_ITEMS :]
    score = core.evaluate(params or core.default_parameters(), recent) if items else None
    return ModelFit(score, count, params is not None)
