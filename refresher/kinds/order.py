"""`order`: put steps in order. Items are shown shuffled and lettered; the learner types the
letters in the right order (`C A D B`). The bank lists the items in their right order, so they
are shuffled even when a round keeps bank order (`--no-shuffle`), reproducibly from the seed."""

from __future__ import annotations

import random
from typing import Any

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.core.model import Outcome, Question
from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields
from refresher.kinds.letters import letter, parse_letters


class OrderQuestion(Question):
    items: tuple[str, ...] = ()  # in the right order

    type = "order"


def shuffled(count: int, rng: random.Random) -> tuple[int, ...]:
    """A permutation of range(count) that is never the identity (when count > 1)."""
    order = list(range(count))
    rng.shuffle(order)
    if count > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return tuple(order)


class Order(
    Kind, model=OrderQuestion, keys={"prompt", "items"}, hint="the letters in order, e.g. C A B"
):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        prompt = f.text("prompt")
        items = f.text_list("items", min_len=2, max_len=limits.ITEMS_PER_QUESTION)
        if items is None or prompt is None:
            return None
        if len(set(items)) != len(items):
            f.problem("items", "'items' lists the same step twice")
            return None
        return OrderQuestion(prompt=prompt, items=items, **common)

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> tuple[int, ...]:
        return shuffled(len(question.items), rng)

    def right_letters(self, item: Any) -> list[str]:
        """The letters, as shown, of the items in their right order."""
        return [letter(item.order.index(k)) for k in range(len(item.order))]

    def grade(self, item: Any, text: str) -> Outcome:
        n = len(item.order)
        picked = parse_letters(text, n, what="a step")
        if len(picked) != n:
            raise InputError(f"give all {n} letters, each once, e.g. {_example(n)}")
        given = [letter(i) for i in picked]
        right = self.right_letters(item)
        places = [g == r for g, r in zip(given, right, strict=True)]
        return Outcome(
            correct=all(places),
            given=" ".join(given),
            expected=" ".join(right),
            detail={"places": places},
        )

    def answer(self, item: Any) -> Any:
        return self.right_letters(item)

    def answer_text(self, item: Any) -> str:
        return " ".join(self.right_letters(item))

    def sheet(self, item: Any) -> dict[str, Any]:
        return {"items": [item.question.items[i] for i in item.order]}

    def hint_for(self, item: Any) -> str:
        return f"the letters in order, e.g. {_example(len(item.question.items))}"


def _example(n: int) -> str:
    """Every letter of an `n`-item question once, in an order that is plainly an example (the
    second letter first, then the rest)."""
    letters = [letter(k) for k in range(n)]
    return " ".join(letters[1:2] + letters[:1] + letters[2:]) if n > 1 else "A"


KIND = Order()
