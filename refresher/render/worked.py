"""Draw a `Worked` example with Rich: a header, numbered steps, then the result.

`worked_sections` turns a Worked into a list of renderables (header, one per step, result) so
the terminal, `--step` pauses and `--export` all share one rendering. Numbers are formatted at
the learner's `precision` by the same helpers as the JSON text lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from refresher.explain.steps import (
    Grid,
    Num,
    Step,
    Sym,
    Worked,
    format_entries,
    format_part,
)
from refresher.render.chart import draw_chart

DEFAULT_PRECISION = 3
MAX_MATRIX = 8  # matrices larger than this (either way) are shown with an ellipsis
RESULT_MATRIX = 12  # the result grid shows up to this many rows/cols before eliding
INDENT = 2

# How the inputs of a cell are named in the session's notation.
_INPUT_NAMES = {
    "rnn": {"x": "x1", "h": "h0"},
    "lstm": {"x": "x_t", "h": "h_{t-1}", "c": "c_{t-1}"},
    "gru": {"x": "x_t", "h": "h_{t-1}"},
}


# ------------------------------------------------------------------------------ text pieces


def line_text(line: Sequence[Any], precision: int) -> Text:
    """A formula line with symbols and results in their roles' colours."""
    text = Text()
    for part in line:
        style = part.role if isinstance(part, Sym | Num) and part.role else None
        text.append(format_part(part, precision), style=style)
    return text


def matrix_text(
    values: np.ndarray,
    precision: int,
    *,
    highlight: Callable[[int, int], str | None] | None = None,
    blank: Callable[[int, int], bool] | None = None,
    dim: Callable[[int, int], bool] | None = None,
    pad_text: str = "0",
    limit: int = MAX_MATRIX,
) -> Text:
    """A boxed matrix, numbers aligned on a shared decimal count.

    `highlight(i, j)` gives a style for a cell (the current window), `blank(i, j)` hides a cell
    (an output not computed yet, shown as ``·``), `dim(i, j)` marks padding (shown as
    `pad_text`). Matrices over `limit` rows or columns show their corners around ``…``.
    """
    arr = np.atleast_2d(np.asarray(values, dtype=float))
    rows, cols = arr.shape
    row_ids = _elide(rows, limit)
    col_ids = _elide(cols, limit)
    # One decimal count for the cells on show (not the elided ones), so columns align.
    shown_cells = [(i, j) for i in row_ids if i >= 0 for j in col_ids if j >= 0]
    finite_cells = [(i, j) for i, j in shown_cells if math.isfinite(arr[i, j])]
    texts = format_entries([arr[i, j] for i, j in finite_cells], precision) if finite_cells else []
    lookup = dict(zip(finite_cells, texts, strict=True))

    def cell(i: int, j: int) -> tuple[str, str | None]:
        if blank and blank(i, j):
            return "·", "muted"
        if dim and dim(i, j):
            return pad_text, "muted"
        value = arr[i, j]
        if math.isnan(value):
            return "·", "muted"
        return lookup.get((i, j), format_part(float(value), precision)), None

    shown = [
        [cell(i, j) if i >= 0 and j >= 0 else ("…", "muted") for j in col_ids] for i in row_ids
    ]
    width = max(len(t) for row in shown for t, _ in row)
    inner = len(col_ids) * (width + 2)
    text = Text(no_wrap=True, overflow="crop")
    text.append("┌" + "─" * inner + "┐\n", style="muted")
    for r, i in enumerate(row_ids):
        text.append("│", style="muted")
        marks = [highlight(i, j) if highlight and i >= 0 and j >= 0 else None for j in col_ids]
        for c, _ in enumerate(col_ids):
            content, style = shown[r][c]
            # Brackets mark a highlighted run, so the window shows without colour too.
            left = "[" if marks[c] and (c == 0 or not marks[c - 1]) else " "
            right = "]" if marks[c] and (c + 1 == len(marks) or not marks[c + 1]) else " "
            if marks[c]:
                text.append(left, style=marks[c])
                text.append(content.rjust(width), style=marks[c])
                text.append(right, style=marks[c])
            else:
                text.append(f" {content.rjust(width)} ", style=style)
        text.append("│\n", style="muted")
    text.append("└" + "─" * inner + "┘", style="muted")
    return text


