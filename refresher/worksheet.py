"""Worksheets: the questions of a bank as data to print, with their answers.

`sheet_entry(item)` is what `refresher print --json` emits for one question:
`{id, type, topic, prompt, options?, inputs?, answer}`, where `answer` is the right option
letter(s), `true`/`false`, the accepted texts, the model answer, or the computed number/list.
Numeric items must carry their generated instance (`session.attach_instances`). Pure.
"""

from __future__ import annotations

from typing import Any

from refresher.grading import letter
from refresher.model import (
    BlankQuestion,
    CardQuestion,
    ChoiceQuestion,
    MultiQuestion,
    OpenQuestion,
    TrueFalseQuestion,
)
from refresher.session import Item


def answer_of(item: Item) -> Any:
    """The right answer as data, letters following the item's option order."""
    q = item.question
    order = list(item.order)
    if isinstance(q, ChoiceQuestion):
        return letter(order.index(q.answer))
    if isinstance(q, MultiQuestion):
        return sorted(letter(order.index(i)) for i in q.answers)
    if isinstance(q, TrueFalseQuestion):
        return q.answer
    if isinstance(q, BlankQuestion):
        return list(q.answers)
    if isinstance(q, OpenQuestion):
        return q.answer
    if isinstance(q, CardQuestion):
        return q.back
    if item.instance is not None:
        from refresher.explain.steps import to_jsonable

        return to_jsonable(item.instance.expected)
    raise ValueError(f"{q.key} has no instance; call attach_instances first")


def sheet_entry(item: Item) -> dict[str, Any]:
    q = item.question
    entry: dict[str, Any] = {"id": q.id, "type": q.type.value, "topic": q.topic, "prompt": q.prompt}
    if item.options:
        entry["options"] = list(item.options)
    if item.instance is not None:
        from refresher.explain.steps import to_jsonable

        worked = item.instance.worked
        entry["inputs"] = to_jsonable({**dict(worked.inputs), **dict(worked.params)})
        entry["asked"] = item.instance.ask
    entry["answer"] = answer_of(item)
    if isinstance(q, OpenQuestion):
        entry["points"] = list(q.points)
    if q.explanation:
        entry["explanation"] = q.explanation
    return entry
