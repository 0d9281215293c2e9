"""The Rich rendering of worked examples: matrices, the log chart, step sections, exports."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from refresher.errors import InputError
from refresher.explain.registry import compute
from refresher.explain.steps import Chart, Series
from refresher.render.chart import decade_label, draw_chart
from refresher.render.console import make_console
from refresher.render.export import export_sections
from refresher.render.worked import matrix_text, render_worked, worked_sections


def test_matrix_marks_the_window_with_brackets_and_aligns_decimals() -> None:
    text = matrix_text(
        np.array([[1.0, 2.5], [3.25, 4.0]]), 3, highlight=lambda i, j: "window" if j == 0 else None
    )
    assert text.plain.splitlines() == [
        "┌────────────┐",
        "│[1.00] 2.50 │",
        "│[3.25] 4.00 │",
        "└────────────┘",
    ]


def test_matrix_blanks_pads_and_elides() -> None:
    text = matrix_text(
        np.zeros((2, 2)), 3, blank=lambda i, j: (i, j) == (1, 1), dim=lambda i, j: i == 0,
        pad_text="-∞",
    )  # fmt: skip
    assert text.plain.splitlines()[1:3] == ["│ -∞  -∞ │", "│  0   · │"]
    big = matrix_text(np.arange(100.0).reshape(10, 10), 3, limit=4).plain.splitlines()
    assert big[1] == "│  0   1   …   9 │"
    assert big[3] == "│  …   …   …   … │"
    assert big[4] == "│ 90  91   …  99 │"


@pytest.mark.parametrize(("k", "label"), [(0, "1"), (2, "100"), (-1, "0.1"), (-2, "0.01"),
                                          (-3, "1e-3"), (6, "1e6")])  # fmt: skip
def test_decade_labels(k: int, label: str) -> None:
    assert decade_label(k) == label


def test_chart_draws_one_marker_per_step_on_a_log_scale() -> None:
    values = tuple(0.5**t for t in range(1, 21))
    text = draw_chart(Chart(series=(Series("norm", values, "", "●"),)), width=80).plain
    rows = text.splitlines()
    assert text.count("●") == 20 + 1  # one per T, plus the legend
    marks = [r for r in rows if "●" in r and "norm" not in r]
    assert "●" in marks[0] and marks[0].strip().startswith("1 ┤")  # T=1 sits near 1
    assert any(r.strip().startswith("1e-6") for r in rows)  # 0.5**20 ≈ 1e-6
    assert rows[-1].strip().startswith("● norm")


def test_chart_marks_values_that_underflowed() -> None:
    text = draw_chart(Chart(series=(Series("g", (1.0, 0.1, 0.0), "", "●"),)), width=60).plain
    assert "▾" in text


def test_pause_can_stop_between_steps() -> None:
    out = io.StringIO()
    seen = []

    def pause(n: int, total: int) -> bool:
        seen.append((n, total))
        return n < 2

    render_worked(compute({"kind": "lstm"}), make_console(file=out, width=100), pause=pause)
    assert seen == [(1, 8), (2, 8)]
    assert "Step 2 of 8" in out.getvalue() and "Step 3 of 8" not in out.getvalue()


def test_sections_are_header_steps_result() -> None:
    worked = compute({"kind": "gru"})
    assert len(worked_sections(worked)) == len(worked.steps) + 2


def test_export_refuses_unknown_extensions_and_missing_folders(tmp_path: Path) -> None:
    sections = worked_sections(compute({"kind": "params"}))
    with pytest.raises(InputError, match="unknown extension '.png'"):
        export_sections(sections, tmp_path / "x.png")
    with pytest.raises(InputError, match="no such folder"):
        export_sections(sections, tmp_path / "missing" / "x.txt")
    path = export_sections(sections, tmp_path / "x.TXT")
    assert "PyTorch = 56" in path.read_text(encoding="utf-8")
