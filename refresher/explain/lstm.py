"""One LSTM cell step in the session's notation, gate by gate, and a vectorised sequence core.

The session's equations (``*`` element-wise, ``·`` matrix-vector)::

    f_t  = σ(W_fh·h_{t-1} + W_fx·x_t + b_f)        forget gate
    c_ft = c_{t-1} * f_t                           old memory that is kept
    i_t  = σ(W_ih·h_{t-1} + W_ix·x_t + b_i)        input gate
    g_t  = tanh(W_ch·h_{t-1} + W_cx·x_t + b_c)     candidate values
    c_it = i_t * g_t                               new memory that is written
    c_t  = c_it + c_ft                             cell state
    o_t  = σ(W_oh·h_{t-1} + W_ox·x_t + b_o)        output gate
    h_t  = o_t * tanh(c_t)                         hidden state

One bias per gate, as in the session (PyTorch keeps two, which simply add).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from refresher.explain.inputs import Layout
from refresher.explain.rnn import (
    activation_line,
    affine_lines,
    combine_line,
    per_unit,
    read_one_step,
    seeded_note,
    share_note,
    sigmoid,
)
from refresher.explain.spec import Reader
from refresher.explain.steps import Comment, Num, ParamGroup, Step, Sym, Worked, format_number

__all__ = [
    "GATES",
    "LSTM_LAYOUT",
    "STEP_ROWS",
    "explain_lstm",
    "lstm_forward",
    "lstm_step",
    "step_rows",
]

# The rows of the ``step`` result: every gate and the new state, each one row of H values.
STEP_ROWS = ("f", "i", "g", "o", "c", "h")


def step_rows(values: Mapping[str, np.ndarray], rows: tuple[str, ...]) -> np.ndarray:
    """The named values as the rows of one matrix (rows x hidden units), the ``step`` result."""
    return np.stack([np.asarray(values[k], dtype=float) for k in rows])


# gate letter in the weight names -> (name of its pre-activation, theme role)
GATES = {
    "f": ("a_f", "gate.f"),
    "i": ("a_i", "gate.i"),
    "c": ("a_g", "gate.g"),
    "o": ("a_o", "gate.o"),
}
LSTM_LAYOUT: Layout = tuple(
    (name, kind)
    for g in "fico"
    for name, kind in ((f"W_{g}x", "hx"), (f"W_{g}h", "hh"), (f"b_{g}", "h"))
)


def lstm_step(
    p: Mapping[str, np.ndarray], x: np.ndarray, h: np.ndarray, c: np.ndarray
) -> dict[str, np.ndarray]:
    """Every named value of one step: a_f f c_ft a_i i a_g g c_it c a_o o h."""
    a_f = p["W_fh"] @ h + p["W_fx"] @ x + p["b_f"]
    f = sigmoid(a_f)
    c_ft = c * f
    a_i = p["W_ih"] @ h + p["W_ix"] @ x + p["b_i"]
    i = sigmoid(a_i)
    a_g = p["W_ch"] @ h + p["W_cx"] @ x + p["b_c"]
    g = np.tanh(a_g)
    c_it = i * g
    c_new = c_it + c_ft
    a_o = p["W_oh"] @ h + p["W_ox"] @ x + p["b_o"]
    o = sigmoid(a_o)
    return {
        "a_f": a_f, "f": f, "c_ft": c_ft,
        "a_i": a_i, "i": i, "a_g": a_g, "g": g, "c_it": c_it, "c": c_new,
        "a_o": a_o, "o": o, "h": o * np.tanh(c_new),
    }  # fmt: skip


def stacked(p: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The four gates' weights stacked in f, i, g, o order: (4H, X), (4H, H), (4H,)."""
    wx = np.vstack([p[f"W_{g}x"] for g in "fico"])
    wh = np.vstack([p[f"W_{g}h"] for g in "fico"])
    b = np.concatenate([p[f"b_{g}"] for g in "fico"])
    return wx, wh, b


