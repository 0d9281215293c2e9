"""A rating to store, as one value, and how it settles on the card's state as stored. Pure.

The app builds a `CardRating` from what the learner was shown and chose; the store re-reads the
card's state inside its write lock and calls `settle` on it, so a rating made meanwhile in
another window is built upon, never overwritten. No callback crosses into the store: the plan's
shortening of intervals comes as a value (`planning.Shortening`) computed before the prompt.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime

from refresher.core.model import Outcome, Question
from refresher.core.values import replace
from refresher.srs import schedule
from refresher.srs.planning import Shortening
from refresher.srs.schedule import LEECH_LAPSES, CardState, Rated, Rating, Scheduler


@dataclass(frozen=True)
class CardRating:
    """One rating of one card, with the answer it came from and the rules in force."""

    card_id: int
    rating: Rating
    _: KW_ONLY
    question: Question
    outcome: Outcome  # the answer, stored with the review
    seconds: float  # time taken to answer
    now: datetime  # the moment of rating (the offer's)
    scheduler: Scheduler  # py-fsrs with the retention in force at `now`
    leech_threshold: int = LEECH_LAPSES
    auto: bool = False  # the rating came from grading and was kept
    shown: CardState | None = None  # the state read before the prompt (None: new)
    preview: Rated | None = None  # what the learner saw next to `rating`, from `shown`
    shortening: Shortening | None = None  # the plan's, while an interview date is ahead
    seed: int | None = None  # the one a numeric item's numbers were drawn from
    memory: Memory | None = None  # a state another FSRS program stored after this rating

    @property
    def duration_ms(self) -> int:
        return int(self.seconds * 1000)


def settle(request: CardRating, stored: CardState | None) -> Rated:
    """The rating computed from `stored`, the card's state as read under the write lock.

    `request.preview` is kept exactly as shown, fuzz included, when the stored state still
    equals `request.shown`; otherwise the rating is computed afresh from `stored`, then
    shortened by the plan (which the preview has had already)."""
    ms = request.duration_ms
    preview = request.preview
    if preview is not None and preview.rating == request.rating and stored == request.shown:
        return replace(preview, log=replace(preview.log, review_duration=ms))
    rated = schedule.rate(
        request.scheduler,
        stored,
        request.card_id,
        request.rating,
        request.now,
        duration_ms=ms,
        leech_threshold=request.leech_threshold,
    )
    if request.shortening is not None:
        rated = request.shortening.apply(rated)
    if request.memory is not None:
        rated = request.memory.adopted(rated)
    return rated


@dataclass(frozen=True)
class Memory:
    """A card's FSRS memory state as another program (Anki) computed and stored it after a
    rating: taken as the rating's outcome instead of the one py-fsrs computes, so the schedule
    is the one the learner had there."""

    stability: float  # days
    difficulty: float  # 1..10
    due: datetime  # UTC

    def adopted(self, rated: Rated) -> Rated:
        card = rated.after.card
        data = card.to_dict()
        data.update(stability=self.stability, difficulty=self.difficulty)
        data.update(due=self.due.isoformat(), state=int(schedule.State.Review), step=None)
        after = replace(rated.after, card=type(card).from_dict(data))
        return replace(rated, after=after)
