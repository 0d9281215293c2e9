"""Drawing `open` interview questions and `card` flashcards: the reveal the learner scores."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from refresher.render.kinds.base import View
from refresher.render.layout import hanging


class OpenView(View):
    label = "Interview question"
    sheet_name = "interview question"

    def expected(self, answered) -> Text:
        return Text(answered.item.question.answer)

    def reveal(self, item) -> RenderableType:
        q = item.question
        parts: list = [Text(q.answer)]
        if q.points:
            parts.append(Text("\nKey points", style="accent"))
            parts.append(hanging([("•", "accent")] * len(q.points), q.points))
        return Panel(Group(*parts), title="Model answer", title_align="left", border_style="accent")

    def sheet_question(self, item) -> list[RenderableType]:
        return [Text("  (model answer and key points in the answer key)", style="muted")]

    def sheet_answer(self, item) -> Text:
        q = item.question
        text = Text(q.answer)
        for point in q.points:
            text.append(f"\n  • {point}")
        return text


class CardView(View):
    label = "Card"
    sheet_name = "flashcard"

    def expected(self, answered) -> Text:
        return Text(answered.item.question.back)

    def reveal(self, item) -> RenderableType:
        return Panel(
            Text(item.question.back), title="Back", title_align="left", border_style="accent"
        )

    def sheet_question(self, item) -> list[RenderableType]:
        return []  # the front only: the back is in the answer key

    def sheet_answer(self, item) -> Text:
        return Text(item.question.back)
