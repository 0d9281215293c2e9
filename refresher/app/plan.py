"""Planning toward an interview (app layer): `refresher plan`, and the policy `review` follows.

`Policy` is what a review sitting asks while an interview date is set: the retention in force,
the order of new cards, today's new cards and review cap, and the shortening of intervals that
would reach past the date (the rules are `refresher.srs.planning`'s). `compute()` gathers what
`refresher plan` shows; `readiness()` is the one readiness number `plan` and `stats` both give.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from refresher.app import banks as bank_access
from refresher.app import settings as app_settings
from refresher.core import limits
from refresher.core.errors import RefresherError
from refresher.core.model import Bank, Question
from refresher.core.values import replace
from refresher.env import config
from refresher.env.clock import local_now
from refresher.env.config import Config
from refresher.srs import planning, schedule
from refresher.srs.lean import LeanCard
from refresher.srs.planning import Readiness, Shortening, Target
from refresher.srs.schedule import CardInfo, Queue, Scheduler, StudyDay

if TYPE_CHECKING:  # `review` builds its queue through `Policy` and needs no stats
    from refresher.srs.forecast import Forecast
    from refresher.srs.stats import CardCounts
from refresher.storage.cards import CardTable
from refresher.storage.store import Store, open_store

SECONDS_SAMPLE = 200  # the learner's last answers the time estimate is the median of
SECONDS_MIN_ANSWERS = 5  # fewer than this: the stated default
SECONDS_FLOOR = 1.0  # no answer is planned at less than this


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


class QueueRules(msgspec.Struct, frozen=True):
    """What the plan asks of today's queue."""

    new_per_day: int  # new cards in all today (introduced ones included)
    review_room: int  # review-state cards still allowed today
    recall: Callable[[CardInfo], float]
    answer_room: int | None = None  # answers left in today's daily_minutes (None: no budget)
    cards_room: int | None = None  # cards of any state still allowed (the interview day's warm-up)

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
        if self.cards_room is not None:  # a card left learning the day before counts too
            limit = self.cards_room if limit is None else min(limit, self.cards_room)
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
            answer_room=self.answer_room,
        )