def _elide(n: int, limit: int) -> list[int]:
    """Indices to show along one axis; -1 stands for an ellipsis."""
    if n <= limit:
        return list(range(n))
    head = limit - 2
    return [*range(head), -1, n - 1]


def _titled(title: str, body: Text, style: str = "muted") -> Text:
    out = Text(no_wrap=True, overflow="crop")
    out.append(title + "\n", style=style)
    out.append_text(body)
    return out


def _width(text: Text) -> int:
    return max((len(line) for line in text.plain.split("\n")), default=0)


def side_by_side(blocks: list[Text], width: int) -> RenderableType:
    """Blocks in a row when they fit in `width`, else one under another."""
    gap = 4
    if sum(_width(b) for b in blocks) + gap * (len(blocks) - 1) <= width - INDENT:
        grid = Table.grid(padding=(0, gap))
        for _ in blocks:
            grid.add_column(no_wrap=True)
        grid.add_row(*blocks)
        return grid
    return Group(*blocks)


# ------------------------------------------------------------------------------ sections


def _grid(grid: Grid, precision: int, width: int) -> RenderableType:
    r0, r1, c0, c1 = grid.window
    o_r, o_c = grid.origin
    n, m = grid.shape

    def in_window(i: int, j: int) -> str | None:
        return "window" if r0 <= i < r1 and c0 <= j < c1 else None

    def is_pad(i: int, j: int) -> bool:
        inside = o_r <= i < o_r + n and o_c <= j < o_c + m
        return not inside and not math.isnan(grid.values[i, j])

    rows, cols = grid.values.shape
    blocks = [
        _titled(
            (
                f"{grid.input_label} ({n}x{m}" + (", padded)" if (o_r or o_c or rows > n) else ")")
                if grid.whole
                else grid.input_label
            ),
            matrix_text(
                grid.values,
                precision,
                highlight=in_window,
                dim=is_pad,
                pad_text=grid.pad_text,
                limit=max(rows, cols),
            ),
        )
    ]
    if grid.kernel is not None:
        kr, kc = grid.kernel.shape
        blocks.append(_titled(f"kernel ({kr}x{kc})", matrix_text(grid.kernel, precision)))
    if grid.output is not None:
        pi, pj = grid.position
        out_cols = grid.output.shape[1]
        done = pi * out_cols + pj

        def later(i: int, j: int) -> bool:
            return i * out_cols + j > done

        def current(i: int, j: int) -> str | None:
            return "cell.out" if (i, j) == (pi, pj) else None

        orows, ocols = grid.output.shape
        blocks.append(
            _titled(
                f"{grid.output_label} ({orows}x{ocols})",
                matrix_text(
                    grid.output, precision, highlight=current, blank=later, limit=max(orows, ocols)
                ),
            )
        )
    return side_by_side(blocks, width)


def _table(step: Step, precision: int) -> Table:
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="muted")
    roles = step.table.roles or ("",) * len(step.table.header)
    for k, head in enumerate(step.table.header):
        numeric = any(isinstance(row[k], Num | int | float) for row in step.table.rows)
        table.add_column(
            head, justify="right" if numeric else "left", style=roles[k] or None, no_wrap=True
        )
    for row in step.table.rows:
        table.add_row(*(format_part(c, precision) for c in row))
    return table


def step_section(step: Step, n: int, total: int, precision: int, width: int) -> RenderableType:
    """``── Step 3 of 8 — input gate i_t ──``, its lines, grid/table/chart and reading."""
    style = (
        step.role if step.role.startswith("gate.") or step.role in ("right", "wrong") else "accent"
    )
    parts: list[RenderableType] = [
        Rule(
            Text(f" Step {n} of {total} — {step.title} ", style=style),
            align="left",
            style=style if step.role.startswith("gate.") else "muted",
        )
    ]
    body: list[RenderableType] = [line_text(line, precision) for line in step.lines]
    if step.table is not None:
        body.append(_table(step, precision))
    if step.grid is not None:
        body.append(Text(""))
        body.append(_grid(step.grid, precision, width))
    if step.chart is not None:
        body.append(Text(""))
        body.append(draw_chart(step.chart, width=width - INDENT))
    if step.note:
        body.append(Text.assemble(("→ ", style), (step.note, "italic")))
    parts.append(Padding(Group(*body), (0, 0, 1, INDENT), expand=False))
    return Group(*parts)


