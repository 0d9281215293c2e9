"""Pooling: the vectorised core against a plain loop written here from PyTorch's documented
rules, hand-computed cases, and properties of the output-size formula."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from refresher.core.errors import InputError
from refresher.explain.pooling import explain_pool, explain_pool_size, output_size, pool2d
from refresher.explain.steps import format_line

SESSION_C = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]], dtype=float)

# ------------------------------------------------------------------------------ reference loop


def loop_windows(n: int, k: int, s: int, p: int, ceil: bool) -> list[int]:
    """Window starts (in padded coordinates) along one axis, enumerated one by one.

    Floor mode keeps every window that fits in the padded input. Ceil mode adds one partial
    window when cells are left over, unless it would start in the right padding (PyTorch's
    docs: windows may go off-bounds if they start in the left padding or the input).
    """
    padded = n + 2 * p
    starts = []
    start = 0
    while start + k <= padded:
        starts.append(start)
        start += s
    if ceil and starts and starts[-1] + k < padded and start < n + p:
        starts.append(start)
    return starts


def loop_pool(x, k, s, p, mode="avg", ceil=False, include_pad=True):
    """avg_pool2d / max_pool2d for one 2-D map, written with plain loops."""
    n, m = len(x), len(x[0])
    rows = loop_windows(n, k[0], s[0], p[0], ceil)
    cols = loop_windows(m, k[1], s[1], p[1], ceil)
    out = []
    for r0 in rows:
        line = []
        for c0 in cols:
            total, best, covered, real = 0.0, -math.inf, 0, 0
            for r in range(r0, r0 + k[0]):
                for c in range(c0, c0 + k[1]):
                    inside_padded = r < n + 2 * p[0] and c < m + 2 * p[1]
                    i, j = r - p[0], c - p[1]
                    is_real = 0 <= i < n and 0 <= j < m
                    if inside_padded:
                        covered += 1
                    if is_real:
                        real += 1
                        total += x[i][j]
                        best = max(best, x[i][j])
            if mode == "max":
                line.append(best)
            else:
                line.append(total / (covered if include_pad else real))
        out.append(line)
    return out


# ------------------------------------------------------------------------------ hand cases


def test_session_average_pooling() -> None:
    out = pool2d(SESSION_C, 2, 2)
    assert out.tolist() == [[3.5, 5.5], [3.75, 5.25]]


def test_session_max_pooling() -> None:
    assert pool2d(SESSION_C, 2, 2, mode="max").tolist() == [[6, 8], [7, 8]]


def test_stride_defaults_to_the_window() -> None:
    assert pool2d(SESSION_C, 2).tolist() == [[3.5, 5.5], [3.75, 5.25]]


def test_ceil_mode_divides_by_the_cells_a_window_covers() -> None:
    # avg_pool2d(1..9 as 3x3, 2, 2, ceil_mode=True): the right and bottom windows overhang.
    x = np.arange(1.0, 10.0).reshape(3, 3)
    assert pool2d(x, 2, 2, ceil_mode=True).tolist() == [[3.0, 4.5], [7.5, 9.0]]
    assert pool2d(x, 2, 2, ceil_mode=True, mode="max").tolist() == [[5, 6], [8, 9]]
    assert pool2d(x, 2, 2).tolist() == [[3.0]]


def test_padding_counts_in_the_divisor_unless_excluded() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    # each 2x2 window holds one real cell and three zeros of padding
    assert pool2d(x, 2, 2, 1).tolist() == [[0.25, 0.5], [0.75, 1.0]]
    assert pool2d(x, 2, 2, 1, count_include_pad=False).tolist() == [[1, 2], [3, 4]]
    assert pool2d(x, 2, 2, 1, mode="max").tolist() == [[1, 2], [3, 4]]


def test_max_pooling_padding_never_wins_over_negative_values() -> None:
    x = -np.ones((2, 2))
    assert pool2d(x, 2, 2, 1, mode="max").tolist() == [[-1, -1], [-1, -1]]


def test_ceil_window_past_the_padding() -> None:
    # n=4, k=3, s=2, p=1: ceil(3/2)+1 = 3 windows; the last covers padded rows 4..6, but the
    # padded input ends at 6 (exclusive), so it covers 2 rows: input row 3 and one padding row.
    x = np.arange(16.0).reshape(4, 4)
    out = pool2d(x, 3, 2, 1, ceil_mode=True)
    assert out.shape == (3, 3)
    last = (x[3, 3] + 0 + 0 + 0) / 4  # 2x2 cells covered: one real, three padding
    assert out[2, 2] == pytest.approx(last)
    excl = pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)
    assert excl[2, 2] == pytest.approx(x[3, 3])


@pytest.mark.parametrize(
    ("n", "k", "s", "p", "ceil", "expected"),
    [
        (4, 2, 2, 0, False, 2),
        (5, 2, 2, 0, False, 2),
        (5, 2, 2, 0, True, 3),  # a partial last window
        (4, 3, 2, 1, False, 2),
        (4, 3, 2, 1, True, 3),
        (3, 2, 2, 1, True, 2),  # ceil would give 3, but it would start in the right padding
        (5, 2, 2, 1, True, 3),
        (7, 3, 3, 1, True, 3),
        (32, 3, 2, 1, False, 16),  # ResNet-style max pool: 32 -> 16
        (224, 7, 2, 3, False, 112),
    ],
)
def test_output_size_known_values(n, k, s, p, ceil, expected) -> None:
    assert output_size(n, k, s, p, ceil) == expected


# ------------------------------------------------------------------------------ properties


@st.composite
def pool_cases(draw):
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    s = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    n = draw(st.integers(max(1, k[0] - 2 * p[0]), 9))
    m = draw(st.integers(max(1, k[1] - 2 * p[1]), 9))
    ceil = draw(st.booleans())
    values = draw(
        st.lists(st.integers(-9, 9), min_size=n * m, max_size=n * m).map(
            lambda v: np.array(v, dtype=float).reshape(n, m)
        )
    )
    return values, k, s, p, ceil


@settings(max_examples=150, deadline=None)
@given(pool_cases(), st.sampled_from(["avg", "max"]), st.booleans())
def test_pool_matches_the_plain_loop(case, mode, include_pad) -> None:
    x, k, s, p, ceil = case
    got = pool2d(x, k, s, p, mode=mode, ceil_mode=ceil, count_include_pad=include_pad)
    want = loop_pool(x.tolist(), k, s, p, mode, ceil, include_pad)
    assert got.shape == (len(want), len(want[0]))
    np.testing.assert_allclose(got, np.array(want), rtol=1e-12, atol=1e-12)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 60), st.integers(1, 9), st.integers(1, 6), st.integers(0, 4), st.booleans())
def test_output_size_formula_counts_the_windows(n, k, s, p, ceil) -> None:
    assume(p <= k // 2 and k <= n + 2 * p)
    assert output_size(n, k, s, p, ceil) == len(loop_windows(n, k, s, p, ceil))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.integers(1, 9), st.integers(1, 6), st.integers(0, 4))
def test_ceil_is_floor_or_one_more(n, k, s, p) -> None:
    assume(p <= k // 2 and k <= n + 2 * p)
    floor, ceil = output_size(n, k, s, p), output_size(n, k, s, p, True)
    assert ceil - floor in (0, 1)
    assert ceil == floor or (n + 2 * p - k) % s != 0
    # every kept window starts inside the input or the left padding
    assert (ceil - 1) * s < n + p


# ------------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 5}, r"size: the 5x5 window does not fit in the padded input \(4x4 input"),
        ({"size": 2, "padding": 2}, r"padding: padding 2 is more than half the 2x2 window"),
        ({"size": 3, "padding": (0, 2)}, r"is more than half the 3x3 window; at most 1 "),
        ({"size": 0}, r"size: the window must be at least 1x1"),
        ({"size": 2, "stride": 0}, r"stride: the stride must be at least 1"),
    ],
)
def test_bad_settings_raise_one_clear_error(kwargs, message) -> None:
    with pytest.raises(InputError, match=message):
        pool2d(SESSION_C, **kwargs)


def test_window_fits_once_padding_is_added() -> None:
    assert pool2d(np.ones((1, 1)), 3, 1, 1).shape == (1, 1)


# ------------------------------------------------------------------------------ worked example


def test_explain_pool_steps_show_the_arithmetic() -> None:
    worked = explain_pool(SESSION_C, size=(2, 2))
    assert [s.title for s in worked.steps] == [
        "output size",
        "output (1, 1)",
        "output (1, 2)",
        "output (2, 1)",
        "output (2, 2)",
    ]
    text = [format_line(line, 3) for line in worked.steps[1].lines]
    assert text == ["window over rows 1–2, cols 1–2", "(1 + 2 + 5 + 6) / 4 = 14 / 4 = 3.5"]
    assert format_line(worked.steps[0].lines[0]) == (
        "rows = floor((4 + 2·0 - 2) / 2) + 1 = floor(2/2) + 1 = 2"
    )
    assert worked.answer.tolist() == [[3.5, 5.5], [3.75, 5.25]]
    assert worked.steps[3].grid.window == (2, 4, 0, 2)


def test_explain_pool_names_padding_and_the_short_divisor() -> None:
    x = np.arange(1.0, 21.0).reshape(4, 5)
    worked = explain_pool(x, size=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True)
    last = worked.steps[-1]
    assert format_line(last.lines[0]) == (
        "window over rows 4–6 (row 5 is padding; row 6 past the padding), "
        "cols 4–6 (col 6 is padding)"
    )
    assert "divided by 6, not 9" in last.note
    assert any("ceil((4 + 2·1 - 3) / 2) + 1" in format_line(line) for line in worked.steps[0].lines)
    rules = " ".join(format_line(line) for line in worked.intro)
    assert "count_include_pad=True" in rules and "Ceil mode" in rules


def test_explain_pool_says_when_a_ceil_window_is_dropped() -> None:
    worked = explain_pool(np.ones((3, 3)), size=(2, 2), padding=(1, 1), ceil_mode=True)
    lines = [format_line(line) for line in worked.steps[0].lines]
    assert any("inside the right padding, so it is dropped: 2" in line for line in lines)


def test_max_pool_lists_only_real_cells() -> None:
    worked = explain_pool(np.array([[1.0, 2.0], [3.0, 4.0]]), mode="max", padding=(1, 1))
    assert format_line(worked.steps[1].lines[1]) == "max(1) = 1"
    assert worked.steps[1].grid.pad_text == "-∞"


def test_big_inputs_get_a_summary_not_a_step_per_cell() -> None:
    x = np.arange(64 * 64, dtype=float).reshape(64, 64)
    worked = explain_pool(x, size=(2, 2))
    assert worked.summarised
    assert len(worked.steps) == 4
    assert worked.steps[1].grid.values.shape == (2, 2)  # just the window, not 64x64
    assert worked.result["output"].shape == (32, 32)


def test_pool_size_only() -> None:
    worked = explain_pool_size((7, 5), size=(3, 2), stride=(2, 2), padding=(1, 0), ceil_mode=True)
    assert worked.result["output_size"] == [
        output_size(7, 3, 2, 1, True),
        output_size(5, 2, 2, 0, True),
    ]
    assert worked.answer_key == "output_size"


def test_averages_near_the_float_limit_do_not_overflow() -> None:
    big = np.full((4, 4), 1e308)
    big[0, 0] = -1e308
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any NumPy RuntimeWarning fails the test
        out = pool2d(big, 2)
        padded = pool2d(big, 3, 1, 1, count_include_pad=False)
        worked = explain_pool(np.full((2, 2), 1e308))
    assert out.tolist() == [[5e307, 1e308], [1e308, 1e308]]
    assert np.isfinite(padded).all() and padded[-1, -1] == pytest.approx(1e308)
    assert worked.answer.tolist() == [[1e308]]
    assert format_line(worked.steps[1].lines[1]) == (
        "(1e308 + 1e308 + 1e308 + 1e308) / 4 = 4e308 / 4 = 1e308"
    )
    # the usual sizes keep the usual arithmetic (sum, then divide)
    assert pool2d(np.arange(9.0).reshape(3, 3), 3).tolist() == [[4.0]]
