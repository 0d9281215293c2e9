"""The workload forecast: the coming days simulated with the learner's own FSRS. Pure.

Each simulated study day, at `REVIEW_HOUR` o'clock, every card falling due that day is answered,
recalled with its predicted probability (py-fsrs's retrievability under the parameters in force,
drawn from a seeded generator): Good when recalled, else Again and, ten minutes later, Good.
New cards come at the day's pace, each rated Good twice (its learning steps). The answers of a
day times the learner's seconds per answer give its minutes. `readiness` is the mean predicted
recall on the interview morning over every question, a card never studied counting 0: what the
plan brings if it is followed.

The reviews are py-fsrs's, run on light cards changed in place (`srs/lean.py`): the same floats,
without copying a card at every rating. A day looks only at the cards due by then (each waits in
the bucket of its due day), not at every card; `tests/test_forecast_reference.py` holds the
whole to a plain day-by-day scan on py-fsrs's own cards, float for float.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

import msgspec

from refresher.srs.lean import LeanCard, LeanScheduler
from refresher.srs.planning import Target
from refresher.srs.schedule import NEW_CARD_ANSWERS, Card, Rating, Scheduler, State, StudyDay

REVIEW_HOUR = 9  # hours after the study day begins, when the simulated learner studies
MAX_DAYS = 60  # days simulated at most
AGAIN, GOOD = int(Rating.Again), int(Rating.Good)
TEN_MINUTES = timedelta(minutes=10)


class Forecast(msgspec.Struct, frozen=True):
    days: tuple[date, ...]
    answers: tuple[int, ...]  # ratings each day
    minutes: tuple[float, ...]
    readiness: float | None  # on the interview morning if the plan is followed (None: no date)
    new: tuple[int, ...] = ()  # new cards introduced each day
    unseen_left: int = 0  # cards still never studied after the last day
    held_back: tuple[int, ...] = ()  # due cards the day's budget left for later

    def to_dict(self) -> dict[str, object]:
        news = self.new or (0,) * len(self.days)
        held = self.held_back or (0,) * len(self.days)
        return {
            "days": [
                {"date": d.isoformat(), "answers": a, "minutes": round(m, 1), "new": n, "held": h}
                for d, a, m, n, h in zip(
                    self.days, self.answers, self.minutes, news, held, strict=True
                )
            ],
            "readiness_if_followed": None if self.readiness is None else round(self.readiness, 6),
            "unseen_left": self.unseen_left,
        }


def simulate(
    cards: Mapping[int, Card | LeanCard],
    unseen: Sequence[int],
    today: date,
    day: StudyDay,
    *,
    days: int,
    scheduler_on: Callable[[date], Scheduler],
    new_on: Callable[[date, int], int],
    seconds_per_answer: float,
    seed: int = 0,
    morning: datetime | None = None,
    questions: int = 0,
    budget: Callable[[date], int | None] | None = None,
    target: Target | None = None,
) -> Forecast:
    """`days` study days from `today` over the stored `cards` (py-fsrs or lean cards, left as
    they are) and the `unseen` card ids, new ones introduced `new_on(day, still unseen)` a day;
    `scheduler_on(day)` is the scheduler in force. Readiness at `morning` over `questions`
    questions (when given).

    `budget(day)`: answers allowed that day (None: no limit). Within it, the due cards go lowest
    predicted recall first and a day ends at the budget (the rest stay due); new cards come only
    while their learning steps still fit. `target`: intervals that would reach past the date are
    shortened as `review` shortens them (`planning.shortened_due`)."""
    rng = random.Random(seed)
    lean: dict[int, LeanScheduler] = {}  # by id of the py-fsrs scheduler in force

    def lean_on(d: date) -> LeanScheduler:
        scheduler = scheduler_on(d)
        if id(scheduler) not in lean:
            lean[id(scheduler)] = LeanScheduler(scheduler)
        return lean[id(scheduler)]

    shift = day.shift  # all times here are UTC: a study day is the date of time + shift
    state = {card_id: LeanCard.of(card) for card_id, card in cards.items()}
    # Each card waits in the bucket of its due day; a day takes the buckets up to it, and the
    # cards it leaves due (over its budget) stay in `overdue`. The cards go in the order they
    # came (`order`), as a scan of every card each day took them, and a landing day's load is
    # its bucket's size.
    order = {card_id: k for k, card_id in enumerate(state)}
    buckets: dict[date, dict[int, LeanCard]] = {}
    days_ahead: list[date] = []  # a heap of the buckets' days
    overdue: dict[int, LeanCard] = {}

    def place(card_id: int, card: LeanCard) -> None:
        key = (card.due + shift).date()
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = {}
            heapq.heappush(days_ahead, key)
        bucket[card_id] = card

    for card_id, card in state.items():
        place(card_id, card)
    waiting = list(unseen)
    shown: list[date] = []
    answers: list[int] = []
    introduced: list[int] = []
    held_back: list[int] = []
    for k in range(min(days, MAX_DAYS)):
        d = today + timedelta(days=k)
        at = day.start(d) + timedelta(hours=REVIEW_HOUR)
        end = day.start(d + timedelta(days=1))
        fsrs = lean_on(d)
        review, recall = fsrs.review, fsrs.retrievability
        room = None if budget is None else budget(d)
        while days_ahead and days_ahead[0] <= d:
            overdue.update(buckets.pop(heapq.heappop(days_ahead)))
        loads: dict[date, int] = {}
        landing: list[date] = []
        reach = None  # a review card due from then on is shortened
        if target is not None and target.active(d):
            landing = target.landing_days(d)  # days after today's: no due card is counted
            reach = day.start(landing[-1] + timedelta(days=1))
            loads = {x: len(buckets.get(x, ())) for x in landing}
        if room is None:
            due = sorted(overdue.items(), key=lambda kv: order[kv[0]])
        else:  # lowest predicted recall first, as `review` takes them
            due = sorted(overdue.items(), key=fsrs.recall_key(at))
        n = 0
        held = 0
        for card_id, card in due:
            if room is not None and n >= room:
                held += 1
                continue
            t = max(at, card.due)
            r = float(recall(card, t))
            if rng.random() < r:
                review(card, GOOD, t, r)
                n += 1
            else:
                review(card, AGAIN, t, r)
                review(card, GOOD, t + TEN_MINUTES)
                n += 2
            while card.due < end and card.state != State.Review:  # learning steps left today: Good
                t = max(t, card.due)
                review(card, GOOD, t)
                n += 1
            if reach is not None and card.due >= reach and card.state == State.Review:
                _shorten(card, t, d, landing, loads, shift)
            del overdue[card_id]
            place(card_id, card)
        take = min(len(waiting), max(0, new_on(d, len(waiting))))
        if room is not None:
            take = min(take, max(0, room - n) // NEW_CARD_ANSWERS)
        for card_id in waiting[:take]:
            card = LeanCard(at)
            t = at
            for _ in range(3):  # Good through the learning steps (1m, 10m)
                review(card, GOOD, t)
                n += 1
                if card.state == State.Review:
                    break
                t = card.due
            if reach is not None and card.due >= reach and card.state == State.Review:
                _shorten(card, t, d, landing, loads, shift)
            state[card_id] = card
            order[card_id] = len(order)
            place(card_id, card)
        del waiting[:take]
        shown.append(d)
        answers.append(n)
        introduced.append(take)
        held_back.append(held)
    readiness = None
    if morning is not None and questions:
        recall = lean_on(day.date_of(morning)).retrievability
        total = sum(float(recall(c, morning)) for c in state.values() if c.last_review is not None)
        readiness = total / questions
    return Forecast(
        days=tuple(shown),
        answers=tuple(answers),
        minutes=tuple(a * seconds_per_answer / 60 for a in answers),
        readiness=readiness,
        new=tuple(introduced),
        unseen_left=len(waiting),
        held_back=tuple(held_back),
    )


def _shorten(
    card: LeanCard,
    now: datetime,
    today: date,
    landing: Sequence[date],
    loads: dict[date, int],
    shift: timedelta,
) -> None:
    """`planning.shortened_due` of a review card rated at `now`, on `today`, whose interval
    reaches past today's `landing` days (`loads`: the cards due on each): the date ahead and
    the landing days are the day's, so only the least loaded day is looked for at each card."""
    least = min(loads[x] for x in landing)
    chosen = max(x for x in landing if loads[x] == least)
    due = now + timedelta(days=(chosen - today).days)
    if due < card.due:
        moved = (due + shift).date()
        loads[moved] = loads.get(moved, 0) + 1
        card.due = due