class Policy:
    """Scheduling for a review sitting: plain FSRS without a date (or once it has come), and
    toward the date while it is ahead; within `daily_minutes` when it is set (the pace and the
    retention in force then being the budget plan's, `choose`)."""

    def __init__(self, settings: Config, interview: date | None = None):
        self.settings = settings
        self.target = target_of(settings, interview)
        self.chosen: dict[date, Budget] = {}  # the budget plan of each study day, once made

    def choose(
        self,
        store: Store,
        bank: str,
        question_ids: Sequence[int | None],
        now: datetime,
        *,
        more: bool = False,
    ) -> Budget | None:
        """Today's budget plan (made once a study day; with `more`, what more minutes would
        bring too); None without `daily_minutes`."""
        minutes = self.settings.daily_minutes
        if not minutes:
            return None
        today = self.day(now).date_of(now)
        if today not in self.chosen:
            self.chosen[today] = budget_plan(
                store, bank, self, now, question_ids, minutes, more=more
            )
        return self.chosen[today]

    def answers_left(self, store: Store, now: datetime) -> int | None:
        """Answers still fitting in today's `daily_minutes` (None: no budget)."""
        minutes = self.settings.daily_minutes
        if not minutes:
            return None
        used = self.minutes_used(store, now)
        seconds, _ = seconds_per_answer(store)
        return max(0, int((minutes - used) * 60 // seconds))

    def minutes_used(self, store: Store, now: datetime) -> float:
        """Minutes of `review` answers stored today (every bank)."""
        day = self.day(now)
        today = day.date_of(now)
        start, end = day.start(today), day.start(today + timedelta(days=1))
        return store.review_seconds_between(start, end) / 60

    def budget_used(self, store: Store, now: datetime) -> bool:
        """Whether today's `daily_minutes` are used up."""
        minutes = self.settings.daily_minutes
        return bool(minutes) and self.minutes_used(store, now) >= (minutes or 0)

    def day(self, now: datetime) -> StudyDay:
        return StudyDay.local_to(now, self.settings.day_starts_at)

    def active(self, now: datetime) -> bool:
        return self.target is not None and self.target.active(self.day(now).date_of(now))

    def scheduler(self, now: datetime) -> Scheduler:
        """py-fsrs with the retention in force today (raised in the final days)."""
        today = self.day(now).date_of(now)
        chosen = self.chosen.get(today)
        desired = self.settings.desired_retention if chosen is None else chosen.retention
        retention = planning.retention_for(self.target, today, desired)
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
        question_ids: Sequence[int | None] | None = None,
    ) -> QueueRules:
        """Today's rules; `unseen`: the questions in play never studied yet, whether or not
        the store has given them a card id; `question_ids`: their card ids (None: not made
        yet), from which the budget plan is made when `daily_minutes` is set."""
        day = self.day(now)
        today = day.date_of(now)
        start, end = day.start(today), day.start(today + timedelta(days=1))
        pace_today = 0
        chosen = None if question_ids is None else self.choose(store, bank, question_ids, now)
        if self.target is not None and self.target.active(today):
            introduced = store.introduced_between(start, end, bank)
            pace_today = planning.pace(self.target, today, unseen + introduced)
            if chosen is not None and per_day == self.settings.new_per_day:
                # the budget plan's pace replaces new_per_day (not a `review --new N`)
                per_day = math.ceil(pace_today * chosen.pace_factor)
                pace_today = 0
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
            recall=schedule.recall_curve(scheduler, now),
            answer_room=self.answers_left(store, now),
            cards_room=warm_up,
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
    return readiness_at(store, banks, (at,), cards, settings, by_bank=by_bank)[0]


def readiness_at(
    store: Store,
    banks: Iterable[Bank],
    moments: Sequence[datetime],
    cards: Mapping[int, CardInfo] | None = None,
    settings: Config | None = None,
    *,
    by_bank: bool = False,
    known: Mapping[str, Mapping[str, int]] | None = None,
) -> list[Readiness]:
    """`readiness` at each of `moments`, the questions and cards read once; `known`: the card
    ids of each bank's questions, when already read (`Store.known_ids`)."""
    pairs: list[tuple[str, CardInfo | None]] = []
    schedulers: list[Scheduler] = []
    made: dict[tuple[float, ...] | None, Scheduler] = {}
    for b in banks:
        params = None if settings is None else config.parameters_for(settings, b.id)
        if params not in made:
            made[params] = schedule.make_scheduler(parameters=params)
        ids = known.get(b.id) if known is not None else None
        if ids is None:
            ids = store.known_ids(b.id)
        infos = cards if cards is not None else store.card_infos(b.id)
        for q in b.questions:
            card_id = ids.get(q.id)
            topic = f"{b.id}/{q.topic}" if by_bank else q.topic
            pairs.append((topic, None if card_id is None else infos.get(card_id)))
            schedulers.append(made[params])
    one = list(made.values())
    each: Scheduler | list[Scheduler] = one[0] if len(one) == 1 else schedulers
    return [planning.readiness(each, pairs, at) for at in moments]


# --- `refresher plan` -----------------------------------------------------------------------------


class Plan(msgspec.Struct, frozen=True):
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
    budget: Budget | None = None  # the plan within daily_minutes (or --minutes)

    @property
    def days_left(self) -> int | None:
        return None if self.target is None else self.target.days_left(self.today)

    @property
    def target_today(self) -> int:
        return self.due_today + self.new_left

    @property
    def minutes_today(self) -> float:
        """Today's target in minutes: a due card one answer, a new one its learning steps."""
        answers = self.due_today + self.new_left * schedule.NEW_CARD_ANSWERS
        return answers * self.seconds_per_answer / 60

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
            "budget": None if self.budget is None else self.budget.to_dict(),
        }


def seconds_per_answer(store: Store) -> tuple[float, bool]:
    """(the learner's median seconds per answer, whether from history) or the default; never
    under `SECONDS_FLOOR` (answers piped in take no time: a median of 0 made a budget of
    minutes into unbounded answers)."""
    recent = store.recent_answer_seconds(SECONDS_SAMPLE)
    if len(recent) < SECONDS_MIN_ANSWERS:
        return planning.DEFAULT_SECONDS, False
    return max(float(statistics.median(recent)), SECONDS_FLOOR), True


