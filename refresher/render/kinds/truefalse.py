"""Drawing `truefalse` questions."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from refresher.render.kinds.base import View


class TrueFalseView(View):
    def body(self, item) -> list[RenderableType]:
        return [Text("  True or false?", style="muted")]

    def sheet_question(self, item) -> list[RenderableType]:
        return [Text("  True / False", style="muted")]

    def sheet_answer(self, item) -> Text:
        return Text("True" if item.question.answer else "False", style="bold")
