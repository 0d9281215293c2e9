"""`multi`: every right option among 2-26 (one or more), typed as letters (`A C`)."""

from __future__ import annotations

import random
from typing import Any

from refresher.core.model import Outcome, Question
from refresher.kinds.base import Kind
from refresher.kinds.choice import option_order, read_options
from refresher.kinds.fields import Fields
from refresher.kinds.letters import letter, parse_letters


class MultiQuestion(Question):
    options: tuple[str, ...] = ()
    answers: frozenset[int] = frozenset()

    type = "multi"


class Multi(
    Kind,
    model=MultiQuestion,
    keys={"prompt", "options", "answer"},
    hint="every right letter, e.g. A C",
):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        prompt = f.text("prompt")
        options = read_options(f)
        if not f.require("answer"):
            return None
        raw = f.item["answer"]
        if not isinstance(raw, list) or not raw:
            f.problem(
                "answer", "'answer' of a multi question must be a list of letters like [A, C]"
            )
            return None
        if options is None:
            return None
        letters = [f.letter(v, len(options)) for v in raw]
        if any(i is None for i in letters) or prompt is None:
            return None
        if len(set(letters)) != len(letters):
            f.problem("answer", "'answer' lists the same letter twice")
            return None
        return MultiQuestion(
            prompt=prompt,
            options=options,
            answers=frozenset(letters),
            **common,
        )

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> tuple[int, ...]:
        return option_order(question.options, rng, shuffle)

    def grade(self, item: Any, text: str) -> Outcome:
        q: MultiQuestion = item.question
        picked = set(parse_letters(text, len(q.options)))
        right = {item.order.index(i) for i in q.answers}
        return Outcome(
            correct=picked == right,
            given=" ".join(letter(i) for i in sorted(picked)),
            expected=" ".join(letter(i) for i in sorted(right)),
            detail={
                "missing": [letter(i) for i in sorted(right - picked)],
                "extra": [letter(i) for i in sorted(picked - right)],
            },
        )

    def answer(self, item: Any) -> Any:
        return sorted(letter(item.order.index(i)) for i in item.question.answers)

    def answer_text(self, item: Any) -> str:
        return " ".join(self.answer(item))

    def sheet(self, item: Any) -> dict[str, Any]:
        return {"options": list(item.options)}


KIND = Multi()
