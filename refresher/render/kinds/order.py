"""Drawing `order` questions: lettered steps, and the right order with each place marked."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from refresher.kinds.letters import letter
from refresher.render.kinds.base import View
from refresher.render.layout import checked_lines, options_view


def _steps(item) -> list[str]:
    return [item.question.items[i] for i in item.order]


def _right_order(item, places: list[bool] | None, given: list[str]) -> Text:
    bodies = [
        Text.assemble(f"{k + 1}. ", (f"{letter(item.order.index(k))})", "letter"), f" {step}")
        for k, step in enumerate(item.question.items)
    ]
    return checked_lines(bodies, places, given)


class OrderView(View):
    def body(self, item) -> list[RenderableType]:
        return [
            options_view(_steps(item)),
            Text("  Type the letters in the right order.", style="muted"),
        ]

    def expected(self, answered) -> Text:
        detail = answered.outcome.detail
        return _right_order(answered.item, detail.get("places"), answered.outcome.given.split())

    def notes(self, answered) -> list[RenderableType]:
        places = answered.outcome.detail.get("places", [])
        if answered.outcome.correct or not places:
            return []
        return [Text(f"  {sum(places)} of {len(places)} in the right place", style="muted")]

    def sheet_question(self, item) -> list[RenderableType]:
        return [options_view(_steps(item), indent=3)]

    def sheet_answer(self, item) -> Text:
        q = item.question
        text = Text(" ".join(letter(item.order.index(k)) for k in range(len(q.items))), "bold")
        for k, step in enumerate(q.items):
            text.append(f"\n   {k + 1}. {step}")
        return text
