"""Vanishing and exploding gradients in a tanh RNN, and the LSTM's cell-state path beside it.

The RNN is ``h_t = tanh(W·h_{t-1} + U·x_t)`` with ``W = S·Q``, ``Q`` a seeded orthogonal matrix
(every singular value 1, so ``‖W‖₂ = S``). Backpropagation through time multiplies one Jacobian
per step::

    ∂h_t/∂h_{t-1} = diag(1 - h_t²)·W        ∂h_T/∂h_0 = J_T·J_{T-1}···J_1

and since ``0 < 1 - h_t² <= 1``, ``‖∂h_T/∂h_0‖₂ <= S^T``: the upper bound. With zero input and a
zero initial state ``h_t`` stays 0, every ``tanh'`` is 1, and the norm is exactly ``S^T``.

The LSTM's cell state ``c_t = f_t * c_{t-1} + i_t * g_t`` has a direct path whose gradient is
``∂c_T/∂c_0 = diag(f_T * ... * f_1)``: no ``W`` and no ``tanh'`` in the product, so forget gates
near 1 keep it alive. Its spectral norm is the largest unit's product of forget gates.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from refresher.explain.inputs import as_choice, as_float, as_int
from refresher.explain.lstm import lstm_forward
from refresher.explain.rnn import sigmoid
from refresher.explain.spec import Reader
from refresher.explain.specs.gradients import GRADIENTS
from refresher.explain.steps import (
    Chart,
    Num,
    Series,
    Step,
    Sym,
    Table,
    Worked,
    format_number,
    plural,
    with_article,
)

__all__ = [
    "VANISHED",
    "cell_path_norms",
    "explain_gradients",
    "jacobian_norms",
    "orthogonal",
    "verdict",
]

VANISHED = 1e-2  # below this fraction of its size the gradient has vanished
EXPLODED = 1e2  # above this multiple it has exploded


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random orthogonal matrix (QR of a Gaussian, signs fixed so the draw is uniform)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def jacobian_norms(w: np.ndarray, u: np.ndarray, xs: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """``‖∂h_T/∂h_0‖₂`` for T = 1..len(xs) in ``h_t = tanh(W·h_{t-1} + U·x_t)``."""
    drive = xs @ u.T
    h = np.asarray(h0, dtype=float)
    jac = np.eye(w.shape[0])
    norms = np.empty(xs.shape[0])
    for t in range(xs.shape[0]):  # time is sequential; each step is whole-matrix work
        h = np.tanh(w @ h + drive[t])
        jac = ((1.0 - h**2)[:, None] * w) @ jac
        norms[t] = np.linalg.norm(jac, 2)
    return norms


def cell_path_norms(forget: np.ndarray) -> np.ndarray:
    """Spectral norm of ``diag(f_T * ... * f_1)`` for each T: the largest unit's product."""
    return np.cumprod(forget, axis=0).max(axis=1)


def verdict(final: float) -> str:
    """vanishing below 1% of the original size, exploding above 100x, otherwise stable."""
    if final < VANISHED:
        return "vanishing"
    if final > EXPLODED:
        return "exploding"
    return "stable"


def _compare(rnn: float, cell: float, steps: int) -> str:
    """The verdict's reading when both paths are shown: how much more the cell path keeps."""
    kept = (
        f"after {plural(steps, 'step')} the LSTM cell path keeps "
        f"{format_number(cell, 4, tiny=True)} of the gradient, the RNN "
        f"{format_number(rnn, 4, tiny=True)}"
    )
    if rnn > 0 and cell > rnn:
        ratio = cell / rnn
        times = f"about {ratio:,.0f}" if ratio >= 10 else format_number(ratio, 2)
        return (
            f"{kept}: {times} times as much. The cell path has no W "
            "and no tanh' in its product, so a forget gate near 1 carries the gradient back."
        )
    if cell < rnn:
        return f"{kept}: here the RNN keeps more (a forget gate well below 1 forgets)."
    return f"{kept}."


def _samples(steps: int) -> list[int]:
    marks = {1, steps}
    for t in (5, 10, 20, 30, 50, 100, 150, 200):
        if t < steps:
            marks.add(t)
    return sorted(marks)


def _reading(name: str, values: np.ndarray) -> str:
    steps = values.shape[0]
    final = float(values[-1])
    per_step = final ** (1.0 / steps) if final > 0 else 0.0
    word = verdict(final)
    text = (
        f"{name}: after {plural(steps, 'step')} the gradient is "
        f"{format_number(final, 4, tiny=True)} times its size "
        f"(×{format_number(per_step, 3)} per step on average) → {word}"
    )
    if word == "stable" and 0 < per_step < 1:
        left = int(np.ceil(np.log(VANISHED) / np.log(per_step)))
        text += f"; at this rate it drops below 1% after about {plural(left, 'step')}"
    elif word == "stable" and per_step > 1:
        left = int(np.ceil(np.log(EXPLODED) / np.log(per_step)))
        text += f"; at this rate it passes 100x after about {plural(left, 'step')}"
    return text + "."


