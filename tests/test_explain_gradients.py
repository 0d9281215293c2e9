"""Gradients through time and parameter counts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from refresher.explain.gradients import (
    cell_path_norms,
    explain_gradients,
    jacobian_norms,
    orthogonal,
    verdict,
)
from refresher.explain.lstm import LSTM_LAYOUT
from refresher.explain.params import count_params, explain_params
from refresher.explain.rnn import seeded_weights

# ------------------------------------------------------------------------------ gradients


@pytest.mark.parametrize(("scale", "hidden"), [(0.9, 8), (1.1, 4), (0.5, 16), (1.0, 3)])
def test_zero_input_norms_are_exactly_s_to_the_t(scale: float, hidden: int) -> None:
    worked = explain_gradients(scale=scale, steps=30, hidden=hidden, inputs="zero")
    want = [scale**t for t in range(1, 31)]
    assert worked.result["norms"].tolist() == pytest.approx(want, rel=1e-9)


def test_random_inputs_stay_under_the_bound() -> None:
    worked = explain_gradients(scale=1.2, steps=40, hidden=8, inputs="random", seed=3)
    norms, bound = worked.result["norms"], worked.result["bound"]
    assert np.all(norms <= bound * (1 + 1e-9))
    assert norms[-1] < bound[-1] / 10  # saturation takes a real bite


def test_orthogonal_is_orthogonal() -> None:
    q = orthogonal(6, np.random.default_rng(0))
    np.testing.assert_allclose(q @ q.T, np.eye(6), atol=1e-12)


def forward(w, u, xs, h0):
    h = h0
    for x in xs:
        h = np.tanh(w @ h + u @ x)
    return h


def test_jacobian_norm_matches_finite_differences() -> None:
    rng = np.random.default_rng(4)
    hidden, steps = 3, 6
    w = 1.3 * orthogonal(hidden, rng)
    u = rng.normal(size=(hidden, hidden))
    xs = rng.normal(size=(steps, hidden))
    h0 = rng.normal(size=hidden) * 0.1
    eps = 1e-6
    jac = np.empty((hidden, hidden))
    for j in range(hidden):  # central differences, one input coordinate at a time
        e = np.zeros(hidden)
        e[j] = eps
        jac[:, j] = (forward(w, u, xs, h0 + e) - forward(w, u, xs, h0 - e)) / (2 * eps)
    assert jacobian_norms(w, u, xs, h0)[-1] == pytest.approx(np.linalg.norm(jac, 2), rel=1e-6)


def test_cell_path_is_the_product_of_forget_gates() -> None:
    forget = np.array([[0.9, 0.5], [0.8, 1.0], [0.5, 0.9]])
    loop = []
    prod = [1.0, 1.0]
    for row in forget:
        prod = [p * f for p, f in zip(prod, row, strict=True)]
        loop.append(max(prod))
    assert cell_path_norms(forget).tolist() == pytest.approx(loop)


def test_lstm_cell_path_with_zero_input_is_sigma_of_the_bias_to_the_t() -> None:
    worked = explain_gradients(scale=0.9, steps=20, cell="lstm", forget_bias=3.0)
    sigma = 1 / (1 + math.exp(-3.0))
    assert worked.result["cell_norms"].tolist() == pytest.approx(
        [sigma**t for t in range(1, 21)], rel=1e-9
    )
    assert worked.result["cell_norms"][-1] > worked.result["norms"][-1]
    assert any(s.title == "the LSTM's cell-state path" for s in worked.steps)


@pytest.mark.parametrize(
    ("final", "word"),
    [
        (0.0099, "vanishing"),
        (0.01, "stable"),
        (100.0, "stable"),
        (100.1, "exploding"),
        (0.0, "vanishing"),
    ],  # fmt: skip
)
def test_verdict_thresholds(final: float, word: str) -> None:
    assert verdict(final) == word


def test_default_verdicts() -> None:
    assert explain_gradients().result["verdict"] == "vanishing"  # 0.9**50 = 0.005
    assert explain_gradients(scale=1.1).result["verdict"] == "exploding"  # 1.1**50 = 117
    assert explain_gradients(scale=1.0).result["verdict"] == "stable"


def test_the_upper_bound_is_stated() -> None:
    worked = explain_gradients()
    step = worked.steps[2]
    text = " ".join(str(p) for line in step.lines for p in line)
    assert "S^T" in text and "upper bound" in text and "reached exactly" in text
    assert step.chart is not None and len(step.chart.series[0].values) == 50


# ------------------------------------------------------------------------------ parameter counts


@pytest.mark.parametrize(
    ("cell", "x", "h", "session", "pytorch"),
    [
        ("lstm", 3, 2, 48, 56),  # 4(2·5 + 2), 4(2·5 + 4)
        ("lstm", 10, 20, 2480, 2560),  # nn.LSTM(10, 20) has 2560 parameters
        ("gru", 10, 20, 1860, 1920),  # nn.GRU(10, 20): 3·20·30 + 6·20
        ("rnn", 10, 20, 620, 640),  # nn.RNN(10, 20): 20·30 + 2·20
        ("rnn", 1, 1, 3, 4),
    ],
)
def test_parameter_counts(cell, x, h, session, pytorch) -> None:
    assert count_params(cell, x, h) == {"count": session, "pytorch": pytorch}


def test_lstm_count_equals_the_weights_the_session_names() -> None:
    p = seeded_weights(0, LSTM_LAYOUT, {"x": 5, "h": 3})
    assert sum(w.size for w in p.values()) == count_params("lstm", 5, 3)["count"]


def test_output_layer_adds_y_times_h_plus_one() -> None:
    assert count_params("rnn", 3, 2, 4)["count"] == 2 * 5 + 2 + 4 * 3


def test_explain_params_shows_the_formula() -> None:
    worked = explain_params("lstm", 3, 2)
    assert worked.result["count"] == 48 and worked.result["pytorch"] == 56
    totals = [s for s in worked.steps if s.title.startswith("total")]
    text = "".join(str(p) for p in totals[0].lines[0] if isinstance(p, str))
    assert "4·(2·(3 + 2) + 2)" in text
    assert len(worked.steps) == 6


def test_final_norm_and_the_step_it_vanishes() -> None:
    worked = explain_gradients(scale=0.8, steps=30, hidden=4)
    assert worked.result["final_norm"] == pytest.approx(0.8**30)
    # 0.8^20 = 0.0115 is still above 1%, 0.8^21 = 0.0092 is below
    assert worked.result["vanish_step"] == 21
    assert "vanish_step" not in explain_gradients(scale=0.8, steps=20).result
