"""The simulation's light FSRS (`srs/lean.py`) against py-fsrs's own `review_card`, bit for bit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refresher.core.errors import RefresherError
from refresher.srs import schedule as S
from refresher.srs.lean import LeanCard, LeanScheduler

START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
DEFAULTS = S.make_scheduler().parameters


def fields(card):
    return (card.state, card.step, card.stability, card.difficulty, card.due, card.last_review)


# Gaps from a minute to months, so every branch is taken: same-day (short-term) reviews,
# learning and relearning steps, lapses, graduations and the maximum interval.
gaps = st.one_of(
    st.integers(0, 30).map(lambda m: timedelta(minutes=m)),
    st.integers(1, 48).map(lambda h: timedelta(hours=h)),
    st.integers(1, 400).map(lambda d: timedelta(days=d, minutes=7)),
)
steps = st.lists(st.tuples(st.integers(1, 4), gaps, st.booleans()), min_size=1, max_size=40)


@st.composite
def parameters(draw):
    """The default FSRS-6 parameters, each moved by up to a tenth (kept in py-fsrs's bounds)."""
    moved = [w * draw(st.floats(0.9, 1.1)) for w in DEFAULTS]
    try:
        S.make_scheduler(parameters=moved)
    except RefresherError:
        return list(DEFAULTS)
    return moved


@settings(max_examples=300, deadline=None)
@given(
    steps=steps,
    params=st.one_of(st.none(), parameters()),
    retention=st.sampled_from([0.8, 0.9, 0.95]),
    relearning=st.booleans(),
    maximum=st.sampled_from([36500, 30]),
)
def test_every_review_is_py_fsrs_s_to_the_last_bit(steps, params, retention, relearning, maximum):
    scheduler = S.make_scheduler(desired_retention=retention, parameters=params)
    if not relearning:
        scheduler.relearning_steps = ()
    scheduler.maximum_interval = maximum
    lean = LeanScheduler(scheduler)
    card = S.new_card(7, START)
    mine = LeanCard.of(card)
    told = LeanCard.of(card)  # given its recall, as the forecast gives it
    t = START
    for rating, gap, at_due in steps:
        t = max(t, card.due) if at_due else t + gap
        assert lean.retrievability(mine, t) == scheduler.get_card_retrievability(card, t)
        card, _ = scheduler.review_card(card, S.Rating(rating), t)
        lean.review(mine, rating, t)
        lean.review(told, rating, t, lean.retrievability(told, t))
        assert fields(mine) == fields(card) == fields(told)
    assert fields(mine.to_card(7)) == fields(card) and mine.to_card(7).card_id == 7


def test_a_card_from_the_store_keeps_its_state():
    scheduler = S.make_scheduler()
    card = S.new_card(3, START)
    for k, rating in enumerate([3, 3, 1, 3, 4]):
        card, _ = scheduler.review_card(card, S.Rating(rating), START + timedelta(days=2 * k))
    assert fields(LeanCard.of(card)) == fields(card)


def test_a_fuzzing_scheduler_is_refused():
    with pytest.raises(ValueError, match="fuzz"):
        LeanScheduler(S.make_scheduler(fuzz=True))


@settings(max_examples=200, deadline=None)
@given(
    stability=st.one_of(st.none(), st.floats(0.001, 36500)),
    reviewed=st.one_of(st.none(), st.integers(-3 * 24 * 60, 400 * 24 * 60)),
    card_id=st.integers(-5, 5),
)
def test_the_recall_sort_key_is_the_retrievability_and_the_id(stability, reviewed, card_id):
    """The budget's sort key works out py-fsrs's retrievability inline: the same float (a card
    reviewed after `now`, by a clock stepped back, counts no days; one never reviewed, 0)."""
    lean = LeanScheduler(S.make_scheduler())
    last = None if reviewed is None else START - timedelta(minutes=reviewed)
    card = LeanCard(
        START, last, stability, None if stability is None else 5.0, S.State.Review, None
    )
    expected = S.make_scheduler().get_card_retrievability(card.to_card(1), START)
    if last is None or stability is None:
        expected = 0
    assert lean.recall_key(START)((card_id, card)) == (expected, card_id)
    assert lean.retrievability(card, START) == expected
