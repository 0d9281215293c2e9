"""`numeric`: a number, vector or matrix computed live by the explain engine, or a fixed number.

The bank gives a `compute:` spec (never the answer); each attempt draws its own inputs. The
engine and NumPy are imported only when a numeric item is instantiated, graded or checked.
An imported question (GIFT, CSV) has no spec but a literal `answer:` number with `tolerance:`;
it has no instance and no worked solution.

The package: this face is the kind (building, grading, answer text; NumPy-free at import), its
question in `model`, the instance engine (random inputs, solving, spec checks, reading and grading
an answer) in `engine`, and the named mistakes in `mistakes`, with their NumPy-free labels in
`names`.
"""

from __future__ import annotations

from typing import Any

from refresher.core.model import Outcome, Question
from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields
from refresher.kinds.numeric.model import NumericQuestion


class Numeric(
    Kind,
    model=NumericQuestion,
    keys={"prompt", "compute", "answer", "tolerance", "rtol"},
    hint="a number, vector (1 2) or matrix (1 2; 3 4)",
):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        from refresher.core.document import line_of, plain

        prompt = f.text("prompt")
        if f.has("answer") and f.has("compute"):
            f.problem("answer", "give either 'compute' or a fixed 'answer', not both")
            return None
        if f.has("answer"):
            return self._fixed(f, prompt, common)
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
        compute_lines = {
            key: line_of(spec, key, line_of(f.item, "compute"))
            for key in spec
            if isinstance(key, str)
        }
        return NumericQuestion(
            prompt=prompt, compute=plain(spec), compute_lines=compute_lines, **tol, **common
        )

    def _fixed(self, f: Fields, prompt: str | None, common: dict[str, Any]) -> Question | None:
        from refresher.core import limits

        value = f.item["answer"]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not abs(value) <= limits.NUMBER_ABS:
            f.problem(
                "answer", f"'answer' of a numeric question must be a number, found {value!r}"[:120]
            )
            return None
        tol: dict[str, float] = {}
        for key in ("tolerance", "rtol"):
            if f.has(key):
                number = f.number(key)
                if number is None:
                    return None
                tol[key] = number
        if prompt is None:
            return None
        return NumericQuestion(prompt=prompt, value=float(value), **tol, **common)

    def instantiate(self, question: Question, seed: int, path: str | None = None) -> Any:
        if question.fixed:
            return None
        from refresher.kinds.numeric.engine import instantiate

        return instantiate(question, seed, path=path)

    def grade(self, item: Any, text: str) -> Outcome:
        from refresher.kinds.numeric.engine import grade

        q: NumericQuestion = item.question
        if q.value is not None:
            from refresher.kinds.numeric.engine import grade_value

            return grade_value(q.value, text, q.tolerance, q.rtol)
        return grade(_instance(item), text, q.tolerance, q.rtol)

    def answer(self, item: Any) -> Any:
        if item.question.value is not None:
            return item.question.value
        from refresher.explain.steps import to_jsonable

        return to_jsonable(_instance(item).expected)

    def answer_text(self, item: Any) -> str:
        from refresher.kinds.numeric.engine import format_answer

        if item.question.value is not None:
            return format_answer(item.question.value, precision=12)
        return format_answer(_instance(item).expected, precision=12)

    def sheet(self, item: Any) -> dict[str, Any]:
        from refresher.explain.steps import to_jsonable

        if item.question.value is not None:
            return {"tolerance": item.question.tolerance}
        instance = _instance(item)
        worked = instance.worked
        inputs = to_jsonable({**dict(worked.inputs), **dict(worked.params)})
        return {"inputs": inputs, "asked": instance.ask}

    def hint_for(self, item: Any) -> str:
        if item.question.value is not None:
            return "a number"
        if item.instance is None:
            return self.hint
        from refresher.kinds.numeric.engine import instance_example

        shape = item.instance.expected.shape
        if item.instance.worked.kind == "shapes" and item.instance.ask != "returned":
            return "a shape, its sizes separated by spaces, e.g. 4 7 9"
        example = instance_example(item.instance)
        if item.instance.ask == "output_size" and shape == (2,):
            return f"rows columns, e.g. {example}"
        if len(shape) == 2:
            return f"a {shape[0]}x{shape[1]} matrix, rows split by ';'"
        if len(shape) == 1 and shape[0] > 1:
            return f"{shape[0]} numbers separated by spaces, e.g. {example}"
        return "a number"

    def more_inputs(self, item: Any, first: str, interactive: bool) -> tuple[str, ...]:
        """On a terminal a matrix may be typed one row per line (a blank line ends it early),
        or all on one line. A first row whose count fits no answer is an InputError at once."""
        from refresher.core.errors import InputError
        from refresher.kinds.numeric.engine import answer_shapes, first_row_problem

        instance = item.instance
        if instance is None or not interactive or any(c in first for c in ";[\n"):
            return ()
        if instance.expected.ndim != 2 or not first.strip():
            return ()
        rows, problem = first_row_problem(first, answer_shapes(instance))
        if problem is not None:
            raise InputError(problem)
        return tuple(f"row {k}" for k in range(2, rows + 1))

    def deep_problems(self, question: Question) -> list[tuple[int, str]]:
        if question.fixed:
            return []
        from refresher.kinds.numeric.engine import spec_problems_by_key

        q: NumericQuestion = question
        return [
            (q.compute_lines.get(key, q.line) if key else q.line, f"compute: {message}")
            for key, message in spec_problems_by_key(q.compute)
        ]


def _instance(item: Any) -> Any:
    if item.instance is None:
        raise ValueError(f"{item.question.key} has no instance; call attach_instances first")
    return item.instance


KIND = Numeric()
