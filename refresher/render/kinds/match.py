"""Drawing `match` questions: numbered items beside lettered matches; each pair marked."""

from __future__ import annotations

from rich.console import RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from refresher.kinds.letters import letter
from refresher.render.kinds.base import View
from refresher.render.layout import checked_lines


def _columns(item, indent: int) -> Padding:
    q = item.question
    grid = Table.grid(padding=(0, 1))
    for _ in range(2):
        grid.add_column(no_wrap=True)
        grid.add_column()
    right = [q.right[i] for i in item.order]
    for k in range(max(len(q.left), len(right))):
        row: list = []
        if k < len(q.left):
            row += [Text(f"{k + 1}.", style="letter"), Text(q.left[k] + "   ")]
        else:
            row += ["", ""]
        if k < len(right):
            row += [Text(f"{letter(k)})", style="letter"), Text(right[k])]
        else:
            row += ["", ""]
        grid.add_row(*row)
    return Padding(grid, (0, 0, 0, indent), expand=False)


def _pairs(item, marks: list[bool] | None, given: list[str]) -> Text:
    q = item.question
    bodies = [
        Text.assemble(
            (f"{k + 1}{letter(item.order.index(answer))}", "letter"),
            f"  {left} → {q.right[answer]}",
        )
        for k, (left, answer) in enumerate(zip(q.left, q.answers, strict=True))
    ]
    return checked_lines(bodies, marks, given)


class MatchView(View):
    def body(self, item) -> list[RenderableType]:
        return [
            _columns(item, 2),
            Text("  Pair each number with a letter.", style="muted"),
        ]

    def expected(self, answered) -> Text:
        detail = answered.outcome.detail
        return _pairs(answered.item, detail.get("marks"), detail.get("given_letters", []))

    def notes(self, answered) -> list[RenderableType]:
        marks = answered.outcome.detail.get("marks", [])
        if answered.outcome.correct or not marks:
            return []
        return [Text(f"  {sum(marks)} of {len(marks)} pairs right", style="muted")]

    def sheet_question(self, item) -> list[RenderableType]:
        return [_columns(item, 3)]

    def sheet_answer(self, item) -> Text:
        q = item.question
        letters = [letter(item.order.index(a)) for a in q.answers]
        text = Text(" ".join(f"{k}{c}" for k, c in enumerate(letters, 1)), style="bold")
        for left, answer in zip(q.left, q.answers, strict=True):
            text.append(f"\n   {left} → {q.right[answer]}")
        return text