def compute(
    store: Store,
    bank: Bank,
    settings: Config,
    now: datetime,
    interview: date | None = None,
    *,
    remember_note: bool = True,
    minutes: int | None = None,
) -> Plan:
    """The plan for `bank` at `now`, toward `interview` (else the `interview_date` setting),
    within `minutes` a day (else the `daily_minutes` setting)."""
    settings = config.for_bank(settings, bank.id)
    if minutes is not None:
        settings = replace(settings, daily_minutes=minutes)
    policy = Policy(settings, interview)
    target = policy.target
    day = policy.day(now)
    today = day.date_of(now)
    ids = store.known_ids(bank.id)
    table = store.card_table(bank.id)
    cards = table.infos
    question_ids = [ids.get(q.id) for q in bank.questions]
    selection = [k for k in question_ids if k is not None]
    from refresher.srs.stats import card_counts

    counts = card_counts(question_ids, cards)

    status = "none" if target is None else ("ahead" if target.active(today) else "passed")
    passed_note = False
    given = interview is not None and interview != settings.interview_date
    if status == "passed" and target is not None and remember_note and not given:
        passed_note = store.notice_once(f"plan-passed:{bank.id}:{target.day}", now)

    start, end = day.start(today), day.start(today + timedelta(days=1))
    introduced = store.introduced_between(start, end, bank.id)
    pace_today = 0
    budget = policy.choose(store, bank.id, question_ids, now, more=True)
    if status == "ahead" and target is not None:
        pace_today = planning.pace(target, today, counts.new + introduced)
        if budget is not None:
            pace_today = math.ceil(pace_today * budget.pace_factor)
    rules = policy.queue_rules(store, bank.id, counts.new, now, settings.new_per_day, question_ids)
    queue = rules.queue(selection, cards, now, day, introduced_today=introduced)
    new_left = min(queue.new_left_today, counts.new)
    seconds, from_history = seconds_per_answer(store)
    at = readiness_moment(target, now, day)
    ready_now, ready = readiness_at(store, [bank], (now, at), cards, settings, known={bank.id: ids})
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
        desired_retention=settings.desired_retention if budget is None else budget.retention,
        retention_today=planning.retention_for(
            target, today, settings.desired_retention if budget is None else budget.retention
        ),
        readiness_now=ready_now,
        readiness=ready,
        topic_names=dict(bank.topics),
        given_date=given,
        left_out=counts.new if target is not None and target.in_buffer(today) else 0,
        forecast=(
            workload(store, bank.id, policy, now, question_ids, seconds, table)
            if budget is None
            else budget.forecast
        ),
        budget=budget,
    )


FORECAST_DAYS = 14  # without a date ahead


