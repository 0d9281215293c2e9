"""`truefalse`: a statement, answered t or f."""

from __future__ import annotations

from typing import Any

from refresher.core.errors import InputError
from refresher.core.model import Outcome, Question
from refresher.core.text import excerpt
from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields

_TRUE = {"t", "true", "y", "yes"}
_FALSE = {"f", "false", "n", "no"}


class TrueFalseQuestion(Question):
    answer: bool = True

    type = "truefalse"


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InputError("answer t (true) or f (false)")


class TrueFalse(Kind, model=TrueFalseQuestion, keys={"prompt", "answer"}, hint="t or f"):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        prompt = f.text("prompt")
        if not f.require("answer"):
            return None
        answer = f.item["answer"]
        if not isinstance(answer, bool):
            f.problem(
                "answer",
                f"'answer' of a truefalse question must be true or false, found {_shown(answer)}",
            )
            return None
        if prompt is None:
            return None
        return TrueFalseQuestion(prompt=prompt, answer=answer, **common)

    def grade(self, item: Any, text: str) -> Outcome:
        given = parse_bool(text)
        answer = item.question.answer
        return Outcome(
            correct=given == answer,
            given="true" if given else "false",
            expected="true" if answer else "false",
        )

    def answer(self, item: Any) -> Any:
        return item.question.answer

    def answer_text(self, item: Any) -> str:
        return "t" if item.question.answer else "f"


def _shown(value: Any) -> str:
    return repr(excerpt(value)) if isinstance(value, str) else excerpt(value)


KIND = TrueFalse()
