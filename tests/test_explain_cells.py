"""RNN, LSTM and GRU cells: NumPy cores against plain-loop versions of the published equations,
and small cells worked on paper."""

from __future__ import annotations

import math

import numpy as np
import pytest

from refresher.explain.gru import GRU_LAYOUT, TORCH_LAYOUT, explain_gru, gru_forward, gru_step
from refresher.explain.lstm import LSTM_LAYOUT, explain_lstm, lstm_forward, lstm_step
from refresher.explain.params import count_params
from refresher.explain.rnn import RNN_LAYOUT, explain_rnn, rnn_forward, rnn_step, seeded_weights
from refresher.explain.steps import format_line

SIGMA_1 = 0.7310585786300049  # σ(1), from a table
TANH_HALF = 0.46211715726000974  # tanh(0.5)
TANH_1 = 0.7615941559557649  # tanh(1)


def sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def matvec(w, v):
    return [sum(w[i][j] * v[j] for j in range(len(v))) for i in range(len(w))]


def add(*vectors):
    return [sum(values) for values in zip(*vectors, strict=True)]


def as_lists(p):
    return {k: np.asarray(v).tolist() for k, v in p.items()}


def one(value: float):
    return np.array([[value]])


def vec(*values: float):
    return np.array(values, dtype=float)


def random_weights(layout, hidden, inputs, outputs=0, seed=0):
    rng = np.random.default_rng(seed)
    shapes = {"hx": (hidden, inputs), "hh": (hidden, hidden), "h": (hidden,),
              "oh": (outputs, hidden), "o": (outputs,)}  # fmt: skip
    return {name: rng.normal(0, 0.7, shapes[kind]) for name, kind in layout}


# ------------------------------------------------------------------------------ RNN


def loop_rnn(p, x, h):
    a = add(matvec(p["W_h"], h), matvec(p["W_x"], x), p["b_h"])
    h1 = [math.tanh(v) for v in a]
    logits = add(matvec(p["W_y"], h1), p["b_y"])
    exps = [math.exp(v) for v in logits]
    return {"a_h": a, "h": h1, "logits": logits, "y": [e / sum(exps) for e in exps]}


def test_rnn_one_unit_on_paper() -> None:
    p = {"W_x": one(0.5), "W_h": one(1.0), "b_h": vec(0.0), "W_y": np.array([[1.0], [-1.0]]),
         "b_y": vec(0.0, 0.0)}  # fmt: skip
    v = rnn_step(p, vec(1.0), vec(0.5))
    assert v["a_h"][0] == pytest.approx(1.0)  # 1·0.5 + 0.5·1 + 0
    assert v["h"][0] == pytest.approx(TANH_1)
    # softmax of [t, -t] is [σ(2t), σ(-2t)]
    assert v["y"].tolist() == pytest.approx([sig(2 * TANH_1), sig(-2 * TANH_1)])


@pytest.mark.parametrize("seed", range(5))
def test_rnn_matches_the_loop(seed: int) -> None:
    p = random_weights(RNN_LAYOUT, hidden=3, inputs=2, outputs=4, seed=seed)
    rng = np.random.default_rng(100 + seed)
    x, h = rng.normal(size=2), rng.normal(size=3)
    got = rnn_step(p, x, h)
    want = loop_rnn(as_lists(p), x.tolist(), h.tolist())
    for name in want:
        assert got[name].tolist() == pytest.approx(want[name], rel=1e-12, abs=1e-12)


def test_rnn_forward_unrolls_with_shared_weights() -> None:
    p = random_weights(RNN_LAYOUT, hidden=3, inputs=2, outputs=2, seed=7)
    xs = np.random.default_rng(1).normal(size=(5, 2))
    run = rnn_forward(p, xs, np.zeros(3))
    h = [0.0, 0.0, 0.0]
    for t in range(5):
        step = loop_rnn(as_lists(p), xs[t].tolist(), h)
        assert run["h"][t].tolist() == pytest.approx(step["h"], rel=1e-12)
        assert run["y"][t].tolist() == pytest.approx(step["y"], rel=1e-12)
        h = step["h"]


