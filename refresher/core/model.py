"""Value types shared by every layer: a bank, the fields every question has, graded outcomes,
and `ID_RE`, what a bank's or a question's id may be.

Pure data: no I/O, no clock, no randomness. The model of each question kind (its own fields)
lives with the rest of that kind in `refresher/kinds/<kind>.py`.

The values are frozen `msgspec.Struct`s rather than dataclasses: a class is defined in C (a frozen
dataclass costs about a millisecond of start-up each, for the code it generates and compiles),
and the parse cache decodes a whole bank straight into them, checking every field's type as it
goes (`banks/cache.py`). A question is stored as an array tagged with its class's name
(`array_like`, `tag`); that is the only place the settings matter.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import msgspec

# A bank's or a question's id: lower-case letters, digits, '-' or '_' (the bank reader checks it;
# an imported GIFT title that fits is kept as the id)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class Question(
    msgspec.Struct, frozen=True, array_like=True, tag=True, forbid_unknown_fields=True, gc=False
):
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


class Bank(msgspec.Struct, frozen=True):
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


class Outcome(msgspec.Struct, frozen=True):
    """The result of grading one answer.

    `correct` is None for a skip. `given` is the answer as the learner typed it, `expected` the
    right answer as text to show. `detail` carries kind-specific extras (e.g. wrong cells).
    """

    correct: bool | None
    given: str
    expected: str
    detail: dict[str, Any] = msgspec.field(default_factory=dict)

    @property
    def skipped(self) -> bool:
        return self.correct is None
