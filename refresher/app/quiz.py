"""Quiz and drill rounds (app layer): planning a round and its retries, starting a drill, and
the history they write to.

`plan_round()` turns a quiz's options into a `RoundPlan` (the bank, the chosen items in their
seeded order with this round's numbers, the seed and the `tries` setting); `RoundPlan.start()`
gives the `Round` to ask and `retry()` the missed items again, their options in a new order.
`plan_drill()` does the same for `drill`: which bank and kind (a bank named alone lists its
kinds), and the endless items. A front end only prompts, draws and stores.

`open_history()` opens the store for one command; `QuizHistory.start_round()` records the round
(checking the seed fits the history) and `record()`/`record_skip()` store each answer, committed
before returning, so the front end calls them before showing the next prompt. `missed_ids()`
finds the questions to redo for `quiz --missed` / `--missed-days`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from refresher.app import banks, settings
from refresher.core import limits
from refresher.core.errors import InputError, RefresherError
from refresher.core.model import Bank, Outcome
from refresher.env.clock import Clock, local_now, utcnow
from refresher.quiz.drill import drill_items, drill_kinds, nothing_to_drill
from refresher.quiz.round import (
    Answered,
    Item,
    Mode,
    Round,
    attach_instances,
    make_items,
    rearranged,
    select,
)
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


def find_missed_with_seeds(
    bank: Bank, days: int | None, wanted: list[str], home: Path | None = None
) -> tuple[list[str], dict[str, int]]:
    """`missed_ids`, and for the numeric ones the seed of the numbers that were missed."""
    if days is not None:
        check_days(days)
    with open_store(home) as store:
        ids = missed_ids(store, bank, days, wanted, local_now())
        return ids, store.missed_seeds(bank.id, ids)


class RoundPlan(msgspec.Struct):
    """A quiz round ready to ask: its items, how many questions matched, its seed and mode."""

    bank: Bank
    items: list[Item]
    matched: int
    seed: int
    mode: Mode
    tries: int
    shuffle: bool
    rng: random.Random

    def start(self) -> Round:
        return Round(self.items, self.mode)

    def retry(self, misses: Sequence[Answered]) -> None:
        """Ask the missed items again; with shuffling, their options come in a new order, so
        the letter is not the thing to remember."""
        items = [m.item for m in misses]
        if self.shuffle:
            items = [rearranged(item, self.rng) for item in items]
        self.items = items


def plan_round(
    bank: str | None,
    *,
    count: int | None = None,
    topics: Sequence[str] = (),
    types: Sequence[str] = (),
    tags: Sequence[str] = (),
    ids: Sequence[str] = (),
    missed: bool = False,
    missed_days: int | None = None,
    flagged: bool = False,
    seed: int | None = None,
    shuffle: bool = True,
    mode: Mode = Mode.PRACTICE,
    tries: int | None = None,
    home: Path | None = None,
) -> RoundPlan:
    """The round `quiz` asks: bank `bank` (id or file; the bundled one by default) filtered,
    ordered from `seed` (drawn when None), cut to `count`, each numeric item with this round's
    numbers, or, for `missed`/`missed_days`, the very numbers that were missed; `flagged` keeps
    the questions the learner flagged."""
    if seed is not None:
        check_seed(seed)
    the_bank = banks.open_bank(bank)
    wanted = list(ids)
    seeds: dict[str, int] = {}
    if missed or missed_days:
        wanted, seeds = find_missed_with_seeds(the_bank, missed_days, wanted, home)
    if flagged:
        wanted = _flagged_among(the_bank, wanted, home)
    questions = select(the_bank, topics=topics, types=types, tags=tags, ids=wanted)
    if tries is None:
        tries = settings.load().tries
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
    rng = random.Random(seed)
    items = make_items(questions, rng, shuffle=shuffle, count=count)
    items = attach_instances(items, seed, the_bank.path, seeds)
    return RoundPlan(the_bank, items, len(questions), seed, mode, tries, shuffle, rng)


def _flagged_among(bank: Bank, wanted: list[str], home: Path | None) -> list[str]:
    """The flagged questions of `bank` still in it, narrowed to `wanted` ids if any."""
    from refresher.app.flags import flagged_ids, no_flags

    with open_store(home) as store:
        ids = flagged_ids(store, bank.id)
    present = {q.id for q in bank.questions}
    ids = [i for i in ids if i in present and (not wanted or i in wanted)]
    if not ids:
        raise no_flags(bank.id)
    return ids


class DrillPlan(msgspec.Struct):
    """A drill ready to run: its bank, kind, seed, and an endless supply of fresh items."""

    bank: Bank
    kind: str
    seed: int
    tries: int
    supply: Iterator[Item]

    def start(self) -> Round:
        return Round([], Mode.DRILL)

    def next_into(self, rnd: Round) -> None:
        """Put one more problem at the end of `rnd`."""
        rnd.items.append(next(self.supply))

    def finish(self, rnd: Round) -> None:
        """The problem on screen when the learner stopped is not "missed": drop it."""
        del rnd.items[rnd.position :]


class KindsToChoose(RefresherError):
    """`drill` named no kind: the kinds the bank can drill, for the command to list (exit 0)."""

    exit_code = 0

    def __init__(self, bank: Bank, kinds: list[str], where: str):
        super().__init__(
            f"name what to drill, e.g. refresher drill {kinds[0]}{where}; "
            f"kinds in {bank.id}: {', '.join(kinds)}"
        )
        self.bank, self.kinds, self.where = bank, kinds, where


def plan_drill(
    kind: str | None, bank: str | None, bank_option: str | None = None, seed: int | None = None
) -> DrillPlan:
    """The drill `drill KIND [BANK]` runs. `bank_option` is the old `--bank` spelling. A bank
    named alone (`drill my-bank.yaml`) is taken as the bank, and the kinds it can drill are
    listed (KindsToChoose), as they are when no kind is named."""
    if seed is not None:
        check_seed(seed)
    if bank is not None and bank_option is not None and bank != bank_option:
        raise InputError("give the bank once: as an argument (refresher drill KIND BANK)")
    the_bank = banks.open_bank(bank if bank is not None else bank_option)
    alone = kind is not None and bank is None and bank_option is None
    if alone and kind not in drill_kinds(the_bank) and (named := _bank_named(kind)) is not None:
        the_bank, bank, kind = named, kind, None
    if kind is None:
        kinds = drill_kinds(the_bank)
        if not kinds:
            raise RefresherError(nothing_to_drill(the_bank))
        where = "" if bank is None and bank_option is None else f" {the_bank.id}"
        raise KindsToChoose(the_bank, kinds, where)
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
    supply = drill_items(the_bank, kind, seed, random.Random(seed))
    return DrillPlan(the_bank, kind, seed, settings.load().tries, supply)


def _bank_named(name: str) -> Bank | None:
    """The bank `name` stands for (an id or a bank file), or None when it names none."""
    try:
        return banks.open_bank(name)
    except RefresherError:
        return None


def plan_sheet(
    bank: str | None,
    *,
    topics: Sequence[str] = (),
    types: Sequence[str] = (),
    tags: Sequence[str] = (),
    cards: bool = True,
    seed: int | None = None,
) -> tuple[Bank, list[Item], int]:
    """The worksheet `print` shows: the bank, its chosen questions in bank order with their
    numbers drawn from `seed` (drawn when None, and returned), so `quiz --seed` asks the same."""
    the_bank = banks.open_bank(bank)
    questions = select(the_bank, topics=topics, types=types, tags=tags)
    if not cards:
        questions = [q for q in questions if q.type != "card"]
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
    items = make_items(questions, random.Random(seed), shuffle=False)
    return the_bank, attach_instances(items, seed, the_bank.path), seed
