"""A small line chart drawn with Unicode characters: x = 1..T, y on a log10 scale.

Built for gradient norms that shrink or grow geometrically, so a straight line means a constant
factor per step. Values <= 0 (a norm that underflowed) are drawn on the bottom edge as ``▾``.
"""

from __future__ import annotations

import math

from rich.text import Text

from refresher.explain.steps import Chart

HEIGHT = 13


def decade_label(k: int) -> str:
    """10**k as a learner reads it: 100, 10, 1, 0.1, 0.01, then 1e-3 and beyond."""
    if 0 <= k <= 3:
        return str(10**k)
    if -2 <= k < 0:
        return f"{10.0**k:.{-k}f}"
    return f"1e{k}"


def _positive_logs(chart: Chart) -> list[float]:
    return [math.log10(v) for s in chart.series for v in s.values if v > 0 and math.isfinite(v)]


def draw_chart(chart: Chart, width: int = 100, height: int = HEIGHT) -> Text:
    """The chart as Rich Text (several lines), at most `width` columns wide."""
    logs = _positive_logs(chart)
    lo = math.floor(min(logs + [0.0]))
    hi = math.ceil(max(logs + [0.0]))
    span = max(1, hi - lo)
    # Decades land on whole rows: several rows per decade for a short range, several decades
    # per row for a long one (the range is widened to a whole number of rows).
    if span <= height // 2:
        per_decade = float(min(4, (height - 1) // span))
        label_every = 1
    else:
        decades_per_row = math.ceil(span / (height - 1))
        span = decades_per_row * math.ceil(span / decades_per_row)
        per_decade = 1.0 / decades_per_row
        label_every = 2 * decades_per_row
    lo = hi - span
    height = round(span * per_decade) + 1
    points = max(len(s.values) for s in chart.series)
    label_w = max(len(decade_label(k)) for k in range(lo, hi + 1)) + 1
    room = max(10, width - label_w - 2)
    cell_w = max(1, min(3, room // max(points, 1)))
    per_col = max(1, math.ceil(points / room))  # T values per column when T is long
    cols = math.ceil(points / per_col)

    def row_of(value: float) -> int:
        if value <= 0 or not math.isfinite(value):
            return height - 1
        return min(height - 1, max(0, round((hi - math.log10(value)) * per_decade)))

    grid: list[list[tuple[str, str]]] = [[(" ", "")] * (cols * cell_w) for _ in range(height)]
    one = row_of(1.0)
    for c in range(cols * cell_w):
        grid[one][c] = ("┄", "muted")
    for series in reversed(chart.series):  # the first series is drawn last, on top
        for c in range(cols):
            t = min(points, (c + 1) * per_col) - 1
            if t >= len(series.values):
                continue
            value = series.values[t]
            marker = series.marker if value > 0 else "▾"
            grid[row_of(value)][c * cell_w + (cell_w - 1) // 2] = (marker, series.role)

    labels = {
        row_of(10.0**k): decade_label(k)
        for k in range(hi, lo - 1, -1)
        if (hi - k) % label_every == 0
    }
    labels.setdefault(one, "1")

    text = Text(no_wrap=True, overflow="crop")
    if chart.y_label:
        text.append(f"{chart.y_label}\n", style="muted")
    for r in range(height):
        label = labels.get(r, "")
        text.append(label.rjust(label_w), style="muted")
        text.append(" ┤" if label else " │", style="muted")
        for ch, style in grid[r]:
            text.append(ch, style=style or None)
        text.append("\n")
    text.append(" " * label_w + " └" + "─" * (cols * cell_w) + "\n", style="muted")

    # x ticks: T = 1, then round numbers
    tick_every = next(
        (n for n in (1, 2, 5, 10, 20, 25, 50, 100) if n * cell_w / per_col >= 8), 100 * per_col
    )
    axis = [" "] * (cols * cell_w + 6)
    for t in [1, *range(tick_every, points + 1, tick_every)]:
        pos = ((t - 1) // per_col) * cell_w + (cell_w - 1) // 2
        mark = str(t)
        if pos + len(mark) <= len(axis) and all(
            ch == " " for ch in axis[max(0, pos - 1) : pos + len(mark)]
        ):
            axis[pos : pos + len(mark)] = list(mark)
    ticks = "".join(axis).rstrip()
    if len(chart.x_label) <= label_w:  # the axis name in the margin, where it always fits
        text.append(f"{chart.x_label:>{label_w}}  {ticks}\n", style="muted")
    else:
        text.append(" " * (label_w + 2) + ticks + f"  {chart.x_label}\n", style="muted")
    # The legend: entries side by side, onto a further line when the width runs out.
    entries = [
        Text.assemble((series.marker, series.role or ""), f" {series.label}")
        for series in chart.series
    ]
    entries.append(Text.assemble(("┄", "muted"), " 1 (no change)"))
    indent = " " * (label_w + 2)
    line = Text(indent)
    for entry in entries:
        if line.plain.strip() and line.cell_len + 4 + entry.cell_len > width:
            text.append_text(line)
            text.append("\n")
            line = Text(indent)
        if line.plain.strip():
            line.append("    ")
        line.append_text(entry)
    text.append_text(line)
    return text
