"""`card`: a flashcard, front and back, scored by the learner."""

from __future__ import annotations

from typing import Any

from refresher.core.model import Question
from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields


class CardQuestion(Question):
    """A flashcard: `prompt` is the front."""

    back: str = ""

    type = "card"
    self_graded = True


class Card(Kind, model=CardQuestion, keys={"front", "back"}, hint="Enter to turn the card"):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        front = f.text("front")
        back = f.text("back")
        if front is None or back is None:
            return None
        return CardQuestion(prompt=front, back=back, **common)

    def answer(self, item: Any) -> Any:
        return item.question.back

    def answer_text(self, item: Any) -> str:
        return "\ny"  # Enter turns it (typed or piped alike), then self-scored: "I knew it"


KIND = Card()
