"""A mock interview (app layer): which `open` questions are asked, follow-ups, scores, history.

`choose()` picks the questions; an `Interview` hands them out one at a time, guesses the key
points a typed answer covers (`refresher.quiz.points`), scores the points the learner confirms and,
after a good answer, puts one of the question's `follow_ups` next. `InterviewHistory` stores
every answer with the points it covered, committed before the next question, and reads them
back for `interview --history` and for the points missed most. The front end only prompts,
times and draws: this module reads no clock (durations come in as numbers).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from refresher.core import limits
from refresher.core.errors import InputError, RefresherError
from refresher.core.model import Bank, Outcome, Question
from refresher.core.text import a_or_an
from refresher.env.clock import Clock, local_now, utcnow
from refresher.kinds.open import OpenQuestion
from refresher.quiz import points as matcher
from refresher.quiz.points import Coverage
from refresher.quiz.round import select
from refresher.srs import schedule
from refresher.srs.schedule import Rating
from refresher.storage.store import OnStore, Store, open_store

if TYPE_CHECKING:
    from refresher.storage.attempts import ScoredAnswer

MODE = "interview"
DEFAULT_COUNT = 5
DEFAULT_SECONDS = 120
MAX_SECONDS = 3600
GOOD_SHARE = 0.6  # a good answer: a follow-up may come next, and it counts as right
MISSED_SHOWN = 5

# The share of points covered -> the review rating it suggests (below 25% Again, below 60%
# Hard, below 90% Good, else Easy).
_RATING_STEPS = ((0.25, Rating.Again), (0.6, Rating.Hard), (0.9, Rating.Good))


def rating_for_share(share: float) -> Rating:
    for below, rating in _RATING_STEPS:
        if share < below - 1e-9:
            return rating
    return Rating.Easy


def check_time(seconds: int) -> int:
    if not 0 <= seconds <= MAX_SECONDS:
        raise InputError(f"--time must be between 0 (no countdown) and {MAX_SECONDS} seconds")
    return seconds


def choose(
    bank: Bank,
    rng: random.Random,
    *,
    topics: Sequence[str] = (),
    count: int | None = DEFAULT_COUNT,
) -> tuple[list[OpenQuestion], int]:
    """The interview questions in the order planned (shuffled by `rng`), and how many matched."""
    questions = select(bank, topics=topics)  # an unknown topic: one line naming the known ones
    chosen = [q for q in questions if isinstance(q, OpenQuestion)]
    if not chosen:
        where = f" on {', '.join(topics)}" if topics else ""
        raise RefresherError(f"{bank.id} has no interview (open) questions{where}")
    rng.shuffle(chosen)
    return (chosen[:count] if count else chosen), len(chosen)


_TICK_SPLIT = re.compile(r"[\s,;]+")
NONE_WORDS = {"0", "-", "none", "no"}
ALL_WORDS = {"a", "all"}


def parse_ticks(text: str, n: int, current: Sequence[int]) -> tuple[int, ...]:
    """The points the learner confirms: `1 3 4` (numbers as shown), Enter keeps `current`,
    `0` or `none` clears, `all` ticks every point. Raises InputError for anything else."""
    words = [w for w in _TICK_SPLIT.split(text.strip().lower()) if w]
    if not words:
        return tuple(sorted(current))
    if len(words) == 1 and words[0] in NONE_WORDS:
        return ()
    if len(words) == 1 and words[0] in ALL_WORDS:
        return tuple(range(n))
    picked: set[int] = set()
    for word in words:
        if not word.isdigit() or not 1 <= int(word) <= n:
            raise InputError(
                f"type the numbers of the points you covered, 1-{n} (like 1 3), 0 for none,"
                " or press Enter to keep the ticks"
            )
        picked.add(int(word) - 1)
    return tuple(sorted(picked))


@dataclass(frozen=True)
class Asked:
    """A question as asked: its place in the interview, and what it follows up on."""

    question: OpenQuestion
    number: int
    follows: OpenQuestion | None = None


@dataclass(frozen=True)
class Scored:
    """One answered question: what was typed, the points guessed and those confirmed."""

    asked: Asked
    text: str  # as typed ("" when answered aloud)
    guess: Coverage
    ticked: tuple[int, ...]
    seconds: float
    limit: int  # the seconds allowed (0: no countdown)

    @property
    def question(self) -> OpenQuestion:
        return self.asked.question

    @property
    def aloud(self) -> bool:
        return not self.text.strip()

    @property
    def covered(self) -> int:
        return len(self.ticked)

    @property
    def share(self) -> float:
        n = len(self.question.points)
        return self.covered / n if n else 0.0

    @property
    def rating(self) -> Rating:
        return rating_for_share(self.share)

    @property
    def good(self) -> bool:
        return self.share >= GOOD_SHARE - 1e-9

    @property
    def over_time(self) -> float:
        return max(0.0, self.seconds - self.limit) if self.limit else 0.0

    def outcome(self) -> Outcome:
        return points_outcome(self.question, self.text, self.ticked, correct=self.good)


def points_outcome(
    question: OpenQuestion, text: str, ticked: Sequence[int], *, correct: bool
) -> Outcome:
    """The outcome stored for an answer scored by its points (interview and review)."""
    covered = [question.points[k] for k in sorted(ticked)]
    return Outcome(
        correct=correct,
        given=text.strip(),
        expected=question.answer,
        detail={"points": {"of": len(question.points), "covered": covered}},
    )


def guess(question: OpenQuestion, text: str) -> Coverage:
    """The points `text` seems to cover, to be confirmed by the learner."""
    return matcher.match(text, question.points)


@dataclass
class Interview:
    """The state of one interview. `next()` asks, `score()` or `skip()` answers."""

    bank: Bank
    planned: list[OpenQuestion]
    rng: random.Random
    limit: int = DEFAULT_SECONDS
    answers: list[Scored] = field(default_factory=list)
    skipped: list[Asked] = field(default_factory=list)
    current: Asked | None = None
    _follow_up: Asked | None = None
    _asked: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        """Questions in this interview (a follow-up takes the place of a planned one)."""
        done = len(self.answers) + len(self.skipped)
        waiting = len(self.planned) + (self._follow_up is not None)
        return done + (self.current is not None) + waiting

    def next(self) -> Asked | None:
        """The next question, or None when the interview is over."""
        number = len(self.answers) + len(self.skipped) + 1
        if self._follow_up is not None:
            asked, self._follow_up = self._follow_up, None
            asked = Asked(asked.question, number, asked.follows)
        elif self.planned:
            asked = Asked(self.planned.pop(0), number)
        else:
            asked = None
        self.current = asked
        if asked is not None:
            self._asked.add(asked.question.id)
        return asked

    def score(self, text: str, ticked: Sequence[int], seconds: float) -> Scored:
        """Record the answer to the current question with the points confirmed."""
        asked = self._take()
        q = asked.question
        scored = Scored(asked, text, guess(q, text), tuple(sorted(ticked)), seconds, self.limit)
        self.answers.append(scored)
        if scored.good:
            self._plan_follow_up(q)
        return scored

    def skip(self) -> Asked:
        asked = self._take()
        self.skipped.append(asked)
        return asked

    def _take(self) -> Asked:
        if self.current is None:
            raise RuntimeError("no question is being asked")
        asked, self.current = self.current, None
        return asked

    def _plan_follow_up(self, q: OpenQuestion) -> None:
        fresh = [
            f
            for qid in q.follow_ups
            if qid not in self._asked and isinstance(f := self.bank.get(qid), OpenQuestion)
        ]
        if not fresh or not self.planned:
            return  # the follow-up takes the place of a planned question: none left, none asked
        chosen = self.rng.choice(fresh)
        if chosen in self.planned:
            self.planned.remove(chosen)
        else:
            self.planned.pop()
        self._follow_up = Asked(chosen, 0, q)

    @property
    def follow_up(self) -> Asked | None:
        """The follow-up coming next, if the last answer earned one."""
        return self._follow_up


# --- summary and history -----------------------------------------------------------------------


@dataclass(frozen=True)
class Missed:
    """A key point and how often it was left out over every scored answer to its question."""

    question: OpenQuestion
    point: str
    missed: int
    answers: int


@dataclass(frozen=True)
class InterviewSummary:
    answers: list[Scored]
    skipped: list[Asked]
    unasked: int
    seconds: float
    missed_most: list[Missed]

    @property
    def share(self) -> float:
        """The mean share of points covered over the answered questions."""
        return sum(a.share for a in self.answers) / len(self.answers) if self.answers else 0.0


@dataclass(frozen=True)
class PastAnswer:
    """A stored answer to an interview question, its points matched against today's bank."""

    answered_at: datetime  # in the learner's zone
    given: str
    seconds: float
    mode: str
    of: int
    covered: tuple[str, ...]
    ticked: tuple[int, ...]  # indices of today's points among those it covered
    guess: Coverage  # today's matcher on the stored text, for highlighting

    @property
    def score(self) -> int:
        return len(self.covered)


