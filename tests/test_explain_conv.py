"""Convolution (cross-correlation): the vectorised core against a plain loop, hand cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refresher.core.errors import InputError
from refresher.explain.conv import conv2d, explain_conv, explain_conv_size
from refresher.explain.steps import format_line

SESSION_C = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]], dtype=float)


def loop_conv(x, kernel, stride, padding):
    """Cross-correlation with zero padding, one multiply-add at a time."""
    n, m = len(x), len(x[0])
    kr, kc = len(kernel), len(kernel[0])
    (sr, sc), (pr, pc) = stride, padding

    def at(i, j):
        i, j = i - pr, j - pc
        return x[i][j] if 0 <= i < n and 0 <= j < m else 0.0

    out = []
    r = 0
    while r + kr <= n + 2 * pr:
        row = []
        c = 0
        while c + kc <= m + 2 * pc:
            total = 0.0
            for a in range(kr):
                for b in range(kc):
                    total += kernel[a][b] * at(r + a, c + b)
            row.append(total)
            c += sc
        out.append(row)
        r += sr
    return out


def test_default_kernel_on_the_session_array() -> None:
    out = conv2d(SESSION_C, np.array([[1.0, 0.0], [0.0, -1.0]]))
    assert out.tolist() == [[-5, -5, -5], [3, 3, 3], [-6, -4, -5]]


def test_the_kernel_is_not_flipped() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert conv2d(x, np.array([[1.0, 0.0], [0.0, 0.0]])).tolist() == [[1.0]]  # top-left weight


def test_padding_and_stride() -> None:
    x = np.arange(1.0, 10.0).reshape(3, 3)
    out = conv2d(x, np.ones((3, 3)), stride=2, padding=1)
    # corners of the padded 5x5: each 3x3 window sees a 2x2 block of the input
    assert out.tolist() == [[12, 16], [24, 28]]


@st.composite
def conv_cases(draw):
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    n = draw(st.integers(max(1, k[0] - 2 * p[0]), 8))
    m = draw(st.integers(max(1, k[1] - 2 * p[1]), 8))
    x = np.array(draw(st.lists(st.integers(-9, 9), min_size=n * m, max_size=n * m)), float)
    w = np.array(draw(st.lists(st.integers(-3, 3), min_size=k[0] * k[1], max_size=k[0] * k[1])))
    return x.reshape(n, m), w.reshape(k).astype(float), s, p


@settings(max_examples=150, deadline=None)
@given(conv_cases())
def test_conv_matches_the_plain_loop(case) -> None:
    x, w, s, p = case
    np.testing.assert_allclose(conv2d(x, w, s, p), loop_conv(x.tolist(), w.tolist(), s, p))


def test_kernel_larger_than_the_padded_input_is_refused() -> None:
    with pytest.raises(InputError, match=r"kernel: the 5x5 kernel does not fit in the padded"):
        conv2d(SESSION_C, np.ones((5, 5)))
    assert conv2d(SESSION_C, np.ones((5, 5)), padding=1).shape == (2, 2)


def test_explain_conv_writes_every_product() -> None:
    worked = explain_conv(SESSION_C, np.array([[1.0, 0.0], [0.0, -1.0]]))
    assert len(worked.steps) == 1 + 9
    assert format_line(worked.steps[1].lines[1]) == "1·1 + 0·2 + 0·5 + (-1)·6 = -5"
    assert "cross-correlation" in format_line(worked.intro[1])
    assert worked.steps[1].grid.kernel is not None


def test_conv_size_only() -> None:
    worked = explain_conv_size((28, 28), size=(5, 5), stride=(1, 1), padding=(2, 2))
    assert worked.result["output_size"] == [28, 28]
    with pytest.raises(InputError, match="size: the 9x9 kernel does not fit"):
        explain_conv_size((4, 4), size=(9, 9))
