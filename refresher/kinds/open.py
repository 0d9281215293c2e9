"""`open`: an interview question with a model answer and key points, scored by the learner."""

from __future__ import annotations

from typing import Any

from refresher.core.model import Question
from refresher.kinds.base import Kind
from refresher.kinds.fields import Fields


class OpenQuestion(Question):
    answer: str = ""
    points: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()  # ids of open items an interviewer may ask next

    type = "open"
    self_graded = True


class Open(
    Kind,
    model=OpenQuestion,
    keys={"prompt", "answer", "points", "follow_ups"},
    hint="Enter to reveal the model answer",
):
    def build(self, f: Fields, common: dict[str, Any]) -> Question | None:
        prompt = f.text("prompt")
        answer = f.text("answer")
        points = f.text_list("points", min_len=1) if f.has("points") else ()
        follow_ups = f.text_list("follow_ups", min_len=1) if f.has("follow_ups") else ()
        if prompt is None or answer is None or points is None or follow_ups is None:
            return None
        return OpenQuestion(
            prompt=prompt, answer=answer, points=points, follow_ups=follow_ups, **common
        )

    def links(self, question: Question) -> dict[str, tuple[str, ...]]:
        return {"follow_ups": getattr(question, "follow_ups", ())}

    def answer(self, item: Any) -> Any:
        return item.question.answer

    def answer_text(self, item: Any) -> str:
        return "\ny"  # Enter turns it (typed or piped alike), then self-scored: "I knew it"

    def sheet(self, item: Any) -> dict[str, Any]:
        return {"points": list(item.question.points)}


KIND = Open()
