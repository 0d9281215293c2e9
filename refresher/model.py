"""Value types shared by every layer: banks, the question kinds, outcomes of grading.

Pure data: no I/O, no clock, no randomness. One class per question kind, so adding a kind is a
local change (a class here, a parser in `bank.py`, a grader in `grading.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class QType(StrEnum):
    CHOICE = "choice"
    MULTI = "multi"
    TRUEFALSE = "truefalse"
    BLANK = "blank"
    NUMERIC = "numeric"
    OPEN = "open"
    CARD = "card"


# Kinds the learner grades themselves (reveal, then right/wrong or an FSRS rating).
SELF_GRADED = frozenset({QType.OPEN, QType.CARD})


@dataclass(frozen=True)
class Question:
    """Fields every kind has. `line` is where the item starts in its file (1-based)."""

    bank_id: str
    id: str
    topic: str
    prompt: str
    tags: tuple[str, ...] = ()
    explanation: str = ""
    source: str = ""
    line: int = 0

    type: QType = field(init=False, default=QType.CHOICE)

    @property
    def key(self) -> str:
        """Stable identity in the store: `bank id/question id`."""
        return f"{self.bank_id}/{self.id}"

    @property
    def self_graded(self) -> bool:
        return self.type in SELF_GRADED


@dataclass(frozen=True)
class ChoiceQuestion(Question):
    options: tuple[str, ...] = ()
    answer: int = 0  # index into options

    type: QType = field(init=False, default=QType.CHOICE)


@dataclass(frozen=True)
class MultiQuestion(Question):
    options: tuple[str, ...] = ()
    answers: frozenset[int] = frozenset()

    type: QType = field(init=False, default=QType.MULTI)


@dataclass(frozen=True)
class TrueFalseQuestion(Question):
    answer: bool = True

    type: QType = field(init=False, default=QType.TRUEFALSE)


@dataclass(frozen=True)
class BlankQuestion(Question):
    answers: tuple[str, ...] = ()  # accepted answers; the first is the one shown

    type: QType = field(init=False, default=QType.BLANK)


@dataclass(frozen=True)
class NumericQuestion(Question):
    compute: dict[str, Any] = field(default_factory=dict)
    tolerance: float = 0.01
    rtol: float = 0.0

    type: QType = field(init=False, default=QType.NUMERIC)


@dataclass(frozen=True)
class OpenQuestion(Question):
    answer: str = ""
    points: tuple[str, ...] = ()

    type: QType = field(init=False, default=QType.OPEN)


@dataclass(frozen=True)
class CardQuestion(Question):
    """A flashcard: `prompt` is the front."""

    back: str = ""

    type: QType = field(init=False, default=QType.CARD)


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    path: str
    topics: dict[str, str]
    questions: tuple[Question, ...]

    def counts_by_type(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for q in self.questions:
            out[q.type.value] = out.get(q.type.value, 0) + 1
        return out

    def counts_by_topic(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for q in self.questions:
            out[q.topic] = out.get(q.topic, 0) + 1
        return out

    def get(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


@dataclass(frozen=True)
class Outcome:
    """The result of grading one answer.

    `correct` is None for a skip. `given` is the answer as the learner typed it, `expected` the
    right answer as text to show. `detail` carries kind-specific extras (e.g. wrong cells).
    """

    correct: bool | None
    given: str
    expected: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def skipped(self) -> bool:
        return self.correct is None
