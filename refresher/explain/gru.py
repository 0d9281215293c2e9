"""One GRU cell step, in either of the two forms in common use.

Both variants share the gates (``*`` element-wise, ``·`` matrix-vector)::

    r_t = σ(W_rh·h_{t-1} + W_rx·x_t + b_r)         reset gate
    z_t = σ(W_zh·h_{t-1} + W_zx·x_t + b_z)         update gate
    h_t = z_t * h_{t-1} + (1 - z_t) * n_t          new hidden state

and differ in where the reset gate acts in the candidate ``n_t``:

``cho``      n_t = tanh(W_nh·(r_t * h_{t-1}) + W_nx·x_t + b_n)
             (Cho et al. 2014; Dive into Deep Learning): one candidate bias, like every other
             block, so a layer has 3·(H·(X + H) + H) parameters, the count the bank teaches.
``pytorch``  n_t = tanh(W_nx·x_t + b_in + r_t * (W_nh·h_{t-1} + b_hn))
             (``torch.nn.GRUCell``: the reset gate scales the recurrent term after the product,
             so ``b_hn`` is reset too and cannot be merged into ``b_in``; ``b_r`` stands for
             PyTorch's ``b_ir + b_hr``.)

Each variant has its own weight layout (`LAYOUTS`): the candidate block is ``W_nx W_nh b_n``
for ``cho`` and ``W_nx W_nh b_in b_hn`` for ``pytorch``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from refresher.core.errors import InputError
from refresher.explain.inputs import Layout, as_choice
from refresher.explain.lstm import step_rows
from refresher.explain.rnn import (
    activation_line,
    affine_lines,
    combine_line,
    per_unit,
    percent,
    read_one_step,
    seeded_note,
    share_note,
    sigmoid,
)
from refresher.explain.spec import Reader
from refresher.explain.specs.gru import GRU, VARIANTS
from refresher.explain.steps import Comment, Num, ParamGroup, Step, Sym, Worked

__all__ = [
    "GRU_LAYOUT",
    "STEP_ROWS",
    "LAYOUTS",
    "TORCH_LAYOUT",
    "VARIANTS",
    "explain_gru",
    "gru_forward",
    "gru_step",
]

_GATES: Layout = (
    ("W_rx", "hx"), ("W_rh", "hh"), ("b_r", "h"),
    ("W_zx", "hx"), ("W_zh", "hh"), ("b_z", "h"),
)  # fmt: skip
GRU_LAYOUT: Layout = (*_GATES, ("W_nx", "hx"), ("W_nh", "hh"), ("b_n", "h"))  # cho
TORCH_LAYOUT: Layout = (*_GATES, ("W_nx", "hx"), ("W_nh", "hh"), ("b_in", "h"), ("b_hn", "h"))
LAYOUTS: dict[str, Layout] = {"cho": GRU_LAYOUT, "pytorch": TORCH_LAYOUT}
STEP_ROWS = ("r", "z", "n", "h")  # the rows of the ``step`` result


def gru_step(
    p: Mapping[str, np.ndarray], x: np.ndarray, h: np.ndarray, variant: str = "cho"
) -> dict[str, np.ndarray]:
    """Every named value of one step.

    Both variants give a_r r a_z z a_n n h; ``cho`` adds ``rh`` (r * h), ``pytorch`` adds
    ``hn`` (W_nh·h + b_hn) and ``r_hn`` (r * hn).
    """
    if variant not in VARIANTS:
        raise InputError(f"variant: expected cho or pytorch, got {variant!r}")
    a_r = p["W_rh"] @ h + p["W_rx"] @ x + p["b_r"]
    r = sigmoid(a_r)
    a_z = p["W_zh"] @ h + p["W_zx"] @ x + p["b_z"]
    z = sigmoid(a_z)
    extra: dict[str, np.ndarray]
    if variant == "cho":
        rh = r * h
        a_n = p["W_nh"] @ rh + p["W_nx"] @ x + p["b_n"]
        extra = {"rh": rh}
    else:
        hn = p["W_nh"] @ h + p["b_hn"]
        a_n = p["W_nx"] @ x + p["b_in"] + r * hn
        extra = {"hn": hn, "r_hn": r * hn}
    n = np.tanh(a_n)
    return {"a_r": a_r, "r": r, "a_z": a_z, "z": z, **extra, "a_n": a_n, "n": n,
            "h": z * h + (1.0 - z) * n}  # fmt: skip


def gru_forward(
    p: Mapping[str, np.ndarray], xs: np.ndarray, h0: np.ndarray, variant: str = "cho"
) -> np.ndarray:
    """Hidden states (T, H) over a (T, input) sequence; time is the only Python loop."""
    xs = np.atleast_2d(np.asarray(xs, dtype=float))
    hs = np.empty((xs.shape[0], p["W_rh"].shape[0]))
    h = np.asarray(h0, dtype=float)
    for t in range(xs.shape[0]):
        h = hs[t] = gru_step(p, xs[t], h, variant)["h"]
    return hs


def explain_gru(
    p: Mapping[str, np.ndarray],
    x: np.ndarray,
    h: np.ndarray,
    *,
    variant: str = GRU.default("variant"),
    seed: int | None = None,
) -> Worked:
    """One GRU step: reset gate, update gate, reset applied, candidate, new state."""
    x, h = np.asarray(x, dtype=float), np.asarray(h, dtype=float)
    v = gru_step(p, x, h, variant)
    hidden, inputs = p["W_rh"].shape[0], p["W_rx"].shape[1]

    def gate(letter: str, title: str, note: str) -> Step:
        role = f"gate.{letter}"
        pre = f"a_{letter}"
        lines = affine_lines(
            Sym(pre, role),
            [
                (f"W_{letter}h", p[f"W_{letter}h"], "h_{t-1}", h),
                (f"W_{letter}x", p[f"W_{letter}x"], "x_t", x),
            ],
            (f"b_{letter}", p[f"b_{letter}"]),
            v[pre],
        )
        lines.append(activation_line(Sym(f"{letter}_t", role), "σ", pre, v[pre], v[letter]))
        return Step(
            title=title,
            lines=tuple(lines),
            note=note,
            role=role,
            values={pre: v[pre], letter: v[letter]},
        )

    reset = gate(
        "r",
        "reset gate r_t",
        share_note(v["r"], "lets {} of its old state into the candidate"),
    )
    update = gate(
        "z",
        "update gate z_t",
        share_note(v["z"], "keeps {} of its old state"),
    )

    if variant == "cho":
        applied = Step(
            title="reset applied to the old state, r_t * h_{t-1}",
            lines=(combine_line(Sym("r_t * h_{t-1}", "gate.r"), v["r"], "*", h, v["rh"]),),
            note="the reset gate acts before the matrix product (Cho et al., d2l).",
            role="gate.r",
            values={"rh": v["rh"]},
        )
        cand_lines = affine_lines(
            Sym("a_n", "gate.n"),
            [("W_nh", p["W_nh"], "(r_t * h_{t-1})", v["rh"]), ("W_nx", p["W_nx"], "x_t", x)],
            ("b_n", p["b_n"]),
            v["a_n"],
        )
    else:
        hn_lines = affine_lines(
            Sym("hn", "gate.r"), [("W_nh", p["W_nh"], "h_{t-1}", h)], ("b_hn", p["b_hn"]), v["hn"]
        )
        applied = Step(
            title="reset applied to the recurrent term, r_t * (W_nh·h_{t-1} + b_hn)",
            lines=(
                *hn_lines,
                combine_line(Sym("r_t * hn", "gate.r"), v["r"], "*", v["hn"], v["r_hn"]),
            ),
            note="the reset gate acts after the matrix product, bias b_hn included "
            "(torch.nn.GRUCell).",
            role="gate.r",
            values={"hn": v["hn"], "r_hn": v["r_hn"]},
        )
        cand_lines = affine_lines(
            Sym("a_n", "gate.n"),
            [("W_nx", p["W_nx"], "x_t", x)],
            ("b_in", p["b_in"]),
            v["a_n"],
            extra=("r_t * hn", v["r_hn"]),
        )
    cand_lines.append(activation_line(Sym("n_t", "gate.n"), "tanh", "a_n", v["a_n"], v["n"]))
    candidate = Step(
        title="candidate n_t",
        lines=tuple(cand_lines),
        note="the proposed new state, in (-1, 1).",
        role="gate.n",
        values={"a_n": v["a_n"], "n": v["n"]},
    )
    keep = v["z"] * h
    take = (1.0 - v["z"]) * v["n"]
    new = Step(
        title="new hidden state h_t",
        lines=(
            ("1 - z_t = ", 1.0 - v["z"]),
            (
                Sym("h_t", "gate.h"),
                " = z_t * h_{t-1} + (1 - z_t) * n_t = ",
                v["z"],
                " * ",
                h,
                " + ",
                1.0 - v["z"],
                " * ",
                v["n"],
            ),
            ("    = ", keep, " + ", take, " = ", Num(v["h"], "gate.h")),
        ),
        note=per_unit(
            v["z"],
            lambda u, z: f"unit {u} is {percent(z)} old state, {percent(1 - z)} candidate",
            lambda u, z: f"unit {u} {percent(z)} / {percent(1 - z)}",
        ),
        role="gate.h",
        values={"h": v["h"]},
    )
    if variant == "cho":
        cand_eq = " = tanh(W_nh·(r_t * h_{t-1}) + W_nx·x_t + b_n)"
        shown = "Cho et al. / d2l variant: the reset gate acts on h_{t-1} before W_nh."
    else:
        cand_eq = " = tanh(W_nx·x_t + b_in + r_t * (W_nh·h_{t-1} + b_hn))"
        shown = "PyTorch variant (torch.nn.GRUCell): the reset gate acts after W_nh·h_{t-1} + b_hn."
    return Worked(
        kind="gru",
        title=f"GRU cell, one time step, {variant} variant (input {inputs}, hidden {hidden})",
        weights_note=seeded_note(seed),
        inputs={"x": x, "h": h},
        params={**p, "variant": variant},
        result={**v, "step": step_rows(v, STEP_ROWS)},
        steps=(reset, update, applied, candidate, new),
        answer_key="h",
        intro=(
            (Sym("r_t", "gate.r"), " = σ(W_rh·h_{t-1} + W_rx·x_t + b_r)", Comment("reset gate")),
            (Sym("z_t", "gate.z"), " = σ(W_zh·h_{t-1} + W_zx·x_t + b_z)", Comment("update gate")),
            (Sym("n_t", "gate.n"), cand_eq, Comment("candidate")),
            (
                Sym("h_t", "gate.h"),
                " = z_t * h_{t-1} + (1 - z_t) * n_t",
                Comment("new hidden state"),
            ),
            (shown,),
        ),
        outro=((Sym("h_t", "gate.h"), " = ", Num(v["h"], "gate.h")),),
        groups=(
            ParamGroup("reset r", ("W_rx", "W_rh", "b_r"), "gate.r"),
            ParamGroup("update z", ("W_zx", "W_zh", "b_z"), "gate.z"),
            ParamGroup("candidate n", tuple(name for name, _ in LAYOUTS[variant][6:]), "gate.n"),
        ),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.gru`.


def read_gru(r: Reader) -> Callable[[], Worked]:
    variant = r.get("variant", as_choice)
    p, seed, x, (h,) = read_one_step(r, LAYOUTS.get(variant, GRU_LAYOUT), 3)
    return lambda: explain_gru(p, x, h, variant=variant, seed=seed)
