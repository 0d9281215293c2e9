"""Planning toward an interview (app layer): `refresher plan`, and the policy `review` follows.

`Policy` is what a review sitting asks while an interview date is set: the retention in force,
the order of new cards, today's new cards and review cap, and the shortening of intervals that
would reach past the date (the rules are `refresher.srs.planning`'s). `compute()` gathers what
`refresher plan` shows; `readiness()` is the one readiness number `plan` and `stats` both give.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from refresher.app import banks as bank_access
from refresher.app import settings as app_settings
from refresher.core import limits
from refresher.core.errors import RefresherError
from refresher.core.model import Bank, Question
from refresher.env import config
from refresher.env.clock import local_now
from refresher.env.config import Config
from refresher.srs import forecast, planning, schedule
from refresher.srs.forecast import Forecast
from refresher.srs.planning import Readiness, Shortening, Target
from refresher.srs.schedule import CardInfo, Queue, Scheduler, StudyDay
from refresher.srs.stats import CardCounts, card_counts
from refresher.storage.store import Store, open_store

SECONDS_SAMPLE = 200  # the learner's last answers the time estimate is the median of
SECONDS_MIN_ANSWERS = 5  # fewer than this: the stated default


def target_of(settings: Config, interview: date | None = None) -> Target | None:
    """The interview target: `interview` (a `--date`) or the `interview_date` setting."""
    day = interview if interview is not None else settings.interview_date
    if day is None:
        return None
    return Target(day, settings.buffer_days, settings.final_retention)


def parse_date(text: str) -> date:
    """A `--date` value as YYYY-MM-DD. Raises RefresherError."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise RefresherError(f"--date: '{text}' is not a date as YYYY-MM-DD") from None
    if not limits.YEAR_MIN < value.year < limits.YEAR_MAX:
        raise RefresherError(f"--date: {value} is outside the years refresher handles")
    return value


@dataclass(frozen=True)
class QueueRules:
    """What the plan asks of today's queue."""

    new_per_day: int  # new cards in all today (introduced ones included)
    review_room: int  # review-state cards still allowed today
    recall: Callable[[CardInfo], float]

    def queue(
        self,
        selection: Sequence[int],
        cards: Mapping[int, CardInfo],
        now: datetime,
        day: StudyDay,
        *,
        introduced_today: int,
        limit: int | None = None,
    ) -> Queue:
        """Today's queue over `selection` under these rules (`schedule.build_queue`)."""
        return schedule.build_queue(
            selection,
            cards,
            now,
            day,
            new_per_day=self.new_per_day,
            introduced_today=introduced_today,
            limit=limit,
            review_room=self.review_room,
            recall=self.recall,
        )


