"""Draw a `Worked` example with Rich: a header, numbered steps, then the result.

`worked_sections` turns a Worked into a list of renderables (header, one per step, result) so
the terminal, `--step` pauses and `--export` all share one rendering. Numbers are formatted at
the learner's `precision` by the same helpers as the JSON text lines.
"""

from __future__ import annotations

import math
import sys
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.control import Control, ControlType
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from refresher.core import limits
from refresher.explain.specs.decoding import TOKENS
from refresher.explain.steps import (
    COMMENT_GAP,
    Chart,
    Comment,
    Grid,
    Num,
    ParamGroup,
    Step,
    Sym,
    Worked,
    format_entries,
    format_part,
    split_comment,
)
from refresher.render.chart import draw_chart
from refresher.render.console import make_console

DEFAULT_PRECISION = 3
MAX_MATRIX = 8  # matrices larger than this (either way) are shown with an ellipsis
RESULT_MATRIX = 12  # the result grid shows up to this many rows/cols before eliding
INDENT = 2

# How the inputs of a cell are named in the session's notation.
_INPUT_NAMES = {
    "rnn": {"x": "x1", "h": "h0"},
    "lstm": {"x": "x_t", "h": "h_{t-1}", "c": "c_{t-1}"},
    "gru": {"x": "x_t", "h": "h_{t-1}"},
    "bptt": {"x": "x1", "h": "h0", "label": "label", "target": "target"},  # label or target
}


# ------------------------------------------------------------------------------ text pieces


def line_text(line: Sequence[Any], precision: int) -> Text:
    """A formula line with symbols and results in their roles' colours."""
    text = Text()
    for part in line:
        if isinstance(part, Comment):
            text.append(format_part(part, precision), style="muted")
            continue
        style = part.role if isinstance(part, Sym | Num) and part.role else None
        text.append(format_part(part, precision), style=style)
    return text


_OPERATORS = frozenset("=+-*·/×<>")
_OPEN, _CLOSE = "([{", ")]}"


def _breaks(plain: str, prose: bool = False) -> list[tuple[int, int]]:
    """Where a line may wrap: ``(index of a space, rank)``.

    Rank 2: outside brackets, before an operator (``… + b_f`` / ``… = [0.5]``), where a tutor
    would break a long equation. Rank 1: any other space outside brackets. Rank 0: a space
    inside brackets (between the numbers of a vector), the last resort before a hard cut.
    In `prose` every space ranks 1: a sentence wraps at its last word that fits.
    """
    if prose:
        return [(k, 1) for k, ch in enumerate(plain) if ch == " " and k and plain[k - 1] != " "]
    out: list[tuple[int, int]] = []
    depth = 0
    for k, ch in enumerate(plain):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == " " and k and plain[k - 1] != " ":
            if depth:
                out.append((k, 0))
            else:
                before_op = plain[k + 1 : k + 2] in _OPERATORS and plain[k + 2 : k + 3] in (" ", "")
                out.append((k, 2 if before_op else 1))
    return out


