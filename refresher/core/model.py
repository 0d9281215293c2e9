"""Value types shared by every layer: a bank, the fields every question has, graded outcomes,
and `ID_RE`, what a bank's or a question's id may be.

Pure data: no I/O, no clock, no randomness. The model of each question kind (its own fields)
lives with the rest of that kind in `refresher/kinds/<kind>.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

# A bank's or a question's id: lower-case letters, digits, '-' or '_' (the bank reader checks it;
# an imported GIFT title that fits is kept as the id)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Question:
    """Fields every kind has. `line` is where the item starts in its file (1-based).

    `type` is the kind's name (`choice`, `cloze`, ...), as written in the bank; `self_graded`
    kinds are scored by the learner after a reveal (cards, interview questions).
    """

    bank_id: str
    id: str
    topic: str
    prompt: str
    tags: tuple[str, ...] = ()
    explanation: str = ""
    source: str = ""
    line: int = 0
    hint: str = ""  # a tutor's nudge, shown before a second try
    # Names of the facts this question shares with others (`group:` in a bank): questions of a
    # group are kept apart in a round, and a review buries a group's other cards for the day.
    group: tuple[str, ...] = ()

    type: ClassVar[str] = ""
    self_graded: ClassVar[bool] = False

    @property
    def key(self) -> str:
        """Stable identity in the store: `bank id/question id`."""
        return f"{self.bank_id}/{self.id}"


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
            out[q.type] = out.get(q.type, 0) + 1
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
