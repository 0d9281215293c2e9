"""A simulated learner for the memory-model tests and bench: its memory follows FSRS with known
parameters (`TRUE`), each answer is drawn from its true recall probability (seeded), and it
studies through the app layer's review sitting, day after day, with time injected."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from refresher.app.review import open_sitting
from refresher.core.model import Bank
from refresher.env.config import Config
from refresher.srs import schedule as S

# A learner who forgets faster than FSRS's defaults assume: low initial stabilities, slow
# growth of stability on success, a steeper forgetting curve.
TRUE = (0.08, 0.4, 0.9, 3.0, 6.4133, 0.8334, 3.0194, 0.001, 1.2, 0.1666, 0.796,
        1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.45)  # fmt: skip
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SECONDS = 15  # per answer


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Learner:
    """The learner's true memory of each card (py-fsrs cards under `TRUE`)."""

    seed: int
    truth: S.Scheduler = field(default_factory=lambda: S.make_scheduler(parameters=TRUE))
    memory: dict[int, S.Card] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def recall(self, card_id: int, now: datetime) -> float:
        card = self.memory.get(card_id)
        if card is None or card.last_review is None:
            return 0.0
        return float(self.truth.get_card_retrievability(card, now))

    def answer(self, card_id: int, now: datetime) -> S.Rating:
        p = self.recall(card_id, now)
        if card_id not in self.memory:
            p = 0.5  # a card seen for the first time: known before or not
        if self.rng.random() >= p:
            rating = S.Rating.Again
        else:
            rating = S.Rating.Easy if self.rng.random() < 0.1 else S.Rating.Good
        card = self.memory.get(card_id) or S.new_card(card_id, now)
        self.memory[card_id], _ = self.truth.review_card(card, rating, now)
        return rating


def study(
    bank: Bank,
    learner: Learner,
    days: int,
    *,
    settings: Config | None = None,
    new_per_day: int = 10,
    start: datetime = T0,
    day_offset: int = 0,
) -> int:
    """`days` daily sittings of every due card; returns the ratings made."""
    settings = settings or Config(fuzz=False)
    ratings = 0
    for d in range(day_offset, day_offset + days):
        clock = Clock(start + timedelta(days=d))
        with open_sitting(
            bank, bank.questions, settings, new_per_day=new_per_day, seed=d, clock=clock
        ) as sitting:
            sitting.start()
            while (card := sitting.next_card()) is not None:
                clock.now += timedelta(seconds=SECONDS)
                offer = sitting.offer(card, previews=False)
                rating = learner.answer(card.entry.card_id, offer.now)
                outcome = S.self_rated(rating)
                sitting.rate(
                    card, rating, outcome=outcome, auto=False, seconds=SECONDS, offer=offer
                )
                ratings += 1
    return ratings
