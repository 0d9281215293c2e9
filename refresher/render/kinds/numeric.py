"""Drawing `numeric` questions: the generated inputs, cells that were off, the worked solution.

Imports the explain rendering (and NumPy) only when a numeric item is drawn.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from refresher.render.kinds.base import View


class NumericView(View):
    def body(self, item) -> list[RenderableType]:
        if item.instance is None:
            return []
        from refresher.render.numeric import inputs_view  # NumPy: only for a numeric item

        return [inputs_view(item.instance)]

    def after_answer(self, console: Console, answered, fold: bool = False) -> bool:
        instance = answered.item.instance
        if instance is None:
            return False
        from refresher.render.numeric import focus, worked_solution, wrong_cells

        wrong = answered.outcome.detail.get("wrong_cells", [])
        wrong_cells(console, instance, wrong)
        if fold:  # on a terminal: where it went off; the whole solution on request
            focus(console, instance, wrong)
            return True
        worked_solution(console, instance)
        return False

    def folded(self, console: Console, answered) -> None:
        """The whole worked solution, the steps `focus` just showed named, not drawn again."""
        from refresher.render.numeric import focus_steps, worked_solution

        instance = answered.item.instance
        wrong = answered.outcome.detail.get("wrong_cells", [])
        worked_solution(console, instance, shown=focus_steps(instance, wrong))

    def sheet_answer(self, item) -> Text:
        from refresher.kinds.numeric.engine import format_answer

        if item.instance is None:  # a fixed answer (an imported question)
            return Text(format_answer(item.question.value), style="bold")
        return Text(format_answer(item.instance.expected), style="bold")

    def sheet_workings(self, item) -> list[RenderableType]:
        if item.instance is None:
            return []
        from refresher.render.numeric import solution_sections

        return [Padding(Group(*solution_sections(item.instance)), (0, 0, 0, 4))]
