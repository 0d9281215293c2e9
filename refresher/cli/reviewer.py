"""The interactive loop of `refresher review`: show a card, take an answer or a rating, store it.

What is due, each card's status, the previews and the stored rating are the app's
(`app.review.ReviewSitting`); this loop prompts and draws. Every rating is committed before the
next card appears, so a killed process loses at most the card on screen. `u` takes back ratings
of this sitting, most recent first; `f` flags the card on screen (at any prompt).

Lines are read one per answer, typed or piped alike: a card or an interview question reads one
line to turn it (Enter), then its rating, so `printf '\\n3\\n\\n1\\nq\\n' | refresher review`
works. On a pipe, typed answers keep their automatic rating. With `tries` 2, a wrong typed
answer gets a hint and a second try; right at the second try is rated Hard.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from refresher.app.flags import f_answers, flag_question
from refresher.app.review import CardView, Offer, ReviewSitting
from refresher.cli.runner import (
    OPEN_LABEL,
    QUIT,
    SKIP,
    Ended,
    Prompter,
    Quit,
    Skip,
    more_rows,
    until_ended,
)
from refresher.core.errors import InputError
from refresher.core.model import Outcome
from refresher.kinds.base import Item
from refresher.quiz.round import Answered, grade, second_try
from refresher.render import question as draw
from refresher.render import review as show
from refresher.render.console import stdin_is_tty
from refresher.srs import schedule
from refresher.srs.schedule import Rating

if TYPE_CHECKING:
    from refresher.render.console import Console

UNDO = {"u", "undo"}


# y/n, as the quiz takes for the same cards: knew it (Good) or not (Again).
_KNEW_IT = {"y": Rating.Good, "yes": Rating.Good, "n": Rating.Again, "no": Rating.Again}


class _Undo(Exception):
    pass


@dataclass
class Reviewer:
    console: Console
    sitting: ReviewSitting

    def __post_init__(self) -> None:
        self.prompter = Prompter(self.console, stdin_is_tty())
        self.undos = 0  # ratings taken back this sitting: `u` past the first says so

    # --- the sitting ------------------------------------------------------------------------
    def run(self) -> int:
        """Review until done or ended; returns the exit code."""
        sitting = self.sitting
        queue, now = sitting.start()
        if sitting.budget_used():  # nothing of today's minutes is left
            show.budget_used(self.console, sitting.minutes, sitting.left_due(now))
            return 0
        if not queue.entries:
            show.nothing_due(
                self.console, sitting.bank.title, queue, sitting.new_per_day, now, sitting.minutes
            )
            return 0
        show.header(self.console, sitting.bank.title, queue, sitting.minutes)
        started = time.monotonic()
        ended = self._loop()
        end = sitting.finish()
        show.summary(
            self.console,
            end.summary,
            time.monotonic() - started,
            end.after,
            end.now,
            end.tomorrow,
            end.minutes,
            end.left_at_budget,
        )
        return 130 if ended is Ended.INTERRUPTED else 0

    def _loop(self) -> Ended:
        return until_ended(self.console, self._cards)

    def _cards(self) -> None:
        while (card := self.sitting.next_card()) is not None:
            try:
                self._one(card)
            except _Undo:
                self._undo()
            except Skip:
                new = card.state is None
                self.sitting.skip()
                said = "it stays new" if new else "it stays due"
                show.notice(self.console, f"↷ Skipped: {said}.")

    def _undo(self) -> None:
        undone = self.sitting.undo()
        if undone.conflict is not None:
            show.notice(self.console, f"Cannot undo: {undone.conflict}")
        elif undone.done is None or undone.question is None:
            if self.undos:
                show.notice(
                    self.console, "Nothing left to undo: every rating of this sitting is back."
                )
            else:
                show.notice(self.console, "Nothing to undo yet.")
        else:
            self.undos += 1
            show.undone(self.console, undone.question.prompt, undone.done.rating)

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

    def _one(self, card: CardView) -> None:
        show.card_heading(self.console, card.position, card.total, card.topic, card.status)
        draw.body(self.console, card.item)
        q = card.question
        self.prompter.flagger = lambda: draw.flagged(
            self.console, q.id, flag_question(self.sitting.store, q)
        )
        self.prompter.f_is_answer = f_answers(q)
        started = time.monotonic()
        choice = self._self_rated(card) if card.question.self_graded else self._answered(card)
        self._commit(card, choice, time.monotonic() - started)
        if choice.then is not None:
            raise choice.then

    def _self_rated(self, card: CardView) -> _Choice:
        item = card.item
        if self.prompter.interactive and item.question.type == "open":
            if first := self._read(OPEN_LABEL).strip():  # typed: scored by its key points
                return self._typed_open(card, first)
        else:
            self._read(draw.hint(item.question.type))  # Enter turns it, typed or piped
        draw.reveal(self.console, item)
        offer = self.sitting.offer(card)
        show.choices(self.console, offer.intervals)
        while True:
            typed = self._read("Rate 1-4")
            rating = schedule.parse_rating(typed) or _KNEW_IT.get(typed.strip().lower())
            if rating is not None:
                return _Choice(rating, schedule.self_rated(rating), False, offer)
            draw.reprompt(
                self.console, "type 1 Again, 2 Hard, 3 Good or 4 Easy; y Good, n Again (u undoes)"
            )

    def _typed_open(self, card: CardView, first: str) -> _Choice:
        """An interview question answered in writing, as in `refresher interview`: the key
        points it covers are ticked for the learner to confirm, and their share suggests the
        rating (Enter keeps it, 1-4 changes it)."""
        # the interview's reader and scoring, imported when a written answer is given
        from refresher.app.interview import guess, points_outcome, rating_for_share
        from refresher.cli.interview import Lines, confirm_points, read_answer
        from refresher.render import interview as talk

        q = card.question
        lines = Lines(self.console, self.prompter.interactive, self.prompter.flagger)
        text = read_answer(lines, first)
        ticks, then = confirm_points(lines, q, text, guess(q, text))
        n = len(q.points)
        auto = rating_for_share(len(ticks) / n if n else 0.0)
        self.console.print(talk.score_line(len(ticks), n, auto))
        offer = self.sitting.offer(card)
        show.auto_choice(self.console, offer.intervals, auto)

        def choice(rating: Rating, kept: bool, then: BaseException | None = None) -> _Choice:
            right = rating != Rating.Again
            outcome = points_outcome(q, text, ticks, correct=right)
            return _Choice(rating, outcome, kept, offer, then=then)

        if then is not None:
            return choice(auto, True, then)
        return choice(*self._keep_or_change(auto, undo=False))

    def _graded(self, item: Item, label: str) -> Outcome:
        while True:
            text = self._read(f"{label} ({draw.hint_for(item)})")
            try:
                return grade(item, more_rows(self.prompter, item, text, self._read))
            except InputError as exc:
                draw.reprompt(self.console, str(exc))

    def _answered(self, card: CardView) -> _Choice:
        item = card.item
        outcome = self._graded(item, "Answer")
        if outcome.correct is False and self.sitting.settings.tries > 1:
            draw.not_yet(self.console, item, outcome)
            try:
                outcome = second_try(outcome, self._graded(item, "Second try"))
            except Skip:  # no second try: the first answer is rated
                pass
            except (Quit, EOFError, KeyboardInterrupt) as exc:
                auto = self.sitting.auto_rating(outcome)
                offer = self.sitting.offer(card, previews=False)
                return _Choice(auto, outcome, True, offer, then=exc)  # the answer is in
        answered = Answered(item, outcome, 0.0)
        draw.feedback(self.console, answered)
        outcome = answered.outcome
        auto = self.sitting.auto_rating(outcome)
        if not self.prompter.interactive:
            return _Choice(auto, outcome, True, self.sitting.offer(card, previews=False))
        offer = self.sitting.offer(card)
        show.auto_choice(self.console, offer.intervals, auto)
        rating, kept, then = self._keep_or_change(auto, undo=True)
        return _Choice(rating, outcome, kept, offer, then=then)

    def _keep_or_change(
        self, auto: Rating, *, undo: bool
    ) -> tuple[Rating, bool, BaseException | None]:
        """The rating after "Enter keeps Good, 1-4 changes": (rating, kept, then), `then` being
        the q, end of input or Ctrl-C that came instead (the answer is in: `auto` is kept).
        With `undo`, u is refused until this answer is rated (nothing of it is stored yet)."""
        label = f"Enter keeps {schedule.RATING_NAMES[auto]}, 1-4 changes"
        while True:
            try:
                word = self.prompter.read(label).strip().lower()
            except (EOFError, KeyboardInterrupt) as exc:
                self.console.print()
                return auto, True, exc
            if word in QUIT:
                return auto, True, Quit()
            if undo and word in UNDO:
                draw.reprompt(
                    self.console, "rate this answer first (Enter keeps it); u then undoes it"
                )
                continue
            rating = auto if not word else schedule.parse_rating(word)
            if rating is not None:
                return rating, rating == auto, None
            keys = "u undoes, q ends" if undo else "q ends"
            draw.reprompt(self.console, f"press Enter, or type 1-4 ({keys})")

    def _commit(self, card: CardView, choice: _Choice, seconds: float) -> None:
        done = self.sitting.rate(
            card,
            choice.rating,
            outcome=choice.outcome,
            auto=choice.auto,
            seconds=seconds,
            offer=choice.offer,
        )
        result = done.result
        show.rated(self.console, choice.rating, result.interval, again=done.again, auto=choice.auto)
        if done.buried:
            show.notice(self.console, show.buried_now(done.buried))
        if result.became_leech:
            show.leech(
                self.console,
                done.card_id,
                done.question.key,
                result.after.lapses,
                done.question.prompt,
            )


@dataclass
class _Choice:
    """A rating about to be stored, with the moment and previews it was chosen from."""

    rating: Rating
    outcome: Outcome
    auto: bool
    offer: Offer
    then: BaseException | None = None  # end the review after storing (q, Ctrl-D, Ctrl-C)
