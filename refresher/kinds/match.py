"""`match`: pair each item on the left with one on the right (gate -> activation).

The bank gives `pairs:` (left: right, in order) and optional `distractors:` (right-hand entries
that match nothing). Several left items may share a right one. Left items are numbered in bank
order; the right column (each entry once) is lettered and always shuffled, since the bank's
order would give the pairs away. The learner types `1B 2A 3C` in any order, or just `B A C`.
"""

from __future__ import annotations

import random
import re
from typing import Any

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.core.model import Outcome, Question
from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields, as_text
from refresher.kinds.letters import LETTERS, letter
from refresher.kinds.order import shuffled


class MatchQuestion(Question):
    left: tuple[str, ...] = ()
    right: tuple[str, ...] = ()  # each entry once: the matches first, then the distractors
    answers: tuple[int, ...] = ()  # for each left item, its index in `right`

    type = "match"


_PAIR = re.compile(r"(\d+)\s*[-:=>.)]*\s*([A-Za-z])")


class Match(
    Kind,
    model=MatchQuestion,
    keys={"prompt", "pairs", "distractors"},
    hint="a letter for each number, e.g. 1B 2A",
):
    def hint_for(self, item: Any) -> str:
        return f"a letter for each number, e.g. {_example(len(item.question.left))}"

    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        prompt = f.text("prompt")
        if not f.require("pairs"):
            return None
        pairs = f.item["pairs"]
        if not isinstance(pairs, dict) or len(pairs) < 2:
            f.problem("pairs", "'pairs' must map at least 2 items to their matches, e.g. {a: x}")
            return None
        most = limits.ITEMS_PER_QUESTION
        if len(pairs) > most:  # before any work on them: a bank may hold thousands
            f.problem("pairs", f"a match question has at most {most} entries on each side")
            return None
        left: list[str] = []
        right: list[str] = []
        answers: list[int] = []
        for key, value in pairs.items():
            k, v = as_text(key), as_text(value)
            if not k or not v:
                f.problem("pairs", "every entry of 'pairs' must be 'item: its match' in text")
                return None
            if f.checked(k, "pairs") is None or f.checked(v, "pairs") is None:
                return None
            left.append(k)
            if v not in right:
                right.append(v)
            answers.append(right.index(v))
        distractors = f.text_list("distractors", min_len=1) if f.has("distractors") else ()
        if distractors is None or prompt is None:
            return None
        for extra in distractors:
            if extra in right:
                f.problem("distractors", f"distractor '{extra}' is also a match in 'pairs'")
                return None
            right.append(extra)
        if len(left) > most or len(right) > most:
            f.problem("pairs", f"a match question has at most {most} entries on each side")
            return None
        return MatchQuestion(
            prompt=prompt, left=tuple(left), right=tuple(right), answers=tuple(answers), **common
        )

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> tuple[int, ...]:
        return shuffled(len(question.right), rng)

    def right_letters(self, item: Any) -> list[str]:
        q: MatchQuestion = item.question
        return [letter(item.order.index(a)) for a in q.answers]

    def read(self, item: Any, text: str) -> list[str]:
        """The letter chosen for each left item, in left order. Raises InputError."""
        n, m = len(item.question.left), len(item.order)
        cleaned = text.strip()
        if not cleaned:
            raise InputError(f"pair every item: {_example(n)}")
        last = LETTERS[m - 1]
        pairs = _PAIR.findall(cleaned)
        leftover = _PAIR.sub(" ", cleaned).strip(" ,;")
        if pairs and not leftover:
            chosen: dict[int, str] = {}
            for number, picked in pairs:
                k, picked = int(number), picked.upper()
                if not 1 <= k <= n:
                    raise InputError(f"there is no item {k}: number 1-{n}")
                if picked not in LETTERS[:m]:
                    raise InputError(f"'{picked}' is not on the right: letters A-{last}")
                if chosen.get(k, picked) != picked:
                    raise InputError(f"item {k} is paired twice")
                chosen[k] = picked
            if len(chosen) != n:
                missing = ", ".join(str(k) for k in range(1, n + 1) if k not in chosen)
                raise InputError(f"pair every item (missing {missing}): {_example(n)}")
            return [chosen[k] for k in range(1, n + 1)]
        letters = [t.upper() for t in re.split(r"[\s,;]+", cleaned) if t]
        if len(letters) == 1 and len(letters[0]) == n:
            letters = list(letters[0])
        if len(letters) != n or any(t not in LETTERS[:m] for t in letters):
            raise InputError(f"pair every item with a letter A-{last}: {_example(n)}")
        return letters

    def grade(self, item: Any, text: str) -> Outcome:
        given = self.read(item, text)
        right = self.right_letters(item)
        marks = [g == r for g, r in zip(given, right, strict=True)]
        return Outcome(
            correct=all(marks),
            given=" ".join(f"{k}{g}" for k, g in enumerate(given, 1)),
            expected=" ".join(f"{k}{r}" for k, r in enumerate(right, 1)),
            detail={"given_letters": given, "marks": marks},
        )

    def answer(self, item: Any) -> Any:
        return {str(k): r for k, r in enumerate(self.right_letters(item), 1)}

    def answer_text(self, item: Any) -> str:
        return " ".join(f"{k}{r}" for k, r in enumerate(self.right_letters(item), 1))

    def sheet(self, item: Any) -> dict[str, Any]:
        q: MatchQuestion = item.question
        return {"left": list(q.left), "right": [q.right[i] for i in item.order]}


def _example(n: int) -> str:
    """A pair for each of the `n` numbered items, as the answer is typed."""
    return " ".join(f"{k}{letter(k - 1)}" for k in range(1, n + 1))


KIND = Match()