def hanging_indent(plain: str, width: int) -> tuple[int, int]:
    """Where continuation lines of `plain` start when it wraps at `width`: ``(operator, term)``.

    A continuation that starts with an operator lines up under the first `` = `` (a derivation:
    ``c = a * b`` over ``  = [0.6]``); one that starts mid-term sits under the first term
    (``h = [0.5, …,`` over ``     -0.5]``). After a ``: `` near the start (``unit 1: …``) both
    go under the first term; otherwise two columns past the line's own indent. Never more than
    half the width, so a continuation keeps room.
    """
    lead = len(plain) - len(plain.lstrip(" "))
    if plain.startswith("= ", lead) and lead + 2 <= width // 2:
        return lead, lead + 2
    for anchor in (" = ", ": "):
        k = plain.find(anchor, lead)
        if k >= 0 and k + len(anchor) <= min(24, width // 2):
            return (k + 1 if anchor == " = " else k + len(anchor)), k + len(anchor)
    fallback = min(lead + 2, width // 3)
    return fallback, fallback


def wrap_hanging(text: Text, width: int, hang: int | None = None, *, prose: bool = False) -> Text:
    """`text` wrapped to `width` columns with a hanging indent, as one no-wrap Text.

    Lines break at the best space (see `_breaks`), never inside a number unless a single
    token is wider than the line. Every line of a multi-line `text` wraps on its own.
    """
    out = Text(no_wrap=True, overflow="crop", end="")
    width = max(1, width)
    for n, line in enumerate(text.split("\n", allow_blank=True)):
        if n:
            out.append("\n")
        out.append_text(_wrap_line(line, width, hang, prose))
    out.end = "\n"
    return out


def _starts_with_operator(text: str) -> bool:
    return text[:1] in _OPERATORS and text[1:2] == " "


def _wrap_line(line: Text, width: int, hang: int | None, prose: bool) -> Text:
    plain = line.plain
    if cell_len(plain) <= width:
        return line
    if hang is None and prose:
        lead = len(plain) - len(plain.lstrip(" "))
        op_indent = term_indent = min(lead + 2, width // 3)
    elif hang is None:
        op_indent, term_indent = hanging_indent(plain, width)
    else:
        op_indent = term_indent = min(hang, width // 2)
    breaks = _breaks(plain, prose)
    positions = [k for k, _ in breaks]
    cuts: list[tuple[int, int, int]] = []  # (indent, start, end) of each line
    start, size = 0, len(plain)
    # Each line looks only at the breaks within its reach (a character is at least one column
    # but for rare zero-width ones), so the work grows with the line's length, not its square.
    while start < size:
        indent = 0
        if cuts:
            indent = op_indent if _starts_with_operator(plain[start : start + 2]) else term_indent
        room = width - indent
        reach = start + 2 * room + 2
        if size <= reach and cell_len(plain[start:]) <= room:
            cuts.append((indent, start, size))
            break
        # The first line never breaks before its anchor: the continuation would start there.
        near = breaks[bisect_right(positions, start) : bisect_right(positions, reach)]
        fits = [
            (k, r)
            for k, r in near
            if (cuts or k >= term_indent) and cell_len(plain[start:k]) <= room
        ]
        cut = None
        for rank in (2, 1, 0):
            good = [k for k, r in fits if r >= rank and cell_len(plain[start:k]) >= room // 3]
            if good:
                cut = good[-1]
                break
        if cut is None:
            cut = fits[-1][0] if fits else min(size, start + max(1, room))
        cuts.append((indent, start, cut))
        start = cut
        while start < size and plain[start] == " ":
            start += 1
    bounds = sorted({b for _, a, z in cuts for b in (a, z)} - {0})
    by_start = dict(zip([0, *bounds], line.divide(bounds), strict=False))
    pieces = [(indent, by_start[a]) for indent, a, _ in cuts]
    out = Text(end="")
    for k, (indent, piece) in enumerate(pieces):
        if k:
            out.append("\n" + " " * indent)
        out.append_text(piece)
    return out


class Hang:
    """Text that wraps with a hanging indent at whatever width it is drawn in.

    Rich wraps continuation lines to column 0 of their block; a worked example's lines are
    equations, so a wrapped line continues under its first ``=`` or its first term (see
    `hanging_indent`), or `hang` columns in when given. `prose` wraps at any word rather than
    preferring the spaces before operators.
    """

    def __init__(
        self, text: Text | str, hang: int | None = None, style: str = "", prose: bool = False
    ) -> None:
        # `hang` None: from the line itself (`hanging_indent`; a sentence: 2 past its indent).
        self.text = Text(text, style=style) if isinstance(text, str) else text
        self.hang = hang
        self.prose = prose

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        widest = max((cell_len(line) for line in plain.split("\n")), default=0)
        word = max((cell_len(w) for w in plain.split()), default=0)
        return Measurement(min(word, widest), widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield wrap_hanging(self.text, options.max_width, self.hang, prose=self.prose)


class Terms:
    """A result line of several `name = value` terms (parted by four spaces): on one line when
    it fits, else one term per line, so that no term is broken across two."""

    GAP = "    "

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Hang(self.text).__rich_measure__(console, options)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if cell_len(self.text.plain) <= options.max_width or self.GAP not in self.text.plain:
            yield Hang(self.text)
            return
        for part in self.text.split(self.GAP):
            yield Hang(part)


class Equations:
    """Equation lines whose closing comments line up in one column.

    The column is measured from the displayed text (``σ(`` and ``tanh(`` are as wide as they
    look), one gap past the widest commented equation. When that does not fit the width, each
    comment goes on its own line under its equation, so neither is cut or wrapped to column 0.
    """

    def __init__(self, lines: Sequence[Sequence[Any]], precision: int) -> None:
        self.rows: list[tuple[Text, str | None]] = []
        self.prose: list[bool] = []
        for line in lines:
            body, comment = split_comment(line)
            self.rows.append((line_text(body, precision), comment))
            # A line that does not start with a symbol is a sentence, not an equation.
            self.prose.append(bool(body) and comment is None and not isinstance(body[0], Sym))

    def _column(self) -> int:
        return max((t.cell_len for t, c in self.rows if c is not None), default=0)

    def _aligned_width(self) -> int:
        column = self._column()
        return max(
            (t.cell_len if c is None else column + len(COMMENT_GAP) + cell_len(c))
            for t, c in self.rows
        )

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = self._aligned_width() if self.rows else 0
        words = [w for t, c in self.rows for w in (t.plain + " " + (c or "")).split()]
        return Measurement(min(max((cell_len(w) for w in words), default=0), widest), widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # Only the commented lines decide: a long sentence or equation without a comment wraps
        # on its own and must not push every comment under its equation.
        column = self._column()
        aligned = all(
            column + len(COMMENT_GAP) + cell_len(c) <= options.max_width
            for _, c in self.rows
            if c is not None
        )
        for (body, comment), prose in zip(self.rows, self.prose, strict=True):
            if prose:
                yield Hang(body, hang=INDENT, prose=True)
            elif comment is None:
                yield Hang(body)
            elif aligned:
                line = body.copy()
                line.append(" " * (column - body.cell_len) + COMMENT_GAP)
                line.append(comment, style="muted")
                line.no_wrap = True
                yield line
            else:
                yield Hang(body)
                at = body.plain.find(" = ")
                indent = at + 3 if 0 <= at < options.max_width // 3 else INDENT
                yield Padding(Hang(Text(comment, style="muted")), (0, 0, 0, indent))


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
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


GAP = 4  # columns between blocks drawn side by side
_UNBOUNDED = 10_000  # a width no layout reaches, to measure a table's natural width


class _Flow:
    """Blocks in a row while they fit the width they are drawn in, then on the next row."""

    def __init__(self, blocks: list[Text], width: int | None) -> None:
        self.blocks = blocks
        self.width = width

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widths = [_width(b) for b in self.blocks]
        return Measurement(max(widths, default=0), sum(widths) + GAP * (len(widths) - 1))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        limit = options.max_width if self.width is None else min(self.width, options.max_width)
        rows: list[list[Text]] = []
        used = 0
        for block in self.blocks:
            w = _width(block)
            if rows and used + GAP + w <= limit:
                rows[-1].append(block)
                used += GAP + w
            else:
                rows.append([block])
                used = w
        for k, row in enumerate(rows):
            if k:
                yield Text("")
            if len(row) == 1:
                yield row[0]
                continue
            grid = Table.grid(padding=(0, GAP))
            for _ in row:
                grid.add_column(no_wrap=True)
            grid.add_row(*row)
            yield grid


def side_by_side(blocks: list[Text], width: int | None = None) -> RenderableType:
    """Blocks in a row when they fit, else wrapped onto more rows (one under another).

    The layout is chosen when drawn, from the width actually available; `width` (a console
    width, of which the caller's indent is taken off) only caps it.
    """
    return _Flow(blocks, None if width is None else width - INDENT)


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
                # a window too big to draw in every step shows its corners
                limit=max(rows, cols) if max(rows, cols) <= limits.DRAWN_SIDE else MAX_MATRIX,
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


def _build_table(step: Step, precision: int, gap: int, wrap_text: bool = False) -> Table:
    assert step.table is not None
    table = Table(box=None, padding=(0, gap), show_edge=False, header_style="muted")
    roles = step.table.roles or ("",) * len(step.table.header)
    for k, head in enumerate(step.table.header):
        numeric = any(isinstance(row[k], Num | int | float) for row in step.table.rows)
        table.add_column(
            head,
            justify="right" if numeric else "left",
            style=roles[k] or None,
            no_wrap=numeric or not wrap_text,
            overflow="fold",
        )
    for row in step.table.rows:
        table.add_row(*(format_part(c, precision) for c in row))
    return table


class _StepTable:
    """A step's table: two columns apart when it fits, one when that is what fits, and as a
    last resort its text columns wrap (numbers never do, and nothing is cut)."""

    def __init__(self, step: Step, precision: int) -> None:
        self.step = step
        self.precision = precision

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        table = _build_table(self.step, self.precision, 2)
        return Measurement.get(console, options, table)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for gap in (2, 1):
            table = _build_table(self.step, self.precision, gap)
            natural = Measurement.get(console, options.update_width(_UNBOUNDED), table).maximum
            if natural <= options.max_width:
                yield table
                return
        yield _build_table(self.step, self.precision, 1, wrap_text=True)


def _table(step: Step, precision: int) -> RenderableType:
    return _StepTable(step, precision)


class _Chart:
    """A chart drawn at the narrower of `width` and the room actually there."""

    def __init__(self, chart: Chart, width: int) -> None:
        self.chart = chart
        self.width = width

    def _draw(self, options: ConsoleOptions) -> Text:
        return draw_chart(self.chart, width=min(self.width, options.max_width))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = _width(self._draw(options))
        return Measurement(widest, widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._draw(options)


def _line(line: Sequence[Any], precision: int) -> Hang:
    """A step's line: an equation wraps under its ``=``, a sentence (plain text only) by word."""
    prose = all(isinstance(part, str) for part in line)
    return Hang(line_text(line, precision), prose=prose)


class _StepHeader:
    """``── Step 3 of 8 — input gate i_t ──``; a title too long for the rule goes under it."""

    def __init__(self, n: int, total: int, title: str, style: str, rule_style: str) -> None:
        self.n, self.total, self.title = n, total, title
        self.style, self.rule_style = style, rule_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        full = Text(f" Step {self.n} of {self.total} — {self.title} ", style=self.style)
        if full.cell_len + 4 <= options.max_width:
            yield Rule(full, align="left", style=self.rule_style)
            return
        short = Text(f" Step {self.n} of {self.total} ", style=self.style)
        yield Rule(short, align="left", style=self.rule_style)
        title = Text(f"— {self.title}", style=self.style)
        yield Padding(Hang(title, hang=2, prose=True), (0, 0, 0, 1))


def step_section(step: Step, n: int, total: int, precision: int, width: int) -> RenderableType:
    """``── Step 3 of 8 — input gate i_t ──``, its lines, grid/table/chart and reading."""
    style = (
        step.role if step.role.startswith("gate.") or step.role in ("right", "wrong") else "accent"
    )
    parts: list[RenderableType] = [
        _StepHeader(
            n, total, step.title, style, style if step.role.startswith("gate.") else "muted"
        )
    ]
    body: list[RenderableType] = [_line(line, precision) for line in step.lines]
    if step.table is not None:
        body.append(_table(step, precision))
    if step.grid is not None:
        body.append(Text(""))
        body.append(_grid(step.grid, precision, width))
    if step.chart is not None:
        body.append(Text(""))
        body.append(_Chart(step.chart, width - INDENT))
    if step.note:
        body.append(Hang(Text.assemble(("→ ", style), (step.note, "italic")), hang=2, prose=True))
    parts.append(Padding(Group(*body), (0, 0, 1, INDENT), expand=False))
    return Group(*parts)


def _weight_blocks(
    worked: Worked, precision: int, limit: int
) -> list[tuple[ParamGroup, list[Text]]]:
    """Each gate's matrices as titled blocks (``W_fx (2x2)`` over the boxed numbers)."""
    groups = []
    for group in worked.groups:
        blocks = []
        for name in group.names:
            value = np.asarray(worked.params[name], dtype=float)
            shape = "x".join(str(s) for s in value.shape)
            cell = Text(f"{name} ({shape})\n", style=group.role or None, no_wrap=True)
            if value.ndim == 1:
                value = value[:, None]  # biases read as columns, like the units they feed
            cell.append_text(matrix_text(value, precision, limit=limit))
            blocks.append(cell)
        groups.append((group, blocks))
    return groups


class _WeightsTable:
    """Every gate's weights: one row per gate when they fit, else each gate's label on a line
    of its own with its matrices under it, as many to a row as fit (stacked when only one
    does). Matrices are never cut: when even one is too wide, more of its columns are elided
    (``…`` for whole columns, never inside a number)."""

    def __init__(self, worked: Worked, precision: int) -> None:
        self.worked = worked
        self.precision = precision

    def _wide(self, groups: list[tuple[ParamGroup, list[Text]]]) -> Table:
        table = Table(box=None, padding=(0, 2), show_header=False, show_edge=False)
        columns = max(len(blocks) for _, blocks in groups)
        table.add_column(no_wrap=True)
        for _ in range(columns):
            table.add_column(no_wrap=True)
        for group, blocks in groups:
            table.add_row(Text(group.label, style=group.role or None), *blocks)
        return table

    @staticmethod
    def _columns(groups: list[tuple[ParamGroup, list[Text]]], k: int) -> list[int]:
        """Column widths when each gate's blocks are laid out k to a row."""
        widths = [0] * k
        for _, blocks in groups:
            for i, block in enumerate(blocks):
                widths[i % k] = max(widths[i % k], _width(block))
        return widths

    def _narrow(self, width: int) -> RenderableType:
        room = width - INDENT
        groups: list[tuple[ParamGroup, list[Text]]] = []
        columns: list[int] = []
        for limit in range(MAX_MATRIX, 2, -1):
            groups = _weight_blocks(self.worked, self.precision, limit)
            most = max(len(blocks) for _, blocks in groups)
            fitting = [
                k
                for k in range(most, 0, -1)
                if sum(self._columns(groups, k)) + GAP * (k - 1) <= room
            ]
            if fitting:
                columns = self._columns(groups, fitting[0])
                break
        if not columns:  # narrower than any matrix: one to a row, the terminal crops
            columns = self._columns(groups, 1)
        parts: list[RenderableType] = []
        for group, blocks in groups:
            parts.append(Text(group.label, style=group.role or None))
            grid = Table.grid(padding=(0, GAP))
            for w in columns:
                grid.add_column(no_wrap=True, width=w)
            for at in range(0, len(blocks), len(columns)):
                row = blocks[at : at + len(columns)]
                grid.add_row(*row, *([""] * (len(columns) - len(row))))
            parts.append(Padding(grid, (0, 0, 0, INDENT)))
        return Group(*parts)

    @staticmethod
    def _natural(console: Console, options: ConsoleOptions, table: Table) -> int:
        """The table's width with room to spare (`Measurement.get` caps it at the width)."""
        return Measurement.get(console, options.update_width(_UNBOUNDED), table).maximum

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        groups = _weight_blocks(self.worked, self.precision, MAX_MATRIX)
        wide = self._natural(console, options, self._wide(groups))
        narrow = max((_width(b) for _, blocks in groups for b in blocks), default=0) + INDENT
        return Measurement(min(narrow, wide), wide)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        groups = _weight_blocks(self.worked, self.precision, MAX_MATRIX)
        wide = self._wide(groups)
        if self._natural(console, options, wide) <= options.max_width:
            yield wide
        else:
            yield self._narrow(options.max_width)


def weights_table(worked: Worked, precision: int) -> RenderableType:
    """The weights, gate by gate, laid out for the width they are drawn in (never cut)."""
    return _WeightsTable(worked, precision)


class _Inputs:
    """The inputs on one line when it fits the width drawn in, else one input per line."""

    LEAD = "inputs   "

    def __init__(self, items: list[Text], width: int) -> None:
        self.items = items
        self.width = width

    def _one_line(self) -> Text:
        return Text(self.LEAD, style="muted") + Text("    ").join(self.items)

    def _one_each(self) -> Text:
        text = Text()
        for k, item in enumerate(self.items):
            text.append(self.LEAD if k == 0 else " " * len(self.LEAD), style="muted")
            text.append_text(item)
            if k + 1 < len(self.items):
                text.append("\n")
        return text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Hang(self._one_line()).__rich_measure__(console, options)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        one = self._one_line()
        if one.cell_len <= min(self.width, options.max_width):
            yield Hang(one)
        else:
            yield Hang(self._one_each())


def inputs_text(worked: Worked, precision: int, width: int = 100) -> RenderableType | None:
    """``inputs   x_t = [1, -1]    h_{t-1} = [0.5, -0.5]``: one line if it fits, else one each.

    The choice is made when drawn, at the narrower of `width` and the room actually there.
    """
    names = _INPUT_NAMES.get(worked.kind)
    if not names:
        return None
    items = []
    for key, label in names.items():
        if key not in worked.inputs:
            continue
        value = np.asarray(worked.inputs[key], dtype=float)
        item = Text()
        if key == "x" and value.ndim == 2:
            item.append(f"x1..x{value.shape[0]}", style="accent")
            item.append(" = " + format_part(value, precision) + " (one row per step)")
        else:
            item.append(label, style="accent")
            item.append(" = " + format_part(value, precision))
        items.append(item)
    return _Inputs(items, width)


_ATTENTION_INPUTS = (("query", "q"), ("keys", "K"), ("values", "V"))


def kind_inputs(worked: Worked, precision: int, width: int = 100) -> RenderableType | None:
    """The inputs of the kinds drawn their own way: attention's q, K and V, a beam search's
    probability tables, perplexity's probabilities; None for every other kind."""
    if worked.kind == "attention":
        return _attention_inputs(worked, precision, width)
    if worked.kind == "beam":
        return _beam_inputs(worked, precision)
    if worked.kind == "perplexity":
        probs = np.asarray(worked.inputs["probs"], dtype=float)
        line = Text("p_t ", style="accent")
        line.append(format_part(Num(probs, tiny=True), precision))  # 1e-200 is no 0 here
        line.append("  (what the model gave each true token, t = 1..T)", style="muted")
        return Hang(line)
    return None


def _beam_inputs(worked: Worked, precision: int) -> RenderableType:
    start = np.asarray(worked.inputs["start"], dtype=float)
    nxt = np.asarray(worked.inputs["next"], dtype=float)
    tokens = TOKENS[: start.shape[0]]
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="muted")
    table.add_column("", style="accent", no_wrap=True)
    for token in tokens:
        table.add_column(token, justify="right", no_wrap=True)
    table.add_row("p(first)", *format_entries(start, precision))
    cells = format_entries(nxt, precision)
    for i, token in enumerate(tokens):
        row = cells[i * len(tokens) : (i + 1) * len(tokens)]
        table.add_row(f"p(next | {token})", *row)
    return table


def _attention_inputs(worked: Worked, precision: int, width: int) -> RenderableType:
    """An attention example's q, K and V as boxed grids side by side (one row per key), and
    its mask."""
    blocks = []
    for key, label in _ATTENTION_INPUTS:
        value = np.asarray(worked.inputs[key], dtype=float)
        grid = value[None, :] if value.ndim == 1 else value
        shape = f"{grid.shape[0]}x{grid.shape[1]}"
        title = label if value.ndim == 1 else f"{label} ({shape}, one row per key)"
        blocks.append(_titled(title, matrix_text(grid, precision), style="accent"))
    parts: list[RenderableType] = [side_by_side(blocks, width)]
    if "mask" in worked.inputs:
        mask = np.asarray(worked.inputs["mask"], dtype=float)
        line = Text("mask ", style="accent")
        line.append(format_part(mask, precision))
        line.append("  (1: the query sees the key, 0: hidden)", style="muted")
        parts.append(Hang(line))
    return Group(*parts)


def header_section(worked: Worked, precision: int, width: int = 100) -> RenderableType:
    parts: list[RenderableType] = [Hang(Text(worked.title, style="bold"), hang=2, prose=True)]
    if worked.intro:
        parts.append(
            Panel(
                Equations(worked.intro, precision),
                border_style="muted",
                expand=False,
                padding=(0, 1),
            )
        )
    inputs = inputs_text(worked, precision, width) or kind_inputs(worked, precision, width)
    if inputs is not None:
        parts.append(inputs)
    if worked.groups:
        label = Text("weights", style="muted")
        if worked.weights_note:
            label.append(f" ({worked.weights_note})", style="muted")
        parts.append(Hang(label, hang=2))
        parts.append(Padding(weights_table(worked, precision), (0, 0, 0, INDENT), expand=False))
    parts.append(Text(""))
    return Group(*parts)


def result_section(worked: Worked, precision: int) -> RenderableType:
    """The result under its heading; nothing at all when there is none to show (an output
    size, whose last step already says it), so no heading stands empty."""
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
    body.extend(Terms(line_text(line, precision)) for line in worked.outro)
    if worked.summarised:
        body.append(
            Hang(
                "(a summary: the input was too big to show every step; --json has every value)",
                hang=1,
                style="muted",
                prose=True,
            )
        )
    if not body:
        return Group()
    heading = Rule(Text(" Result ", style="right"), align="left", style="muted")
    return Group(heading, Padding(Group(*body), (0, 0, 0, INDENT), expand=False))


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


def ask_to_continue(
    n: int, total: int, *, console: Console | None = None, erase: bool | None = None
) -> bool:
    """Ask (on stderr by default) whether to show the next step: Enter goes on, q stops, and
    so does the end of input.

    With `erase` (by default: when stdout and the prompt's console are both terminals) the hint
    line is removed once answered, so the scrollback holds the steps and nothing between them.
    """
    console = console or make_console(stderr=True)
    if erase is None:
        erase = console.is_terminal and sys.stdout.isatty()
    try:
        answer = console.input(f"[muted]step {n} of {total} · Enter: next · q: stop[/] ")
    except EOFError:
        return False
    if erase:
        # The answer's Enter moved the cursor down a line: go back up and clear that line.
        console.control(
            Control((ControlType.CURSOR_UP, 1)),
            Control.move_to_column(0),
            Control((ControlType.ERASE_IN_LINE, 2)),
        )
    return answer.strip().lower() not in {"q", "quit"}
