"""The Rich rendering of worked examples: matrices, the log chart, step sections, exports."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import numpy as np
import pytest
from rich.cells import cell_len
from rich.text import Text

from refresher.core.errors import InputError
from refresher.explain.registry import compute
from refresher.explain.steps import Chart, Series, format_entries
from refresher.render.chart import decade_label, draw_chart
from refresher.render.console import make_console
from refresher.render.export import export_sections
from refresher.render.worked import (
    ask_to_continue,
    matrix_text,
    render_worked,
    worked_sections,
    wrap_hanging,
)


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


@pytest.mark.parametrize("scale", [0.9, 0.99, 1.1, 0.5])
def test_each_marker_is_in_the_row_nearest_its_value(scale: float) -> None:
    """The gradients chart's own rows: 0.9 and 0.81 are drawn on the row of 1 because, at 4 rows
    a decade, that row (from 10^-0.125 to 10^0.125) is the nearest one, not by a scale error.
    The position is worked out from the labelled rows alone, at a fixed width."""
    values = tuple(scale**t for t in range(1, 51))
    rows = draw_chart(Chart(series=(Series("g", values, "", "●"),)), width=100).plain
    grid = rows.splitlines()[:-2]  # without the x ticks and the legend
    labelled = {
        float(line.split("┤")[0]): r for r, line in enumerate(grid) if "┤" in line
    }  # value of a decade label -> its row
    (a, ra), (b, rb) = sorted(labelled.items(), reverse=True)[:2]
    per_decade = (rb - ra) / (math.log10(a) - math.log10(b))
    start = grid[ra].index("┤") + 1
    for t, value in enumerate(values):
        drawn = next(r for r, line in enumerate(grid) if line[start + t : start + t + 1] == "●")
        exact = ra + (math.log10(a) - math.log10(value)) * per_decade
        assert abs(drawn - exact) <= 0.5, (t + 1, value, drawn, exact)


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


# ------------------------------------------------------------------------------ narrow terminals


def render_text(worked, width: int, precision: int = 3) -> str:
    out = io.StringIO()
    render_worked(worked, make_console(file=out, width=width), precision=precision)
    return out.getvalue()


def matrix_rows(values: np.ndarray, precision: int = 3) -> list[list[str]]:
    arr = np.atleast_2d(np.asarray(values, dtype=float))
    if np.asarray(values).ndim == 1:
        arr = arr.T  # biases are drawn as columns
    texts = format_entries(arr, precision)
    return [texts[i : i + arr.shape[1]] for i in range(0, len(texts), arr.shape[1])]


@pytest.mark.parametrize("width", [50, 60, 80, 100])
@pytest.mark.parametrize(
    "spec",
    [{"kind": "lstm"}, {"kind": "gru"}, {"kind": "gru", "variant": "pytorch"}, {"kind": "rnn"}],
)
def test_weights_stay_whole_at_any_width(spec: dict, width: int) -> None:
    worked = compute(spec)
    text = render_text(worked, width)
    header = text.split(" Step 1 of")[0]
    assert "…" not in header  # nothing cut, inside a matrix or out
    assert max(cell_len(line) for line in text.splitlines()) <= width
    for group in worked.groups:
        assert group.label in header
        for name in group.names:
            assert f"{name} (" in header
            for row in matrix_rows(worked.params[name]):
                pattern = r"│\s*" + r"\s+".join(re.escape(v) for v in row) + r"\s*│"
                assert re.search(pattern, header), (name, row)


def test_weights_keep_one_row_per_gate_when_they_fit() -> None:
    text = render_text(compute({"kind": "lstm"}), 100)
    assert re.search(r"forget f\s+W_fx \(2x2\)\s+W_fh \(2x2\)\s+b_f \(2\)", text)
    narrow = render_text(compute({"kind": "lstm"}), 60)
    assert re.search(r"\n  forget f *\n    W_fx \(2x2\)\s+W_fh \(2x2\)\s+b_f \(2\)", narrow)


def test_a_matrix_wider_than_the_terminal_elides_columns_not_digits() -> None:
    worked = compute({"kind": "lstm", "hidden_size": 12, "input_size": 12})
    text = render_text(worked, 50).split(" Step 1 of")[0]
    assert max(cell_len(line) for line in text.splitlines()) <= 50
    assert all(re.fullmatch(r"[│┌└─┐┘ ]*|.*[│┐┘]", line.rstrip()) for line in text.splitlines()
               if line.lstrip().startswith(("│", "┌", "└")))  # fmt: skip


COMMANDS_AT = [
    {"kind": "pool", "size": 3, "stride": 1, "padding": 1},
    {"kind": "pool", "input": "1 2 3 4 5; 6 7 8 9 10", "ceil": True, "size": 2},
    {"kind": "conv"},
    {"kind": "rnn", "steps": 3},
    {"kind": "lstm"},
    {"kind": "gru", "variant": "pytorch"},
    {"kind": "gradients"},
    {"kind": "gradients", "cell": "lstm", "inputs": "random"},
    {"kind": "params", "cell": "gru", "output_size": 4},
]


@pytest.mark.parametrize("width", [60, 100])
@pytest.mark.parametrize("spec", COMMANDS_AT, ids=lambda s: "-".join(map(str, s.values())))
def test_wrapped_lines_keep_their_indent(spec: dict, width: int) -> None:
    """Nothing inside an indented block wraps back to column 0 or past the width."""
    text = render_text(compute(spec), width)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert "…" not in "".join(line for line in lines if "─ Step" in line or " Step " in line)
    title_end = next(k for k, line in enumerate(lines) if line.startswith(("╭", "inputs")))
    assert all(line.startswith("  ") for line in lines[1:title_end])  # the title's own lines
    body = lines[next(k for k, line in enumerate(lines) if line.startswith(" Step 1 of")) :]
    for line in body:
        if line.strip():
            assert line.startswith(("  ", " Step ", " Result ", " — ")), line


def test_wrapping_continues_under_the_first_term() -> None:
    line = Text("h1 = tanh(a_h) = tanh([-0.45, -0.45]) = [-0.422, -0.422]")
    assert wrap_hanging(line, 40).plain.splitlines() == [
        "h1 = tanh(a_h) = tanh([-0.45, -0.45])",
        "   = [-0.422, -0.422]",  # a derivation: = under =
    ]
    vector = Text("h_{t-1} = [0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5]")
    assert wrap_hanging(vector, 40).plain.splitlines() == [
        "h_{t-1} = [0.5, -0.5, 0.5, -0.5, 0.5,",
        "          -0.5, 0.5, -0.5]",  # mid-term: under the first term
    ]
    unit = Text("  unit 1: (0.4·0.5 + 0·(-0.5)) + (0.4·(-1) + 0.1·(-0.5)) + (-0.2) = -0.45")
    assert wrap_hanging(unit, 58).plain.splitlines() == [
        "  unit 1: (0.4·0.5 + 0·(-0.5)) + (0.4·(-1) + 0.1·(-0.5))",
        "          + (-0.2) = -0.45",
    ]
    prose = Text("→ unit 1: 1 → 1.03, unit 2: -1 → -0.03, and the rest of a long note")
    assert wrap_hanging(prose, 40, 2, prose=True).plain.splitlines() == [
        "→ unit 1: 1 → 1.03, unit 2: -1 → -0.03,",
        "  and the rest of a long note",
    ]


@pytest.mark.parametrize(
    ("kind", "comments"),
    [
        ("lstm", ["forget gate", "old memory kept", "candidate", "new memory written", "hidden state"]),
        ("rnn", ["hidden state (A = tanh)", "output (A = softmax)"]),
        ("gru", ["reset gate", "candidate", "new hidden state"]),
    ],
)  # fmt: skip
def test_equation_comments_line_up(kind: str, comments: list[str]) -> None:
    text = render_text(compute({"kind": kind}), 100)
    columns = {next(line.index(c) for line in text.splitlines() if c in line and "│" in line)
               for c in comments}  # fmt: skip
    assert len(columns) == 1, columns
    narrow = render_text(compute({"kind": kind}), 60).splitlines()
    for comment in comments:  # too narrow for a column: each comment whole, on its own line
        assert any(line.strip(" │") == comment for line in narrow), comment


def test_a_long_step_title_goes_under_its_rule_whole() -> None:
    text = render_text(compute({"kind": "gru", "variant": "pytorch"}), 60)
    assert " Step 3 of 5 " in text and "…" not in text
    joined = " ".join(line.strip() for line in text.splitlines())
    assert "reset applied to the recurrent term, r_t * (W_nh·h_{t-1} + b_hn)" in joined


def test_seeded_weights_say_where_they_come_from() -> None:
    worked = compute({"kind": "lstm", "seed": 7})
    assert "seed" not in worked.title
    assert "weights (seed 7, multiples of 0.1)" in render_text(worked, 100)


# ------------------------------------------------------------------------------ --step, export


def test_the_step_hint_is_erased_after_enter(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    terminal = make_console(file=out, force_terminal=True)
    monkeypatch.setattr("builtins.input", lambda *a: "")
    assert ask_to_continue(1, 8, console=terminal, erase=True) is True
    assert "step 1 of 8" in out.getvalue()
    assert out.getvalue().endswith("\x1b[1A\x1b[1G\x1b[2K")  # up, column 1, erase the line
    out.seek(0)
    out.truncate()
    monkeypatch.setattr("builtins.input", lambda *a: "q")
    assert ask_to_continue(2, 8, console=terminal, erase=False) is False
    assert "step 2 of 8" in out.getvalue() and "\x1b[1A" not in out.getvalue()


def test_the_step_hint_stays_when_output_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.StringIO()
    monkeypatch.setattr("builtins.input", lambda *a: "")
    assert ask_to_continue(1, 8, console=make_console(file=out)) is True
    assert "\x1b[" not in out.getvalue()


def test_html_export_has_a_title(tmp_path: Path) -> None:
    worked = compute({"kind": "pool"})
    path = export_sections(worked_sections(worked), tmp_path / "x.html", title="a <b> & {c}")
    page = path.read_text(encoding="utf-8")
    assert "<title>a &lt;b&gt; &amp; {c}</title>" in page
    assert "3.75" in page


@pytest.mark.parametrize("width", [48, 58, 98])
def test_chart_legend_and_axis_name_are_never_cropped(width: int) -> None:
    chart = Chart(
        series=(
            Series("‖∂h_T/∂h_0‖ (RNN)", tuple(0.9**t for t in range(1, 51)), "", "●"),
            Series("∏ f_t (LSTM cell path)", tuple(0.98**t for t in range(1, 51)), "", "◆"),
        ),
        x_label="T",
    )
    text = draw_chart(chart, width=width).plain
    assert max(cell_len(line) for line in text.splitlines()) <= width
    for entry in ("● ‖∂h_T/∂h_0‖ (RNN)", "◆ ∏ f_t (LSTM cell path)", "┄ 1 (no change)"):
        assert entry in text
    assert re.search(r"^\s+T  1 ", text, re.MULTILINE)  # the axis name beside the ticks
