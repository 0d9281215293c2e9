"""Quiz and drill rounds in the history (app layer): a round row, then every answer.

`open_history()` opens the store for one command; `QuizHistory.start_round()` records the round
(checking the seed fits the history) and `record()`/`record_skip()` store each answer, committed
before returning, so the front end calls them before showing the next prompt. `missed_ids()`
finds the questions to redo for `quiz --missed` / `--missed-days`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from refresher.core import limits
from refresher.core.errors import InputError, RefresherError
from refresher.core.model import Bank, Outcome
from refresher.env.clock import Clock, local_now, utcnow
from refresher.quiz.round import Answered, Item
from refresher.storage.store import Store, open_store


def check_seed(seed: int, option: str = "--seed") -> int:
    """A seed the history can keep (SQLite INTEGER), else a one-line InputError."""
    if not -limits.SEED_MAX <= seed <= limits.SEED_MAX:
        raise InputError(f"{option}: at most {limits.SEED_MAX} (and at least -{limits.SEED_MAX})")
    return seed


def check_days(days: int, option: str = "--missed-days") -> int:
    if not 1 <= days <= limits.DAYS_MAX:
        raise InputError(f"{option} must be between 1 and {limits.DAYS_MAX}")
    return days


class QuizHistory:
    """The history as a quiz or drill round uses it. Close with `close()` or `with`."""

    def __init__(self, store: Store, clock: Clock = utcnow):
        self.store = store
        self.clock = clock

    def __enter__(self) -> QuizHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def start_round(
        self, bank_id: str, mode: str, seed: int | None, now: datetime | None = None
    ) -> int:
        """Record a new round; returns its id for `record()`."""
        if seed is not None:
            check_seed(seed)
        return self.store.start_round(bank_id, mode, seed, now or self.clock())

    def record(self, answered: Answered, *, mode: str, round_id: int | None) -> int:
        """Store one answer, committed before returning."""
        return self.store.record_attempt(
            answered.item.question,
            answered.outcome,
            seconds=answered.seconds,
            mode=mode,
            now=self.clock(),
            round_id=round_id,
            seed=getattr(answered.item.instance, "seed", None),
        )

    def overrule(self, attempt_id: int) -> None:
        """The learner says a stored wrong answer was right: it counts right, marked overruled."""
        self.store.overrule_attempt(attempt_id)

    def record_skip(self, item: Item, *, mode: str, round_id: int | None) -> int:
        """Store a skipped item (no right or wrong), committed before returning."""
        return self.store.record_attempt(
            item.question,
            Outcome(None, "", ""),
            seconds=0.0,
            mode=mode,
            now=self.clock(),
            round_id=round_id,
        )


def open_history(home: Path | None = None, clock: Clock = utcnow) -> QuizHistory:
    return QuizHistory(open_store(home), clock)


def missed_ids(
    store: Store, bank: Bank, days: int | None, wanted: list[str], now: datetime
) -> list[str]:
    """Ids of `bank`'s questions last answered wrong in the last quiz round, or within `days`
    days of `now` when given (quiz or review), narrowed to `wanted` ids if any."""
    if days is None:
        started, ids = store.missed_in_last_round(bank.id)
        if started is None:
            raise RefresherError(f"no quiz round of '{bank.id}' yet: nothing missed to redo")
        where = f"in your last round of '{bank.id}' ({started[:16].replace('T', ' ')} UTC)"
    else:
        check_days(days)
        ids = store.missed_since(bank.id, now - timedelta(days=days))
        where = f"in '{bank.id}' in the past {days} day{'s' if days != 1 else ''}"
    present = {q.id for q in bank.questions}
    ids = [i for i in ids if i in present and (not wanted or i in wanted)]
    if not ids:
        raise RefresherError(f"no missed questions {where}: nothing to redo")
    return ids


def find_missed(
    bank: Bank, days: int | None, wanted: list[str], home: Path | None = None
) -> list[str]:
    """`missed_ids` on the history in `home`, now."""
    return find_missed_with_seeds(bank, days, wanted, home)[0]


def find_missed_with_seeds(
    bank: Bank, days: int | None, wanted: list[str], home: Path | None = None
) -> tuple[list[str], dict[str, int]]:
    """`missed_ids`, and for the numeric ones the seed of the numbers that were missed."""
    if days is not None:
        check_days(days)
    with open_store(home) as store:
        ids = missed_ids(store, bank, days, wanted, local_now())
        return ids, store.missed_seeds(bank.id, ids)