class Policy:
    """Scheduling for a review sitting: plain FSRS without a date (or once it has come), and
    toward the date while it is ahead."""

    def __init__(self, settings: Config, interview: date | None = None):
        self.settings = settings
        self.target = target_of(settings, interview)

    def day(self, now: datetime) -> StudyDay:
        return StudyDay.local_to(now, self.settings.day_starts_at)

    def active(self, now: datetime) -> bool:
        return self.target is not None and self.target.active(self.day(now).date_of(now))

    def scheduler(self, now: datetime) -> Scheduler:
        """py-fsrs with the retention in force today (raised in the final days)."""
        today = self.day(now).date_of(now)
        retention = planning.retention_for(self.target, today, self.settings.desired_retention)
        return schedule.make_scheduler(
            desired_retention=retention,
            fuzz=self.settings.fuzz,
            parameters=self.settings.parameters,
        )

    def order(self, questions: Sequence[Question], ids: Mapping[str, int], seed: int) -> list[int]:
        """Card ids in the order new cards are introduced (`new_order`)."""
        items = [(ids[q.id], q.topic, q.type) for q in questions]
        return planning.new_order(items, self.settings.new_order, seed)

    def queue_rules(
        self,
        store: Store,
        bank: str,
        unseen: int,
        now: datetime,
        per_day: int,
    ) -> QueueRules:
        """Today's rules; `unseen`: the questions in play never studied yet, whether or not
        the store has given them a card id."""
        day = self.day(now)
        today = day.date_of(now)
        start, end = day.start(today), day.start(today + timedelta(days=1))
        pace_today = 0
        if self.target is not None and self.target.active(today):
            introduced = store.introduced_between(start, end, bank)
            pace_today = planning.pace(self.target, today, unseen + introduced)
        done = store.review_ratings_between(start, end, bank)
        scheduler = self.scheduler(now)
        room = max(0, self.settings.max_reviews_per_day - done)
        warm_up = planning.warm_up_room(self.target, today, self.settings.interview_warm_up, done)
        if warm_up is not None:
            room = min(room, warm_up)
        allowed = planning.new_cards_allowed(self.target, today)
        return QueueRules(
            new_per_day=max(per_day, pace_today) if allowed else 0,
            review_room=room,
            recall=lambda info: planning.recall_at(scheduler, info, now),
        )

    def shortening(self, store: Store, bank: str, now: datetime) -> Shortening | None:
        """The shortening of intervals past the date, with the loads of the landing days as
        stored now; None when no date is ahead."""
        target = self.target
        day = self.day(now)
        today = day.date_of(now)
        if target is None or not target.active(today):
            return None
        landing = target.landing_days(today)
        times = store.due_between(
            day.start(landing[0]), day.start(landing[-1] + timedelta(days=1)), bank
        )
        loads = dict.fromkeys(landing, 0)
        for t in times:
            d = day.date_of(datetime.fromisoformat(t))
            if d in loads:
                loads[d] += 1
        return Shortening(target, day, loads)


# --- readiness ------------------------------------------------------------------------------------


def readiness_moment(target: Target | None, now: datetime, day: StudyDay) -> datetime:
    """When readiness is measured: the interview morning while it is ahead, else now."""
    if target is not None and target.active(day.date_of(now)):
        return target.morning(day)
    return now


def readiness(
    store: Store,
    banks: Iterable[Bank],
    at: datetime,
    cards: Mapping[int, CardInfo] | None = None,
    settings: Config | None = None,
    *,
    by_bank: bool = False,
) -> Readiness:
    """Readiness at `at` over every question of `banks` (never studied: 0), with the FSRS
    parameters in force for each bank in `settings` (None: the defaults); with `by_bank`, its
    topics are keyed `bank/topic` (two banks may both have a topic `rnn`)."""
    pairs: list[tuple[str, CardInfo | None]] = []
    schedulers: list[Scheduler] = []
    made: dict[tuple[float, ...] | None, Scheduler] = {}
    for b in banks:
        params = None if settings is None else config.parameters_for(settings, b.id)
        if params not in made:
            made[params] = schedule.make_scheduler(parameters=params)
        known = store.known_ids(b.id)
        infos = cards if cards is not None else store.card_infos(b.id)
        for q in b.questions:
            card_id = known.get(q.id)
            topic = f"{b.id}/{q.topic}" if by_bank else q.topic
            pairs.append((topic, None if card_id is None else infos.get(card_id)))
            schedulers.append(made[params])
    return planning.readiness(schedulers, pairs, at)


