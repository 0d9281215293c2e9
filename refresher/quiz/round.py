"""A quiz round as pure state: which questions, in which order, what was answered.

`select()` filters a bank; `make_items()` fixes the (seeded) order of questions and options
(each an `Item`, the kinds' own value); `Round` takes answers one at a time and `summary()`
reports. A drill's endless items are `refresher.quiz.drill`'s. Randomness comes in as a
`random.Random`, durations come in as numbers: nothing here reads the clock or prints.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum

import msgspec

from refresher.core.errors import RefresherError
from refresher.core.model import Bank, Outcome, Question
from refresher.kinds import NAMES, kind_of
from refresher.kinds.base import Item
from refresher.quiz.related import spread


class Mode(StrEnum):
    PRACTICE = "practice"
    EXAM = "exam"
    DRILL = "drill"  # endless practice of one generator; feedback as in practice


class Answered(msgspec.Struct, frozen=True):
    item: Item
    outcome: Outcome
    seconds: float

    @property
    def tries(self) -> int:
        return int(self.outcome.detail.get("tries", 1))

    @property
    def overruled(self) -> bool:
        return bool(self.outcome.detail.get("overruled", False))

    @property
    def first_try(self) -> bool:
        """Right at the first try (an answer the learner overruled counts)."""
        return bool(self.outcome.correct) and self.tries == 1


def second_try(first: Outcome, second: Outcome) -> Outcome:
    """The outcome of a question answered twice: the second answer decides, the first is kept
    (`first_given`), and so is a named mistake the first made if the second made none."""
    detail = {**second.detail, "tries": 2, "first_given": first.given}
    if "mistake" not in detail and "mistake" in first.detail:
        detail["mistake"] = first.detail["mistake"]
    return Outcome(second.correct, second.given, second.expected, detail)


def overruled(outcome: Outcome) -> Outcome:
    """A wrong answer the learner says was right (a typo, a synonym): it counts right."""
    detail = {k: v for k, v in outcome.detail.items() if k not in ("mistake", "diagnosis")}
    return Outcome(True, outcome.given, outcome.expected, {**detail, "overruled": True})


def grade(item: Item, text: str) -> Outcome:
    """Grade `text` typed for `item` by its kind. InputError when it cannot be read."""
    return kind_of(item.question).grade(item, text)


def rearranged(item: Item, rng: random.Random) -> Item:
    """The item with its options (or steps) in a new order, different from the one it had when
    another order exists: a retry must not be answered by remembering the letter."""
    kind = kind_of(item.question)
    order = item.order
    for _ in range(8):
        order = kind.arrange(item.question, rng, True)
        if order != item.order:
            break
    return Item(item.question, order, item.instance)


def _check_known(kind: str, wanted: Sequence[str], known: Callable[[], Iterable[str]]) -> None:
    """Each of `wanted` is one of `known()` (worked out only when something is wanted)."""
    if not wanted:
        return
    known = list(known())
    for value in wanted:
        if value in known:
            continue
        if len(known) <= 12:
            raise RefresherError(f"unknown {kind} '{value}'; available: {', '.join(known)}")
        near = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise RefresherError(
            f"unknown {kind} '{value}'{hint}; the bank has {len(known)}, which"
            " `refresher find TEXT` searches"
        )


def select(
    bank: Bank,
    *,
    topics: Sequence[str] = (),
    types: Sequence[str] = (),
    tags: Sequence[str] = (),
    ids: Sequence[str] = (),
    exclude_types: Sequence[str] = (),
) -> list[Question]:
    """Questions of `bank` matching every given filter, in bank order."""
    _check_known("topic", topics, lambda: bank.topics)
    _check_known("type", types, lambda: NAMES)
    _check_known("tag", tags, lambda: sorted({t for q in bank.questions for t in q.tags}))
    _check_known("question id", ids, lambda: [q.id for q in bank.questions])
    if bank.questions and not (topics or types or tags or ids or exclude_types):
        return list(bank.questions)
    chosen = [
        q
        for q in bank.questions
        if (not topics or q.topic in topics)
        and (not types or q.type in types)
        and (not tags or set(tags) & set(q.tags))
        and (not ids or q.id in ids)
        and q.type not in exclude_types
    ]
    if not chosen:
        raise RefresherError("no questions match those filters")
    return chosen


def make_items(
    questions: Sequence[Question],
    rng: random.Random,
    *,
    shuffle: bool = True,
    count: int | None = None,
) -> list[Item]:
    """Order questions (and the options of each) reproducibly from `rng`, then take `count`.
    A shuffled order keeps related questions apart (`related.spread`)."""
    questions = list(questions)
    if shuffle and count is not None and count < len(questions):
        questions = rng.sample(questions, count)  # a part of a large bank: no need to order all
    elif shuffle:
        rng.shuffle(questions)
    if count is not None:
        questions = questions[:count]
    items = [Item(q, kind_of(q).arrange(q, rng, shuffle)) for q in questions]
    return spread(items) if shuffle else items


def attach_instances(
    items: list[Item],
    seed: int,
    path: str | None = None,
    seeds: Mapping[str, int] | None = None,
) -> list[Item]:
    """Give each item that generates data per attempt (numeric: its numbers and worked
    solution) this round's instance, or the one drawn from `seeds[question id]` when given
    (the numbers a redo of a missed question asks again). The explain engine loads only when a
    round needs it."""
    out = []
    for item in items:
        own = (seeds or {}).get(item.question.id, seed)
        instance = kind_of(item.question).instantiate(item.question, own, path)
        out.append(item if instance is None else Item(item.question, item.order, instance))
    return out


class Summary(msgspec.Struct):
    answered: int
    right: int
    skipped: list[Item]
    unanswered: list[Item]
    misses: list[Answered]
    by_topic: dict[str, tuple[int, int]]  # topic -> (right, answered)
    seconds: float
    first_try: int = 0  # right at the first try

    @property
    def second_try(self) -> int:
        """Right only at the second try."""
        return self.right - self.first_try

    @property
    def percent(self) -> float:
        return 100.0 * self.right / self.answered if self.answered else 0.0


class Round(msgspec.Struct):
    """The state of one round. Answers are graded here and handed back for storing."""

    items: list[Item]
    mode: Mode = Mode.PRACTICE
    position: int = 0
    answers: list[Answered] = msgspec.field(default_factory=list)
    skipped: list[Item] = msgspec.field(default_factory=list)

    @property
    def current(self) -> Item | None:
        return self.items[self.position] if self.position < len(self.items) else None

    @property
    def done(self) -> bool:
        return self.position >= len(self.items)

    @property
    def right(self) -> int:
        return sum(1 for a in self.answers if a.outcome.correct)

    def _take(self, outcome: Outcome, seconds: float) -> Answered:
        item = self.items[self.position]
        answered = Answered(item, outcome, seconds)
        self.answers.append(answered)
        self.position += 1
        return answered

    def answer(self, text: str, seconds: float = 0.0) -> Answered:
        """Grade `text` for the current item. InputError (re-prompt) leaves the state as it was."""
        return self._take(self.grade(text), seconds)

    def grade(self, text: str) -> Outcome:
        """Grade `text` for the current item without taking it (a try that may be followed by
        another). InputError when it cannot be read."""
        return grade(self.items[self.position], text)

    def take(self, outcome: Outcome, seconds: float = 0.0) -> Answered:
        """Take a graded outcome as the current item's answer and move on."""
        return self._take(outcome, seconds)

    def overrule(self) -> Answered:
        """The last answer, marked wrong, counts right after all (the learner's "I was right")."""
        last = self.answers[-1]
        if last.outcome.correct is not False:
            raise ValueError("only a wrong answer can be overruled")
        self.answers[-1] = Answered(last.item, overruled(last.outcome), last.seconds)
        return self.answers[-1]

    def self_score(self, knew: bool, seconds: float = 0.0) -> Answered:
        outcome = Outcome(correct=knew, given="knew it" if knew else "missed it", expected="")
        return self._take(outcome, seconds)

    def skip(self) -> Item:
        item = self.items[self.position]
        self.skipped.append(item)
        self.position += 1
        return item

    def summary(self, seconds: float) -> Summary:
        by_topic: dict[str, tuple[int, int]] = {}
        for a in self.answers:
            right, total = by_topic.get(a.item.question.topic, (0, 0))
            by_topic[a.item.question.topic] = (right + bool(a.outcome.correct), total + 1)
        return Summary(
            answered=len(self.answers),
            right=self.right,
            skipped=list(self.skipped),
            unanswered=list(self.items[self.position :]),
            misses=[a for a in self.answers if not a.outcome.correct],
            by_topic=by_topic,
            seconds=seconds,
            first_try=sum(1 for a in self.answers if a.first_try),
        )
