"""How a question kind is drawn: the question, the feedback, the reveal and the worksheet.

A `View` subclass per kind lives beside this module; `refresher/render/kinds/__init__.py` maps
each kind of `refresher.kinds` to its view and refuses, at import, a kind without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.text import Text

if TYPE_CHECKING:
    from refresher.quiz.round import Answered, Item


class View:
    label: str | None = None  # a title above the prompt ("Card")
    sheet_name: str | None = None  # how the worksheet names the kind (default: its type)

    def prompt(self, item: Item) -> Text:
        return Text(item.question.prompt, style="bold")

    def body(self, item: Item) -> list[RenderableType]:
        """What is shown under the prompt (options, steps, inputs)."""
        return []

    def given(self, answered: Answered) -> Text:
        """What the learner answered, as shown in a list of misses."""
        return Text(answered.outcome.given)

    def expected(self, answered: Answered) -> Text:
        """The right answer as shown to the learner."""
        return Text(answered.outcome.expected, style="bold")

    def expected_options(self, answered: Answered) -> list[tuple[str, str]]:
        """The right answer as (letter, option text) pairs, for kinds answered by picking
        options (drawn as the question draws its options); empty for the others."""
        return []

    def given_options(self, answered: Answered) -> list[tuple[str, str]]:
        """What the learner picked as (letter, option text) pairs; empty for other kinds."""
        return []

    def notes(self, answered: Answered) -> list[RenderableType]:
        """Lines under the verdict: what was accepted, which parts were wrong."""
        return []

    def after_answer(self, console: Console, answered: Answered, fold: bool = False) -> bool:
        """Drawn after "The answer" of a wrong answer (a worked solution). With `fold` a kind
        may hold back a long part and return True: `folded` draws it when asked."""
        return False

    def folded(self, console: Console, answered: Answered) -> None:
        """What `after_answer` held back (the whole worked solution)."""

    def reveal(self, item: Item) -> RenderableType | None:
        """The answer of a self-graded item, shown before the learner scores it."""
        return None

    def sheet_question(self, item: Item) -> list[RenderableType]:
        """What a worksheet prints under the prompt."""
        return self.body(item)

    def sheet_answer(self, item: Item) -> Text:
        """The answer in a worksheet's key."""
        raise NotImplementedError

    def sheet_workings(self, item: Item) -> list[RenderableType]:
        """Printed in the key after the answer and its explanation (worked solutions)."""
        return []
