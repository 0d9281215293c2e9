"""`choice`: one right option among 2-26, shown lettered in a shuffled order."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.core.model import Outcome, Question
from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields
from refresher.kinds.letters import letter, parse_letters


class ChoiceQuestion(Question):
    options: tuple[str, ...] = ()
    answer: int = 0  # index into options

    type = "choice"


_PINNED = re.compile(r"\b(none|all|both) of the (above|options)\b", re.IGNORECASE)


def option_order(options: Sequence[str], rng: random.Random, shuffle: bool) -> tuple[int, ...]:
    """A shuffled order in which "None of the above"-style options keep their place."""
    if not shuffle:
        return tuple(range(len(options)))
    movable = [i for i, text in enumerate(options) if not _PINNED.search(text)]
    shuffled = list(movable)
    rng.shuffle(shuffled)
    moved = dict(zip(movable, shuffled, strict=True))
    return tuple(moved.get(i, i) for i in range(len(options)))


def read_options(f: Fields) -> tuple[str, ...] | None:
    return f.text_list("options", min_len=2, max_len=limits.OPTIONS_PER_QUESTION)


class Choice(Kind, model=ChoiceQuestion, keys={"prompt", "options", "answer"}, hint="one letter"):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        prompt = f.text("prompt")
        options = read_options(f)
        if not f.require("answer") or options is None:
            return None
        answer = f.letter(f.item["answer"], len(options))
        if answer is None or prompt is None:
            return None
        return ChoiceQuestion(prompt=prompt, options=options, answer=answer, **common)

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> tuple[int, ...]:
        return option_order(question.options, rng, shuffle)

    def grade(self, item: Any, text: str) -> Outcome:
        q: ChoiceQuestion = item.question
        picked = parse_letters(text, len(q.options))
        if len(picked) != 1:
            raise InputError("pick one letter")
        right = item.order.index(q.answer)
        return Outcome(
            correct=picked[0] == right,
            given=letter(picked[0]),
            expected=letter(right),
            detail={
                "expected_text": q.options[q.answer],
                "given_text": q.options[item.order[picked[0]]],
            },
        )

    def answer(self, item: Any) -> Any:
        return letter(item.order.index(item.question.answer))

    def answer_text(self, item: Any) -> str:
        return self.answer(item)

    def sheet(self, item: Any) -> dict[str, Any]:
        return {"options": list(item.options)}


KIND = Choice()
