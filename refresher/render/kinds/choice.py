"""Drawing `choice` and `multi` questions: lettered options, and answers with their text."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from refresher.kinds.letters import index_of, letter
from refresher.render.kinds.base import View
from refresher.render.layout import options_view


class ChoiceView(View):
    def body(self, item) -> list[RenderableType]:
        return [options_view(item.options)]

    def given(self, answered) -> Text:
        return Text("\n".join(f"{g}) {text}" for g, text in self.given_options(answered)))

    def given_options(self, answered) -> list[tuple[str, str]]:
        picked = answered.outcome.given.split()
        return [(g, answered.item.options[index_of(g)]) for g in picked]

    def expected(self, answered) -> Text:
        outcome = answered.outcome
        return Text.assemble(
            (f"{outcome.expected})", "letter"), " ", outcome.detail.get("expected_text", "")
        )

    def expected_options(self, answered) -> list[tuple[str, str]]:
        outcome = answered.outcome
        return [(outcome.expected, outcome.detail.get("expected_text", ""))]

    def sheet_question(self, item) -> list[RenderableType]:
        return [options_view(item.options, indent=3)]

    def sheet_answer(self, item) -> Text:
        answer = item.question.answer
        return Text.assemble(
            (f"{letter(item.order.index(answer))})", "letter"), " ", item.question.options[answer]
        )


class MultiView(ChoiceView):
    def body(self, item) -> list[RenderableType]:
        parts: list[RenderableType] = [options_view(item.options)]
        if "all that apply" not in item.question.prompt.lower():
            parts.append(Text("  Select all that apply.", style="muted"))
        return parts

    def expected(self, answered) -> Text:
        parts: list = []
        for code, text in self.expected_options(answered):
            parts.extend([("\n" if parts else "", ""), (f"{code})", "letter"), " ", text])
        return Text.assemble(*parts)

    def expected_options(self, answered) -> list[tuple[str, str]]:
        q = answered.item.question
        order = answered.item.order
        return [(letter(k), q.options[i]) for k, i in enumerate(order) if i in q.answers]

    def notes(self, answered) -> list[RenderableType]:
        missing, extra = (
            answered.outcome.detail.get("missing"),
            answered.outcome.detail.get("extra"),
        )
        if answered.outcome.correct or not (missing or extra):
            return []
        bits = []
        if missing:
            bits.append(f"missed {' '.join(missing)}")
        if extra:
            bits.append(f"{' '.join(extra)} should not be ticked")
        return [Text("  " + "; ".join(bits), style="muted")]

    def sheet_answer(self, item) -> Text:
        q = item.question
        shown = sorted(item.order.index(i) for i in q.answers)
        return Text(", ".join(f"{letter(k)}) {item.options[k]}" for k in shown))