def test_explain_rnn_uses_the_sessions_notation() -> None:
    p = seeded_weights(3, RNN_LAYOUT, {"x": 2, "h": 2, "o": 3})
    worked = explain_rnn(p, vec(1, -1)[None, :], vec(0.5, -0.5), seed=3)
    assert format_line(worked.steps[0].lines[0]) == "a_h = W_h·h0 + W_x·x1 + b_h"
    assert worked.steps[1].title == "hidden state h1 = tanh(a_h)"
    assert set(worked.result) == {"a_h", "h", "logits", "y"}
    assert worked.result["y"].sum() == pytest.approx(1.0)
    multi = explain_rnn(p, np.ones((3, 2)), vec(0, 0))
    assert multi.result["h"].shape == (3, 2) and len(multi.steps) == 6


def test_seeded_weights_are_hand_checkable() -> None:
    p = seeded_weights(14, LSTM_LAYOUT, {"x": 3, "h": 2})
    for w in p.values():
        tenths = w * 10
        assert np.allclose(tenths, np.round(tenths)) and np.all(np.abs(w) <= 0.5)
    assert seeded_weights(14, LSTM_LAYOUT, {"x": 3, "h": 2})["W_fx"].tolist() == p["W_fx"].tolist()
    assert p["W_fx"].shape == (2, 3) and p["W_fh"].shape == (2, 2) and p["b_f"].shape == (2,)


# ------------------------------------------------------------------------------ LSTM


def loop_lstm(p, x, h, c):
    """The session's equations, one unit at a time."""

    def pre(g):
        return add(matvec(p[f"W_{g}h"], h), matvec(p[f"W_{g}x"], x), p[f"b_{g}"])

    a_f, a_i, a_g, a_o = pre("f"), pre("i"), pre("c"), pre("o")
    f = [sig(v) for v in a_f]
    c_ft = [ci * fi for ci, fi in zip(c, f, strict=True)]
    i = [sig(v) for v in a_i]
    g = [math.tanh(v) for v in a_g]
    c_it = [ii * gi for ii, gi in zip(i, g, strict=True)]
    c_new = add(c_it, c_ft)
    o = [sig(v) for v in a_o]
    h_new = [oi * math.tanh(ci) for oi, ci in zip(o, c_new, strict=True)]
    return {"a_f": a_f, "f": f, "c_ft": c_ft, "a_i": a_i, "i": i, "a_g": a_g, "g": g,
            "c_it": c_it, "c": c_new, "a_o": a_o, "o": o, "h": h_new}  # fmt: skip


ONE_UNIT = {
    "W_fx": one(0.5), "W_fh": one(0.5), "b_f": vec(0.0),  # a_f = 0.5·1 + 0.5·1 = 1
    "W_ix": one(1.0), "W_ih": one(-1.0), "b_i": vec(0.0),  # a_i = 1 - 1 = 0
    "W_cx": one(0.25), "W_ch": one(0.25), "b_c": vec(0.0),  # a_g = 0.25 + 0.25 = 0.5
    "W_ox": one(1.0), "W_oh": one(1.0), "b_o": vec(-2.0),  # a_o = 1 + 1 - 2 = 0
}  # fmt: skip


def test_one_unit_lstm_worked_on_paper() -> None:
    v = lstm_step(ONE_UNIT, x=vec(1.0), h=vec(1.0), c=vec(2.0))
    assert v["a_f"][0] == pytest.approx(1.0)
    assert v["f"][0] == pytest.approx(SIGMA_1)  # keeps 73% of the old memory
    assert v["c_ft"][0] == pytest.approx(2 * SIGMA_1)  # 1.4621
    assert v["i"][0] == pytest.approx(0.5)
    assert v["g"][0] == pytest.approx(TANH_HALF)
    assert v["c_it"][0] == pytest.approx(0.5 * TANH_HALF)  # 0.2311
    c = 2 * SIGMA_1 + 0.5 * TANH_HALF
    assert v["c"][0] == pytest.approx(c) and round(c, 4) == 1.6932
    assert v["o"][0] == pytest.approx(0.5)
    assert v["h"][0] == pytest.approx(0.5 * math.tanh(c))
    assert round(v["h"][0], 4) == 0.4673


@pytest.mark.parametrize(("hidden", "inputs"), [(1, 1), (2, 3), (4, 2), (5, 5)])
def test_lstm_matches_the_loop(hidden: int, inputs: int) -> None:
    p = random_weights(LSTM_LAYOUT, hidden, inputs, seed=hidden * 10 + inputs)
    rng = np.random.default_rng(inputs)
    x, h, c = rng.normal(size=inputs), rng.normal(size=hidden), rng.normal(size=hidden)
    got = lstm_step(p, x, h, c)
    want = loop_lstm(as_lists(p), x.tolist(), h.tolist(), c.tolist())
    assert list(got) == list(want)
    for name in want:
        assert got[name].tolist() == pytest.approx(want[name], rel=1e-12, abs=1e-12)


