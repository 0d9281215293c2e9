"""Neighbouring rating buttons never offer the same interval: on a card in review, Good is at
least a day past Hard and Easy a day past Good (as Anki keeps them), in the preview shown next
to the buttons and in what is stored, whichever path computes it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from refresher.core.model import Outcome
from refresher.kinds.card import CardQuestion
from refresher.srs import schedule as S
from refresher.srs.rating import CardRating, settle
from refresher.srs.schedule import Rating, State

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _relearnt(sched):
    """Again, Good, Good on time: a card back in review with a one-day stability."""
    state, now = None, T0
    for r in (1, 3, 3):
        state = S.rate(sched, state, 1, Rating(r), now).after
        now = state.card.due
    assert state.card.state == State.Review
    return state


@pytest.fixture
def sched():
    return S.make_scheduler(desired_retention=0.9, fuzz=False)


def test_an_early_review_offers_three_different_days(sched) -> None:
    state = _relearnt(sched)
    soon = state.card.last_review + timedelta(hours=1)
    shown = {r: p.interval for r, p in S.preview(sched, state, 1, soon).items()}
    # FSRS alone gives one day for each of Hard, Good and Easy here
    assert shown[Rating.Hard] == 1 * DAY
    assert shown[Rating.Good] == 2 * DAY
    assert shown[Rating.Easy] == 3 * DAY


@pytest.mark.parametrize("rating", [Rating.Good, Rating.Easy])
def test_what_is_stored_is_what_was_shown(sched, rating: Rating) -> None:
    state = _relearnt(sched)
    soon = state.card.last_review + timedelta(hours=1)
    shown = S.preview(sched, state, 1, soon)[rating]
    alone = S.rate(sched, state, 1, rating, soon)  # the path a rating made meanwhile takes
    assert alone.after.card.due == shown.after.card.due
    assert alone.interval == (2 if rating == Rating.Good else 3) * DAY
    request = CardRating(
        1,
        rating,
        question=CardQuestion("b", "c", "t", "front", back="back"),
        outcome=Outcome(True, "", ""),
        seconds=1.0,
        now=soon,
        scheduler=sched,
        shown=None,  # not what is stored: settled afresh
    )
    assert settle(request, state).after.card.due == shown.after.card.due


def test_with_fuzz_the_buttons_stay_a_day_apart(monkeypatch) -> None:
    fuzzy = S.make_scheduler(desired_retention=0.9, fuzz=True)
    rng = random.Random(5)
    monkeypatch.setattr("fsrs.scheduler.random", rng.random)
    state, now = None, T0
    for step in range(40):
        shown = S.preview(fuzzy, state, 1, now)
        if state is not None and state.card.state == State.Review:
            days = [shown[r].interval / DAY for r in (Rating.Hard, Rating.Good, Rating.Easy)]
            assert days[0] + 1 <= days[1] and days[1] + 1 <= days[2], (step, days)
        state = shown[Rating(rng.choice([2, 3, 3, 4]))].after
        now = state.card.due - timedelta(hours=rng.choice([0, 20, 40]))
        now = max(now, state.card.last_review + timedelta(hours=1))