class Simulation:
    """The coming days of `bank` simulated from the store as it is now (`forecast.simulate`,
    seeded), under the retention, pace and budget asked for."""

    def __init__(
        self,
        store: Store,
        bank: str,
        policy: Policy,
        now: datetime,
        question_ids: Sequence[int | None],
        seconds: float,
        table: CardTable | None = None,
    ):
        self.settings = settings = policy.settings
        self.target = target = policy.target
        self.day = day = policy.day(now)
        self.today = today = day.date_of(now)
        self.seconds = seconds
        self.questions = len(question_ids)
        if table is None:
            table = store.card_table(bank)
        cards, memory = table.infos, table.memory
        self.cards: dict[int, LeanCard] = {}  # the simulation's own cards (`srs/lean.py`)
        for k, info in cards.items():
            if info.suspended or k not in memory or info.last_review is None:
                continue
            stability, difficulty = memory[k]
            step = None if info.state == schedule.State.Review else 0
            self.cards[k] = LeanCard(
                info.due, info.last_review, stability, difficulty, info.state, step
            )
        unseen = [k for k in question_ids if k is None or k not in cards]
        self.unseen = [-(n + 1) if k is None else k for n, k in enumerate(unseen)]
        self.ahead = target is not None and target.active(today)
        self.days = target.days_left(today) if self.ahead and target is not None else FORECAST_DAYS
        self.morning = target.morning(day) if self.ahead and target is not None else None
        self.used = policy.minutes_used(store, now) if settings.daily_minutes else 0.0
        self.schedulers: dict[float, Scheduler] = {}

    def scheduler(self, retention: float) -> Scheduler:
        if retention not in self.schedulers:
            self.schedulers[retention] = schedule.make_scheduler(
                desired_retention=retention, parameters=self.settings.parameters
            )
        return self.schedulers[retention]

    def run(
        self,
        retention: float | None = None,
        pace_factor: float = 1.0,
        minutes: float | None = None,
    ) -> Forecast:
        """The forecast with `retention` in force before the final days (None: the setting's),
        the plan's pace times `pace_factor`, and `minutes` a day (None: no budget)."""
        target, settings = self.target, self.settings
        desired = settings.desired_retention if retention is None else retention
        ahead = self.ahead

        def scheduler_on(d: date) -> Scheduler:
            return self.scheduler(planning.retention_for(target, d, desired))

        def new_on(d: date, waiting: int) -> int:
            if not planning.new_cards_allowed(target, d):
                return 0
            pace = planning.pace(target, d, waiting) if ahead and target is not None else 0
            if minutes is not None and ahead:  # the budget plan's pace, new_per_day aside
                return math.ceil(pace * pace_factor)
            return max(settings.new_per_day, pace)

        budget = None
        if minutes is not None:
            per_day = int(minutes * 60 // self.seconds)
            today_left = max(0, int((minutes - self.used) * 60 // self.seconds))

            def budget(d: date) -> int:
                return today_left if d == self.today else per_day

        from refresher.srs import forecast  # stats needs readiness here, not the simulation

        return forecast.simulate(
            self.cards,
            self.unseen,
            self.today,
            self.day,
            days=self.days,
            scheduler_on=scheduler_on,
            new_on=new_on,
            seconds_per_answer=self.seconds,
            morning=self.morning,
            questions=self.questions,
            budget=budget,
            target=target if ahead else None,
        )


class Budget(msgspec.Struct, frozen=True):
    """The plan within `daily_minutes`: the retention and pace that bring the highest simulated
    readiness on the interview morning (without a date ahead: the settings, within the budget)."""

    minutes: int
    answers: int  # a day, at the learner's seconds per answer
    used_minutes: float  # today so far
    retention: float  # desired retention in force before the final days
    pace_factor: float  # times the pace that brings every card in before the buffer
    forecast: Forecast
    tried: int  # plans simulated
    more: tuple[int, Forecast] | None = None  # more minutes a day, and what they bring

    @property
    def all_in(self) -> bool:
        return self.forecast.unseen_left == 0

    def to_dict(self) -> dict[str, Any]:
        more = None
        if self.more is not None:
            m, f = self.more
            more = {
                "minutes": m,
                "readiness_if_followed": None if f.readiness is None else round(f.readiness, 6),
                "unseen_left": f.unseen_left,
            }
        return {
            "minutes": self.minutes,
            "answers_a_day": self.answers,
            "used_today_minutes": round(self.used_minutes, 1),
            "retention": self.retention,
            "pace_factor": self.pace_factor,
            "every_card_in": self.all_in,
            "unseen_left": self.forecast.unseen_left,
            "plans_tried": self.tried,
            "more_minutes": more,
        }


def budget_plan(
    store: Store,
    bank: str,
    policy: Policy,
    now: datetime,
    question_ids: Sequence[int | None],
    minutes: int,
    *,
    more: bool = True,
) -> Budget:
    """The best plan within `minutes` a day (see `Budget`), simulated with one seed: every
    retention of `planning.RETENTION_CHOICES` at the pace, then the faster paces of
    `planning.PACE_FACTORS` at the best of them; the highest readiness kept (the fewer answers
    on a tie). When it does not bring every card
    in, the fewest more minutes (in steps of `planning.MORE_MINUTES_STEP`) that would; else
    what one more step would bring."""
    seconds, _ = seconds_per_answer(store)
    sim = Simulation(store, bank, policy, now, question_ids, seconds)
    answers = int(minutes * 60 // seconds)
    if not sim.ahead:
        f = sim.run(minutes=minutes)
        return Budget(minutes, answers, sim.used, policy.settings.desired_retention, 1.0, f, 1)
    tried: list[tuple[tuple[float, int], float, float, Forecast]] = []

    def attempt(r: float, factor: float) -> None:
        f = sim.run(r, factor, minutes)
        tried.append(((round(f.readiness or 0.0, 4), -sum(f.answers)), r, factor, f))

    first, *faster = planning.PACE_FACTORS
    for r in planning.RETENTION_CHOICES:  # each retention at the plain pace, then
        attempt(r, first)
    _, retention, _, _ = max(tried, key=lambda t: t[0])
    for factor in faster:  # the faster paces at the best of them
        attempt(retention, factor)
    _, retention, factor, best = max(tried, key=lambda t: t[0])
    bought = None
    for k in range(1, planning.MORE_MINUTES_TRIES + 1 if more else 1):
        m = minutes + k * planning.MORE_MINUTES_STEP
        f = sim.run(retention, factor, m)
        bought = (m, f)
        if best.unseen_left == 0 or f.unseen_left == 0:
            break
    return Budget(minutes, answers, sim.used, retention, factor, best, len(tried), bought)


def workload(
    store: Store, bank: str, policy: Policy, now: datetime, question_ids: Sequence[int | None],
    seconds: float, table: CardTable | None = None,
) -> Forecast:  # fmt: skip
    """The coming days simulated with the parameters in force, the retention and the pace of
    the plan (seeded), until the interview day (else `FORECAST_DAYS`)."""
    return Simulation(store, bank, policy, now, question_ids, seconds, table).run()


def gather(
    name: str | None,
    interview: str | None = None,
    home: Path | None = None,
    *,
    remember_note: bool = True,
    minutes: int | None = None,
) -> Plan:
    """The plan for the bank `name` (id or file; the bundled bank by default), as of now,
    within `minutes` a day when given (else `daily_minutes`)."""
    when = None if interview is None else parse_date(interview)
    if minutes is not None and not 1 <= minutes <= config.MINUTES_MAX:
        raise RefresherError(f"--minutes must be between 1 and {config.MINUTES_MAX}")
    bank = bank_access.open_bank(name, home)
    settings = app_settings.load(home)
    now = local_now()
    with open_store(home) as store:
        return compute(
            store, bank, settings, now, when, remember_note=remember_note, minutes=minutes
        )