def lstm_forward(
    p: Mapping[str, np.ndarray], xs: np.ndarray, h0: np.ndarray, c0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run over a (T, input) sequence: hidden states, cell states (T, H) and forget gates.

    The input terms of all steps are one matrix product; each step is then one (4H, H) product
    and element-wise work. Only time is a Python loop, because step t needs step t-1.
    """
    xs = np.atleast_2d(np.asarray(xs, dtype=float))
    wx, wh, b = stacked(p)
    hidden = wh.shape[1]
    drive = xs @ wx.T + b
    hs = np.empty((xs.shape[0], hidden))
    cs = np.empty_like(hs)
    fs = np.empty_like(hs)
    h = np.asarray(h0, dtype=float)
    c = np.asarray(c0, dtype=float)
    for t in range(xs.shape[0]):
        z = drive[t] + wh @ h
        f = sigmoid(z[:hidden])
        i = sigmoid(z[hidden : 2 * hidden])
        g = np.tanh(z[2 * hidden : 3 * hidden])
        o = sigmoid(z[3 * hidden :])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs[t], cs[t], fs[t] = h, c, f
    return hs, cs, fs


def _gate_step(p, gate: str, fn: str, x, h, v: dict, title: str, note: str) -> Step:
    """A gate's (or the candidate's) step: its affine lines, then its activation."""
    pre, role = GATES[gate]
    out = pre.split("_")[1]  # a_f -> f, a_g -> g
    lines = affine_lines(
        Sym(pre, role),
        [(f"W_{gate}h", p[f"W_{gate}h"], "h_{t-1}", h), (f"W_{gate}x", p[f"W_{gate}x"], "x_t", x)],
        (f"b_{gate}", p[f"b_{gate}"]),
        v[pre],
    )
    lines.append(activation_line(Sym(f"{out}_t", role), fn, pre, v[pre], v[out]))
    return Step(
        title=title, lines=tuple(lines), note=note, role=role, values={pre: v[pre], out: v[out]}
    )


def _signed(x: float) -> str:
    return f"{x:+.2f}"


def explain_lstm(
    p: Mapping[str, np.ndarray],
    x: np.ndarray,
    h: np.ndarray,
    c: np.ndarray,
    *,
    seed: int | None = None,
) -> Worked:
    """One LSTM step, eight numbered steps in the session's order."""
    x, h, c = (np.asarray(v, dtype=float) for v in (x, h, c))
    v = lstm_step(p, x, h, c)
    hidden, inputs = p["W_fh"].shape[0], p["W_fx"].shape[1]
    tanh_c = np.tanh(v["c"])

    def changed(values: np.ndarray) -> str:
        return per_unit(
            values,
            lambda u, k: f"unit {u}: {format_number(float(c[u - 1]), 2)} → {format_number(k, 2)}",
        )

    def gate(letter: str, title: str, note: str, fn: str = "σ") -> Step:
        return _gate_step(p, letter, fn, x, h, v, title, note)

    def combined(title: str, line: tuple, note: str, key: str) -> Step:
        return Step(title=title, lines=(line,), note=note, role=line[0].role, values={key: v[key]})

    steps = (
        gate("f", "forget gate f_t", share_note(v["f"], "keeps {} of its old memory")),
        combined(
            "old memory kept, c_ft",
            combine_line(Sym("c_ft", "gate.f"), c, "*", v["f"], v["c_ft"], "c_{t-1} * f_t"),
            changed(v["c_ft"]),
            "c_ft",
        ),
        gate("i", "input gate i_t", share_note(v["i"], "lets in {} of its candidate")),
        gate(
            "c",
            "candidate g_t",
            "new content proposed, in (-1, 1): "
            + per_unit(v["g"], lambda u, g: f"unit {u} {_signed(g)}"),
            "tanh",
        ),
        combined(
            "new memory written, c_it",
            combine_line(Sym("c_it", "gate.i"), v["i"], "*", v["g"], v["c_it"], "i_t * g_t"),
            "the input gate scales the candidate: "
            + per_unit(v["c_it"], lambda u, k: f"unit {u} writes {_signed(k)}"),
            "c_it",
        ),
        combined(
            "cell state c_t",
            combine_line(Sym("c_t", "gate.c"), v["c_ft"], "+", v["c_it"], v["c"], "c_ft + c_it"),
            "kept old memory plus new memory: " + changed(v["c"]),
            "c",
        ),
        gate("o", "output gate o_t", share_note(v["o"], "shows {} of its memory (as tanh(c_t))")),
        Step(
            title="hidden state h_t",
            lines=(
                ("tanh(c_t) = tanh(", v["c"], ") = ", tanh_c),
                combine_line(Sym("h_t", "gate.h"), v["o"], "*", tanh_c, v["h"], "o_t * tanh(c_t)"),
            ),
            note="h_t is this step's output and the next step's h_{t-1}; after the last step it "
            "goes to softmax for y.",
            role="gate.h",
            values={"h": v["h"]},
        ),
    )
    return Worked(
        kind="lstm",
        title=f"LSTM cell, one time step (input {inputs}, hidden {hidden})",
        weights_note=seeded_note(seed),
        inputs={"x": x, "h": h, "c": c},
        params=dict(p),
        result={**v, "step": step_rows(v, STEP_ROWS)},
        steps=steps,
        answer_key="h",
        intro=(
            (Sym("f_t ", "gate.f"), " = σ(W_fh·h_{t-1} + W_fx·x_t + b_f)", Comment("forget gate")),
            (Sym("c_ft", "gate.f"), " = c_{t-1} * f_t", Comment("old memory kept")),
            (Sym("i_t ", "gate.i"), " = σ(W_ih·h_{t-1} + W_ix·x_t + b_i)", Comment("input gate")),
            (Sym("g_t ", "gate.g"), " = tanh(W_ch·h_{t-1} + W_cx·x_t + b_c)", Comment("candidate")),
            (Sym("c_it", "gate.i"), " = i_t * g_t", Comment("new memory written")),
            (Sym("c_t ", "gate.c"), " = c_it + c_ft", Comment("cell state")),
            (Sym("o_t ", "gate.o"), " = σ(W_oh·h_{t-1} + W_ox·x_t + b_o)", Comment("output gate")),
            (Sym("h_t ", "gate.h"), " = o_t * tanh(c_t)", Comment("hidden state")),
            ("σ(z) = 1 / (1 + e^-z) lies in (0, 1): 0 blocks, 1 lets through.",),
            ("* is element-wise; · is a matrix-vector product.",),
        ),
        outro=(
            (
                Sym("c_t", "gate.c"),
                " = ",
                Num(v["c"], "gate.c"),
                "    ",
                Sym("h_t", "gate.h"),
                " = ",
                Num(v["h"], "gate.h"),
            ),
        ),
        groups=(
            ParamGroup("forget f", ("W_fx", "W_fh", "b_f"), "gate.f"),
            ParamGroup("input i", ("W_ix", "W_ih", "b_i"), "gate.i"),
            ParamGroup("candidate g", ("W_cx", "W_ch", "b_c"), "gate.g"),
            ParamGroup("output o", ("W_ox", "W_oh", "b_o"), "gate.o"),
        ),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.lstm`.


def read_lstm(r: Reader) -> Callable[[], Worked]:
    p, seed, x, (h, c) = read_one_step(r, LSTM_LAYOUT, 2, ("h", "c"))
    return lambda: explain_lstm(p, x, h, c, seed=seed)