# --- `refresher plan` -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    bank: str
    title: str
    now: datetime
    today: date
    target: Target | None
    status: str  # "none" (no date), "ahead", "passed" (the day has come)
    passed_note: bool  # the one-time "plain FSRS again" note is due now
    saved_date: date | None  # the date in the settings (what `review` follows)
    cards: CardCounts
    pace: int  # new cards a day the plan needs (0 without a date)
    new_per_day: int  # the setting
    new_today: int  # new cards planned today, in all
    introduced_today: int
    new_left: int
    due_today: int  # due now, under the cap
    held_back: int
    review_cap: int
    backlog_days: int  # days the cap spreads today's held-back cards over
    seconds_per_answer: float
    seconds_from_history: bool
    desired_retention: float
    retention_today: float
    readiness_now: Readiness
    readiness: Readiness  # at the interview morning (at now without a date ahead)
    topic_names: dict[str, str]
    given_date: bool = False  # the target is a `--date` other than the saved one
    left_out: int = 0  # cards never introduced that the buffer days keep out until after the date
    forecast: Forecast | None = None  # the coming days simulated (minutes, readiness if followed)

    @property
    def days_left(self) -> int | None:
        return None if self.target is None else self.target.days_left(self.today)

    @property
    def target_today(self) -> int:
        return self.due_today + self.new_left

    @property
    def minutes_today(self) -> float:
        return self.target_today * self.seconds_per_answer / 60

    @property
    def weakest_topics(self) -> list[str]:
        return self.readiness.weakest()

    def to_dict(self) -> dict[str, Any]:
        t = self.target
        return {
            "bank": self.bank,
            "today": self.today.isoformat(),
            "interview_date": None if t is None else t.day.isoformat(),
            "status": self.status,
            "days_left": self.days_left,
            "buffer_days": None if t is None else t.buffer_days,
            "buffer_from": None if t is None else t.buffer_start.isoformat(),
            "cards": self.cards.to_dict(),
            "pace": self.pace,
            "new_per_day": self.new_per_day,
            "today_plan": {
                "due": self.due_today,
                "new": self.new_left,
                "new_introduced": self.introduced_today,
                "total": self.target_today,
                "held_back": self.held_back,
                "review_cap": self.review_cap,
                "backlog_days": self.backlog_days,
                "minutes": round(self.minutes_today, 1),
                "seconds_per_answer": round(self.seconds_per_answer, 2),
                "seconds_from": "history" if self.seconds_from_history else "default",
            },
            "desired_retention": self.desired_retention,
            "retention_today": self.retention_today,
            "readiness_today": round(self.readiness_now.overall, 6),
            "readiness": round(self.readiness.overall, 6),
            "readiness_at": self.readiness.at.isoformat(),
            "readiness_by_topic": {k: round(v, 6) for k, v in self.readiness.by_topic.items()},
            "readiness_today_by_topic": {
                k: round(v, 6) for k, v in self.readiness_now.by_topic.items()
            },
            "weakest_topics": self.weakest_topics,
            "date_given": self.given_date,
            "left_out": self.left_out,
            "forecast": None if self.forecast is None else self.forecast.to_dict(),
        }


def seconds_per_answer(store: Store) -> tuple[float, bool]:
    """(the learner's median seconds per answer, whether from history) or the default."""
    recent = store.recent_answer_seconds(SECONDS_SAMPLE)
    if len(recent) < SECONDS_MIN_ANSWERS:
        return planning.DEFAULT_SECONDS, False
    return float(statistics.median(recent)), True


