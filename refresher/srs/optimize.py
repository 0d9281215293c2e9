"""Fitting FSRS parameters to a learner's reviews, and deciding whether to keep them. Pure.

The fitting and the metrics are fsrs-rs's own (the Rust core of Anki's optimizer, through
`fsrs_rs_python`, imported only when a fit or an evaluation is asked for: it is not needed to
start `quiz` or print `--help`). This module turns a review history into fsrs-rs training items
and decides:

- **items**: for each card, its ratings oldest first, each with `delta_t`, the study days since
  the rating before (0 for the first and for a same-day repeat, which fsrs-rs reads as a
  short-term review); every rating after the first that comes on a later study day closes one
  item (the history up to it, the rating being what is predicted), as Anki builds them;
- **evaluation**: a time-series split. The items, in the order of the rating they predict, are
  cut into `FOLDS` parts; for each part after the first, parameters are fitted on the parts
  before it and both those and the old parameters are scored on it (log loss, RMSE over bins:
  fsrs-rs's `evaluate`). The new parameters are kept only when their held-out log loss and
  RMSE are both lower (`Score.beats`);
- **counts**: under `MIN_ITEMS` items nothing is fitted (fsrs-rs returns its defaults); under
  `MIN_ITEMS_FULL` fsrs-rs fits only the first four parameters (the initial stabilities).

`replay` recomputes a card's state from its ratings under other parameters (py-fsrs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import msgspec

from refresher.core.values import replace
from refresher.srs.schedule import CardState, Rating, Scheduler, StudyDay, new_card

FOLDS = 5
MIN_ITEMS = 32  # fewer: no fit at all (too few reviews for the split to say anything)
MIN_ITEMS_FULL = 64  # fewer: fsrs-rs fits the first four parameters only
FIRST_FOUR = 4
# fsrs-rs's training is deterministic for a given seed and data
TRAIN_SEED = 2023
MODEL_FIT_ITEMS = 10_000  # `stats` scores the parameters in force on the latest items only

T = TypeVar("T")


class Item(msgspec.Struct, frozen=True):
    """One training item: the ratings of a card up to `at`, as (rating 1-4, delta_t days).

    The items of one card share that card's list of ratings and differ in `length`, so a card
    with n ratings costs n entries, not n * n / 2."""

    card_id: int
    at: datetime  # when the last rating (the one predicted) was made
    ratings: Sequence[tuple[int, int]]  # every rating of the card (shared by its items)
    length: int  # how many of them this item covers

    @property
    def reviews(self) -> tuple[tuple[int, int], ...]:
        return tuple(self.ratings[: self.length])


def training_items(
    history: Iterable[tuple[int, datetime, int, Any]], day: StudyDay
) -> tuple[list[Item], int]:
    """(items in the order of the rating they predict, ratings read) from (card id, time,
    rating, ...) rows grouped by card, oldest first (as `Store.review_history` gives them)."""
    items: list[Item] = []
    count = 0
    card: int | None = None
    reviews: list[tuple[int, int]] = []
    last_day = 0
    shift = day.shift.total_seconds()
    for card_id, at, rating, *_ in history:
        count += 1
        d = int((at.timestamp() + shift) // 86400)  # the study day, as a day number
        if card_id != card:
            card, reviews, last_day = card_id, [], d
        delta = max(0, d - last_day) if reviews else 0
        reviews.append((int(rating), delta))
        last_day = d
        if len(reviews) > 1 and delta > 0:
            items.append(Item(card_id, at, reviews, len(reviews)))
    items.sort(key=lambda i: (i.at, i.card_id))
    return items, count


def _rs() -> Any:
    import fsrs_rs_python  # lazy: a compiled extension, only for optimize and stats

    return fsrs_rs_python


def default_parameters() -> tuple[float, ...]:
    return tuple(Scheduler().parameters)


def _rs_items(items: Sequence[Item]) -> list[Any]:
    """fsrs-rs's items; the items of one card are prefixes of one history, so each review is
    made once per card."""
    rs = _rs()
    longest: dict[int, Item] = {}
    for i in items:
        if i.card_id not in longest or i.length > longest[i.card_id].length:
            longest[i.card_id] = i
    made = {k: [rs.FSRSReview(r, dt) for r, dt in i.reviews] for k, i in longest.items()}
    return [rs.FSRSItem(made[i.card_id][: i.length]) for i in items]


def fit(items: Sequence[Item]) -> tuple[float, ...]:
    """fsrs-rs's parameters for `items` (its defaults when there are too few)."""
    return _fit(_rs_items(items))


def _fit(rs_items: list[Any]) -> tuple[float, ...]:
    rs = _rs()
    config = rs.TrainingConfig(seed=TRAIN_SEED)
    params = rs.FSRS(rs.DEFAULT_PARAMETERS).compute_parameters(rs_items, training_config=config)
    return tuple(float(p) for p in params)


