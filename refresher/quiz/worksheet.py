"""Worksheets: the questions of a bank as data to print, with their answers.

`sheet_entry(item)` is what `refresher print --json` emits for one question:
`{id, type, topic, prompt, <kind's fields>, answer, answer_text, ...}`, where `answer` is the
right answer as data (option letters, `true`/`false`, accepted texts, the model answer, the
computed number/list, ...) and `answer_text` exactly what to type at the item's prompt in
`quiz --seed S --no-shuffle`. Numeric items must carry their generated instance
(`session.attach_instances`). Pure.
"""

from __future__ import annotations

from typing import Any

from refresher.kinds import kind_of
from refresher.quiz.round import Item


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
