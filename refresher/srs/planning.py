"""Planning toward an interview date: pace, readiness, shortened intervals, new-card order, the
daily review cap. Pure: `now`, the study day and the scheduler come in as arguments.

The rules, all keyed on study days (`schedule.StudyDay`) and on `Target` (the interview day `D`
and `buffer_days` `B`), while a date is set and today is before `D`:

- pace: every card is introduced before the buffer, the last `B` days before `D`: the cards not
  introduced at the start of today, divided over the days from today to `D - B - 1`, rounded up;
  the buffer days hold no new cards at all (those not in by then wait until after `D`);
- the interview day itself holds at most a warm-up of `warm_up` review cards, the weakest
  first;
- a rating that would bring a card back on or after `D` is shortened: made before the buffer,
  the card comes back on the least loaded buffer day (`D - B` .. `D - 1`; the latest on a tie),
  at the time of day it was rated; made inside the buffer, it comes back on `D` itself, so that
  no card is due after the date and none is reviewed twice in the buffer;
- in the final `FINAL_DAYS` days the desired retention is at least `final_retention`;
- readiness is the mean predicted recall at the interview morning (the start of study day `D`),
  a card never studied counting 0.

From `D` on, none of this applies: scheduling is plain FSRS again.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

import msgspec

from refresher.core.values import replace
from refresher.srs.schedule import (
    CardInfo,
    Rated,
    Scheduler,
    StudyDay,
    recall_curve,
    retrievability,
)

FINAL_DAYS = 7
# The budget plan (`daily_minutes`) tries each desired retention with each pace (times the
# pace that brings every card in before the buffer), and, when it falls short, more minutes.
RETENTION_CHOICES = (0.75, 0.8, 0.85, 0.9, 0.95)
PACE_FACTORS = (1.0, 1.5)
MORE_MINUTES_STEP = 10
MORE_MINUTES_TRIES = 12
DEFAULT_SECONDS = 20.0  # per answer, until the learner's own answers say otherwise
WEAKEST_TOPICS = 3

K = TypeVar("K", bound=Hashable)


class Target(msgspec.Struct, frozen=True):
    """An interview day and the buffer of days before it kept for a last review."""

    day: date
    buffer_days: int = 3
    final_retention: float = 0.95

    @property
    def buffer_start(self) -> date:
        return self.day - timedelta(days=self.buffer_days)

    def active(self, today: date) -> bool:
        """Whether scheduling works toward the date (before the interview day)."""
        return today < self.day

    def days_left(self, today: date) -> int:
        return (self.day - today).days

    def in_final_days(self, today: date) -> bool:
        return self.active(today) and self.days_left(today) <= FINAL_DAYS

    def in_buffer(self, today: date) -> bool:
        return self.active(today) and today >= self.buffer_start

    def morning(self, day: StudyDay) -> datetime:
        """The interview morning: the UTC instant study day `D` begins."""
        return day.start(self.day)

    def landing_days(self, today: date) -> list[date]:
        """Where a card that would come back on or after `D` goes instead (see the module)."""
        if today < self.buffer_start:
            return [self.buffer_start + timedelta(days=k) for k in range(self.buffer_days)]
        return [self.day]


def retention_for(target: Target | None, today: date, desired: float) -> float:
    """The desired retention in force today: raised in the final days before the date."""
    if target is not None and target.in_final_days(today):
        return max(desired, target.final_retention)
    return desired


def pace(target: Target, today: date, not_introduced: int) -> int:
    """New cards a day so that the `not_introduced` cards (at the start of today) are all in
    before the buffer; none once the buffer has begun."""
    if not_introduced <= 0 or not target.active(today):
        return 0
    days = (target.buffer_start - today).days
    if days <= 0:
        return 0
    return math.ceil(not_introduced / days)


def new_cards_allowed(target: Target | None, today: date) -> bool:
    """Whether new cards may come today: not on the buffer days, nor on the interview day."""
    return target is None or not target.buffer_start <= today <= target.day


def warm_up_room(target: Target | None, today: date, warm_up: int, done_today: int) -> int | None:
    """Review cards still allowed on the interview day itself (a warm-up); None on other days."""
    if target is None or today != target.day:
        return None
    return max(0, warm_up - done_today)


def new_allowance(per_day: int, pace_today: int, introduced_today: int) -> int:
    """New cards still allowed today: the plan's pace, never fewer than `new_per_day`."""
    return max(0, max(per_day, pace_today) - introduced_today)


def due_loads(cards: Iterable[CardInfo], day: StudyDay, days: Iterable[date]) -> dict[date, int]:
    """Cards (not suspended) falling due on each of `days`."""
    counts = dict.fromkeys(days, 0)
    for info in cards:
        if info.suspended:
            continue
        d = day.date_of(info.due)
        if d in counts:
            counts[d] += 1
    return counts


