"""The interactive loop of `refresher review`: show a card, take an answer or a rating, store it.

Every rating is committed (with the card's new schedule, the review log and the answer, in one
transaction) before the next card appears, so a killed process loses at most the card on screen.
Before a card is shown its stored state is read again: a card rated meanwhile in another window
is left out if it is no longer due, and a rating is always computed from the state as stored at
the moment it is written. `u` takes back ratings of this sitting, most recent first.

Lines are read one per answer; on a pipe, cards are turned without waiting for Enter and typed
answers keep their automatic rating, so `printf '3\\n1\\nq\\n' | refresher review` works.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from refresher import schedule
from refresher.cli.runner import QUIT, SKIP, Ended, Prompter, Quit, Skip, more_rows
from refresher.config import Config
from refresher.errors import InputError
from refresher.model import Bank, Outcome, Question
from refresher.render import question as draw
from refresher.render import review as show
from refresher.render.console import stdin_is_tty
from refresher.schedule import CardInfo, CardState, Rated, Rating, ReviewSession, StudyDay
from refresher.session import Item, Round, attach_instances, make_items
from refresher.store import Store, UndoConflict, local_now

if TYPE_CHECKING:
    from refresher.render.console import Console

UNDO = {"u", "undo"}


class _Undo(Exception):
    pass


@dataclass
class Reviewer:
    console: Console
    store: Store
    bank: Bank
    questions: Sequence[Question]
    settings: Config
    new_per_day: int
    limit: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        self.prompter = Prompter(self.console, stdin_is_tty())
        self.scheduler = schedule.make_scheduler(
            desired_retention=self.settings.desired_retention, fuzz=self.settings.fuzz
        )
        ids = self.store.question_ids(self.bank.id, [q.id for q in self.questions])
        self.by_card = {ids[q.id]: q for q in self.questions}
        self.selection = [ids[q.id] for q in self.questions]

    # --- the queue --------------------------------------------------------------------------
    def _day(self, now: datetime) -> StudyDay:
        return StudyDay.local_to(now, self.settings.day_starts_at)

    def build_queue(self, now: datetime) -> schedule.Queue:
        day = self._day(now)
        today = day.date_of(now)
        introduced = self.store.introduced_between(
            day.start(today), day.start(today + timedelta(days=1))
        )
        return schedule.build_queue(
            self.selection,
            self.store.card_infos(self.bank.id),
            now,
            day,
            new_per_day=self.new_per_day,
            introduced_today=introduced,
            limit=self.limit,
        )

    # --- the sitting ------------------------------------------------------------------------
    def run(self) -> int:
        """Review until done or ended; returns the exit code."""
        now = local_now()
        queue = self.build_queue(now)
        if not queue.entries:
            show.nothing_due(self.console, self.bank.title, queue, self.new_per_day, now)
            return 0
        show.header(self.console, self.bank.title, queue)
        session = ReviewSession(list(queue.entries))
        started = time.monotonic()
        ended = self._loop(session)
        now = local_now()
        after = self.build_queue(now)
        day = self._day(now)
        tomorrow = schedule.forecast(
            [i for k, i in self.store.card_infos(self.bank.id).items() if k in self.by_card],
            now,
            day,
            days=2,
        )[1]
        show.summary(
            self.console, session.summary(), time.monotonic() - started, after, now, tomorrow
        )
        return 130 if ended is Ended.INTERRUPTED else 0

    def _loop(self, session: ReviewSession) -> Ended:
        try:
            while session.current is not None:
                try:
                    self._one(session)
                except _Undo:
                    self._undo(session)
                except Skip:
                    session.skip()
                    show.notice(self.console, "↷ Skipped: it stays due.")
        except Quit:
            return Ended.QUIT
        except EOFError:
            self.console.print()
            return Ended.EOF
        except KeyboardInterrupt:
            self.console.print()
            return Ended.INTERRUPTED
        return Ended.FINISHED

    def _undo(self, session: ReviewSession) -> None:
        if not session.done:
            show.notice(self.console, "Nothing to undo yet.")
            return
        last = session.done[-1]
        try:
            self.store.undo_review(last.review_id)
        except UndoConflict as exc:
            session.done.pop()  # that rating stays; the next `u` reaches the one before
            show.notice(self.console, f"Cannot undo: {exc}")
            return
        session.undone()
        show.undone(self.console, self.by_card[last.entry.card_id].id, last.rating)

    def _read(self, label: str, *, allow_skip: bool = True) -> str:
        text = self.prompter.read(label)
        word = text.strip().lower()
        if word in QUIT:
            raise Quit
        if word in UNDO:
            raise _Undo
        if allow_skip and word in SKIP:
            raise Skip
        return text

    def _status(self, state: CardState | None, now: datetime) -> str:
        if state is None:
            return "new"
        card = state.card
        if card.state == schedule.State.Learning:
            return "learning"
        if card.state == schedule.State.Relearning:
            return "relearning"
        day = self._day(now)
        late = (day.date_of(now) - day.date_of(card.due)).days
        return "due today" if late <= 0 else f"overdue by {late}d"

    def _one(self, session: ReviewSession) -> None:
        entry = session.current
        assert entry is not None
        now = local_now()
        state = self.store.card_state(entry.card_id)
        if state is not None and not schedule.is_due(_info(state), now, self._day(now)):
            session.drop()  # rated in another window meanwhile
            return
        q = self.by_card[entry.card_id]
        if session.repeat and len(session.pending) == 1 and state is not None:
            wait = state.card.due - now
            if wait.total_seconds() > 0:  # only this card is left and it is not due yet
                session.drop()
                show.notice(
                    self.console,
                    f"{q.id} comes back in {show.interval(wait)}: run `refresher review` then.",
                    style="muted",
                )
                return
        # options in one order per card and sitting: an undone card comes back as it was
        item = make_items([q], random.Random(self.seed * 1_000_003 + entry.card_id))[0]
        item = attach_instances([item], self.seed, self.bank.path)[0]
        show.card_heading(
            self.console,
            session.position,
            session.total,
            self.bank.topics.get(q.topic, q.topic),
            self._status(state, now) + (" · again" if session.repeat else ""),
        )
        draw.body(self.console, item)
        started = time.monotonic()
        if q.self_graded:
            choice = self._self_rated(item, state, entry.card_id)
        else:
            choice = self._answered(item, state, entry.card_id)
        self._commit(session, q, state, choice, time.monotonic() - started)
        if choice.then is not None:
            raise choice.then

    def _preview(self, state: CardState | None, card_id: int, now: datetime) -> dict[Rating, Rated]:
        return schedule.preview(
            self.scheduler, state, card_id, now, leech_threshold=self.settings.leech_threshold
        )

    def _self_rated(self, item: Item, state: CardState | None, card_id: int) -> _Choice:
        if self.prompter.interactive:
            self._read(draw.hint(item.question.type))
        draw.reveal(self.console, item)
        now = local_now()
        options = self._preview(state, card_id, now)
        show.choices(self.console, {r: p.interval for r, p in options.items()})
        while True:
            rating = schedule.parse_rating(self._read("Rate 1-4"))
            if rating is not None:
                return _Choice(rating, schedule.self_rated(rating), False, now, options)
            draw.reprompt(self.console, "type 1 Again, 2 Hard, 3 Good or 4 Easy (u undoes)")

    def _answered(self, item: Item, state: CardState | None, card_id: int) -> _Choice:
        rnd = Round([item])
        while True:
            text = self._read(f"Answer ({draw.hint_for(item)})")
            text = more_rows(self.prompter, item, text, self._read)
            try:
                answered = rnd.answer(text)
                break
            except InputError as exc:
                draw.reprompt(self.console, str(exc))
        draw.feedback(self.console, answered)
        outcome = answered.outcome
        auto = schedule.rating_for(outcome)
        now = local_now()
        if not self.prompter.interactive:
            return _Choice(auto, outcome, True, now, None)
        options = self._preview(state, card_id, now)
        show.auto_choice(self.console, {r: p.interval for r, p in options.items()}, auto)
        label = f"Enter keeps {schedule.RATING_NAMES[auto]}, 1-4 changes"
        while True:
            try:
                word = self.prompter.read(label).strip().lower()
            except (EOFError, KeyboardInterrupt) as exc:
                self.console.print()
                return _Choice(auto, outcome, True, now, options, then=exc)  # the answer is in
            if word in QUIT:
                return _Choice(auto, outcome, True, now, options, then=Quit())
            if word in UNDO:  # nothing of this card is stored yet: rate it, then undo
                draw.reprompt(
                    self.console, "rate this answer first (Enter keeps it); u then undoes it"
                )
                continue
            rating = auto if not word else schedule.parse_rating(word)
            if rating is not None:
                return _Choice(rating, outcome, rating == auto, now, options)
            draw.reprompt(self.console, "press Enter, or type 1-4 (u undoes, q ends)")

    def _commit(
        self,
        session: ReviewSession,
        q: Question,
        shown: CardState | None,
        choice: _Choice,
        seconds: float,
    ) -> None:
        card_id = session.current.card_id  # type: ignore[union-attr]
        ms = int(seconds * 1000)

        def decide(stored: CardState | None) -> Rated:
            if choice.options is not None and stored == shown:
                # exactly what was shown next to the rating, fuzz included
                chosen = choice.options[choice.rating]
                return dataclasses.replace(
                    chosen, log=dataclasses.replace(chosen.log, review_duration=ms)
                )
            return schedule.rate(
                self.scheduler,
                stored,
                card_id,
                choice.rating,
                choice.now,
                duration_ms=ms,
                leech_threshold=self.settings.leech_threshold,
            )

        record = self.store.record_review(
            card_id,
            decide,
            question=q,
            outcome=choice.outcome,
            seconds=seconds,
            auto=choice.auto,
            now=choice.now,
        )
        result = record.rated
        graded = None if q.self_graded else bool(choice.outcome.correct)
        again = session.rated(record.review_id, result, choice.now, graded=graded)
        show.rated(self.console, choice.rating, result.interval, again=again, auto=choice.auto)
        if result.became_leech:
            show.leech(self.console, card_id, q.key, result.after.lapses)


@dataclass
class _Choice:
    """A rating about to be stored, with the previews it was chosen from (None on a pipe)."""

    rating: Rating
    outcome: Outcome
    auto: bool
    now: datetime
    options: dict[Rating, Rated] | None
    then: BaseException | None = None  # end the review after storing (q, Ctrl-D, Ctrl-C)


def _info(state: CardState) -> CardInfo:
    card = state.card
    return CardInfo(state.card_id, card.due, card.state, state.suspended)
