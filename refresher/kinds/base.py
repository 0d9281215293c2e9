"""What a question kind owns, as one class: its model, building it from a bank, asking, grading.

A kind module (`refresher/kinds/<name>.py`) defines its model (a `Question` subclass) and one
`Kind` subclass; the registry in `refresher/kinds/__init__.py` maps the bank's `type:` to it, and
`refresher/render/kinds/` holds its drawings. An `Item` is one question as asked (its option order
and the data drawn for the attempt): what every kind grades and draws. Pure: randomness comes in
as `rng`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

from refresher.core.errors import InputError
from refresher.core.model import Outcome, Question

if TYPE_CHECKING:
    from refresher.kinds.fields import Fields


class Item(msgspec.Struct, frozen=True):
    """One question as asked: `order[k]` is the bank index of the option (or step, or
    right-hand entry) shown at letter k.

    `instance` holds data generated for this attempt (e.g. random inputs of a numeric item).
    """

    question: Question
    order: tuple[int, ...] = ()
    instance: Any = None

    @property
    def options(self) -> tuple[str, ...]:
        opts = getattr(self.question, "options", ())
        return tuple(opts[i] for i in self.order)


class Kind:
    """A kind declares itself in its class line: `class Card(Kind, model=CardQuestion,
    keys={"front", "back"}, hint="Enter to turn the card")`; its name is its model's `type`."""

    name: ClassVar[str]
    model: ClassVar[type[Question]]
    keys: ClassVar[frozenset[str]]  # the keys it reads besides those every question has
    hint: ClassVar[str]  # what to type at its prompt

    def __init_subclass__(
        cls, *, model: type[Question], keys: Iterable[str], hint: str, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.model, cls.name, cls.keys, cls.hint = model, model.type, frozenset(keys), hint

    @property
    def self_graded(self) -> bool:
        return self.model.self_graded

    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        """The question from one bank item, or None after reporting its problems to `f`."""
        raise NotImplementedError

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> tuple[int, ...]:
        """The display order of the question's options or items (display position -> index)."""
        return ()

    def instantiate(self, question: Question, seed: int, path: str | None = None) -> Any:
        """Data generated for one attempt (a numeric item's numbers), or None. `path` names the
        bank file in the one-line error about a spec that cannot be run."""
        return None

    def grade(self, item: Item, text: str) -> Outcome:
        """Grade a typed answer. Raises InputError (re-prompt) when it cannot be read."""
        raise InputError(f"{self.name} questions are scored by the learner")

    def answer(self, item: Item) -> Any:
        """The right answer as data (`print --json`), following the item's display order."""
        raise NotImplementedError

    def answer_text(self, item: Item) -> str:
        """Exactly what to type at this item's prompt to be right (several lines joined by \\n)."""
        raise NotImplementedError

    def sheet(self, item: Item) -> dict[str, Any]:
        """What `print --json` shows besides id, type, topic, prompt and answer."""
        return {}

    def hint_for(self, item: Item) -> str:
        return self.hint

    def more_inputs(self, item: Item, first: str, interactive: bool) -> tuple[str, ...]:
        """Labels of further lines to read after `first` (a cloze's blanks, a matrix's rows)."""
        return ()

    def links(self, question: Question) -> dict[str, tuple[str, ...]]:
        """Ids of other questions of the bank this one names, by key (an open item's
        `follow_ups`); the bank checks each names a question of the same kind."""
        return {}

    def deep_problems(self, question: Question) -> list[tuple[int, str]]:
        """Problems found only by running the question (numeric specs), for `refresher check`,
        each with the line it is about."""
        return []
