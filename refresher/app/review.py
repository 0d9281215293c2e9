"""A review sitting and the card commands (app layer): everything `refresher review` decides.

`ReviewSitting` builds the queue for the study day, hands out the next card with its status
text, previews what each rating would do, stores the learner's rating (committed before the next
card, through `Store.rate_card`, which settles it on the state as stored) and takes ratings
back. Before a card is handed out its stored state is read again: a card rated meanwhile in
another window is left out if it is no longer due. The front end only prompts and draws.

`Cards.unsuspend()` brings leeches back.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from refresher.app.plan import Policy
from refresher.app.quiz import check_seed
from refresher.core.errors import RefresherError
from refresher.core.model import Bank, Outcome, Question
from refresher.core.values import replace
from refresher.env import config
from refresher.env.clock import Clock, local_now
from refresher.env.config import Config
from refresher.quiz.round import Item, attach_instances, make_items, select
from refresher.srs import schedule
from refresher.srs.rating import CardRating
from refresher.srs.schedule import (
    CardInfo,
    CardState,
    Done,
    Queue,
    QueueEntry,
    Rated,
    Rating,
    ReviewSession,
    SessionSummary,
    StudyDay,
)
from refresher.storage.store import OnStore, Store, UndoConflict, open_store


class CardView(msgspec.Struct, frozen=True):
    """The card to show now, as read from the store just before it is shown."""

    entry: QueueEntry
    question: Question
    item: Item  # options in one order per card and sitting: an undone card comes back as it was
    state: CardState | None  # None: never rated
    status: str  # "new", "learning", "due today", "overdue by 3d", " · shown again" on a repeat
    topic: str  # the topic's title
    position: int  # cards shown so far in this sitting, this one included
    total: int  # that, plus what is left after this one: a card coming back adds one


class Offer(msgspec.Struct, frozen=True):
    """What each rating would do, at the moment the learner is asked (None: not shown)."""

    now: datetime
    options: dict[Rating, Rated] | None

    @property
    def intervals(self) -> dict[Rating, timedelta]:
        return {r: p.interval for r, p in (self.options or {}).items()}


class RatedCard(msgspec.Struct, frozen=True):
    card_id: int
    question: Question
    rating: Rating
    result: Rated
    again: bool  # comes back later in this sitting
    auto: bool
    buried: int = 0  # its siblings left for tomorrow (`group:` in the bank)


class Undone(msgspec.Struct, frozen=True):
    """The result of `u`: the rating taken back, or why it could not be."""

    done: Done | None
    question: Question | None = None
    conflict: str | None = None


class SittingEnd(msgspec.Struct, frozen=True):
    summary: SessionSummary
    after: Queue  # what is left due now
    now: datetime
    tomorrow: int  # cards due on the next study day
    minutes: int | None = None  # today's budget
    left_at_budget: int | None = None  # cards due left when the budget ended the sitting


class ReviewSitting(OnStore):
    """One `review` run over `questions` of `bank`, on an open store (see `open_sitting`)."""

    def __init__(
        self,
        store: Store,
        bank: Bank,
        questions: Sequence[Question],
        settings: Config,
        *,
        new_per_day: int,
        limit: int | None = None,
        seed: int = 0,
        clock: Clock = local_now,
        budget: bool = True,
    ):
        clock()  # a clock out of range is refused before anything is written
        super().__init__(store)
        self.bank = bank
        settings = config.for_bank(settings, bank.id)  # the bank's own FSRS parameters, if any
        if not budget:  # `review --no-budget`: past today's daily_minutes
            settings = replace(settings, daily_minutes=None)
        self.settings = settings
        self.new_per_day = new_per_day
        self.limit = limit
        self.seed = check_seed(seed)
        self.clock = clock
        self.scheduler = schedule.make_scheduler(
            desired_retention=settings.desired_retention,
            fuzz=settings.fuzz,
            parameters=settings.parameters,
        )
        # Toward an interview date: pace, cap, retention and shortened intervals (app.plan).
        self.policy = Policy(settings)
        ids = store.question_ids(bank.id, [q.id for q in questions])
        self.by_card = {ids[q.id]: q for q in questions}
        self.selection = self.policy.order(questions, ids, self.seed)  # new cards' order
        self.session = ReviewSession([])
        self.stopped_at_budget = False  # the sitting ended at today's daily_minutes

    @property
    def minutes(self) -> int | None:
        """Today's budget (`daily_minutes`), None when there is none (or --no-budget)."""
        return self.settings.daily_minutes

    def budget_used(self) -> bool:
        """Whether today's minutes are used up (before the sitting has shown anything)."""
        return self.policy.budget_used(self.store, self.clock())

    def left_due(self, now: datetime) -> int:
        """Cards of the sitting due now, past any cap or budget."""
        cards = self.store.card_infos(self.bank.id)
        day = self.day(now)
        return sum(1 for k in self.selection if k in cards and schedule.is_due(cards[k], now, day))

    # --- the queue --------------------------------------------------------------------------
    def day(self, now: datetime) -> StudyDay:
        return StudyDay.local_to(now, self.settings.day_starts_at)

    def build_queue(self, now: datetime, cards: Mapping[int, CardInfo] | None = None) -> Queue:
        """The queue at `now`, from the stored card states (or `cards`, read already)."""
        day = self.day(now)
        today = day.date_of(now)
        introduced = self.store.introduced_between(
            day.start(today), day.start(today + timedelta(days=1))
        )
        if cards is None:
            cards = self.store.card_infos(self.bank.id)
        buried = self._buried(cards, day, now)
        selection = [k for k in self.selection if k not in buried]
        unseen = sum(1 for k in selection if k not in cards)
        rules = self.policy.queue_rules(
            self.store, self.bank.id, unseen, now, self.new_per_day, selection
        )
        queue = rules.queue(
            selection, cards, now, day, introduced_today=introduced, limit=self.limit
        )
        return replace(queue, buried=len(buried))

    def _buried(self, cards: Mapping[int, CardInfo], day: StudyDay, now: datetime) -> set[int]:
        """Cards of the selection left for tomorrow, as Anki buries siblings: new or due
        review cards sharing a `group` with a card answered today (not learning ones)."""
        start = day.start(day.date_of(now))
        end = start + timedelta(days=1)
        by_card = self.by_card
        touched = {
            k
            for k, info in cards.items()
            if (last := info.last_review) is not None and start <= last < end and k in by_card
        }
        groups = {name for k in touched for name in self.by_card[k].group}
        if not groups:
            return set()
        return {
            k
            for k in self.selection
            if k not in touched
            and groups & set(self.by_card[k].group)
            and self._buriable(cards.get(k), now, day)
        }

    @staticmethod
    def _buriable(info: CardInfo | None, now: datetime, day: StudyDay) -> bool:
        if info is None:
            return True  # new
        return info.state == schedule.State.Review and schedule.is_due(info, now, day)

    def start(self) -> tuple[Queue, datetime]:
        """The queue now; the sitting goes through its entries."""
        now = self.clock()
        queue = self.build_queue(now)
        self.session = ReviewSession(list(queue.entries))
        return queue, now

    # --- one card ---------------------------------------------------------------------------
    def status(self, state: CardState | None, now: datetime) -> str:
        if state is None:
            return "new"
        card = state.card
        if card.state == schedule.State.Learning:
            return "learning"
        if card.state == schedule.State.Relearning:
            return "relearning"
        day = self.day(now)
        late = (day.date_of(now) - day.date_of(card.due)).days
        return "due today" if late <= 0 else f"overdue by {late}d"

    def next_card(self) -> CardView | None:
        """The card to show next, or None when the sitting is done. A learning card due within
        `schedule.LEARN_AHEAD` is shown now, even when it is the only one left (learn-ahead)."""
        session = self.session
        while (entry := session.current) is not None:
            now = self.clock()
            if self.policy.budget_used(self.store, now):
                self.stopped_at_budget = True
                return None
            state = self.store.card_state(entry.card_id)
            if state is not None and not schedule.is_due(_info(state), now, self.day(now)):
                session.drop()  # rated in another window meanwhile
                continue
            q = self.by_card[entry.card_id]
            # Options and numbers are fixed per card and showing: an undone card comes back as
            # it was, a card back after its answer was shown (learn-ahead) comes with new ones.
            shown = sum(1 for d in session.done if d.entry.card_id == entry.card_id)
            rng = random.Random(self.seed * 1_000_003 + entry.card_id + 7_919 * shown)
            item = make_items([q], rng)[0]
            item = attach_instances([item], self.seed + shown, self.bank.path)[0]
            return CardView(
                entry=entry,
                question=q,
                item=item,
                state=state,
                status=self.status(state, now) + (" · shown again" if session.repeat else ""),
                topic=self.bank.topics.get(q.topic, q.topic),
                position=len(session.done) + 1,
                total=len(session.done) + len(session.pending),
            )
        return None

    def offer(self, card: CardView, *, previews: bool = True) -> Offer:
        """The moment of rating, with what each rating would do when it is to be shown."""
        now = self.clock()
        if not previews:
            return Offer(now, None)
        options = schedule.preview(
            self.policy.scheduler(now),
            card.state,
            card.entry.card_id,
            now,
            leech_threshold=self.settings.leech_threshold,
        )
        shortening = self.policy.shortening(self.store, self.bank.id, now)
        if shortening is not None:  # the interval shown is the one applied
            options = {r: shortening.apply(p) for r, p in options.items()}
        return Offer(now, options)

    @staticmethod
    def auto_rating(outcome: Outcome) -> Rating:
        """The rating a graded answer gets unless the learner changes it: right at a second try
        is Hard."""
        rating = schedule.rating_for(outcome)
        if rating == Rating.Good and int(outcome.detail.get("tries", 1)) > 1:
            return Rating.Hard
        return rating

    def rate(
        self,
        card: CardView,
        rating: Rating,
        *,
        outcome: Outcome,
        auto: bool,
        seconds: float,
        offer: Offer,
    ) -> RatedCard:
        """Store the rating (with the answer) and commit; the card then leaves the queue or
        goes to its back while still learning."""
        card_id = card.entry.card_id
        q = card.question
        request = CardRating(
            card_id,
            rating,
            question=q,
            outcome=outcome,
            seconds=seconds,
            now=offer.now,
            scheduler=self.policy.scheduler(offer.now),
            leech_threshold=self.settings.leech_threshold,
            auto=auto,
            shown=card.state,
            preview=None if offer.options is None else offer.options[rating],
            shortening=self.policy.shortening(self.store, self.bank.id, offer.now),
            seed=getattr(card.item.instance, "seed", None),
        )
        record = self.store.rate_card(request)
        graded = None if q.self_graded else bool(outcome.correct)
        again = self.session.rated(record.review_id, record.rated, offer.now, graded=graded)
        buried = self._bury_siblings(card_id, offer.now)
        return RatedCard(card_id, q, rating, record.rated, again, auto, buried)

    def _bury_siblings(self, card_id: int, now: datetime) -> int:
        """Leave the rated card's siblings still pending (new or review) for tomorrow."""
        q = self.by_card[card_id]
        if not q.group:
            return 0
        pending = {e.card_id for e in self.session.pending if e.card_id != card_id}
        mine = set(q.group)
        related = {k for k in pending if mine & set(self.by_card[k].group)}
        if not related:
            return 0
        infos = self.store.card_infos(self.bank.id)
        day = self.day(now)
        buried = {k for k in related if self._buriable(infos.get(k), now, day)}
        new = sum(1 for e in self.session.pending if e.card_id in buried and e.new)
        n = self.session.bury(buried)
        if new:  # today's new cards stay as many: the next ones in order take their place
            seen = {e.card_id for e in self.session.pending}
            seen |= {d.entry.card_id for d in self.session.done}
            seen |= {e.card_id for e in self.session.skipped}
            held = self._buried(infos, day, now)
            fresh = [
                k for k in self.selection if k not in infos and k not in seen and k not in held
            ]
            self.session.add_new(fresh[:new])
        return n

    def skip(self) -> None:
        """Leave the current card for another day (it stays due)."""
        self.session.skip()

    def undo(self) -> Undone:
        """Take back the last rating of this sitting: its card comes back next."""
        session = self.session
        if not session.done:
            return Undone(None)
        last = session.done[-1]
        try:
            self.store.undo_review(last.review_id)
        except UndoConflict as exc:
            session.done.pop()  # that rating stays; the next `u` reaches the one before
            return Undone(None, self.by_card[last.entry.card_id], conflict=str(exc))
        session.undone()
        return Undone(last, self.by_card[last.entry.card_id])

    def finish(self) -> SittingEnd:
        """What the sitting did and what is left."""
        now = self.clock()
        cards = self.store.card_infos(self.bank.id)  # read once, for the queue and tomorrow
        after = self.build_queue(now, cards)
        tomorrow = schedule.forecast(
            [i for k, i in cards.items() if k in self.by_card],
            now,
            self.day(now),
            days=2,
        )[1]
        stopped = self.stopped_at_budget or self.policy.budget_used(self.store, now)
        left = self.left_due(now) if stopped else None
        return SittingEnd(self.session.summary(), after, now, tomorrow, self.minutes, left)


