"""Numeric questions on screen: the inputs a learner needs (never the answer), and the verdict.

The inputs come from the attempt's `Worked` (what the explain engine computed from), drawn with
the same grid and weights helpers as `refresher explain`, so a question and its worked solution
look alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from refresher.explain.steps import format_part
from refresher.kinds.numeric.engine import (
    EACH,
    Instance,
    asked_name,
    format_answer,
    setting_parts,
    used_params,
)
from refresher.render import worked as draw_worked


def _setting(name: str, value: Any) -> str | None:
    parts = setting_parts(name, value)
    return None if parts is None else " ".join(p for p in parts if p)


def inputs_view(instance: Instance, precision: int = 3) -> RenderableType:
    """Everything shown with the prompt: grids, vectors, weights and settings."""
    worked = instance.worked
    parts: list[RenderableType] = []
    grids: list[Text] = []
    for name, value in worked.inputs.items():
        arr = np.asarray(value)
        if arr.ndim == 2 and worked.kind in ("pool", "conv"):
            label = "C" if name == "input" and worked.kind == "pool" else name
            title = Text(f"{label} ({arr.shape[0]}x{arr.shape[1]})\n", style="accent")
            title.append_text(draw_worked.matrix_text(arr.astype(float), precision))
            grids.append(title)
    if grids:
        parts.append(draw_worked.side_by_side(grids, 100))
    cell_inputs = draw_worked.inputs_text(worked, precision) or draw_worked.kind_inputs(
        worked, precision
    )
    if cell_inputs is not None:
        parts.append(cell_inputs)
    elif worked.kind not in ("pool", "conv"):
        for name, value in worked.inputs.items():
            text = value if isinstance(value, str) else format_part(np.asarray(value), precision)
            shown = _setting(name, value) or f"{name} {text}"
            parts.append(Text(shown, style="accent"))
    settings = [
        s for s in (_setting(k, v) for k, v in used_params(worked.params, worked.kind).items()) if s
    ]
    if settings:
        parts.append(Text(" · ".join(settings), style="accent"))
    if worked.groups:
        parts.append(Text("weights", style="muted"))
        parts.append(draw_worked.weights_table(worked, precision))
    ask = Text("Asked: ", style="muted")
    ask.append(asked_name(worked.kind, instance.ask), style="bold")
    shape = instance.expected.shape
    if len(shape) == 2:
        ask.append(f"  ({shape[0]}x{shape[1]})", style="muted")
    elif len(shape) == 1 and instance.ask != "output_size" and worked.kind != "shapes":
        each = EACH.get(instance.ask, "one per unit")
        ask.append(f"  ({shape[0]} values, {each})", style="muted")
    parts.append(ask)
    return Padding(Group(*parts), (0, 0, 0, 2), expand=False)


# The rows of a cell's ``step`` result, by name (refresher.explain.lstm / gru STEP_ROWS).
_STEP_ROWS = {
    "lstm": ("f_t", "i_t", "g_t", "o_t", "c_t", "h_t"),
    "gru": ("r_t", "z_t", "n_t", "h_t"),
}


def wrong_cells(console: Console, instance: Instance, wrong: list[list[int]]) -> None:
    """Point at the cells that were off, for vectors and matrices."""
    if not wrong or not instance.expected.ndim:
        return
    expected = instance.expected
    rows = _STEP_ROWS.get(instance.worked.kind) if instance.ask == "step" else None
    cells = []
    for idx in wrong[:8]:
        if rows and len(idx) == 2:  # a whole cell step: the value by its name
            unit = f" (unit {idx[1] + 1})" if expected.shape[1] > 1 else ""
            where = rows[idx[0]] + unit
        elif len(idx) == 2:
            where = f"row {idx[0] + 1}, col {idx[1] + 1}"
        else:
            where = f"entry {idx[0] + 1}"
        cells.append(f"{where} should be {format_answer(expected[tuple(idx)])}")
    more = f" (and {len(wrong) - 8} more)" if len(wrong) > 8 else ""
    off = Text("Off: " + "; ".join(cells) + more, style="wrong")
    console.print(Padding(off, (0, 0, 0, 2), expand=False))


def solution_sections(
    instance: Instance,
    width: int = 100,
    precision: int = draw_worked.DEFAULT_PRECISION,
    shown: Sequence[int] = (),
) -> list[RenderableType]:
    """The worked solution of what was asked: the header, the steps up to the one that gives
    the asked value, then the result, or (stopping early) ``So z_t = [...]``. A step in
    `shown` (1-based: just shown by `focus`) is named in one line, not drawn again."""
    worked = instance.worked
    sections = draw_worked.worked_sections(worked, precision, width)
    total = len(worked.steps)
    for n in shown:
        if 1 <= n <= total:
            said = f" Step {n} of {total} — {worked.steps[n - 1].title}: shown above"
            sections[n] = Padding(Text(said, style="muted"), (0, 0, 1, 0))
    last = instance.answered_at
    if last == len(worked.steps):
        return sections
    so = Text("So ", style="right")
    so.append(asked_name(worked.kind, instance.ask), style="right")
    so.append(" = " + format_answer(instance.expected), style="bold")
    return [*sections[: 1 + last], Padding(draw_worked.Hang(so), (0, 0, 0, 2), expand=False)]


def focus_steps(instance: Instance, wrong: list[list[int]]) -> list[int]:
    """The steps (1-based) to look at after a slip: the window of each cell that was off
    (at most `FOCUS_CELLS`), or the output size for an answer of the wrong shape, or else the
    step that computes the value asked (its units' sums and gate values)."""
    worked = instance.worked
    by_cell = {
        tuple(s.grid.position): n for n, s in enumerate(worked.steps, 1) if s.grid is not None
    }
    picked: list[int] = []
    for idx in wrong[:FOCUS_CELLS]:
        n = by_cell.get(tuple(idx))
        if n is not None and n not in picked:
            picked.append(n)
    if picked:
        return picked
    if not wrong and worked.kind in ("pool", "conv") and instance.expected.ndim == 2:
        return [1]  # the shape was off: the output-size step
    return [instance.answered_at] if worked.steps else []


FOCUS_CELLS = 3  # windows shown for the cells that were off; the rest wait in the solution


def focus(console: Console, instance: Instance, wrong: list[list[int]]) -> None:
    """Only the steps where the slip is: the cells that were off with their windows, or the
    units' values of the step asked for. The whole solution waits behind a prompt."""
    steps = focus_steps(instance, wrong)
    if not steps:
        return
    worked = instance.worked
    total = len(worked.steps)
    label = "  Where it went off" if len(steps) == 1 else "  Where they went off"
    console.print(Text(label, style="accent"))
    sections = [
        draw_worked.step_section(worked.steps[n - 1], n, total, 3, console.width - 4) for n in steps
    ]
    console.print(Padding(Group(*sections), (0, 0, 0, 4), expand=False))


def worked_solution(console: Console, instance: Instance, shown: Sequence[int] = ()) -> None:
    """The worked solution (`solution_sections`); the steps in `shown` were just drawn."""
    console.print(Text("  Worked solution", style="accent"))
    sections = solution_sections(instance, console.width - 4, shown=shown)
    console.print(Padding(Group(*sections), (0, 0, 0, 4), expand=False))