def test_lstm_forward_matches_repeated_steps() -> None:
    p = random_weights(LSTM_LAYOUT, 4, 3, seed=2)
    xs = np.random.default_rng(3).normal(size=(6, 3))
    hs, cs, fs = lstm_forward(p, xs, np.zeros(4), np.zeros(4))
    h, c = [0.0] * 4, [0.0] * 4
    for t in range(6):
        v = loop_lstm(as_lists(p), xs[t].tolist(), h, c)
        h, c = v["h"], v["c"]
        assert hs[t].tolist() == pytest.approx(h, rel=1e-12)
        assert cs[t].tolist() == pytest.approx(c, rel=1e-12)
        assert fs[t].tolist() == pytest.approx(v["f"], rel=1e-12)


def test_explain_lstm_is_eight_steps_in_the_sessions_order() -> None:
    worked = explain_lstm(ONE_UNIT, vec(1.0), vec(1.0), vec(2.0))
    assert [s.title for s in worked.steps] == [
        "forget gate f_t",
        "old memory kept, c_ft",
        "input gate i_t",
        "candidate g_t",
        "new memory written, c_it",
        "cell state c_t",
        "output gate o_t",
        "hidden state h_t",
    ]
    assert worked.steps[0].note == "unit 1 keeps 73% of its old memory."
    assert format_line(worked.steps[0].lines[0]) == "a_f = W_fh·h_{t-1} + W_fx·x_t + b_f"
    assert format_line(worked.steps[0].lines[2], 3) == "  unit 1: 0.5·1 + 0.5·1 + 0 = 1"
    assert format_line(worked.steps[1].lines[0], 3) == (
        "c_ft = c_{t-1} * f_t = [2] * [0.731] = [1.462]"
    )
    assert list(worked.result) == [
        "a_f", "f", "c_ft", "a_i", "i", "a_g", "g", "c_it", "c", "a_o", "o", "h", "step"
    ]  # fmt: skip


def test_lstm_reading_summarises_many_units() -> None:
    p = random_weights(LSTM_LAYOUT, 6, 2, seed=1)
    worked = explain_lstm(p, vec(1, 2), np.zeros(6), np.ones(6))
    assert "6 units, mean" in worked.steps[0].note


# ------------------------------------------------------------------------------ GRU


def loop_gru_torch(tp, x, h):
    """torch.nn.GRUCell's documented equations, with its own parameter names."""
    r = [sig(a) for a in add(matvec(tp["W_ir"], x), tp["b_ir"], matvec(tp["W_hr"], h), tp["b_hr"])]
    z = [sig(a) for a in add(matvec(tp["W_iz"], x), tp["b_iz"], matvec(tp["W_hz"], h), tp["b_hz"])]
    hn = add(matvec(tp["W_hn"], h), tp["b_hn"])
    n = [math.tanh(a + b + ri * hi) for a, b, ri, hi in
         zip(matvec(tp["W_in"], x), tp["b_in"], r, hn, strict=True)]  # fmt: skip
    return [(1 - zi) * ni + zi * hi for zi, ni, hi in zip(z, n, h, strict=True)]


def loop_gru_cho(p, x, h):
    """Cho et al. / d2l: the reset gate multiplies h before W_nh; one candidate bias b_n."""
    r = [sig(a) for a in add(matvec(p["W_rx"], x), matvec(p["W_rh"], h), p["b_r"])]
    z = [sig(a) for a in add(matvec(p["W_zx"], x), matvec(p["W_zh"], h), p["b_z"])]
    rh = [ri * hi for ri, hi in zip(r, h, strict=True)]
    n = [math.tanh(a) for a in add(matvec(p["W_nx"], x), matvec(p["W_nh"], rh), p["b_n"])]
    return [zi * hi + (1 - zi) * ni for zi, hi, ni in zip(z, h, n, strict=True)]