def shorten(rated: Rated, target: Target, day: StudyDay, loads: Mapping[date, int]) -> Rated:
    """`rated` with its next review brought before the date when it would fall on or after it
    (after `D` when rated in the buffer); unchanged otherwise, and from `D` on."""
    now = rated.log.review_datetime
    due = rated.after.card.due
    new_due = shortened_due(due, now, target, day, loads)
    if new_due == due:
        return rated
    card = replace(rated.after.card, due=new_due)
    return replace(rated, after=replace(rated.after, card=card))


def shortened_due(
    due: datetime, now: datetime, target: Target, day: StudyDay, loads: Mapping[date, int]
) -> datetime:
    """`due` (of a rating made at `now`) brought before the date as `shorten` does; `due` itself
    when it falls before the landing days' end or the date is not ahead."""
    today = day.date_of(now)
    if not target.active(today):
        return due
    landing = target.landing_days(today)
    if day.date_of(due) <= landing[-1]:
        return due
    least = min(loads.get(d, 0) for d in landing)
    chosen = max(d for d in landing if loads.get(d, 0) == least)
    new_due = now + timedelta(days=(chosen - today).days)
    return new_due if new_due < due else due


class Shortening(msgspec.Struct, frozen=True):
    """`shorten` with its target and the loads of the landing days as read when the learner
    was asked: a value the store applies to a rating it computes under its write lock."""

    target: Target
    day: StudyDay
    loads: Mapping[date, int]

    def apply(self, rated: Rated) -> Rated:
        return shorten(rated, self.target, self.day, self.loads)


# --- new-card order -------------------------------------------------------------------------------


def _spread(groups: Mapping[K, Sequence[int]]) -> list[int]:
    """Items of every group spread evenly over the whole sequence: the k-th of a group of n sits
    at (k + 1/2) / n; ties keep the groups' order."""
    keyed = [
        ((k + 0.5) / len(items), g, item)
        for g, items in enumerate(groups.values())
        for k, item in enumerate(items)
    ]
    return [item for _, _, item in sorted(keyed)]


def interleaved(items: Sequence[tuple[int, str, str]]) -> list[int]:
    """Card ids of (card id, topic, kind) in an order that mixes topics, and kinds within each
    topic, evenly over the whole bank; bank order breaks ties."""
    by_topic: dict[str, dict[str, list[int]]] = {}
    for card_id, topic, kind in items:
        by_topic.setdefault(topic, {}).setdefault(kind, []).append(card_id)
    return _spread({t: _spread(kinds) for t, kinds in by_topic.items()})


def new_order(items: Sequence[tuple[int, str, str]], how: str, seed: int = 0) -> list[int]:
    """The order new cards are introduced in: `interleaved`, `bank` or `random` (seeded)."""
    ids = [card_id for card_id, _, _ in items]
    if how == "bank":
        return ids
    if how == "random":
        random.Random(seed).shuffle(ids)
        return ids
    return interleaved(items)


# --- readiness ------------------------------------------------------------------------------------


class Readiness(msgspec.Struct, frozen=True):
    """Mean predicted recall at `at` over every question, never-studied ones counting 0."""

    at: datetime
    overall: float
    by_topic: dict[str, float]
    questions: int

    def weakest(self, n: int = WEAKEST_TOPICS) -> list[str]:
        return [t for t, _ in sorted(self.by_topic.items(), key=lambda kv: (kv[1], kv[0]))][:n]


def recall_at(scheduler: Scheduler, info: CardInfo | None, at: datetime) -> float:
    """py-fsrs's retrievability of a stored card at `at`; 0 for a card never studied."""
    if info is None or info.last_review is None or info.stability is None:
        return 0.0
    return retrievability(scheduler, info, at)


def readiness(
    scheduler: Scheduler | Sequence[Scheduler],
    questions: Iterable[tuple[str, CardInfo | None]],
    at: datetime,
) -> Readiness:
    """Readiness over (topic, stored card or None) for every question in scope; `scheduler`:
    one for all, or one per question (banks with their own FSRS parameters)."""
    total = 0.0
    n = 0
    sums: dict[str, list[float]] = {}
    curves: dict[int, Callable[[CardInfo], float]] = {}  # by id of the scheduler
    if isinstance(scheduler, Sequence):
        each, single = scheduler, None
    else:
        each, single = (), recall_curve(scheduler, at)
    for k, (topic, info) in enumerate(questions):
        if info is None:
            r = 0.0
        elif single is not None:
            r = single(info)
        else:
            one = each[k]
            curve = curves.get(id(one))
            if curve is None:
                curve = curves[id(one)] = recall_curve(one, at)
            r = curve(info)
        total += r
        n += 1
        acc = sums.setdefault(topic, [0.0, 0])
        acc[0] += r
        acc[1] += 1
    return Readiness(
        at=at,
        overall=total / n if n else 0.0,
        by_topic={t: s / c for t, (s, c) in sorted(sums.items())},
        questions=n,
    )


# --- the daily review cap -------------------------------------------------------------------------


def backlog_days(backlog: int, room: int) -> int:
    """Days the cap spreads `backlog` cards over at `room` a day."""
    return 0 if backlog <= 0 else math.ceil(backlog / max(1, room))