@dataclass(frozen=True)
class AnswerHistory:
    question: OpenQuestion
    topic: str
    answers: list[PastAnswer]


def _past(q: OpenQuestion, past: ScoredAnswer, *, highlight: bool = True) -> PastAnswer:
    """A stored answer as shown; `highlight=False` skips matching its words against today's
    points (a third of the time of showing every answer of a long history)."""
    zone = local_now().tzinfo  # dates shown in the learner's zone (REFRESHER_NOW's in tests)
    return PastAnswer(
        past.answered_at.astimezone(zone),
        past.given,
        past.seconds,
        past.mode,
        past.of,
        past.covered,
        tuple(k for k, p in enumerate(q.points) if p in past.covered),
        guess(q, past.given) if highlight else matcher.Coverage((), ()),
    )


class InterviewHistory(OnStore):
    """The history as an interview uses it. Close with `close()` or `with`."""

    def __init__(self, store: Store, clock: Clock = utcnow):
        super().__init__(store)
        self.clock = clock

    def start(self, bank_id: str, seed: int | None) -> int:
        return self.store.start_round(bank_id, MODE, seed, self.clock())

    def record(self, scored: Scored, round_id: int | None) -> int:
        """Store one answer with the points it covered, committed before returning."""
        return self.store.record_attempt(
            scored.question,
            scored.outcome(),
            seconds=scored.seconds,
            mode=MODE,
            now=self.clock(),
            round_id=round_id,
        )

    def record_skip(self, asked: Asked, round_id: int | None) -> int:
        return self.store.record_skip(
            asked.question, mode=MODE, now=self.clock(), round_id=round_id
        )

    def past(self, bank: Bank, qid: str, latest: int = limits.PAST_ANSWERS_SHOWN) -> AnswerHistory:
        """The `latest` stored answers to the open question `qid`, oldest first (read from the
        newest end, so a history of any length costs the same)."""
        q = _open_question(bank, qid)
        rows = [_past(q, a) for a in self.store.answers_to(bank.id, q.id, latest)]
        return AnswerHistory(q, bank.topics.get(q.topic, q.topic), rows)

    def every_past(self, bank: Bank, qid: str) -> tuple[OpenQuestion, str, Iterator[PastAnswer]]:
        """(question, topic, every stored answer to it, oldest first, read as it is shown)."""
        q = _open_question(bank, qid)
        answers = (_past(q, a, highlight=False) for a in self.store.every_answer_to(bank.id, q.id))
        return q, bank.topics.get(q.topic, q.topic), answers

    def missed_most(
        self, bank: Bank, questions: Sequence[OpenQuestion], limit: int = MISSED_SHOWN
    ) -> list[Missed]:
        """The key points of `questions` left out most often, over all their scored answers."""
        found = []
        for q in dict.fromkeys(questions):
            past = self.store.answers_to(bank.id, q.id)
            if not past:
                continue
            for point in q.points:
                missed = sum(1 for a in past if point not in a.covered)
                if missed:
                    found.append(Missed(q, point, missed, len(past)))
        found.sort(key=lambda m: (-m.missed / m.answers, -m.missed))
        return found[:limit]

    def summary(self, interview: Interview, seconds: float) -> InterviewSummary:
        asked = [a.question for a in interview.answers]
        return InterviewSummary(
            answers=list(interview.answers),
            skipped=list(interview.skipped),
            unasked=interview.total - len(interview.answers) - len(interview.skipped),
            seconds=seconds,
            missed_most=self.missed_most(interview.bank, asked),
        )


def _open_question(bank: Bank, qid: str) -> OpenQuestion:
    select(bank, ids=[qid])  # an unknown id: one line, with the nearest ids
    q: Question | None = bank.get(qid)
    if not isinstance(q, OpenQuestion):
        kind = q.type if q is not None else "unknown"
        raise RefresherError(
            f"'{qid}' is {a_or_an(kind)} question; --history shows interview (open) questions"
        )
    return q


def open_interview_history(home: Path | None = None, clock: Clock = utcnow) -> InterviewHistory:
    return InterviewHistory(open_store(home), clock)


def rating_name(rating: Rating) -> str:
    return schedule.RATING_NAMES[rating]