def _info(state: CardState) -> CardInfo:
    card = state.card
    return CardInfo(state.card_id, card.due, card.state, state.suspended)


# --- unsuspend ----------------------------------------------------------------------------------


class Unsuspended(msgspec.Struct, frozen=True):
    card_id: int
    key: str  # bank/question-id
    was_suspended: bool


class Cards(OnStore):
    """The card commands on one open history. Close with `close()` or `with`."""

    def unsuspend(self, ref: str) -> Unsuspended:
        """Bring the card `ref` (card id, bank/question-id or question id) back into reviews."""
        store = self.store
        found = store.find_cards(ref)
        if not found:
            raise RefresherError(
                f"no card '{ref}': `refresher find TEXT` gives question ids,"
                " `refresher stats` card ids"
            )
        if len(found) > 1:
            keys = ", ".join(f"{b}/{q}" for _, b, q in found)
            raise RefresherError(f"'{ref}' is in several banks ({keys}); name bank/question")
        card_id, bank_id, qid = found[0]
        if store.card_state(card_id) is None:
            raise RefresherError(f"{bank_id}/{qid} has never been reviewed")
        return Unsuspended(card_id, f"{bank_id}/{qid}", store.set_suspended(card_id, False))


def open_cards(home: Path | None = None) -> Cards:
    return Cards(open_store(home))


def review_questions(
    bank: Bank, *, topics: Sequence[str] = (), types: Sequence[str] = ()
) -> list[Question]:
    """The questions of `bank` a `review` sitting draws its cards from."""
    return select(bank, topics=topics, types=types)


def open_sitting(
    bank: Bank,
    questions: Sequence[Question],
    settings: Config,
    *,
    new_per_day: int,
    limit: int | None = None,
    seed: int = 0,
    home: Path | None = None,
    clock: Clock = local_now,
    budget: bool = True,
) -> ReviewSitting:
    """A sitting on the history in `home`; close it with `close()` or `with`."""
    store = open_store(home)
    try:
        return ReviewSitting(
            store,
            bank,
            questions,
            settings,
            new_per_day=new_per_day,
            limit=limit,
            seed=seed,
            clock=clock,
            budget=budget,
        )
    except BaseException:
        store.close()
        raise
