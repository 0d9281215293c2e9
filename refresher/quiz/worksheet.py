"""Worksheets: the questions of a bank as data to print, with their answers.

`sheet_entry(item)` is what `refresher print --json` emits for one question:
`{id, type, topic, prompt, <kind's fields>, answer, answer_text, ...}`, where `answer` is the
right answer as data (option letters, `true`/`false`, accepted texts, the model answer, the
computed number/list, ...) and `answer_text` exactly what to type at the item's prompt in
`quiz --seed S --no-shuffle`. Numeric items must carry their generated instance
(`session.attach_instances`). Pure.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from refresher.kinds import kind_of
from refresher.quiz.round import Item


@dataclass(frozen=True)
class Again:
    """The commands that print a sheet again and quiz its numbers, as its footer names them:
    the bank and the filters it was printed with, and its seed."""

    seed: int
    print_command: str
    quiz_command: str

    @classmethod
    def of(
        cls, seed: int, *, bank: str | None = None, topics: Sequence[str] = (),
        types: Sequence[str] = (), tags: Sequence[str] = (), cards: bool = True,
        answers: bool = False, key_only: bool = False,
    ) -> Again:  # fmt: skip
        picked = [bank] if bank else []
        for flag, values in (("--topic", topics), ("--type", types), ("--tag", tags)):
            for value in values:
                picked += [flag, value]
        sheet = [*picked, *([] if cards else ["--no-cards"])]
        sheet += ["--key-only"] if key_only else ["--answers"] if answers else []
        seeded = ["--seed", str(seed)]
        return cls(
            seed,
            shlex.join(["refresher", "print", *sheet, *seeded]),
            shlex.join(["refresher", "quiz", *picked, *seeded]),
        )


def sheet_entry(item: Item) -> dict[str, Any]:
    q = item.question
    kind = kind_of(q)
    entry: dict[str, Any] = {"id": q.id, "type": q.type, "topic": q.topic, "prompt": q.prompt}
    extra = kind.sheet(item)
    points = extra.pop("points", None)
    entry.update(extra)
    entry["answer"] = kind.answer(item)
    entry["answer_text"] = kind.answer_text(item)
    if points is not None:
        entry["points"] = points
    if q.explanation:
        entry["explanation"] = q.explanation
    return entry