def compute(
    store: Store,
    bank: Bank,
    settings: Config,
    now: datetime,
    interview: date | None = None,
    *,
    remember_note: bool = True,
) -> Plan:
    """The plan for `bank` at `now`, toward `interview` (else the `interview_date` setting)."""
    settings = config.for_bank(settings, bank.id)
    policy = Policy(settings, interview)
    target = policy.target
    day = policy.day(now)
    today = day.date_of(now)
    ids = store.known_ids(bank.id)
    cards = store.card_infos(bank.id)
    question_ids = [ids.get(q.id) for q in bank.questions]
    selection = [k for k in question_ids if k is not None]
    counts = card_counts(question_ids, cards)

    status = "none" if target is None else ("ahead" if target.active(today) else "passed")
    passed_note = False
    given = interview is not None and interview != settings.interview_date
    if status == "passed" and target is not None and remember_note and not given:
        passed_note = store.notice_once(f"plan-passed:{bank.id}:{target.day}", now)

    start, end = day.start(today), day.start(today + timedelta(days=1))
    introduced = store.introduced_between(start, end, bank.id)
    pace_today = 0
    if status == "ahead" and target is not None:
        pace_today = planning.pace(target, today, counts.new + introduced)
    rules = policy.queue_rules(store, bank.id, counts.new, now, settings.new_per_day)
    queue = rules.queue(selection, cards, now, day, introduced_today=introduced)
    new_left = min(queue.new_left_today, counts.new)
    seconds, from_history = seconds_per_answer(store)
    at = readiness_moment(target, now, day)
    return Plan(
        bank=bank.id,
        title=bank.title,
        now=now,
        today=today,
        target=target,
        status=status,
        passed_note=passed_note,
        saved_date=settings.interview_date,
        cards=counts,
        pace=pace_today,
        new_per_day=settings.new_per_day,
        new_today=rules.new_per_day,
        introduced_today=introduced,
        new_left=new_left,
        due_today=queue.due_total,
        held_back=queue.held_back,
        review_cap=settings.max_reviews_per_day,
        backlog_days=planning.backlog_days(queue.held_back, settings.max_reviews_per_day),
        seconds_per_answer=seconds,
        seconds_from_history=from_history,
        desired_retention=settings.desired_retention,
        retention_today=planning.retention_for(target, today, settings.desired_retention),
        readiness_now=readiness(store, [bank], now, cards, settings),
        readiness=readiness(store, [bank], at, cards, settings),
        topic_names=dict(bank.topics),
        given_date=given,
        left_out=counts.new if target is not None and target.in_buffer(today) else 0,
        forecast=workload(store, bank, settings, policy, now, question_ids, cards, seconds),
    )


FORECAST_DAYS = 14  # without a date ahead


def workload(
    store: Store,
    bank: Bank,
    settings: Config,
    policy: Policy,
    now: datetime,
    question_ids: Sequence[int | None],
    cards: Mapping[int, CardInfo],
    seconds: float,
) -> Forecast:
    """The coming days simulated with the parameters in force, the retention and the pace of
    the plan (seeded), until the interview day (else `FORECAST_DAYS`)."""
    target = policy.target
    day = policy.day(now)
    today = day.date_of(now)
    memory = store.card_memory(bank.id)
    fsrs_cards = {}
    for k, info in cards.items():
        if info.suspended or k not in memory or info.last_review is None:
            continue
        stability, difficulty = memory[k]
        fsrs_cards[k] = schedule.Card(
            card_id=k, state=info.state, step=0 if info.state != schedule.State.Review else None,
            stability=stability, difficulty=difficulty, due=info.due, last_review=info.last_review,
        )  # fmt: skip
    unseen = [k for k in question_ids if k is None or k not in cards]
    unseen_ids = [-(n + 1) if k is None else k for n, k in enumerate(unseen)]
    ahead = target is not None and target.active(today)
    days = target.days_left(today) if ahead and target is not None else FORECAST_DAYS
    schedulers: dict[float, Scheduler] = {}

    def scheduler_on(d: date) -> Scheduler:
        r = planning.retention_for(target, d, settings.desired_retention)
        if r not in schedulers:
            schedulers[r] = schedule.make_scheduler(
                desired_retention=r, parameters=settings.parameters
            )
        return schedulers[r]

    def new_on(d: date, waiting: int) -> int:
        if not planning.new_cards_allowed(target, d):
            return 0
        pace = planning.pace(target, d, waiting) if ahead and target is not None else 0
        return max(settings.new_per_day, pace)

    return forecast.simulate(
        fsrs_cards,
        unseen_ids,
        today,
        day,
        days=days,
        scheduler_on=scheduler_on,
        new_on=new_on,
        seconds_per_answer=seconds,
        morning=target.morning(day) if ahead and target is not None else None,
        questions=len(question_ids),
    )


def gather(
    name: str | None,
    interview: str | None = None,
    home: Path | None = None,
    *,
    remember_note: bool = True,
) -> Plan:
    """The plan for the bank `name` (id or file; the bundled bank by default), as of now."""
    when = None if interview is None else parse_date(interview)
    bank = bank_access.open_bank(name, home)
    settings = app_settings.load(home)
    now = local_now()
    with open_store(home) as store:
        return compute(store, bank, settings, now, when, remember_note=remember_note)
