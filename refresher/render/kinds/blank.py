"""Drawing `blank` questions: accepted answers, what was forgiven, and a diff on a miss."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from refresher.render.kinds.base import View
from refresher.render.layout import diff_text


def accepted_note(note: str) -> Text:
    word = note.removeprefix("spelled ")
    return Text.assemble(("  accepted — spelled ", "muted"), (word, "bold"))


class BlankView(View):
    def expected(self, answered) -> Text:
        answers = answered.item.question.answers
        text = Text(answers[0], style="bold")
        if len(answers) > 1:
            text.append(f"  (also accepted: {', '.join(answers[1:])})", style="muted")
        return text

    def notes(self, answered) -> list[RenderableType]:
        detail = answered.outcome.detail
        if "note" in detail:
            return [accepted_note(detail["note"])]
        if "diff" in detail:
            return [Text.assemble(("  Compared: ", "muted"), diff_text(detail["diff"]))]
        return []

    def sheet_question(self, item) -> list[RenderableType]:
        return [Text("  Answer: ______________________", style="muted")]

    def sheet_answer(self, item) -> Text:
        answers = item.question.answers
        text = Text(answers[0], style="bold")
        if len(answers) > 1:
            text.append(f"  (also: {', '.join(answers[1:])})", style="muted")
        return text