def explain_gradients(
    *,
    scale: float = GRADIENTS.default("scale"),
    steps: int = GRADIENTS.default("steps"),
    hidden: int = GRADIENTS.default("hidden"),
    inputs: str = GRADIENTS.default("inputs"),
    seed: int = GRADIENTS.default("seed"),
    cell: str = GRADIENTS.default("cell"),
    forget_bias: float = GRADIENTS.default("forget_bias"),
) -> Worked:
    """How ‖∂h_T/∂h_0‖ grows or shrinks with T, against the bound S^T (and the LSTM path)."""
    rng = np.random.default_rng(seed)
    q = orthogonal(hidden, rng)
    w = scale * q
    u = rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)
    zero = inputs == "zero"
    xs = np.zeros((steps, hidden)) if zero else rng.standard_normal((steps, hidden))
    h0 = np.zeros(hidden)
    norms = jacobian_norms(w, u, xs, h0)
    bound = scale ** np.arange(1, steps + 1, dtype=float)
    exact = inputs == "zero"

    result: dict[str, object] = {"norms": norms, "bound": bound, "final_norm": float(norms[-1])}
    below = np.flatnonzero(norms < VANISHED)
    if below.size:  # asked by numeric items; absent when the norm never falls below 1%
        result["vanish_step"] = int(below[0]) + 1
    s = format_number(scale, 4)
    stepped: list[Step] = [
        Step(
            title="the recurrent matrix W = S·Q",
            lines=(
                (
                    f"Q: {with_article(f'{hidden}x{hidden}')} orthogonal matrix (seed {seed}); "
                    "every singular value is 1.",
                ),
                (
                    Sym("W", "accent"),
                    f" = {s}·Q, so ‖W‖₂ = {s}: no vector is stretched by more than {s}.",
                ),
                (
                    "inputs: ",
                    "all zero, and h_0 = 0"
                    if exact
                    else f"x_t drawn from N(0, 1) through U ({hidden}x{hidden}, seeded), "
                    "and h_0 = 0",
                ),
            ),
            note="‖·‖₂ is the spectral norm: the largest singular value.",
            role="accent",
            values={"spectral_norm_W": float(np.linalg.norm(w, 2))},
        ),
        Step(
            title="one step back: the Jacobian ∂h_t/∂h_{t-1}",
            lines=(
                ("h_t = tanh(W·h_{t-1} + U·x_t)",),
                (
                    Sym("∂h_t/∂h_{t-1}", "accent"),
                    " = diag(1 - h_t²)·W",
                ),
                ("tanh' = 1 - h_t² is at most 1, so ‖∂h_t/∂h_{t-1}‖₂ <= ‖W‖₂ = ", Num(scale)),
            ),
            note="each step back multiplies the gradient by one of these matrices.",
            role="accent",
        ),
    ]
    samples = _samples(steps)
    rnn_table = Table(
        header=("T", "‖∂h_T/∂h_0‖", "bound S^T"),
        rows=tuple(
            (str(t), Num(float(norms[t - 1]), tiny=True), Num(float(bound[t - 1]), tiny=True))
            for t in samples
        ),
        roles=("", "accent", "muted"),
    )
    series = [Series("‖∂h_T/∂h_0‖ (RNN)", tuple(float(v) for v in norms), "accent", "●")]
    if not exact:
        series.append(Series("S^T (upper bound)", tuple(float(v) for v in bound), "muted", "·"))
    stepped.append(
        Step(
            title=f"T steps back, T = 1..{steps}",
            lines=(
                (
                    Sym("∂h_T/∂h_0", "accent"),
                    " = J_T·J_{T-1}···J_1, so ‖∂h_T/∂h_0‖₂ <= S^T = ",
                    f"{s}^T  (the upper bound)",
                ),
                (
                    "With zero input and zero state, h_t stays 0 and every tanh' is 1: the bound "
                    "is reached exactly, ‖∂h_T/∂h_0‖₂ = S^T."
                    if exact
                    else "With real inputs, tanh' < 1 shrinks every step a little more: the norm "
                    "stays under S^T.",
                ),
            ),
            table=rnn_table,
            note=_reading("RNN", norms),
            role="accent",
            # what the table reads off: asked by numeric items, whose solutions end here
            values={k: result[k] for k in ("norms", "final_norm", "vanish_step") if k in result},
            chart=Chart(series=tuple(series), x_label="T", y_label="norm (log scale)"),
        )
    )
    final_lines = [(_reading("RNN", norms),)]
    if cell == "lstm":
        p = {}
        for g in "fico":
            p[f"W_{g}x"] = rng.standard_normal((hidden, hidden)) / np.sqrt(2 * hidden)
            p[f"W_{g}h"] = rng.standard_normal((hidden, hidden)) / np.sqrt(2 * hidden)
            p[f"b_{g}"] = np.full(hidden, forget_bias if g == "f" else 0.0)
        _, _, forget = lstm_forward(p, xs, h0, np.zeros(hidden))
        cell_norms = cell_path_norms(forget)
        result["cell_norms"] = cell_norms
        f0 = float(sigmoid(np.array(forget_bias)))
        stepped.append(
            Step(
                title="the LSTM's cell-state path",
                lines=(
                    (
                        Sym("c_t", "gate.c"),
                        " = f_t * c_{t-1} + i_t * g_t",
                    ),
                    (
                        Sym("∂c_T/∂c_0", "gate.c"),
                        " along the cell path = diag(f_T * ... * f_1): "
                        "no W and no tanh' in the product",
                    ),
                    (
                        f"forget bias b_f = {format_number(forget_bias, 3)}, so with zero input "
                        f"f_t = σ({format_number(forget_bias, 3)}) = ",
                        Num(f0, "gate.f"),
                        " (a gate that has learned to remember)",
                    ),
                ),
                table=Table(
                    header=("T", "‖∂c_T/∂c_0‖ (LSTM)", "‖∂h_T/∂h_0‖ (RNN)"),
                    rows=tuple(
                        (
                            str(t),
                            Num(float(cell_norms[t - 1]), tiny=True),
                            Num(float(norms[t - 1]), tiny=True),
                        )
                        for t in samples
                    ),
                    roles=("", "gate.c", "accent"),
                ),
                note=_reading("LSTM cell path", cell_norms),
                role="gate.c",
                values={"cell_norms": cell_norms},
                chart=Chart(
                    series=(
                        series[0],
                        Series(
                            "∏ f_t (LSTM cell path)",
                            tuple(float(v) for v in cell_norms),
                            "gate.c",
                            "◆",
                        ),
                    ),
                    x_label="T",
                    y_label="norm (log scale)",
                ),
            )
        )
        final_lines.append((_reading("LSTM cell path", cell_norms),))
        result["cell_verdict"] = verdict(float(cell_norms[-1]))
    word = verdict(float(norms[-1]))
    result["verdict"] = word
    note = {
        "vanishing": "early inputs barely change the loss: the RNN cannot learn long-range "
        "dependencies.",
        "exploding": "updates blow up; gradient clipping is the usual fix.",
        "stable": "the gradient survives this many steps.",
    }[word]
    title = f"verdict: {word}"
    if cell == "lstm":
        title = f"verdict: RNN {word}, LSTM cell path {result['cell_verdict']}"
        note = _compare(float(norms[-1]), float(cell_norms[-1]), steps)
    stepped.append(
        Step(
            title=title,
            lines=(
                *final_lines,
                (
                    "Rule: below 1% of its size the gradient has vanished; above 100x it has "
                    "exploded; otherwise it is stable over these steps.",
                ),
            ),
            note=note,
            role="right" if word == "stable" else "wrong",
            values={"verdict": word},
        )
    )
    outro = [
        ("‖∂h_T/∂h_0‖ at T = ", str(steps), ": ", Num(float(norms[-1]), "accent", tiny=True),
         f"  → {word}"),
    ]  # fmt: skip
    if cell == "lstm":
        outro.append(
            ("‖∂c_T/∂c_0‖ at T = ", str(steps), ": ", Num(float(cell_norms[-1]), "gate.c",
             tiny=True), f"  → {result['cell_verdict']} (LSTM cell path)")
        )  # fmt: skip
    return Worked(
        kind="gradients",
        title=(
            f"Gradients through time in a tanh RNN (W = {s}·Q, hidden {hidden}, "
            f"{plural(steps, 'step')}, "
            f"{inputs} inputs)" + (", with the LSTM cell path" if cell == "lstm" else "")
        ),
        inputs={"inputs": inputs, "seed": seed},
        params={
            "scale": scale,
            "steps": steps,
            "hidden": hidden,
            "cell": cell,
            "forget_bias": forget_bias,
        },
        result=result,
        steps=tuple(stepped),
        answer_key="norms",
        outro=tuple(outro),
        intro=(
            (
                "Backpropagation through time multiplies one Jacobian per step: if each shrinks "
                "the gradient, it vanishes; if each stretches it, it explodes.",
            ),
        ),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.gradients`.


def read_gradients(r: Reader) -> Callable[[], Worked]:
    args = {
        "scale": r.get("scale", as_float, positive=True),
        "steps": r.get("steps", as_int),
        "hidden": r.get("hidden", as_int),
        "inputs": r.get("inputs", as_choice),
        "seed": r.get("seed", as_int),
        "cell": r.get("cell", as_choice),
        "forget_bias": r.get("forget_bias", as_float),
    }
    if args["scale"] is not None and args["scale"] > 10:
        r.add("scale", f"at most 10, got {args['scale']:g}")
    r.check()
    return lambda: explain_gradients(**args)
