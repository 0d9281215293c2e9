"""Spaced repetition over py-fsrs: card states, ratings and their previews, the due queue, leeches.

Pure. The FSRS maths is py-fsrs's own (`Scheduler.review_card`); this module decides what is due
and in which order, what a graded answer is worth as a rating, and when a card is a leech. Time
comes in as `now` (timezone-aware) and the `Scheduler` comes in ready-made: its fuzzing, which
py-fsrs draws from its own random generator, is a setting, and is off in tests so that a replayed
rating sequence gives exact intervals.

A card's day follows the learner's clock: a `StudyDay` rolls over at `starts_at` local time (4 a.m.
by default, as in Anki), so a card due "tomorrow" at 18:00 is already due tomorrow morning.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import msgspec
from fsrs import Card, Rating, ReviewLog, Scheduler, State

from refresher.core.errors import RefresherError
from refresher.core.model import Outcome
from refresher.core.values import replace

__all__ = [
    "Card",
    "CardInfo",
    "CardState",
    "Queue",
    "QueueEntry",
    "Rated",
    "Rating",
    "ReviewLog",
    "Scheduler",
    "State",
    "StudyDay",
]

# Learning cards due within this much of now are shown rather than left for later (Anki's
# "learn ahead limit"): an Again (1 min) or a first Good (10 min) comes back in the same review.
LEARN_AHEAD = timedelta(minutes=20)
NEW_CARD_ANSWERS = 2  # answers a new card takes: Good through its learning steps (1m, 10m)
LEECH_LAPSES = 8

RATINGS: tuple[Rating, ...] = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)
RATING_NAMES: dict[Rating, str] = {r: r.name for r in RATINGS}
_RATING_WORDS = {
    **{str(int(r)): r for r in RATINGS},
    **{r.name.lower(): r for r in RATINGS},
}


def make_scheduler(
    *,
    desired_retention: float = 0.9,
    fuzz: bool = False,
    parameters: Sequence[float] | None = None,
) -> Scheduler:
    """A py-fsrs scheduler with learning steps (1m, 10m) and the FSRS-6 `parameters` (None: the
    defaults). Parameters py-fsrs refuses are a RefresherError (a hand-edited setting)."""
    if parameters is None:
        return Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)
    try:
        return Scheduler(
            parameters=tuple(parameters), desired_retention=desired_retention, enable_fuzzing=fuzz
        )
    except ValueError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()] or ["refused"]
        first = lines[1] if len(lines) > 1 else lines[0]  # py-fsrs: a heading, then one a line
        raise RefresherError(
            f"the FSRS parameters in the settings are refused ({first}); "
            "undo them with `refresher optimize --reset`"
        ) from None


def parse_rating(text: str) -> Rating | None:
    """`1`-`4` or `again`/`hard`/`good`/`easy` -> Rating; anything else -> None."""
    return _RATING_WORDS.get(text.strip().lower())


def rating_for(outcome: Outcome) -> Rating:
    """The automatic rating of a graded answer: wrong -> Again, right -> Good."""
    if outcome.correct is None:
        raise ValueError("a skipped answer has no rating")
    return Rating.Good if outcome.correct else Rating.Again


def is_leech(lapses: int, threshold: int = LEECH_LAPSES) -> bool:
    """True on the lapse that makes a card a leech: the `threshold`-th, then every half of it.

    A card brought back with `unsuspend` is suspended again after `threshold // 2` more fails
    rather than at the very next one (Anki's rule).
    """
    if threshold <= 0 or lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return now.astimezone(UTC)


# --- days ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyDay:
    """Calendar days as the learner lives them: local time, rolling over at `starts_at` o'clock."""

    utc_offset: timedelta = timedelta(0)
    starts_at: int = 4

    @classmethod
    def local_to(cls, now: datetime, starts_at: int = 4) -> StudyDay:
        """Days in the zone of `now` (an aware datetime in the learner's local time)."""
        if now.tzinfo is None:
            raise ValueError("times must be timezone-aware")
        return cls(now.utcoffset() or timedelta(0), starts_at)

    @functools.cached_property
    def shift(self) -> timedelta:
        """What to add to a UTC time so that its date is its study day (worked out once: it is
        asked for every card of a plan's simulation)."""
        return self.utc_offset - timedelta(hours=self.starts_at)

    @property
    def shift_minutes(self) -> int:
        return int(self.shift.total_seconds() // 60)

    def date_of(self, t: datetime) -> date:
        return (_utc(t) + self.shift).date()

    def start(self, d: date) -> datetime:
        """The UTC instant study day `d` begins."""
        return datetime.combine(d, time(), UTC) - self.shift

    def end_of(self, t: datetime) -> datetime:
        """The UTC instant the study day containing `t` ends."""
        return self.start(self.date_of(t) + timedelta(days=1))


# --- card states --------------------------------------------------------------------------------


class CardState(msgspec.Struct, frozen=True):
    """One card's schedule: the py-fsrs `Card` plus what py-fsrs does not keep."""

    card: Card
    reps: int = 0
    lapses: int = 0  # times forgotten once learnt (Again on a card in review)
    suspended: bool = False
    leech: bool = False
    introduced_at: datetime | None = None  # first rating: counts against that day's new cards

    @property
    def card_id(self) -> int:
        return self.card.card_id


class Rated(msgspec.Struct, frozen=True):
    """The result of rating a card: its state before (None when new) and after, and the log."""

    rating: Rating
    before: CardState | None
    after: CardState
    log: ReviewLog

    @property
    def interval(self) -> timedelta:
        return self.after.card.due - self.log.review_datetime

    @property
    def became_leech(self) -> bool:
        return self.after.suspended and not (self.before is not None and self.before.suspended)


def new_card(card_id: int, now: datetime) -> Card:
    """A card never reviewed (id and due given explicitly: py-fsrs would read the clock)."""
    return Card(card_id=card_id, due=_utc(now))


def _rate_once(
    scheduler: Scheduler,
    before: CardState | None,
    card_id: int,
    rating: Rating,
    now: datetime,
    duration_ms: int | None,
    leech_threshold: int,
) -> Rated:
    now = _utc(now)
    card = before.card if before is not None else new_card(card_id, now)
    after_card, log = scheduler.review_card(card, rating, now, duration_ms)
    base = before if before is not None else CardState(card, introduced_at=now)
    # A fail (lapse) is forgetting a learnt card, as Anki counts them: misses while a card is
    # still being learnt or relearnt are part of learning it.
    lapsed = rating == Rating.Again and card.state == State.Review and before is not None
    lapses = base.lapses + lapsed
    leech_now = lapsed and is_leech(lapses, leech_threshold)
    after = replace(
        base,
        card=after_card,
        reps=base.reps + 1,
        lapses=lapses,
        suspended=base.suspended or leech_now,
        leech=base.leech or leech_now,
    )
    return Rated(rating, before, after, log)


# Hard, Good and Easy on a card in review, kept at least a day apart (as Anki does), so that two
# neighbouring buttons never offer the same interval (fuzz or an early review can make them meet).
APART = (Rating.Hard, Rating.Good, Rating.Easy)


def _in_review(before: CardState | None) -> bool:
    return before is not None and before.card.state == State.Review


def _apart(results: Mapping[Rating, Rated]) -> dict[Rating, Rated]:
    """`results` with Good at least a day after Hard and Easy a day after Good, where each of
    them leaves the card in review; whole days, as review intervals are."""
    out = dict(results)
    floor: int | None = None
    for r in APART:
        rated = out.get(r)
        if rated is None or rated.after.card.state != State.Review:
            floor = None
            continue
        days = round(rated.interval / timedelta(days=1))
        if floor is not None and days < floor:
            days = floor
            due = rated.log.review_datetime + timedelta(days=days)
            card = replace(rated.after.card, due=due)
            out[r] = replace(rated, after=replace(rated.after, card=card))
        floor = days + 1
    return out


def rate(
    scheduler: Scheduler,
    before: CardState | None,
    card_id: int,
    rating: Rating,
    now: datetime,
    *,
    duration_ms: int | None = None,
    leech_threshold: int = LEECH_LAPSES,
) -> Rated:
    """Rate one card at `now`. `before` is None for a card seen for the first time. On a card
    in review, Good and Easy are kept at least a day past the ratings below them (`_apart`)."""
    if not _in_review(before) or rating not in APART[1:]:
        return _rate_once(scheduler, before, card_id, rating, now, duration_ms, leech_threshold)
    results = {
        r: _rate_once(scheduler, before, card_id, r, now, duration_ms, leech_threshold)
        for r in APART
        if r <= rating
    }
    return _apart(results)[rating]


def preview(
    scheduler: Scheduler,
    before: CardState | None,
    card_id: int,
    now: datetime,
    *,
    leech_threshold: int = LEECH_LAPSES,
) -> dict[Rating, Rated]:
    """What each of the four ratings would do now. The chosen one is applied as is, so the
    interval shown next to a rating is the interval given, fuzz included; on a card in review,
    Hard, Good and Easy are at least a day apart."""
    results = {
        r: _rate_once(scheduler, before, card_id, r, now, None, leech_threshold) for r in RATINGS
    }
    return _apart(results) if _in_review(before) else results


def retrievability(scheduler: Scheduler, card: CardState | CardInfo, now: datetime) -> float:
    """The predicted chance of recalling the card at `now` (0 for a card never reviewed).

    For plain columns (`CardInfo`, thousands at a time in stats and plans) this is py-fsrs's own
    forgetting curve worked out here, with the same operations in the same order, rather than
    a py-fsrs `Card` built for each card (most of the time of `stats` at 5,000 cards)."""
    if not isinstance(card, CardInfo):
        return float(scheduler.get_card_retrievability(card.card, _utc(now)))
    return recall_curve(scheduler, now)(card)


def recall_curve(scheduler: Scheduler, now: datetime) -> Callable[[CardInfo], float]:
    """`retrievability(scheduler, card, now)` of plain columns, as a function of the card: the
    curve's constants and `now` in UTC worked out once for the thousands of cards of a stats
    run, a readiness or a queue."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    utc = _utc(now)

    def recall(card: CardInfo) -> float:
        if card.last_review is None or card.stability is None:
            return 0.0
        elapsed = max(0, (utc - card.last_review).days)
        return float((1 + factor * elapsed / card.stability) ** decay)

    return recall


def self_rated(rating: Rating) -> Outcome:
    """The outcome kept for a card or open item rated by the learner: Again means missed."""
    return Outcome(correct=rating != Rating.Again, given=RATING_NAMES[rating], expected="")


# --- the queue ----------------------------------------------------------------------------------


class CardInfo(msgspec.Struct, frozen=True):
    """A stored card's schedule as plain columns: what the queue and stats need, no JSON."""

    card_id: int
    due: datetime
    state: State
    suspended: bool = False
    stability: float | None = None
    last_review: datetime | None = None
    lapses: int = 0
    leech: bool = False


def is_due(info: CardInfo, now: datetime, day: StudyDay) -> bool:
    """Review cards are due on their study day; learning cards when their step is (nearly) up."""
    return _due_by(info, day.end_of(now), _utc(now) + LEARN_AHEAD)


def _due_by(info: CardInfo, day_ends: datetime, learn_until: datetime) -> bool:
    """`is_due` with the instants it compares to worked out once (for a whole queue)."""
    if info.suspended:
        return False
    if info.state == State.Review:
        return info.due < day_ends
    return info.due <= learn_until


class QueueEntry(msgspec.Struct, frozen=True):
    card_id: int
    new: bool


class Queue(msgspec.Struct, frozen=True):
    entries: tuple[QueueEntry, ...]
    due_total: int  # due cards in the selection under today's cap, before --limit
    new_left_today: int  # new cards still allowed today
    new_unseen: int  # cards in the selection never reviewed
    next_due: datetime | None  # the soonest card not due yet (for "come back at ...")
    held_back: int = 0  # due review cards past today's cap, left for the following days
    buried: int = 0  # due or new cards whose sibling was answered today: left for tomorrow

    @property
    def due_count(self) -> int:
        return sum(1 for e in self.entries if not e.new)

    @property
    def new_count(self) -> int:
        return sum(1 for e in self.entries if e.new)


def new_left(per_day: int, introduced_today: int) -> int:
    return max(0, per_day - introduced_today)


def capped(
    due: Sequence[CardInfo], room: int | None, recall: Callable[[CardInfo], float]
) -> tuple[list[CardInfo], list[CardInfo]]:
    """(shown, held back) of the due cards (most overdue first) under a cap of `room` cards in
    review state a day.

    Cards still learning are always shown. Under the cap nothing changes. Past it, the review
    cards with the lowest `recall` are kept, lowest first (card id breaks ties), after the
    learning cards; the rest are held back."""
    reviews = [i for i in due if i.state == State.Review]
    if room is None or len(reviews) <= room:
        return list(due), []
    room = max(0, room)
    ranked = sorted(reviews, key=lambda i: (recall(i), i.card_id))
    learning = [i for i in due if i.state != State.Review]
    return learning + ranked[:room], ranked[room:]


def build_queue(
    selection: Sequence[int],
    cards: Mapping[int, CardInfo],
    now: datetime,
    day: StudyDay,
    *,
    new_per_day: int,
    introduced_today: int,
    limit: int | None = None,
    review_room: int | None = None,
    recall: Callable[[CardInfo], float] | None = None,
    answer_room: int | None = None,
) -> Queue:
    """Due cards first, most overdue first; then new cards in `selection` order, no more than
    today's allowance; at most `limit` in all. Cards outside `selection` are never due.

    `review_room`: review-state cards still allowed today (the daily cap); past it the cards
    with the lowest `recall` are shown first and the rest held back (see `capped`).
    `answer_room`: answers left in today's time budget: the learning cards, then review cards
    up to what is left (lowest `recall` first, as under the cap), then new cards only as many
    as have room for their learning steps (`NEW_CARD_ANSWERS` each)."""
    due: list[CardInfo] = []
    unseen: list[int] = []
    later: list[datetime] = []
    day_ends, learn_until = day.end_of(now), _utc(now) + LEARN_AHEAD
    for card_id in selection:
        info = cards.get(card_id)
        if info is None:
            unseen.append(card_id)
        elif _due_by(info, day_ends, learn_until):
            due.append(info)
        elif not info.suspended:
            later.append(info.due)
    due.sort(key=lambda i: (i.due, i.card_id))
    held: list[CardInfo] = []
    if answer_room is not None:
        learning = sum(1 for i in due if i.state != State.Review)
        fits = max(0, answer_room - learning)
        review_room = fits if review_room is None else min(review_room, fits)
    if review_room is not None:
        due, held = capped(due, review_room, recall or (lambda i: 0.0))
    entries = [QueueEntry(i.card_id, False) for i in due]
    if limit is not None:
        entries = entries[:limit]
    allowance = new_left(new_per_day, introduced_today)
    if answer_room is not None:
        allowance = min(allowance, max(0, answer_room - len(due)) // NEW_CARD_ANSWERS)
    room = allowance if limit is None else min(allowance, limit - len(entries))
    entries.extend(QueueEntry(card_id, True) for card_id in unseen[: max(0, room)])
    return Queue(
        entries=tuple(entries),
        due_total=len(due),
        new_left_today=allowance,
        new_unseen=len(unseen),
        next_due=min(later, default=None),
        held_back=len(held),
    )


def forecast(cards: Iterable[CardInfo], now: datetime, day: StudyDay, days: int = 7) -> list[int]:
    """Cards falling due on each of the next `days` study days; today's count includes overdue."""
    today = day.date_of(now)
    counts = [0] * days
    for info in cards:
        if info.suspended:
            continue
        k = max(0, (day.date_of(info.due) - today).days)
        if k < days:
            counts[k] += 1
    return counts


# --- intervals, for display ---------------------------------------------------------------------

# (unit, seconds in it, the largest value shown in it before moving to the next unit)
INTERVAL_UNITS: tuple[tuple[str, float, float], ...] = (
    ("s", 1, 60),
    ("m", 60, 60),
    ("h", 3600, 24),
    ("d", 86400, 30),
    ("mo", 30 * 86400, 12),
    ("y", 365 * 86400, float("inf")),
)


def interval_parts(interval: timedelta) -> tuple[float, str]:
    """An interval as (number, unit) the way flashcard apps show it: 10m, 3d, 1.5mo, 2.1y.

    Seconds to days are whole numbers, months and years keep one decimal.
    """
    seconds = max(0.0, interval.total_seconds())
    for unit, size, limit in INTERVAL_UNITS:
        value = seconds / size
        shown = round(value, 1) if unit in ("mo", "y") else float(int(value + 0.5))
        if shown < limit:
            return shown, unit
    raise AssertionError("unreachable: the last unit has no limit")


# --- one review sitting -------------------------------------------------------------------------


class Done(msgspec.Struct, frozen=True):
    """A rating made in this sitting, kept so `u` can take it back."""

    entry: QueueEntry
    review_id: int
    rating: Rating
    requeued: bool
    graded: bool | None  # right/wrong of a typed answer; None for a self-rated item


@dataclass
class ReviewSession:
    """The cards of one `review` run and what happened to them. Pure bookkeeping: the shell
    stores each rating first, then tells the session."""

    pending: list[QueueEntry]
    done: list[Done] = field(default_factory=list)
    skipped: list[QueueEntry] = field(default_factory=list)
    dropped: int = 0  # cards rated elsewhere meanwhile, no longer due
    buried: int = 0  # siblings of cards rated in this sitting, left for tomorrow

    def __post_init__(self) -> None:
        ids = dict.fromkeys(e.card_id for e in self.pending)
        self._order = {card_id: k for k, card_id in enumerate(ids)}

    @property
    def current(self) -> QueueEntry | None:
        return self.pending[0] if self.pending else None

    @property
    def position(self) -> int:
        """1-based place of the current card in this sitting (a card coming back keeps its)."""
        assert self.current is not None
        return self._order[self.current.card_id] + 1

    @property
    def total(self) -> int:
        """Distinct cards in this sitting."""
        return len(self._order)

    @property
    def repeat(self) -> bool:
        """Whether the current card was already rated in this sitting."""
        assert self.current is not None
        return any(d.entry.card_id == self.current.card_id for d in self.done)

    def rated(
        self, review_id: int, result: Rated, now: datetime, *, graded: bool | None = None
    ) -> bool:
        """Record the rating of the current card. A card still learning and due within
        `LEARN_AHEAD` goes to the back of the queue; returns whether it did."""
        entry = self.pending.pop(0)
        card = result.after.card
        again = (
            not result.after.suspended
            and card.state != State.Review
            and card.due <= _utc(now) + LEARN_AHEAD  # shown early, even alone (learn-ahead)
        )
        if again:
            self.pending.append(QueueEntry(entry.card_id, False))
        self.done.append(Done(entry, review_id, result.rating, again, graded))
        return again

    def skip(self) -> QueueEntry:
        entry = self.pending.pop(0)
        self.skipped.append(entry)
        return entry

    def bury(self, card_ids: set[int]) -> int:
        """Leave out the pending cards `card_ids` (siblings of a card just rated) until
        tomorrow; returns how many were pending."""
        kept = [e for e in self.pending if e.card_id not in card_ids]
        n = len(self.pending) - len(kept)
        self.pending = kept
        self.buried += n
        return n

    def add_new(self, card_ids: Iterable[int]) -> None:
        """New cards joining the sitting (in the place of buried ones)."""
        for card_id in card_ids:
            self.pending.append(QueueEntry(card_id, True))
            self._order.setdefault(card_id, len(self._order))

    def drop(self) -> QueueEntry:
        """Leave out the current card without counting it (it is not due any more)."""
        self.dropped += 1
        return self.pending.pop(0)

    def undone(self) -> Done:
        """Take back the last rating: its card is shown again next, before the current one."""
        last = self.done.pop()
        if last.requeued:
            for k in range(len(self.pending) - 1, -1, -1):
                if self.pending[k].card_id == last.entry.card_id:
                    del self.pending[k]
                    break
        self.pending.insert(0, last.entry)
        return last

    def summary(self) -> SessionSummary:
        by_rating = {r: 0 for r in RATINGS}
        for d in self.done:
            by_rating[d.rating] += 1
        graded = [d.graded for d in self.done if d.graded is not None]
        return SessionSummary(
            ratings=len(self.done),
            cards=len({d.entry.card_id for d in self.done}),
            new=sum(1 for d in self.done if d.entry.new),
            by_rating=by_rating,
            typed_right=sum(graded),
            typed=len(graded),
            skipped=len(self.skipped),
            not_reached=len({e.card_id for e in self.pending}),
        )


class SessionSummary(msgspec.Struct, frozen=True):
    ratings: int
    cards: int
    new: int
    by_rating: dict[Rating, int]
    typed_right: int
    typed: int
    skipped: int
    not_reached: int
