"""The scheduling core: exact FSRS intervals, the due queue, leeches, study days, a sitting.

Expected intervals come from two independent places: `_Reference` below re-implements the
FSRS-6 formulas from the published algorithm with py-fsrs's default parameters (not by calling
py-fsrs), and the integer day sequences are pinned (they were checked against that reference).
With `desired_retention` 0.9 the FSRS interval is simply the stability rounded to whole days,
which is why a new card rated Easy comes back in round(w3) = round(8.2956) = 8 days.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from refresher.core.model import Outcome
from refresher.kinds.card import CardQuestion
from refresher.srs import planning
from refresher.srs import schedule as S
from refresher.srs.rating import CardRating, settle
from refresher.srs.schedule import CardInfo, QueueEntry, Rating, ReviewSession, State, StudyDay

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MIN, DAY = timedelta(minutes=1), timedelta(days=1)


@pytest.fixture
def sched():
    return S.make_scheduler(fuzz=False)


class _Reference:
    """FSRS-6 with default weights, written from the formulas (stability S, difficulty D)."""

    W = (0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
         1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542)  # fmt: skip
    DECAY = -W[20]
    FACTOR = 0.9 ** (1 / DECAY) - 1

    def r(self, days: int, s: float) -> float:
        return (1 + self.FACTOR * days / s) ** self.DECAY

    def d0(self, g: int) -> float:
        return self.W[4] - math.exp(self.W[5] * (g - 1)) + 1

    def next_d(self, d: float, g: int) -> float:
        w = self.W
        damped = d + (10 - d) * (-w[6] * (g - 3)) / 9
        return min(max(w[7] * self.d0(4) + (1 - w[7]) * damped, 1), 10)

    def recall(self, d: float, s: float, r: float, g: int) -> float:
        w = self.W
        bonus = (w[15] if g == 2 else 1) * (w[16] if g == 4 else 1)
        return s * (
            1 + math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1) * bonus
        )

    def forget(self, d: float, s: float, r: float) -> float:
        w = self.W
        long = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14])
        return min(long, s / math.exp(w[17] * w[18]))

    def same_day(self, s: float, g: int) -> float:
        w = self.W
        grow = math.exp(w[17] * (g - 3 + w[18])) * s ** -w[19]
        return s * (max(grow, 1) if g >= 2 else grow)

    @staticmethod
    def days(s: float) -> int:
        return max(1, round(s))  # at 90% retention the interval is the stability


REF = _Reference()


def replay(sched, ratings, start=T0, on_time=True):
    """Rate a new card with `ratings`, each one exactly when the card falls due."""
    state, now, out = None, start, []
    for r in ratings:
        rated = S.rate(sched, state, 1, Rating(r), now)
        out.append(rated.interval)
        state = rated.after
        now = state.card.due if on_time else now
    return out, state


def test_new_card_previews_are_the_learning_steps_and_easy(sched):
    shown = {r: p.interval for r, p in S.preview(sched, None, 7, T0).items()}
    assert shown == {
        Rating.Again: 1 * MIN,  # first learning step
        Rating.Hard: timedelta(minutes=5, seconds=30),  # halfway between the two steps
        Rating.Good: 10 * MIN,  # second learning step
        Rating.Easy: REF.days(REF.W[3]) * DAY,  # straight to review: 8 days
    }
    assert REF.days(REF.W[3]) == 8


def test_good_every_time_on_the_due_day(sched):
    intervals, state = replay(sched, [3] * 7)
    # Reference: two learning steps, then S grows by the recall formula at R(t = interval).
    s, d = REF.same_day(REF.W[2], 3), REF.next_d(REF.d0(3), 3)
    expected = [10 * MIN, REF.days(s) * DAY]
    for _ in range(5):
        t = REF.days(s)
        s, d = REF.recall(d, s, REF.r(t, s), 3), REF.next_d(d, 3)
        expected.append(REF.days(s) * DAY)
    assert intervals == expected
    assert [i.days for i in intervals[1:]] == [2, 11, 46, 163, 498, 1348]  # pinned
    assert state.card.stability == pytest.approx(s, rel=1e-12)
    assert state.card.difficulty == pytest.approx(d, rel=1e-12)


def test_a_lapse_relearns_for_ten_minutes_then_restarts_shorter(sched):
    intervals, state = replay(sched, [3, 3, 3, 3, 1, 3])
    assert [i.days for i in intervals[:4]] == [0, 2, 11, 46]
    assert intervals[4] == 10 * MIN  # the relearning step
    # reference: forget at R(46 days), then a same-day Good on the relearning step
    s, d = REF.same_day(REF.W[2], 3), REF.next_d(REF.d0(3), 3)
    for _ in range(2):
        t = REF.days(s)
        s, d = REF.recall(d, s, REF.r(t, s), 3), REF.next_d(d, 3)
    forgot, d = REF.forget(d, s, REF.r(REF.days(s), s)), REF.next_d(d, 1)
    relearnt = REF.same_day(forgot, 3)
    assert intervals[5] == REF.days(relearnt) * DAY
    assert intervals[5] == 3 * DAY  # pinned
    assert state.lapses == 1 and state.card.state == State.Review


def test_hard_and_easy_scale_the_review_interval(sched):
    got = [replay(sched, [3, 3, g])[0][-1] for g in (2, 3, 4)]
    s, d = REF.same_day(REF.W[2], 3), REF.next_d(REF.d0(3), 3)
    r = REF.r(2, s)
    assert got == [REF.days(REF.recall(d, s, r, g)) * DAY for g in (2, 3, 4)]
    assert [i.days for i in got] == [8, 11, 19]  # pinned


def test_higher_desired_retention_means_shorter_intervals():
    def days(s: float, retention: float) -> int:
        return max(1, round(s / REF.FACTOR * (retention ** (1 / REF.DECAY) - 1)))

    intervals, _ = replay(S.make_scheduler(desired_retention=0.95), [3, 3, 3])
    s, d = REF.same_day(REF.W[2], 3), REF.next_d(REF.d0(3), 3)
    first = days(s, 0.95)
    second = days(REF.recall(d, s, REF.r(first, s), 3), 0.95)
    assert [i.days for i in intervals[1:]] == [first, second] == [1, 3]  # 2 and 11 at 0.9


def test_rating_log_and_states(sched):
    rated = S.rate(sched, None, 42, Rating.Good, T0, duration_ms=1500)
    assert rated.before is None
    assert rated.log.card_id == 42 and rated.log.rating == Rating.Good
    assert rated.log.review_datetime == T0 and rated.log.review_duration == 1500
    assert rated.after.reps == 1 and rated.after.introduced_at == T0
    assert rated.after.card.state == State.Learning and rated.after.card.step == 1


def test_times_must_be_aware_and_may_be_any_zone(sched):
    with pytest.raises(ValueError):
        S.rate(sched, None, 1, Rating.Good, datetime(2026, 1, 5, 9))
    paris = T0.astimezone(timezone(timedelta(hours=1)))
    assert S.rate(sched, None, 1, Rating.Easy, paris).after.card.due == T0 + 8 * DAY


def test_rating_from_a_graded_answer():
    assert S.rating_for(Outcome(True, "B", "B")) == Rating.Good
    assert S.rating_for(Outcome(False, "A", "B")) == Rating.Again
    with pytest.raises(ValueError):
        S.rating_for(Outcome(None, "", "B"))
    assert S.self_rated(Rating.Again).correct is False
    assert S.self_rated(Rating.Hard).correct is True


@pytest.mark.parametrize(
    ("text", "rating"),
    [("1", Rating.Again), (" 4 ", Rating.Easy), ("good", Rating.Good), ("Hard", Rating.Hard)],
)
def test_parse_rating(text, rating):
    assert S.parse_rating(text) == rating


@pytest.mark.parametrize("text", ["", "0", "5", "g", "3 3"])
def test_parse_rating_refuses(text):
    assert S.parse_rating(text) is None


def test_leech_rule():
    assert [n for n in range(1, 21) if S.is_leech(n)] == [8, 12, 16, 20]
    assert [n for n in range(1, 8) if S.is_leech(n, threshold=3)] == [3, 4, 5, 6, 7]
    assert not S.is_leech(100, threshold=0)


def _lapse(sched, state, now):
    """Forget a learnt card and relearn it: returns the state back in review, and the time."""
    state = S.rate(sched, state, 1, Rating.Again, now).after
    now = state.card.due
    state = S.rate(sched, state, 1, Rating.Good, now).after
    return state, state.card.due


def test_eighth_lapse_suspends_and_flags_a_leech(sched):
    _, state = replay(sched, [4])
    now = state.card.due
    for _ in range(7):
        state, now = _lapse(sched, state, now)
    assert state.lapses == 7 and not state.suspended
    rated = S.rate(sched, state, 1, Rating.Again, now)
    assert rated.after.lapses == 8 and rated.after.suspended and rated.after.leech
    assert rated.became_leech


def test_misses_while_learning_are_not_lapses(sched):
    _, state = replay(sched, [1] * 10, on_time=False)
    assert state.lapses == 0 and not state.suspended


# --- days and the queue ---------------------------------------------------------------------


def test_study_day_rolls_over_at_four_local_time():
    day = StudyDay(timedelta(hours=2), starts_at=4)  # UTC+2
    assert day.date_of(datetime(2026, 3, 10, 1, 59, tzinfo=UTC)) == date(2026, 3, 9)  # 03:59
    assert day.date_of(datetime(2026, 3, 10, 2, 0, tzinfo=UTC)) == date(2026, 3, 10)  # 04:00
    assert day.start(date(2026, 3, 10)) == datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    assert day.end_of(datetime(2026, 3, 10, 12, tzinfo=UTC)) == datetime(
        2026, 3, 11, 2, 0, tzinfo=UTC
    )
    assert day.shift_minutes == -120
    local = datetime(2026, 3, 10, 9, tzinfo=timezone(timedelta(hours=-5)))
    assert StudyDay.local_to(local).utc_offset == timedelta(hours=-5)


def _info(card_id, due, state=State.Review, suspended=False):
    return CardInfo(card_id, due, state, suspended)


def test_queue_due_first_most_overdue_first_then_new_in_bank_order():
    day = StudyDay()
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    cards = {
        1: _info(1, now - 1 * DAY),
        2: _info(2, now - 5 * DAY),
        3: _info(3, now + 10 * MIN, State.Learning),  # within the learn-ahead window
        4: _info(4, now + 2 * DAY),  # not due
        5: _info(5, now - 9 * DAY, suspended=True),
        6: _info(6, datetime(2026, 3, 11, 3, 59, tzinfo=UTC)),  # due later today (day ends 04:00)
        99: _info(99, now - 30 * DAY),  # its question left the bank
    }
    q = S.build_queue(
        [7, 1, 2, 3, 4, 5, 6, 8, 9], cards, now, day, new_per_day=2, introduced_today=0
    )
    assert [(e.card_id, e.new) for e in q.entries] == [
        (2, False),
        (1, False),
        (3, False),
        (6, False),
        (7, True),
        (8, True),
    ]
    assert q.due_total == 4 and q.new_unseen == 3 and q.new_left_today == 2
    assert q.next_due == now + 2 * DAY


def test_learning_card_due_in_an_hour_waits():
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    info = _info(1, now + 60 * MIN, State.Relearning)
    assert not S.is_due(info, now, StudyDay())
    assert S.is_due(info, now + 45 * MIN, StudyDay())


def test_queue_new_allowance_and_limit():
    now, day = T0, StudyDay()
    cards = {1: _info(1, now - DAY), 2: _info(2, now - DAY)}
    q = S.build_queue([1, 2, 3, 4, 5], cards, now, day, new_per_day=10, introduced_today=8)
    assert [e.card_id for e in q.entries] == [1, 2, 3, 4]
    q = S.build_queue([1, 2, 3, 4, 5], cards, now, day, new_per_day=10, introduced_today=0, limit=3)
    assert [e.card_id for e in q.entries] == [1, 2, 3]
    q = S.build_queue([1, 2, 3], cards, now, day, new_per_day=5, introduced_today=9, limit=1)
    assert [e.card_id for e in q.entries] == [1] and q.new_left_today == 0
    assert q.due_count == 1 and q.new_count == 0


def test_forecast_counts_overdue_today():
    now, day = datetime(2026, 3, 10, 9, tzinfo=UTC), StudyDay()
    cards = [
        _info(1, now - 3 * DAY),
        _info(2, now + 1 * MIN, State.Learning),
        _info(3, now + 1 * DAY),
        _info(4, now + 6 * DAY),
        _info(5, now + 7 * DAY),
        _info(6, now, suspended=True),
    ]
    assert S.forecast(cards, now, day) == [2, 1, 0, 0, 0, 0, 1]


def test_retrievability_follows_the_forgetting_curve(sched):
    _, state = replay(sched, [4])  # S = w3, reviewed at T0
    assert S.retrievability(sched, state, T0) == 1.0
    assert S.retrievability(sched, state, T0 + 8 * DAY) == pytest.approx(REF.r(8, REF.W[3]))
    info = CardInfo(1, state.card.due, state.card.state, False, REF.W[3], T0)
    assert S.retrievability(sched, info, T0 + 30 * DAY) == pytest.approx(REF.r(30, REF.W[3]))


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=20), (20, "s")),
        (timedelta(seconds=59.6), (1, "m")),
        (timedelta(minutes=5, seconds=30), (6, "m")),
        (10 * MIN, (10, "m")),
        (timedelta(hours=5), (5, "h")),
        (DAY, (1, "d")),
        (29 * DAY, (29, "d")),
        (45 * DAY, (1.5, "mo")),
        (400 * DAY, (1.1, "y")),
    ],
)
def test_interval_parts(delta, shown):
    assert S.interval_parts(delta) == shown


# --- one sitting ------------------------------------------------------------------------------


def test_again_comes_back_at_the_end_and_undo_puts_things_back(sched):
    session = ReviewSession([QueueEntry(1, True), QueueEntry(2, True), QueueEntry(3, False)])
    assert (session.position, session.total) == (1, 3)
    again = S.rate(sched, None, 1, Rating.Again, T0)
    assert session.rated(10, again, T0) is True
    assert [e.card_id for e in session.pending] == [2, 3, 1]
    easy = S.rate(sched, None, 2, Rating.Easy, T0)
    assert session.rated(11, easy, T0) is False
    assert [e.card_id for e in session.pending] == [3, 1]
    assert session.position == 3

    last = session.undone()
    assert last.review_id == 11 and [e.card_id for e in session.pending] == [2, 3, 1]
    last = session.undone()
    assert last.review_id == 10 and [e.card_id for e in session.pending] == [1, 2, 3]
    assert session.current == QueueEntry(1, True) and not session.repeat


def test_a_returning_card_keeps_its_number(sched):
    session = ReviewSession([QueueEntry(1, True), QueueEntry(2, True)])
    session.rated(1, S.rate(sched, None, 1, Rating.Good, T0), T0)  # 10 min: comes back
    session.skip()
    assert session.current.card_id == 1 and session.position == 1 and session.repeat
    summary = session.summary()
    assert summary.ratings == 1 and summary.skipped == 1 and summary.not_reached == 1
    assert summary.by_rating[Rating.Good] == 1 and summary.new == 1


# --- settling a stored rating (what the store runs under its write lock) -----------------------


def _request(sched, shown, rating, now, **extra):
    q = CardQuestion(bank_id="b", id="c", topic="t", prompt="front", back="back")
    return CardRating(
        7, rating, question=q, outcome=S.self_rated(rating), seconds=1.5, now=now, scheduler=sched,
        shown=shown, **extra,
    )  # fmt: skip


def test_settling_keeps_the_preview_shown_when_the_stored_state_is_the_one_shown():
    fuzzy = S.make_scheduler(fuzz=True)
    shown = S.rate(fuzzy, None, 7, Rating.Easy, T0).after
    later = T0 + timedelta(days=30)
    preview = S.preview(fuzzy, shown, 7, later)[Rating.Good]
    rated = settle(_request(fuzzy, shown, Rating.Good, later, preview=preview), shown)
    assert rated.after == preview.after and rated.log.review_duration == 1500


def test_settling_on_a_state_changed_since_it_was_shown_builds_on_the_stored_one(sched):
    shown = S.rate(sched, None, 7, Rating.Good, T0).after
    stored = S.rate(sched, shown, 7, Rating.Good, T0 + timedelta(minutes=10)).after  # elsewhere
    later = T0 + timedelta(days=1)
    preview = S.preview(sched, shown, 7, later)[Rating.Good]
    target = planning.Target(date(2026, 1, 8), buffer_days=1)
    day = StudyDay()
    shortening = planning.Shortening(target, day, {})
    request = _request(sched, shown, Rating.Good, later, preview=preview, shortening=shortening)
    rated = settle(request, stored)
    assert rated.before == stored and rated.after.reps == stored.reps + 1
    fresh = S.rate(sched, stored, 7, Rating.Good, later, duration_ms=1500)
    assert rated == planning.shorten(fresh, target, day, {})  # the plan's rule, applied once
    assert day.date_of(rated.after.card.due) == date(2026, 1, 7) < day.date_of(fresh.after.card.due)


def test_retrievability_of_plain_columns_is_py_fsrs_own_to_the_last_bit():
    import random

    from refresher.srs.optimize import default_parameters

    rng = random.Random(3)
    fitted = list(default_parameters())
    fitted[20] = 0.35  # a learner's own decay, not the default
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    for params in (None, tuple(fitted)):
        scheduler = S.make_scheduler(fuzz=False, parameters=params)
        for k in range(300):
            last = now - timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
            stability = rng.choice([0.01, 0.5, 1.0, 3.7, 40.0, 365.0, rng.uniform(0.1, 900)])
            info = CardInfo(k, last + timedelta(days=3), State.Review, False, stability, last)
            card = S.Card(card_id=k, state=State.Review, stability=stability, due=info.due,
                          last_review=last)  # fmt: skip
            assert S.retrievability(scheduler, info, now) == scheduler.get_card_retrievability(
                card, now
            )
    never = CardInfo(1, now, State.Learning)
    assert S.retrievability(S.make_scheduler(), never, now) == 0.0