GRU_ONE = {
    "W_rx": one(1.0), "W_rh": one(-1.0), "b_r": vec(0.0),  # r = σ(0) = 0.5
    "W_zx": one(0.0), "W_zh": one(0.0), "b_z": vec(0.0),  # z = 0.5
    "W_nx": one(0.0), "W_nh": one(1.0), "b_n": vec(0.5),
}  # fmt: skip
GRU_ONE_TORCH = {
    **{k: v for k, v in GRU_ONE.items() if k != "b_n"}, "b_in": vec(0.0), "b_hn": vec(0.5)
}  # fmt: skip


def test_gru_one_unit_both_variants_on_paper() -> None:
    cho = gru_step(GRU_ONE, vec(1.0), vec(1.0), "cho")
    # a_n = W_nh·(r·h) + W_nx·x + b_n = 1·0.5 + 0 + 0.5 = 1 -> n = tanh(1)
    assert cho["a_n"][0] == pytest.approx(1.0)
    assert cho["h"][0] == pytest.approx(0.5 * 1.0 + 0.5 * TANH_1)
    torch = gru_step(GRU_ONE_TORCH, vec(1.0), vec(1.0), "pytorch")
    # a_n = W_nx·x + b_in + r·(W_nh·h + b_hn) = 0 + 0 + 0.5·1.5 = 0.75
    assert torch["a_n"][0] == pytest.approx(0.75)
    assert torch["h"][0] == pytest.approx(0.5 * math.tanh(0.75) + 0.5)


@pytest.mark.parametrize(("hidden", "inputs"), [(1, 1), (3, 2), (4, 4)])
def test_gru_pytorch_variant_matches_grucell_equations(hidden: int, inputs: int) -> None:
    rng = np.random.default_rng(hidden + inputs)
    torch_params = {
        **{f"W_i{g}": rng.normal(size=(hidden, inputs)) for g in "rzn"},
        **{f"W_h{g}": rng.normal(size=(hidden, hidden)) for g in "rzn"},
        **{f"b_i{g}": rng.normal(size=hidden) for g in "rzn"},
        **{f"b_h{g}": rng.normal(size=hidden) for g in "rzn"},
    }
    ours = {
        "W_rx": torch_params["W_ir"], "W_rh": torch_params["W_hr"],
        "b_r": torch_params["b_ir"] + torch_params["b_hr"],
        "W_zx": torch_params["W_iz"], "W_zh": torch_params["W_hz"],
        "b_z": torch_params["b_iz"] + torch_params["b_hz"],
        "W_nx": torch_params["W_in"], "W_nh": torch_params["W_hn"],
        "b_in": torch_params["b_in"], "b_hn": torch_params["b_hn"],
    }  # fmt: skip
    x, h = rng.normal(size=inputs), rng.normal(size=hidden)
    want = loop_gru_torch(as_lists(torch_params), x.tolist(), h.tolist())
    assert gru_step(ours, x, h, "pytorch")["h"].tolist() == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_gru_cho_variant_matches_the_loop(seed: int) -> None:
    p = random_weights(GRU_LAYOUT, 3, 2, seed=seed)
    rng = np.random.default_rng(seed)
    x, h = rng.normal(size=2), rng.normal(size=3)
    want = loop_gru_cho(as_lists(p), x.tolist(), h.tolist())
    assert gru_step(p, x, h, "cho")["h"].tolist() == pytest.approx(want, rel=1e-12)
    # the same numbers with b_n as PyTorch's b_in (b_hn = 0): still a different candidate
    torch = {**{k: v for k, v in p.items() if k != "b_n"}, "b_in": p["b_n"], "b_hn": np.zeros(3)}
    assert not np.allclose(gru_step(torch, x, h, "pytorch")["h"], want)


def test_gru_layouts_count_what_the_bank_teaches() -> None:
    # Cho: one bias per block, 3(H(X+H)+H); PyTorch's variant keeps b_in and b_hn apart
    for x, h in [(10, 20), (3, 2), (1, 1)]:
        cho = seeded_weights(0, GRU_LAYOUT, {"x": x, "h": h})
        assert sum(w.size for w in cho.values()) == count_params("gru", x, h)["count"]
        torch = seeded_weights(0, TORCH_LAYOUT, {"x": x, "h": h})
        assert sum(w.size for w in torch.values()) == count_params("gru", x, h)["count"] + h
    assert [n for n, _ in GRU_LAYOUT][-1] == "b_n"
    assert [n for n, _ in TORCH_LAYOUT][-2:] == ["b_in", "b_hn"]


