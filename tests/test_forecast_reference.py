"""The forecast against a plain simulation written on py-fsrs's own cards and reviews.

`forecast.simulate` keeps each card in the bucket of its due day, sorts a budget's due cards by
an inline recall and reviews light cards in place (`srs/lean.py`). The plain one below scans
every card each day, asks py-fsrs's `Scheduler` for each recall and review, and shortens an
interval as a real review does (`planning.shortened_due`). Over random stores, budgets, dates
and seeds the two give the same forecast, float for float."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Card
from hypothesis import given, settings
from hypothesis import strategies as st

from refresher.srs import forecast, planning
from refresher.srs import schedule as S

TODAY = date(2026, 12, 1)
Rating, State = S.Rating, S.State


def review(fsrs, card, rating, t):
    return fsrs.review_card(card, rating, review_datetime=t)[0]


def shortened(card, t, ahead, target, day, loads):
    """`card` as a real review leaves it, its interval shortened toward the date."""
    if not ahead or card.state != State.Review:
        return card
    due = planning.shortened_due(card.due, t, target, day, loads)
    if due != card.due:
        loads[day.date_of(due)] = loads.get(day.date_of(due), 0) + 1
        card.due = due
    return card


def plain(cards, unseen, day, *, days, scheduler_on, new_on, budget, target, seed, morning):
    rng = random.Random(seed)
    state = dict(cards)
    waiting = list(unseen)
    rows = []
    for k in range(min(days, forecast.MAX_DAYS)):
        d = TODAY + timedelta(days=k)
        at = day.start(d) + timedelta(hours=forecast.REVIEW_HOUR)
        end = day.start(d + timedelta(days=1))
        fsrs = scheduler_on(d)
        room = None if budget is None else budget(d)
        ahead = target is not None and target.active(d)
        loads = {}
        if ahead:
            loads = dict.fromkeys(target.landing_days(d), 0)
            for c in state.values():
                if day.date_of(c.due) in loads:
                    loads[day.date_of(c.due)] += 1

        due = [(i, c) for i, c in state.items() if c.due < end]
        if room is not None:
            due.sort(key=lambda ic: (fsrs.get_card_retrievability(ic[1], at), ic[0]))
        n = held = 0
        for i, card in due:
            if room is not None and n >= room:
                held += 1
                continue
            t = max(at, card.due)
            if rng.random() < fsrs.get_card_retrievability(card, t):
                card, n = review(fsrs, card, Rating.Good, t), n + 1
            else:
                again = review(fsrs, card, Rating.Again, t)
                card = review(fsrs, again, Rating.Good, t + timedelta(minutes=10))
                n += 2
            while card.due < end and card.state != State.Review:
                t = max(t, card.due)
                card, n = review(fsrs, card, Rating.Good, t), n + 1
            state[i] = shortened(card, t, ahead, target, day, loads)
        take = min(len(waiting), max(0, new_on(d, len(waiting))))
        if room is not None:
            take = min(take, max(0, room - n) // S.NEW_CARD_ANSWERS)
        for i in waiting[:take]:
            card, t = Card(card_id=1, due=at), at
            for _ in range(3):
                card, n = review(fsrs, card, Rating.Good, t), n + 1
                if card.state == State.Review:
                    break
                t = card.due
            state[i] = shortened(card, t, ahead, target, day, loads)
        del waiting[:take]
        rows.append((d, n, take, held))
    fsrs = scheduler_on(day.date_of(morning))
    seen = [c for c in state.values() if c.last_review is not None]
    questions = len(cards) + len(unseen)
    readiness = None
    if questions:
        readiness = sum(fsrs.get_card_retrievability(c, morning) for c in seen) / questions
    return rows, readiness, len(waiting)


@st.composite
def stores(draw):
    """Cards as a store holds them: reviewed from minutes to months ago, due from days past
    to weeks ahead, in each state."""
    now = datetime.combine(TODAY, time(9), UTC)
    cards = {}
    for i in draw(st.lists(st.integers(1, 10_000), max_size=40, unique=True)):
        last = now - timedelta(minutes=draw(st.integers(1, 90 * 24 * 60)))
        state = draw(
            st.sampled_from([State.Review, State.Review, State.Relearning, State.Learning])
        )
        cards[i] = Card(
            card_id=i,
            state=state,
            step=None if state == State.Review else draw(st.integers(0, 1)),
            stability=draw(st.floats(0.1, 200)),
            difficulty=draw(st.floats(1, 10)),
            last_review=last,
            due=last + timedelta(minutes=draw(st.integers(1, 100 * 24 * 60))),
        )
    return cards


@settings(max_examples=80, deadline=None)
@given(
    cards=stores(),
    unseen=st.integers(0, 25),
    days=st.integers(1, 30),
    per_day=st.integers(0, 6),
    room=st.one_of(st.none(), st.integers(0, 30)),
    interview=st.one_of(st.none(), st.integers(1, 35)),
    buffer_days=st.integers(1, 4),
    offset=st.integers(-10 * 60, 12 * 60),
    starts_at=st.integers(0, 6),
    seed=st.integers(0, 1000),
)
def test_the_forecast_is_the_plain_simulation_s(
    cards, unseen, days, per_day, room, interview, buffer_days, offset, starts_at, seed
):
    day = S.StudyDay(timedelta(minutes=offset), starts_at)
    target = None
    if interview is not None:
        target = planning.Target(TODAY + timedelta(days=interview), buffer_days)
    plainly, final = S.make_scheduler(), S.make_scheduler(desired_retention=0.95)

    def scheduler_on(d):
        return final if target is not None and target.in_final_days(d) else plainly

    def new_on(d, waiting):
        return per_day if planning.new_cards_allowed(target, d) else 0

    budget = None if room is None else (lambda d: room)
    morning = day.start(TODAY + timedelta(days=days))
    ids = [-(k + 1) for k in range(unseen)]
    f = forecast.simulate(
        cards, ids, TODAY, day, days=days, scheduler_on=scheduler_on, new_on=new_on,
        seconds_per_answer=20, seed=seed, morning=morning, questions=len(cards) + unseen,
        budget=budget, target=target,
    )  # fmt: skip
    rows, readiness, left = plain(
        cards, ids, day, days=days, scheduler_on=scheduler_on, new_on=new_on, budget=budget,
        target=target, seed=seed, morning=morning,
    )  # fmt: skip
    assert list(zip(f.days, f.answers, f.new, f.held_back, strict=True)) == rows
    assert f.readiness == readiness and f.unseen_left == left


def test_the_plain_simulation_sees_what_the_forecast_sees():
    """A check of the check: with a budget of two answers, the due cards beyond are held."""
    now = datetime.combine(TODAY, time(9), UTC)
    cards = {
        i: Card(card_id=i, state=State.Review, step=None, stability=5.0, difficulty=5.0,
                last_review=now - timedelta(days=6), due=now - timedelta(days=1))
        for i in range(1, 6)
    }  # fmt: skip
    scheduler = S.make_scheduler()
    day = S.StudyDay()
    f = forecast.simulate(
        cards, [], TODAY, day, days=1, scheduler_on=lambda d: scheduler,
        new_on=lambda d, w: 0, seconds_per_answer=20, budget=lambda d: 2,
        morning=day.start(TODAY + timedelta(days=1)), questions=5,
    )  # fmt: skip
    rows, _, _ = plain(
        cards, [], day, days=1, scheduler_on=lambda d: scheduler, new_on=lambda d, w: 0,
        budget=lambda d: 2, target=None, seed=0, morning=day.start(TODAY + timedelta(days=1)),
    )  # fmt: skip
    assert rows == [(TODAY, f.answers[0], 0, f.held_back[0])]
    assert f.held_back[0] >= 3