class Score(msgspec.Struct, frozen=True):
    """How well parameters predict ratings: fsrs-rs's log loss and RMSE over bins."""

    log_loss: float
    rmse: float
    items: int

    def to_dict(self) -> dict[str, Any]:
        return {"log_loss": round(self.log_loss, 6), "rmse": round(self.rmse, 6), "n": self.items}

    def beats(self, other: Score) -> bool:
        """Lower on both measures: a log loss a hair lower with a worse calibration is what a
        fit to noise gives, and no reason to change a learner's schedule."""
        return self.log_loss < other.log_loss and self.rmse < other.rmse


class ModelFit(msgspec.Struct, frozen=True):
    """How well the parameters in force predict the learner's own history (for `stats`)."""

    score: Score | None  # None: too few reviews to score
    reviews: int
    fitted: bool  # the parameters are the learner's own (else the defaults)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameters": "fitted" if self.fitted else "default",
            "reviews": self.reviews,
            "log_loss": None if self.score is None else round(self.score.log_loss, 6),
            "rmse": None if self.score is None else round(self.score.rmse, 6),
            "items": 0 if self.score is None else self.score.items,
        }


def evaluate(params: Sequence[float], items: Sequence[Item]) -> Score | None:
    """The score of `params` on `items` (None when fsrs-rs finds too few to score)."""
    return _evaluate(params, _rs_items(items))


def _evaluate(params: Sequence[float], rs_items: list[Any]) -> Score | None:
    if not rs_items:
        return None
    try:
        e = _rs().FSRS(list(params)).evaluate(rs_items)
    except ValueError:  # fsrs-rs: not enough data
        return None
    return Score(float(e.log_loss), float(e.rmse_bins), len(rs_items))


def pooled(scores: Sequence[Score]) -> Score | None:
    """Scores of several held-out parts as one, weighted by their items."""
    n = sum(s.items for s in scores)
    if not n:
        return None
    return Score(
        sum(s.log_loss * s.items for s in scores) / n,
        sum(s.rmse * s.items for s in scores) / n,
        n,
    )


def folds(items: Sequence[T], k: int = FOLDS) -> list[list[T]]:
    """`items` (in time order) cut into `k` parts of (nearly) equal size."""
    n = len(items)
    return [list(items[n * j // k : n * (j + 1) // k]) for j in range(k)]


class Fitted(msgspec.Struct, frozen=True):
    """What `optimize` found: the decision, the scores behind it, the parameters."""

    reviews: int
    items: int
    kept: bool  # True: the old parameters stay
    reason: str  # "too-few", "no-fit" (fsrs-rs returned its defaults), "not-better", "better"
    partial: bool  # only the first four parameters were fitted
    old: tuple[float, ...]
    new: tuple[float, ...] | None
    old_score: Score | None  # held out
    new_score: Score | None

    @property
    def gain(self) -> float | None:
        """Held-out log loss of the old minus that of the new (positive: the new are better)."""
        if self.old_score is None or self.new_score is None:
            return None
        return self.old_score.log_loss - self.new_score.log_loss


def decide(
    items: Sequence[Item],
    reviews: int,
    old: Sequence[float],
    progress: Callable[[int, int], None] | None = None,
) -> Fitted:
    """Fit, evaluate old against new on a time-series split, and decide. `progress(done,
    total)` is told after each fit."""
    old = tuple(old)
    base = {"reviews": reviews, "items": len(items), "old": old}
    if len(items) < MIN_ITEMS:
        return Fitted(
            **base,
            kept=True,
            reason="too-few",
            partial=False,
            new=None,
            old_score=None,
            new_score=None,
        )
    converted = _rs_items(items)
    parts = folds(converted)
    total = len(parts)  # the fits on growing parts, then the one on everything
    old_scores: list[Score] = []
    new_scores: list[Score] = []
    for j in range(1, len(parts)):
        train = [i for part in parts[:j] for i in part]
        trained = _fit(train)
        a, b = _evaluate(old, parts[j]), _evaluate(trained, parts[j])
        if a is not None and b is not None:
            old_scores.append(a)
            new_scores.append(b)
        if progress is not None:
            progress(j, total)
    final = _fit(converted)
    if progress is not None:
        progress(total, total)
    defaults = default_parameters()
    changed = [k for k in range(len(final)) if abs(final[k] - defaults[k]) > 1e-6]
    partial = bool(changed) and max(changed) < FIRST_FOUR
    old_score, new_score = pooled(old_scores), pooled(new_scores)
    if not changed:
        reason = "no-fit"
    elif old_score is None or new_score is None or not new_score.beats(old_score):
        reason = "not-better"
    else:
        reason = "better"
    return Fitted(
        **base,
        kept=reason != "better",
        reason=reason,
        partial=partial,
        new=final,
        old_score=old_score,
        new_score=new_score,
    )


# --- card states under other parameters ----------------------------------------------------------


def replay(
    scheduler: Scheduler,
    card_id: int,
    ratings: Sequence[tuple[datetime, int, int | None]],
    stored: CardState,
) -> CardState:
    """The card's state after its `ratings` (time, rating, ms) under `scheduler`, from new.
    What py-fsrs does not keep (reps, lapses, suspension, first rating) stays as stored."""
    card = new_card(card_id, ratings[0][0]) if ratings else stored.card
    for at, rating, ms in ratings:
        card, _ = scheduler.review_card(card, Rating(rating), at, ms)
    return replace(stored, card=card)
