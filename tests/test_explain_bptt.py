"""Backpropagation through time: the engine against a plain-loop version, central finite
differences of the loss for every weight, a one-unit case worked on paper, specs and the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.explain.bptt import bptt_gradients, explain_bptt
from refresher.explain.registry import compute, validate
from refresher.explain.rnn import RNN_LAYOUT
from refresher.explain.steps import format_line

RESULT_KEYS = [
    "h", "y", "loss", "dL_dh", "dL_dW_h", "dL_dW_x", "dL_db_h", "dL_dW_y", "dL_db_y",
    "dW_h_by_step", "contribution_norms",
]  # fmt: skip
WEIGHTS = ["W_x", "W_h", "b_h", "W_y", "b_y"]


def random_case(hidden: int, inputs: int, outputs: int, steps: int, seed: int):
    rng = np.random.default_rng(seed)
    shapes = {"hx": (hidden, inputs), "hh": (hidden, hidden), "h": (hidden,),
              "oh": (outputs, hidden), "o": (outputs,)}  # fmt: skip
    p = {name: rng.normal(0, 0.8, shapes[kind]) for name, kind in RNN_LAYOUT}
    return p, rng.normal(size=(steps, inputs)), rng.normal(size=hidden) * 0.5, rng


# ------------------------------------------------------------------------------ a plain loop


def loop_forward(p, xs, h0, start=0):
    """Hidden states as lists, one unit at a time, from step `start` (h0 is h_start)."""
    hs, h = [], list(h0)
    for x in xs[start:]:
        h = [
            math.tanh(
                sum(p["W_h"][i][j] * h[j] for j in range(len(h)))
                + sum(p["W_x"][i][j] * x[j] for j in range(len(x)))
                + p["b_h"][i]
            )
            for i in range(len(h))
        ]
        hs.append(h)
    return hs


def loop_loss(p, hT, loss, label, target):
    y = [
        sum(p["W_y"][k][j] * hT[j] for j in range(len(hT))) + p["b_y"][k]
        for k in range(len(p["b_y"]))
    ]
    if loss == "ce":
        top = max(y)
        log_sum = top + math.log(sum(math.exp(v - top) for v in y))
        return log_sum - y[label - 1], y
    return 0.5 * sum((a - b) ** 2 for a, b in zip(y, target, strict=True)), y


def loop_bptt(p, xs, h0, loss, label, target):
    """The textbook recursion written with lists and explicit index loops."""
    p = {k: np.asarray(v).tolist() for k, v in p.items()}
    xs, h0 = np.asarray(xs).tolist(), list(h0)
    hs = loop_forward(p, xs, h0)
    H, X = len(h0), len(xs[0])
    value, y = loop_loss(p, hs[-1], loss, label, target)
    if loss == "ce":
        exps = [math.exp(v - max(y)) for v in y]
        dy = [e / sum(exps) - (1.0 if k == label - 1 else 0.0) for k, e in enumerate(exps)]
    else:
        dy = [a - b for a, b in zip(y, target, strict=True)]
    dWy = [[dy[k] * hs[-1][j] for j in range(H)] for k in range(len(dy))]
    g = [sum(p["W_y"][k][i] * dy[k] for k in range(len(dy))) for i in range(H)]
    dWh = [[0.0] * H for _ in range(H)]
    dWx = [[0.0] * X for _ in range(H)]
    dbh = [0.0] * H
    per_step, dh = [None] * len(xs), [None] * len(xs)
    for t in reversed(range(len(xs))):
        dh[t] = g
        prev = h0 if t == 0 else hs[t - 1]
        d = [g[i] * (1 - hs[t][i] ** 2) for i in range(H)]
        share = [[d[i] * prev[j] for j in range(H)] for i in range(H)]
        per_step[t] = share
        for i in range(H):
            dbh[i] += d[i]
            for j in range(H):
                dWh[i][j] += share[i][j]
            for j in range(X):
                dWx[i][j] += d[i] * xs[t][j]
        g = [sum(p["W_h"][i][j] * d[i] for i in range(H)) for j in range(H)]
    norms = [math.sqrt(sum(v * v for row in s for v in row)) for s in per_step]
    return {"h": hs, "y": y, "loss": value, "dL_dh": dh, "dL_dW_h": dWh, "dL_dW_x": dWx,
            "dL_db_h": dbh, "dL_dW_y": dWy, "dL_db_y": dy, "dW_h_by_step": per_step,
            "contribution_norms": norms}  # fmt: skip


CASES = [  # hidden, inputs, outputs, steps, seed, loss
    (2, 2, 3, 3, 0, "ce"),
    (1, 1, 1, 4, 1, "mse"),
    (3, 2, 2, 5, 2, "ce"),
    (4, 3, 2, 6, 3, "mse"),
    (2, 1, 4, 1, 4, "ce"),
]


@pytest.mark.parametrize(("hidden", "inputs", "outputs", "steps", "seed", "loss"), CASES)
def test_matches_the_plain_loop(hidden, inputs, outputs, steps, seed, loss) -> None:
    p, xs, h0, rng = random_case(hidden, inputs, outputs, steps, seed)
    label = int(rng.integers(1, outputs + 1))
    target = rng.normal(size=outputs).tolist()
    got = bptt_gradients(p, xs, h0, loss=loss, label=label, target=np.array(target))
    want = loop_bptt(p, xs, h0, loss, label, target)
    for key in RESULT_KEYS:
        np.testing.assert_allclose(
            got[key], np.array(want[key]), rtol=1e-10, atol=1e-12, err_msg=key
        )


def _loss(p, xs, h0, loss, label, target):
    q = {k: np.asarray(v).tolist() for k, v in p.items()}
    hs = loop_forward(q, np.asarray(xs).tolist(), list(h0))
    return loop_loss(q, hs[-1], loss, label, target)[0]


@pytest.mark.parametrize(("hidden", "inputs", "outputs", "steps", "seed", "loss"), CASES)
def test_every_weight_gradient_matches_central_differences(
    hidden, inputs, outputs, steps, seed, loss
) -> None:
    p, xs, h0, rng = random_case(hidden, inputs, outputs, steps, seed)
    label = int(rng.integers(1, outputs + 1))
    target = rng.normal(size=outputs).tolist()
    got = bptt_gradients(p, xs, h0, loss=loss, label=label, target=np.array(target))
    eps = 1e-6
    for name in WEIGHTS:
        numeric = np.empty_like(p[name])
        for idx in np.ndindex(p[name].shape):
            plus = {k: v.copy() for k, v in p.items()}
            minus = {k: v.copy() for k, v in p.items()}
            plus[name][idx] += eps
            minus[name][idx] -= eps
            numeric[idx] = (
                _loss(plus, xs, h0, loss, label, target) - _loss(minus, xs, h0, loss, label, target)
            ) / (2 * eps)
        np.testing.assert_allclose(got[f"dL_d{name}"], numeric, rtol=1e-6, atol=1e-9, err_msg=name)


def test_cross_entropy_of_a_probability_below_the_smallest_float() -> None:
    """Logits a trillion apart: softmax(y)_k is 0 in floats, but the loss is log Σ e^(y_j) - y_k
    (it read ∞, and the example was refused as past the float range)."""
    p = {"W_x": [[1.0]], "W_h": [[0.5]], "b_h": [0.0], "W_y": [[1e12], [-1e12]], "b_y": [0, 0]}
    worked = compute({"kind": "bptt", "params": p, "xs": [[1], [1]], "label": 2})
    y = worked.result["y"].tolist()
    assert y[0] > 1e11 and y[1] == -y[0]
    assert worked.result["loss"] == y[0] - y[1]  # log(e^y0 + e^y1) - y1 = y0 - y1 exactly
    texts = [format_line(line) for step in worked.steps for line in step.lines]
    assert any("= log Σ_j e^(y_j) - y_2 = 1.781e12" in t for t in texts)


def test_dl_dh_matches_central_differences_of_each_hidden_state() -> None:
    p, xs, h0, _ = random_case(3, 2, 2, 4, 7)
    got = bptt_gradients(p, xs, h0, loss="ce", label=2)
    q = {k: v.tolist() for k, v in p.items()}
    hs = loop_forward(q, xs.tolist(), h0.tolist())
    eps = 1e-6
    for t in range(4):
        for i in range(3):
            moved = []
            for sign in (1, -1):
                h = list(hs[t])
                h[i] += sign * eps
                rest = loop_forward(q, xs.tolist(), h, start=t + 1)
                moved.append(loop_loss(q, (rest or [h])[-1], "ce", 2, None)[0])
            assert got["dL_dh"][t][i] == pytest.approx((moved[0] - moved[1]) / (2 * eps), rel=1e-6)


def test_one_unit_worked_on_paper() -> None:
    # h1 = tanh(1·1) , h2 = tanh(0.5·h1 + 1·0), y = h2, L = ½y² (target 0)
    p = {"W_x": np.array([[1.0]]), "W_h": np.array([[0.5]]), "b_h": np.zeros(1),
         "W_y": np.array([[1.0]]), "b_y": np.zeros(1)}  # fmt: skip
    g = bptt_gradients(p, np.array([[1.0], [0.0]]), np.zeros(1), loss="mse", target=np.zeros(1))
    h1 = math.tanh(1.0)
    h2 = math.tanh(0.5 * h1)
    d2 = h2 * (1 - h2**2)  # ∂L/∂a2
    d1 = d2 * 0.5 * (1 - h1**2)  # ∂L/∂a1
    assert g["loss"] == pytest.approx(0.5 * h2**2)
    assert g["dL_dW_h"][0][0] == pytest.approx(d2 * h1)  # step 1 adds d1·h0 = 0
    assert g["dL_dW_x"][0][0] == pytest.approx(d1 * 1.0 + d2 * 0.0)
    assert g["dL_db_h"][0] == pytest.approx(d1 + d2)
    assert g["contribution_norms"].tolist() == pytest.approx([0.0, abs(d2 * h1)])


def test_shares_sum_to_the_total_and_norms_are_frobenius() -> None:
    p, xs, h0, _ = random_case(3, 2, 3, 5, 11)
    g = bptt_gradients(p, xs, h0)
    np.testing.assert_allclose(g["dW_h_by_step"].sum(axis=0), g["dL_dW_h"], atol=1e-15)
    for t in range(5):
        assert g["contribution_norms"][t] == pytest.approx(np.linalg.norm(g["dW_h_by_step"][t]))


# ------------------------------------------------------------------------------ the worked example


def test_worked_steps_and_json_keys() -> None:
    worked = compute({"kind": "bptt"})
    data = worked.to_dict()
    assert list(data["result"]) == RESULT_KEYS
    assert np.asarray(data["result"]["h"]).shape == (3, 2)
    assert np.asarray(data["result"]["dL_dh"]).shape == (3, 2)
    assert np.asarray(data["result"]["dW_h_by_step"]).shape == (3, 2, 2)
    assert len(data["result"]["contribution_norms"]) == 3
    titles = [s["title"] for s in data["steps"]]
    assert titles[:4] == ["forward pass, t = 1..3", "output y and loss L",
                          "gradient at the output, ∂L/∂y", "output weights and ∂L/∂h3"]  # fmt: skip
    assert titles[4:7] == ["step 3 back (t = 3)", "step 2 back (t = 2)", "step 1 back (t = 1)"]
    assert titles[-1].startswith("reading") and worked.steps[-1].chart is not None
    assert worked.answer_key == "dL_dW_h"
    json.dumps(data, allow_nan=False)


def test_seeded_default_shares_the_rnn_forward_pass() -> None:
    bptt = compute({"kind": "bptt", "seed": 5})
    rnn = compute({"kind": "rnn", "seed": 5, "steps": 3})
    np.testing.assert_allclose(bptt.result["h"], rnn.result["h"])
    np.testing.assert_allclose(bptt.inputs["x"], rnn.inputs["x"])


def test_specs_from_text_and_params() -> None:
    params = {"W_x": [[1]], "W_h": [[0.5]], "b_h": [0], "W_y": [[1]], "b_y": [0]}
    worked = compute({"kind": "bptt", "params": params, "xs": "1; 0", "h": "0",
                      "loss": "mse", "target": "0"})  # fmt: skip
    h1 = math.tanh(1.0)
    h2 = math.tanh(0.5 * h1)
    assert worked.result["loss"] == pytest.approx(0.5 * h2**2)
    one_hot = compute({"kind": "bptt", "loss": "mse", "label": 2, "seed": 3})
    assert one_hot.inputs["target"].tolist() == [0.0, 1.0, 0.0]
    ask = compute({"kind": "bptt", "answer": "contribution_norms"})
    assert ask.answer.shape == (3,)


def test_explain_directly_with_one_step() -> None:
    p, xs, h0, _ = random_case(2, 2, 2, 1, 5)
    worked = explain_bptt(p, xs, h0, loss="ce", label=2)
    assert "nothing to pass back" in worked.steps[-1].note


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"target": "1 0 0"}, "target: only with loss mse"),
        ({"label": 4}, "label: must be a whole number from 1 to 3, got 4"),
        ({"loss": "hinge"}, "loss: expected one of ce, mse"),
        ({"xs": "1 2 3; 4 5 6", "input_size": 2}, "xs: expected 2 values per row"),
        ({"hidden_size": 17}, "at most 16 hidden units"),
        ({"steps": 21}, "steps: must be a whole number from 1 to 20"),
        ({"xs": "1 2; 3 4", "steps": 3}, "steps: 3 steps but xs has 2 rows"),
        ({"loss": "mse", "target": "1 2"}, "target: expected 3 values (output size 3), got 2"),
        ({"loss": "mse", "target": "1 2 3", "label": 1}, "label: give target or a label"),
    ],
)
def test_validate_names_the_problem(spec, problem) -> None:
    found = validate({"kind": "bptt", **spec})
    assert any(problem in p for p in found), found


def test_input_size_comes_from_xs() -> None:
    worked = compute({"kind": "bptt", "xs": "1 0 -1; 0 1 0"})
    assert worked.params["W_x"].shape == (2, 3) and worked.result["h"].shape == (2, 2)


# ------------------------------------------------------------------------------ the command

ENV = {"COLUMNS": "100", "NO_COLOR": "1"}


def run(*args: str):
    return CliRunner().invoke(app, ["explain", "bptt", *args], env=ENV)


def test_cli_default_and_json() -> None:
    result = run()
    assert result.exit_code == 0, result.stderr
    assert "Step 1 of 9 — forward pass, t = 1..3" in result.stdout
    assert "vanishing-gradient problem" in result.stdout
    data = json.loads(run("--json").stdout)
    assert data["kind"] == "bptt" and list(data["result"]) == RESULT_KEYS


def test_cli_options_reach_the_core(tmp_path: Path) -> None:
    params = tmp_path / "w.yaml"
    params.write_text("W_x: [[1]]\nW_h: [[0.5]]\nb_h: [0]\nW_y: [[1]]\nb_y: [0]\n", "utf-8")
    data = json.loads(
        run("--params", str(params), "--xs", "1; 0", "--h", "0", "--loss", "mse",
            "--target", "0", "--json").stdout
    )  # fmt: skip
    h2 = math.tanh(0.5 * math.tanh(1.0))
    assert data["result"]["loss"] == pytest.approx(0.5 * h2**2)
    assert data["params"]["loss"] == "mse" and data["inputs"]["target"] == [0.0]


def test_cli_errors_exit_1_with_one_line() -> None:
    result = run("--label", "9")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --label: must be a whole number from 1 to 3")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_cli_export(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"bptt{suffix}"
    result = run("--export", str(path))
    assert result.exit_code == 0, result.stderr
    content = path.read_text(encoding="utf-8")
    assert "Step 9 of 9" in content and "∂L/∂W_h" in content


@pytest.mark.parametrize("width", ["60", "100"])
def test_cli_fits_the_width(width: str) -> None:
    result = CliRunner().invoke(app, ["explain", "bptt"], env={"COLUMNS": width, "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= int(width)
