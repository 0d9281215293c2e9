"""`numeric`: a number, vector or matrix computed live by the explain engine.

The bank gives a `compute:` spec (never the answer); each attempt draws its own inputs. The
engine and NumPy are imported only when a numeric item is instantiated, graded or checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields
from refresher.model import Outcome, Question


@dataclass(frozen=True)
class NumericQuestion(Question):
    compute: dict[str, Any] = field(default_factory=dict)
    tolerance: float = 0.01
    rtol: float = 0.0

    type = "numeric"


class Numeric(Kind):
    name = "numeric"
    model = NumericQuestion
    keys = frozenset({"prompt", "compute", "tolerance", "rtol"})
    hint = "a number, vector (1 2) or matrix (1 2; 3 4)"

    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        from refresher.document import plain

        prompt = f.text("prompt")
        if not f.require("compute"):
            return None
        spec = f.item["compute"]
        if not isinstance(spec, dict) or not isinstance(spec.get("kind"), str):
            f.problem(
                "compute", "'compute' must be a mapping with a 'kind' (e.g. {kind: pool, ...})"
            )
            return None
        tol: dict[str, float] = {}
        for key in ("tolerance", "rtol"):
            if f.has(key):
                value = f.number(key)
                if value is None:
                    return None
                tol[key] = value
        if prompt is None:
            return None
        return NumericQuestion(prompt=prompt, compute=plain(spec), **tol, **common)

    def instantiate(self, question: Question, seed: int, path: str | None = None) -> Any:
        from refresher.numeric import instantiate

        return instantiate(question, seed, path=path)  # type: ignore[arg-type]

    def grade(self, item: Any, text: str) -> Outcome:
        from refresher.numeric import grade

        q: NumericQuestion = item.question
        return grade(_instance(item), text, q.tolerance, q.rtol)

    def answer(self, item: Any) -> Any:
        from refresher.explain.steps import to_jsonable

        return to_jsonable(_instance(item).expected)

    def answer_text(self, item: Any) -> str:
        from refresher.numeric import format_answer

        return format_answer(_instance(item).expected, precision=12)

    def sheet(self, item: Any) -> dict[str, Any]:
        from refresher.explain.steps import to_jsonable

        instance = _instance(item)
        worked = instance.worked
        inputs = to_jsonable({**dict(worked.inputs), **dict(worked.params)})
        return {"inputs": inputs, "asked": instance.ask}

    def hint_for(self, item: Any) -> str:
        if item.instance is None:
            return self.hint
        shape = item.instance.expected.shape
        if item.instance.ask == "output_size" and shape == (2,):
            example = "8 8" if list(item.instance.expected) != [8, 8] else "12 12"
            return f"rows columns, e.g. {example}"
        if len(shape) == 2:
            return f"a {shape[0]}x{shape[1]} matrix, rows split by ';'"
        if len(shape) == 1 and shape[0] > 1:
            return f"{shape[0]} numbers separated by spaces"
        return "a number"

    def more_inputs(self, item: Any, first: str, interactive: bool) -> tuple[str, ...]:
        """On a terminal a matrix may be typed one row per line (a blank line ends it early),
        or all on one line. A first row whose count fits no answer is an InputError at once."""
        from refresher.errors import InputError
        from refresher.numeric import answer_shapes, first_row_problem

        instance = item.instance
        if instance is None or not interactive or any(c in first for c in ";[\n"):
            return ()
        if instance.expected.ndim != 2 or not first.strip():
            return ()
        rows, problem = first_row_problem(first, answer_shapes(instance))
        if problem is not None:
            raise InputError(problem)
        return tuple(f"row {k}" for k in range(2, rows + 1))

    def deep_problems(self, question: Question) -> list[str]:
        from refresher.numeric import spec_problems

        return [f"compute: {m}" for m in spec_problems(question.compute)]  # type: ignore[attr-defined]


def _instance(item: Any) -> Any:
    if item.instance is None:
        raise ValueError(f"{item.question.key} has no instance; call attach_instances first")
    return item.instance


KIND = Numeric()