def weights_table(worked: Worked, precision: int) -> Table:
    table = Table(box=None, padding=(0, 2), show_header=False, show_edge=False)
    width = max(len(g.names) for g in worked.groups)
    table.add_column(no_wrap=True)
    for _ in range(width):
        table.add_column(no_wrap=True)
    for group in worked.groups:
        cells: list[RenderableType] = [Text(group.label, style=group.role or None)]
        for name in group.names:
            value = np.asarray(worked.params[name], dtype=float)
            shape = "x".join(str(s) for s in value.shape)
            cell = Text(f"{name} ({shape})\n", style=group.role or None)
            if value.ndim == 1:
                value = value[:, None]  # biases read as columns, like the units they feed
            cell.append_text(matrix_text(value, precision))
            cells.append(cell)
        table.add_row(*cells)
    return table


def inputs_text(worked: Worked, precision: int, width: int = 100) -> Text | None:
    """``inputs   x_t = [1, -1]    h_{t-1} = [0.5, -0.5]``: one line if it fits, else one each."""
    names = _INPUT_NAMES.get(worked.kind)
    if not names:
        return None
    items = []
    for key, label in names.items():
        value = np.asarray(worked.inputs[key], dtype=float)
        item = Text()
        if key == "x" and value.ndim == 2:
            item.append(f"x1..x{value.shape[0]}", style="accent")
            item.append(" = " + format_part(value, precision) + " (one row per step)")
        else:
            item.append(label, style="accent")
            item.append(" = " + format_part(value, precision))
        items.append(item)
    lead = "inputs   "
    if len(lead) + sum(len(i) + 4 for i in items) - 4 <= width:
        return Text(lead, style="muted") + Text("    ").join(items)
    text = Text(no_wrap=True, overflow="ellipsis")
    for k, item in enumerate(items):
        text.append(lead if k == 0 else " " * len(lead), style="muted")
        text.append_text(item)
        if k + 1 < len(items):
            text.append("\n")
    return text


def header_section(worked: Worked, precision: int, width: int = 100) -> RenderableType:
    parts: list[RenderableType] = [Text(worked.title, style="bold")]
    if worked.intro:
        parts.append(
            Panel(
                Group(*(line_text(line, precision) for line in worked.intro)),
                border_style="muted",
                expand=False,
                padding=(0, 1),
            )
        )
    inputs = inputs_text(worked, precision, width)
    if inputs is not None:
        parts.append(inputs)
    if worked.groups:
        parts.append(Text("weights", style="muted"))
        parts.append(Padding(weights_table(worked, precision), (0, 0, 0, INDENT), expand=False))
    parts.append(Text(""))
    return Group(*parts)


def result_section(worked: Worked, precision: int) -> RenderableType:
    parts: list[RenderableType] = [
        Rule(Text(" Result ", style="right"), align="left", style="muted")
    ]
    body: list[RenderableType] = []
    answer = worked.result.get(worked.answer_key)
    if worked.kind in ("pool", "conv") and answer is not None:
        out = np.asarray(answer)
        body.append(
            _titled(
                f"output ({out.shape[0]}x{out.shape[1]})",
                matrix_text(out, precision, limit=RESULT_MATRIX),
                style="right",
            )
        )
    body.extend(line_text(line, precision) for line in worked.outro)
    if worked.summarised:
        body.append(
            Text(
                "(a summary: the input was too big to show every step; --json has every value)",
                style="muted",
            )
        )
    parts.append(Padding(Group(*body), (0, 0, 0, INDENT), expand=False))
    return Group(*parts)


def worked_sections(
    worked: Worked, precision: int = DEFAULT_PRECISION, width: int = 100
) -> list[RenderableType]:
    """Header, one section per step, result: everything the learner sees, in order."""
    total = len(worked.steps)
    return [
        header_section(worked, precision, width),
        *(step_section(s, n, total, precision, width) for n, s in enumerate(worked.steps, 1)),
        result_section(worked, precision),
    ]


def render_worked(
    worked: Worked,
    console: Console,
    *,
    precision: int = DEFAULT_PRECISION,
    pause: Callable[[int, int], bool] | None = None,
) -> None:
    """Print every section; with `pause`, call it after each step (False stops early)."""
    sections = worked_sections(worked, precision, console.width)
    total = len(worked.steps)
    console.print(sections[0])
    for n, section in enumerate(sections[1:-1], start=1):
        console.print(section)
        if pause is not None and n < total and not pause(n, total):
            return
    console.print(sections[-1])
