"""FSRS for simulations: py-fsrs's scheduling on a light, mutable card. Pure.

The plan simulates every card of a bank over the weeks to an interview, several times over (one
forecast for each retention and pace it weighs): tens of thousands of reviews, where py-fsrs's
`review_card` spends most of its time copying its card and checking its times, not on FSRS. A
`LeanCard` holds the same six fields and `LeanScheduler.review` changes it in place with the
same formulas in the same order of operations, so each float is the one py-fsrs computes
(tests hold it to `Scheduler.review_card` bit for bit over random ratings, times and
parameters). Times are UTC datetimes, as py-fsrs keeps them. A scheduler that fuzzes intervals
is refused: fuzz draws from py-fsrs's own random generator and cannot be reproduced here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from fsrs import Card, Scheduler, State
from fsrs.scheduler import MAX_DIFFICULTY, MIN_DIFFICULTY, STABILITY_MIN

_LEARNING, _REVIEW, _RELEARNING = State.Learning, State.Review, State.Relearning
_E = math.e


class LeanCard:
    """A card's FSRS state (py-fsrs's `Card` without its id), changed in place."""

    __slots__ = ("due", "last_review", "stability", "difficulty", "state", "step")

    def __init__(
        self,
        due: datetime,
        last_review: datetime | None = None,
        stability: float | None = None,
        difficulty: float | None = None,
        state: State = State.Learning,
        step: int | None = 0,
    ) -> None:
        self.due = due
        self.last_review = last_review
        self.stability = stability
        self.difficulty = difficulty
        self.state = state
        self.step = step

    @classmethod
    def of(cls, card: Card | LeanCard) -> LeanCard:
        return cls(
            card.due, card.last_review, card.stability, card.difficulty, card.state, card.step
        )

    def to_card(self, card_id: int) -> Card:
        return Card(
            card_id=card_id,
            state=self.state,
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )


class LeanScheduler:
    """`scheduler`'s reviews on `LeanCard`s: ratings are 1-4 (Again, Hard, Good, Easy)."""

    def __init__(self, scheduler: Scheduler) -> None:
        if scheduler.enable_fuzzing:
            raise ValueError("a fuzzing scheduler cannot be simulated exactly")
        w = tuple(float(x) for x in scheduler.parameters)
        self.w = w
        self.factor = scheduler._FACTOR
        self.decay = scheduler._DECAY
        self.learning = tuple(scheduler.learning_steps)
        self.relearning = tuple(scheduler.relearning_steps)
        self.maximum = scheduler.maximum_interval
        # the parts of py-fsrs's formulas that depend on the parameters alone
        self._interval = (scheduler.desired_retention ** (1 / self.decay)) - 1
        self._easy_difficulty = w[4] - (_E ** (w[5] * (4 - 1))) + 1
        self._e8 = _E ** w[8]
        self._forget_short = _E ** (w[17] * w[18])

    # --- py-fsrs's formulas, term for term ------------------------------------------------------
    def retrievability(self, card: LeanCard, now: datetime) -> float:
        last, stability = card.last_review, card.stability
        if last is None or stability is None:
            return 0
        elapsed = (now - last).days
        if elapsed < 0:
            elapsed = 0
        return (1 + self.factor * elapsed / stability) ** self.decay

    def recall_key(self, now: datetime) -> Callable[[tuple[int, LeanCard]], tuple[float, int]]:
        """The sort key of (card id, card) pairs by retrievability at `now`, then id: the same
        floats as `retrievability`, worked out inline (a budget sorts every due card each day)."""
        factor, decay, recall = self.factor, self.decay, self.retrievability

        def key(item: tuple[int, LeanCard]) -> tuple[float, int]:
            card = item[1]
            last, stability = card.last_review, card.stability
            if last is None or stability is None:
                return recall(card, now), item[0]
            elapsed = (now - last).days
            return (1 + factor * (elapsed if elapsed > 0 else 0) / stability) ** decay, item[0]

        return key

    def _days(self, stability: float) -> int:
        interval = round((stability / self.factor) * self._interval)
        return min(max(interval, 1), self.maximum)

    def _initial_difficulty(self, rating: int) -> float:
        w = self.w
        return min(max(w[4] - (_E ** (w[5] * (rating - 1))) + 1, MIN_DIFFICULTY), MAX_DIFFICULTY)

    def _short_term(self, stability: float, rating: int) -> float:
        w = self.w
        increase = (_E ** (w[17] * (rating - 3 + w[18]))) * (stability ** -w[19])
        if rating > 1:
            increase = max(increase, 1.0)
        return max(stability * increase, STABILITY_MIN)

    def _next_difficulty(self, difficulty: float, rating: int) -> float:
        w = self.w
        delta = -(w[6] * (rating - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        reverted = w[7] * self._easy_difficulty + (1 - w[7]) * damped
        return min(max(reverted, MIN_DIFFICULTY), MAX_DIFFICULTY)

    def _next_stability(self, d: float, s: float, r: float, rating: int) -> float:
        w = self.w
        if rating == 1:
            long_term = w[11] * (d ** -w[12])  # then times each factor, left to right
            long_term = long_term * (((s + 1) ** (w[13])) - 1) * (_E ** ((1 - r) * w[14]))
            short_term = s / self._forget_short
            nxt = min(long_term, short_term)
        else:
            hard = w[15] if rating == 2 else 1
            easy = w[16] if rating == 4 else 1
            gain = self._e8 * (11 - d) * (s ** -w[9])  # then times each factor, left to right
            gain = gain * ((_E ** ((1 - r) * w[10])) - 1) * hard * easy
            nxt = s * (1 + gain)
        return max(nxt, STABILITY_MIN)

    # --- a review -------------------------------------------------------------------------------
    def review(
        self, card: LeanCard, rating: int, now: datetime, recall: float | None = None
    ) -> None:
        """Rate `card` `rating` at `now` (UTC), as `Scheduler.review_card` would; `recall`: its
        retrievability at `now`, when the caller has just worked it out."""
        last = card.last_review
        elapsed = (now - last).days if last is not None else None
        state = card.state
        if state == _REVIEW:
            s, d = card.stability, card.difficulty
            assert s is not None and d is not None
            if elapsed is not None and elapsed < 1:
                card.stability = self._short_term(s, rating)
            else:
                card.stability = self._next_stability(
                    d, s, self.retrievability(card, now) if recall is None else recall, rating
                )
            card.difficulty = self._next_difficulty(d, rating)
            if rating == 1 and self.relearning:
                card.state, card.step = _RELEARNING, 0
                interval = self.relearning[0]
            else:
                interval = timedelta(days=self._days(card.stability))
        else:
            steps = self.learning if state == _LEARNING else self.relearning
            step = card.step
            assert step is not None
            s, d = card.stability, card.difficulty
            if s is None or d is None:
                card.stability = max(self.w[rating - 1], STABILITY_MIN)
                card.difficulty = self._initial_difficulty(rating)
            elif elapsed is not None and elapsed < 1:
                card.stability = self._short_term(s, rating)
                card.difficulty = self._next_difficulty(d, rating)
            else:
                card.stability = self._next_stability(
                    d, s, self.retrievability(card, now) if recall is None else recall, rating
                )
                card.difficulty = self._next_difficulty(d, rating)
            if not steps or (step >= len(steps) and rating > 1):
                interval = self._graduate(card)
            elif rating == 1:
                card.step = 0
                interval = steps[0]
            elif rating == 2:
                if step == 0 and len(steps) == 1:
                    interval = steps[0] * 1.5
                elif step == 0:
                    interval = (steps[0] + steps[1]) / 2.0
                else:
                    interval = steps[step]
            elif rating == 3 and step + 1 != len(steps):
                card.step = step + 1
                interval = steps[step + 1]
            else:  # Good at the last step, or Easy
                interval = self._graduate(card)
        card.due = now + interval
        card.last_review = now

    def _graduate(self, card: LeanCard) -> timedelta:
        card.state, card.step = _REVIEW, None
        assert card.stability is not None
        return timedelta(days=self._days(card.stability))
