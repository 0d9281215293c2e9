"""Study statistics, computed from the rows the store returns: activity per day, accuracy overall,
by topic and by type, the weakest questions, the due forecast, the streak, leeches.

Practice adds first-try accuracy (a second try, an overruled answer) and the named mistakes
made most often on numeric answers.

Pure: `now`, the study day and the scheduler come in as arguments. "Attempts" are answers given
in quizzes; "reviews" are ratings given in `review` (whose answers also count toward accuracy).
Questions that left their bank keep their history in the totals but are no longer due, weak or
leeches: only questions that still exist appear by name.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from refresher.core.model import Question
from refresher.kinds.numeric.names import label_of
from refresher.srs.optimize import ModelFit
from refresher.srs.planning import Readiness
from refresher.srs.schedule import (
    RATING_NAMES,
    RATINGS,
    CardInfo,
    Rating,
    Scheduler,
    State,
    StudyDay,
    forecast,
    recall_curve,
)

WEAKEST = 10
MISTAKES = 8  # the most frequent named mistakes listed
FORECAST_DAYS = 7
HEATMAP_DAYS = 365
RETENTION_WINDOWS = {"today": 1, "7d": 7, "30d": 30}  # true retention over these study days
# (label, upper bound in days): cards by stability, the last bucket open-ended
STABILITY_BUCKETS = (
    ("< 1 d", 1.0),
    ("1-7 d", 7.0),
    ("1-4 wk", 30.0),
    ("1-3 mo", 90.0),
    ("3-12 mo", 365.0),
    ("1 y +", float("inf")),
)
DIFFICULTY_BUCKETS = tuple((f"{k}-{k + 1}", float(k + 1)) for k in range(1, 10))


class Accuracy(msgspec.Struct, frozen=True):
    right: int = 0
    answered: int = 0

    @property
    def fraction(self) -> float | None:
        return self.right / self.answered if self.answered else None

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.right + other.right, self.answered + other.answered)

    def to_dict(self) -> dict[str, Any]:
        frac = self.fraction
        return {
            "right": self.right,
            "answered": self.answered,
            "accuracy": None if frac is None else round(frac, 4),
        }


class DayActivity(msgspec.Struct, frozen=True):
    day: date
    answers: int = 0
    reviews: int = 0

    @property
    def total(self) -> int:
        return self.answers + self.reviews


class QuestionStat(msgspec.Struct, frozen=True):
    card_id: int
    question: Question
    missed: int
    answered: int
    retrievability: float | None  # None: never reviewed

    @property
    def key(self) -> str:
        return self.question.key


class Leech(msgspec.Struct, frozen=True):
    card_id: int
    question: Question
    lapses: int
    suspended: bool


class Flagged(msgspec.Struct, frozen=True):
    """A question the learner flagged to look at again, and the day it was flagged."""

    question: Question
    day: date


class CardCounts(msgspec.Struct, frozen=True):
    new: int = 0
    learning: int = 0
    review: int = 0
    suspended: int = 0
    relearning: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review + self.relearning + self.suspended

    def to_dict(self) -> dict[str, int]:
        return {
            "new": self.new,
            "learning": self.learning,
            "review": self.review,
            "relearning": self.relearning,
            "suspended": self.suspended,
            "total": self.total,
        }


def card_counts(
    question_ids: Iterable[int | None], cards: Mapping[int, CardInfo], unseen: int = 0
) -> CardCounts:
    """Cards by state; a question without a card (or without an id) is new."""
    n = {"new": unseen, "learning": 0, "review": 0, "relearning": 0, "suspended": 0}
    names = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
    for card_id in question_ids:
        info = None if card_id is None else cards.get(card_id)
        if info is None:
            n["new"] += 1
        elif info.suspended:
            n["suspended"] += 1
        else:
            n[names[info.state]] += 1
    return CardCounts(**n)


class Heatmap(msgspec.Struct, frozen=True):
    """Study activity (answers + reviews) on each of the days from `first`, oldest first."""

    first: date
    counts: tuple[int, ...]

    @property
    def last(self) -> date:
        return self.first + timedelta(days=len(self.counts) - 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "counts": list(self.counts),
        }


class Memory(msgspec.Struct, frozen=True):
    """What the scheduler believes you know: stability and difficulty spreads, and the total."""

    stability: tuple[tuple[str, int], ...] = ()
    difficulty: tuple[tuple[str, int], ...] = ()
    knowledge: float = 0.0  # sum of retrievability now over studied cards
    studied: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "stability_days": dict(self.stability),
            "difficulty": dict(self.difficulty),
            "total_knowledge": round(self.knowledge, 2),
            "studied": self.studied,
        }


def buckets(
    values: Iterable[float], edges: Sequence[tuple[str, float]]
) -> tuple[tuple[str, int], ...]:
    """How many `values` fall under each (label, upper bound), in order."""
    uppers = [upper for _, upper in edges]
    last = len(edges) - 1
    counts = [0] * len(edges)
    for v in values:  # the first bound above v; past every bound (a NaN too): the last
        k = bisect_right(uppers, v)
        counts[k if k < last else last] += 1
    return tuple((label, n) for (label, _), n in zip(edges, counts, strict=True))


class Stats(msgspec.Struct, frozen=True):
    bank: str | None
    days: int
    first_day: date
    today: date
    daily: tuple[DayActivity, ...]
    accuracy: Accuracy
    by_topic: dict[str, Accuracy]
    by_type: dict[str, Accuracy]
    ratings: dict[Rating, int]
    forecast: tuple[int, ...]
    streak_days: int
    studied_today: bool
    weakest: tuple[QuestionStat, ...]
    leeches: tuple[Leech, ...]
    cards: CardCounts
    topic_names: dict[str, str] = msgspec.field(default_factory=dict)
    first_try: Accuracy = Accuracy()  # right at the first try, of all graded answers
    overruled: int = 0  # wrong answers the learner counted right
    mistakes: tuple[tuple[str, int], ...] = ()  # named mistake, times made; most frequent first
    desired_retention: float = 0.9
    true_retention: dict[str, Accuracy] = msgspec.field(
        default_factory=dict
    )  # window -> recalled/rated
    heatmap: Heatmap | None = None
    memory: Memory = msgspec.field(default_factory=Memory)
    seconds_per_answer: float | None = None  # mean over the answers of the period
    readiness: Readiness | None = None
    interview_date: date | None = None
    model_fit: ModelFit | None = None  # how well the FSRS parameters in force fit the history
    flagged: tuple[Flagged, ...] = ()  # oldest flag first

    @property
    def attempts(self) -> int:
        return sum(d.answers for d in self.daily)

    @property
    def reviews(self) -> int:
        return sum(d.reviews for d in self.daily)

    @property
    def due_today(self) -> int:
        return self.forecast[0] if self.forecast else 0

    def to_dict(self) -> dict[str, Any]:
        frac = self.accuracy.fraction
        return {
            "bank": self.bank,
            "days": self.days,
            "from": self.first_day.isoformat(),
            "to": self.today.isoformat(),
            "attempts": self.attempts,
            "reviews": self.reviews,
            "accuracy": None if frac is None else round(frac, 4),
            "answered": self.accuracy.answered,
            "right": self.accuracy.right,
            "by_topic": {k: v.to_dict() for k, v in self.by_topic.items()},
            "by_type": {k: v.to_dict() for k, v in self.by_type.items()},
            "ratings": {RATING_NAMES[r].lower(): n for r, n in self.ratings.items()},
            "daily": [
                {"date": d.day.isoformat(), "answers": d.answers, "reviews": d.reviews}
                for d in self.daily
            ],
            "due_today": self.due_today,
            "forecast": list(self.forecast),
            "streak_days": self.streak_days,
            "studied_today": self.studied_today,
            "weakest": [w.key for w in self.weakest],
            "weakest_detail": [
                {
                    "question": w.key,
                    "card_id": w.card_id,
                    "missed": w.missed,
                    "answered": w.answered,
                    "retrievability": None
                    if w.retrievability is None
                    else round(w.retrievability, 4),
                }
                for w in self.weakest
            ],
            "leeches": [
                {
                    "card_id": x.card_id,
                    "question": x.question.key,
                    "lapses": x.lapses,
                    "suspended": x.suspended,
                }
                for x in self.leeches
            ],
            "flagged": [
                {"question": f.question.key, "flagged_on": f.day.isoformat()} for f in self.flagged
            ],
            "first_try": self.first_try.to_dict(),
            "overruled": self.overruled,
            "mistakes": [
                {"mistake": name, "label": label_of(name), "count": n} for name, n in self.mistakes
            ],
            "cards": self.cards.to_dict(),
            "desired_retention": self.desired_retention,
            "true_retention": {
                k: {
                    "recalled": v.right,
                    "rated": v.answered,
                    "retention": None if v.fraction is None else round(v.fraction, 4),
                }
                for k, v in self.true_retention.items()
            },
            "heatmap": None if self.heatmap is None else self.heatmap.to_dict(),
            **self.memory.to_dict(),
            "seconds_per_answer": None
            if self.seconds_per_answer is None
            else round(self.seconds_per_answer, 2),
            "interview_date": None if self.interview_date is None else str(self.interview_date),
            "readiness": None if self.readiness is None else round(self.readiness.overall, 6),
            "readiness_at": None if self.readiness is None else self.readiness.at.isoformat(),
            "readiness_by_topic": {}
            if self.readiness is None
            else {k: round(v, 6) for k, v in self.readiness.by_topic.items()},
            "model_fit": None if self.model_fit is None else self.model_fit.to_dict(),
        }


def window_start(now: datetime, day: StudyDay, days: int) -> datetime:
    """The UTC instant the window of the last `days` study days (today included) begins."""
    return day.start(day.date_of(now) - timedelta(days=days - 1))


def streak(fetch: Callable[[date], set[date]], today: date) -> tuple[int, bool]:
    """(consecutive study days up to today, whether today is one of them).

    A streak still counts until a day ends without study, so yesterday's streak holds today.
    `fetch(since)` returns the study days on or after `since`; it is asked for a short span
    first and a longer one only while the streak reaches its start.
    """
    span = 64
    while True:
        since = today - timedelta(days=span)
        studied = fetch(since)
        start = today if today in studied else today - timedelta(days=1)
        n = 0
        while start - timedelta(days=n) in studied:
            n += 1
        if start - timedelta(days=n) >= since or span > 365 * 100:
            return n, today in studied
        span *= 4


def compute(
    *,
    now: datetime,
    day: StudyDay,
    days: int,
    scheduler: Scheduler,
    bank: str | None,
    questions: Mapping[int, Question],
    daily_rows: Iterable[tuple[str, int, int]],
    accuracy_rows: Iterable[tuple[int, str, str, int, int]],
    rating_counts: Mapping[int, int],
    cards: Mapping[int, CardInfo],
    study_streak: tuple[int, bool],
    unseen: int = 0,
    topic_names: Mapping[str, str] | None = None,
    first_try: tuple[int, int, int] = (0, 0, 0),
    mistake_rows: Iterable[tuple[str, int]] = (),
    retention_rows: Mapping[str, tuple[int, int]] | None = None,
    heatmap_rows: Iterable[tuple[str, int, int]] | None = None,
    memory_rows: Mapping[int, tuple[float, float]] | None = None,
    answer_time: tuple[float, int] = (0.0, 0),
    readiness: Readiness | None = None,
    interview_date: date | None = None,
) -> Stats:
    """Stats over the last `days` study days for `questions` (card id -> question: the ones
    that still exist in scope and have an id); `unseen` more have never been asked at all.
    Rows are as the store's stats queries return them."""
    today = day.date_of(now)
    first = today - timedelta(days=days - 1)
    seen = {date.fromisoformat(d): (a, r) for d, a, r in daily_rows}
    daily = tuple(
        DayActivity(d, *seen.get(d, (0, 0)))
        for d in (first + timedelta(days=k) for k in range(days))
    )

    # plain [right, answered] sums while counting (thousands of rows), Accuracy at the end
    right_total = answered_total = 0
    topic_sums: dict[str, list[int]] = {}
    type_sums: dict[str, list[int]] = {}
    card_sums: dict[int, list[int]] = {}
    for card_id, topic, qtype, right, answered in accuracy_rows:
        right_total += right
        answered_total += answered
        for sums, key in ((topic_sums, topic), (type_sums, qtype), (card_sums, card_id)):
            acc = sums.get(key)
            if acc is None:
                sums[key] = [right, answered]
            else:
                acc[0] += right
                acc[1] += answered
    total = Accuracy(right_total, answered_total)
    by_topic = {k: Accuracy(*v) for k, v in topic_sums.items()}
    by_type = {k: Accuracy(*v) for k, v in type_sums.items()}

    live = {k: v for k, v in cards.items() if k in questions}
    counts = card_counts(questions, live, unseen)

    heatmap = None
    if heatmap_rows is not None:
        heat_first = today - timedelta(days=HEATMAP_DAYS - 1)
        per_day = {date.fromisoformat(d): a + r for d, a, r in heatmap_rows}
        heatmap = Heatmap(
            heat_first,
            tuple(per_day.get(heat_first + timedelta(days=k), 0) for k in range(HEATMAP_DAYS)),
        )
    recall = recall_curve(scheduler, now)
    recalls = {k: recall(c) for k, c in live.items() if c.last_review is not None}
    studied = [c for c in live.values() if c.last_review is not None and c.stability is not None]
    mem = {k: v for k, v in (memory_rows or {}).items() if k in live}
    memory = Memory(
        stability=buckets((s for s, _ in mem.values()), STABILITY_BUCKETS),
        difficulty=buckets((d for _, d in mem.values()), DIFFICULTY_BUCKETS),
        knowledge=sum(recalls.values()),  # a card without a stability adds 0.0
        studied=len(studied),
    )
    total_seconds, timed = answer_time

    weak: list[QuestionStat] = []
    desired = scheduler.desired_retention
    for card_id, q in questions.items():
        right, answered = card_sums.get(card_id, (0, 0))
        r = recalls.get(card_id)
        missed = answered - right
        if missed > 0 or (r is not None and r < desired):
            weak.append(QuestionStat(card_id, q, missed, answered, r))
    weak.sort(
        key=lambda w: (
            -w.missed,
            -(w.missed / w.answered if w.answered else 0.0),
            1.0 if w.retrievability is None else w.retrievability,
            w.key,
        )
    )

    leeches = sorted(
        (Leech(k, questions[k], c.lapses, c.suspended) for k, c in live.items() if c.leech),
        key=lambda x: (-x.lapses, x.question.key),
    )

    return Stats(
        bank=bank,
        days=days,
        first_day=first,
        today=today,
        daily=daily,
        accuracy=total,
        by_topic=dict(sorted(by_topic.items())),
        by_type=dict(sorted(by_type.items())),
        ratings={r: int(rating_counts.get(int(r), 0)) for r in RATINGS},
        forecast=tuple(forecast(live.values(), now, day, FORECAST_DAYS)),
        streak_days=study_streak[0],
        studied_today=study_streak[1],
        weakest=tuple(weak[:WEAKEST]),
        leeches=tuple(leeches),
        cards=counts,
        topic_names=dict(topic_names or {}),
        first_try=Accuracy(first_try[1], first_try[0]),
        overruled=first_try[2],
        mistakes=tuple((str(name), int(n)) for name, n in mistake_rows)[:MISTAKES],
        desired_retention=scheduler.desired_retention,
        true_retention={k: Accuracy(*v) for k, v in (retention_rows or {}).items()},
        heatmap=heatmap,
        memory=memory,
        seconds_per_answer=total_seconds / timed if timed else None,
        readiness=readiness,
        interview_date=interview_date,
    )