def test_gru_forward_runs_the_sequence() -> None:
    p = random_weights(TORCH_LAYOUT, 2, 2, seed=5)
    xs = np.random.default_rng(5).normal(size=(4, 2))
    hs = gru_forward(p, xs, np.zeros(2), "pytorch")
    h = np.zeros(2)
    for t in range(4):
        h = gru_step(p, xs[t], h, "pytorch")["h"]
    assert hs[-1].tolist() == pytest.approx(h.tolist())


def test_explain_gru_says_which_variant() -> None:
    cho = explain_gru(GRU_ONE, vec(1.0), vec(1.0))
    torch = explain_gru(GRU_ONE_TORCH, vec(1.0), vec(1.0), variant="pytorch")
    assert "cho variant" in cho.title and "Cho et al." in format_line(cho.intro[-1])
    assert "torch.nn.GRUCell" in format_line(torch.intro[-1])
    assert cho.steps[2].title == "reset applied to the old state, r_t * h_{t-1}"
    assert torch.steps[2].title.startswith("reset applied to the recurrent term")
    assert {"r", "z", "n", "h"} <= set(cho.result) and {"r", "z", "n", "h"} <= set(torch.result)
    assert cho.params["variant"] == "cho"
    assert "b_n" in cho.params and "b_in" not in cho.params and "b_hn" not in cho.params
    assert cho.groups[-1].names == ("W_nx", "W_nh", "b_n")
    assert torch.groups[-1].names == ("W_nx", "W_nh", "b_in", "b_hn")
    assert "+ b_n" in format_line(cho.intro[2]) and "b_hn" in format_line(torch.intro[2])


# ------------------------------------------------------------------------------ the whole step


@pytest.mark.parametrize(("hidden", "inputs"), [(1, 1), (3, 2)])
def test_lstm_step_result_is_every_gate_and_the_state_of_the_loop(hidden, inputs) -> None:
    p = random_weights(LSTM_LAYOUT, hidden, inputs, seed=7 + hidden)
    rng = np.random.default_rng(hidden)
    x, h, c = rng.normal(size=inputs), rng.normal(size=hidden), rng.normal(size=hidden)
    step = explain_lstm(p, x, h, c).result["step"]
    want = loop_lstm(as_lists(p), x.tolist(), h.tolist(), c.tolist())
    assert step.shape == (6, hidden)
    for row, name in zip(step, ("f", "i", "g", "o", "c", "h"), strict=True):
        assert row.tolist() == pytest.approx(want[name], rel=1e-12, abs=1e-12)


def test_gru_step_result_is_r_z_n_and_h_of_the_loop() -> None:
    p = random_weights(GRU_LAYOUT, 2, 3, seed=3)
    rng = np.random.default_rng(3)
    x, h = rng.normal(size=3), rng.normal(size=2)
    r = [sig(a) for a in add(matvec(p["W_rx"], x), matvec(p["W_rh"], h), p["b_r"])]
    z = [sig(a) for a in add(matvec(p["W_zx"], x), matvec(p["W_zh"], h), p["b_z"])]
    rh = [ri * hi for ri, hi in zip(r, h, strict=True)]
    n = [math.tanh(a) for a in add(matvec(p["W_nx"], x), matvec(p["W_nh"], rh), p["b_n"])]
    step = explain_gru(p, x, h).result["step"]
    assert step.shape == (4, 2)
    for row, want in zip(step, (r, z, n, loop_gru_cho(as_lists(p), x, h)), strict=True):
        assert row.tolist() == pytest.approx(want, rel=1e-12)


def test_a_wrong_value_of_the_step_is_named() -> None:
    import io

    from rich.console import Console

    from refresher.kinds.numeric.engine import format_answer, grade, solve
    from refresher.render.numeric import wrong_cells

    inst = solve({"kind": "lstm", "seed": 3, "input_size": 1, "hidden_size": 2, "answer": "step"})
    typed = inst.expected.copy()
    typed[5, 1] += 1.0  # h_t of unit 2
    out = grade(inst, format_answer(typed, precision=12))
    assert out.correct is False and out.detail["wrong_cells"] == [[5, 1]]
    console = Console(width=100, file=io.StringIO(), no_color=True)
    wrong_cells(console, inst, out.detail["wrong_cells"])
    assert console.file.getvalue().strip().startswith("Off: h_t (unit 2) should be")
