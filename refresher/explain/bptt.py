"""Backpropagation through time, worked on the board: a tanh RNN read out at its last step.

The model, in the session's notation (``·`` a matrix product, ``*`` element-wise)::

    a_t = W_h·h_{t-1} + W_x·x_t + b_h        h_t = tanh(a_t)        t = 1..T
    y   = W_y·h_T + b_y
    L   = -log softmax(y)_k                  (loss "ce", label k, counted from 1)
    L   = ½‖y - target‖²                     (loss "mse")

Backwards, from the output to the first step::

    ∂L/∂y       = softmax(y) - onehot(k)     or   y - target
    ∂L/∂W_y     = ∂L/∂y·h_Tᵀ                 ∂L/∂b_y = ∂L/∂y
    ∂L/∂h_T     = W_yᵀ·∂L/∂y
    δ_t         = ∂L/∂h_t * (1 - h_t²)       back through tanh (this is ∂L/∂a_t)
    step t adds δ_t·h_{t-1}ᵀ to ∂L/∂W_h, δ_t·x_tᵀ to ∂L/∂W_x and δ_t to ∂L/∂b_h
    ∂L/∂h_{t-1} = W_hᵀ·δ_t

The weights are shared by every step, so their gradients are the sums of the steps' shares.
``contribution_norms[t]`` is the Frobenius norm of step t's share of ∂L/∂W_h: how much the
input at step t still teaches the recurrent weights. Each step back multiplies the gradient by
``W_hᵀ·diag(1 - h_t²)``; when that shrinks it, the early shares fade, which is the vanishing
gradient seen in numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from refresher.explain.inputs import as_choice, as_int, as_sequence, check_vector
from refresher.explain.rnn import (
    RNN_LAYOUT,
    check_length,
    drawn_inputs,
    read_rows,
    read_state,
    read_weights,
    seeded_note,
    softmax,
    state_rule,
)
from refresher.explain.spec import Reader
from refresher.explain.specs.bptt import BPTT, LOSSES, MAX_HIDDEN, RESULT_KEYS
from refresher.explain.steps import (
    Chart,
    Comment,
    Num,
    ParamGroup,
    Series,
    Step,
    Sym,
    Table,
    Worked,
    format_number,
    plural,
)

__all__ = ["LOSSES", "MAX_HIDDEN", "bptt_gradients", "explain_bptt"]

# Matrices up to this size (either way) are written out in the formula lines; bigger ones are
# summarised by their norm (every value is still in --json).
SHOW_MATRIX = 4


def bptt_gradients(
    p: Mapping[str, np.ndarray],
    xs: np.ndarray,
    h0: np.ndarray,
    *,
    loss: str = BPTT.default("loss"),
    label: int = BPTT.default("label"),
    target: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Forward pass, loss and every gradient, per step and in total.

    Returns the JSON result keys (``h y loss dL_dh dL_dW_h dL_dW_x dL_db_h dL_dW_y dL_db_y
    dW_h_by_step contribution_norms``) plus the intermediate values the steps show
    (``a_h probs dL_dy delta dW_x_by_step dL_dh_prev``).
    """
    xs = np.atleast_2d(np.asarray(xs, dtype=float))
    steps = xs.shape[0]
    hidden = p["W_h"].shape[0]
    a_h = np.empty((steps, hidden))
    hs = np.empty((steps, hidden))
    h = np.asarray(h0, dtype=float)
    for t in range(steps):  # time is sequential; each step is vectorised over the units
        a_h[t] = p["W_h"] @ h + p["W_x"] @ xs[t] + p["b_h"]
        h = hs[t] = np.tanh(a_h[t])
    y = p["W_y"] @ hs[-1] + p["b_y"]
    probs = softmax(y)
    if loss == "ce":
        # log-sum-exp less y_k: -log of a probability that underflows to 0 would be ∞
        top = float(y.max())
        value = float(top + np.log(np.exp(y - top).sum()) - y[label - 1])
        dL_dy = probs.copy()
        dL_dy[label - 1] -= 1.0
    else:
        err = y - np.asarray(target, dtype=float)
        value = float(0.5 * err @ err)
        dL_dy = err
    h_prev = np.vstack([np.asarray(h0, dtype=float)[None, :], hs[:-1]])  # h_{t-1} per row
    dL_dh = np.empty((steps, hidden))
    delta = np.empty((steps, hidden))
    back = p["W_y"].T @ dL_dy
    for t in range(steps - 1, -1, -1):
        dL_dh[t] = back
        delta[t] = back * (1.0 - hs[t] ** 2)
        back = p["W_h"].T @ delta[t]
    dW_h_by_step = delta[:, :, None] * h_prev[:, None, :]
    dW_x_by_step = delta[:, :, None] * xs[:, None, :]
    return {
        "h": hs,
        "y": y,
        "loss": value,
        "dL_dh": dL_dh,
        "dL_dW_h": dW_h_by_step.sum(axis=0),
        "dL_dW_x": dW_x_by_step.sum(axis=0),
        "dL_db_h": delta.sum(axis=0),
        "dL_dW_y": np.outer(dL_dy, hs[-1]),
        "dL_db_y": dL_dy,
        "dW_h_by_step": dW_h_by_step,
        "contribution_norms": np.sqrt((dW_h_by_step**2).sum(axis=(1, 2))),
        # shown in the steps, not part of the JSON result
        "a_h": a_h,
        "probs": probs,
        "dL_dy": dL_dy,
        "delta": delta,
        "dW_x_by_step": dW_x_by_step,
        "dL_dh_prev": back,
    }


def _matrix(m: np.ndarray, role: str = "") -> tuple:
    """A matrix written out when it is small enough to check by hand, else its norm."""
    if max(m.shape) <= SHOW_MATRIX:
        return (Num(m, role),)
    return (f"({m.shape[0]}x{m.shape[1]}, norm ", Num(float(np.linalg.norm(m)), role), ")")


def _share(value: float, reference: float) -> str:
    if reference == 0:
        return ""
    return f"{format_number(100 * value / reference, 1)}% of step T's"


def explain_bptt(
    p: Mapping[str, np.ndarray],
    xs: np.ndarray,
    h0: np.ndarray,
    *,
    loss: str = BPTT.default("loss"),
    label: int = BPTT.default("label"),
    target: np.ndarray | None = None,
    seed: int | None = None,
) -> Worked:
    """The forward pass, the loss, then every step back with its share of the gradients."""
    xs = np.atleast_2d(np.asarray(xs, dtype=float))
    h0 = np.asarray(h0, dtype=float)
    g = bptt_gradients(p, xs, h0, loss=loss, label=label, target=target)
    steps_n = xs.shape[0]
    hidden, inputs, outputs = p["W_h"].shape[0], p["W_x"].shape[1], p["W_y"].shape[0]
    hs, last = g["h"], f"h{steps_n}"
    steps: list[Step] = []

    # ---------------------------------------------------------------- forward
    rows = [("0", "", "", Num(h0, "gate.h"))]
    rows += [
        (str(t + 1), Num(xs[t]), Num(g["a_h"][t]), Num(hs[t], "gate.h")) for t in range(steps_n)
    ]
    steps.append(
        Step(
            title=f"forward pass, t = 1..{steps_n}",
            lines=(
                (
                    Sym("a_t", "gate.h"),
                    " = W_h·h_{t-1} + W_x·x_t + b_h,   ",
                    Sym("h_t", "gate.h"),
                    " = tanh(a_t)",
                ),
            ),
            table=Table(
                header=("t", "x_t", "a_t", "h_t"),
                rows=tuple(rows),
                roles=("", "", "muted", "gate.h"),
            ),
            note="each row starts from the h of the row above; the backward pass needs every "
            "h_t, so they are kept.",
            role="gate.h",
            values={"a_h": g["a_h"], "h": hs},
        )
    )

    # ---------------------------------------------------------------- output and loss
    y, probs = g["y"], g["probs"]
    out_lines: list[tuple] = [
        (
            Sym("y", "gate.o"),
            f" = W_y·{last} + b_y = ",
            p["W_y"] @ hs[-1],
            " + ",
            p["b_y"],
            " = ",
            Num(y, "gate.o"),
        ),
    ]
    if loss == "ce":
        k = label
        out_lines += [
            (Sym("softmax(y)", "gate.o"), " = ", Num(probs, "gate.o")),
            (
                Sym("L", "accent"),
                f" = -log softmax(y)_{k} = -log ",
                Num(float(probs[k - 1]), tiny=True),
                " = ",
                Num(g["loss"], "accent"),
            )
            if probs[k - 1] > 0
            else (  # a probability too small for a float: the loss from the logits
                Sym("L", "accent"),
                f" = -log softmax(y)_{k} = log Σ_j e^(y_j) - y_{k} = ",
                Num(g["loss"], "accent"),
            ),
        ]
        loss_note = (
            f"the model gives the true class {k} a probability of "
            f"{format_number(float(probs[k - 1]), 3)}; the loss is 0 only when that is 1."
        )
    else:
        t_vec = np.asarray(target, dtype=float)
        out_lines += [
            (Sym("y - target", "gate.o"), " = ", y, " - ", t_vec, " = ", Num(y - t_vec)),
            (
                Sym("L", "accent"),
                " = ½‖y - target‖² = ½·",
                Num(float((y - t_vec) @ (y - t_vec))),
                " = ",
                Num(g["loss"], "accent"),
            ),
        ]
        loss_note = "half the squared distance between the output and the target."
    steps.append(
        Step(
            title="output y and loss L",
            lines=tuple(out_lines),
            note=loss_note,
            role="gate.o",
            values={"y": y, "loss": g["loss"]},
        )
    )

    # ---------------------------------------------------------------- ∂L/∂y
    dL_dy = g["dL_dy"]
    if loss == "ce":
        onehot = np.zeros(outputs)
        onehot[label - 1] = 1.0
        dy_line = (
            Sym("∂L/∂y", "accent"),
            f" = softmax(y) - onehot({label}) = ",
            probs,
            " - ",
            onehot,
            " = ",
            Num(dL_dy, "accent"),
        )
        dy_note = (
            "softmax and cross-entropy together give a simple difference: predicted "
            "probabilities minus the true one-hot vector."
        )
    else:
        dy_line = (Sym("∂L/∂y", "accent"), " = y - target = ", Num(dL_dy, "accent"))
        dy_note = "for a squared error the gradient at the output is the error itself."
    steps.append(
        Step(
            title="gradient at the output, ∂L/∂y",
            lines=(dy_line,),
            note=dy_note,
            role="accent",
            values={"dL_dy": dL_dy},
        )
    )

    # ---------------------------------------------------------------- output weights, ∂L/∂h_T
    steps.append(
        Step(
            title=f"output weights and ∂L/∂{last}",
            lines=(
                (
                    Sym("∂L/∂W_y", "gate.o"),
                    f" = ∂L/∂y·{last}ᵀ = ",
                    *_matrix(g["dL_dW_y"], "gate.o"),
                ),
                (Sym("∂L/∂b_y", "gate.o"), " = ∂L/∂y = ", Num(g["dL_db_y"], "gate.o")),
                (Sym(f"∂L/∂{last}", "accent"), " = W_yᵀ·∂L/∂y = ", Num(g["dL_dh"][-1], "accent")),
            ),
            note=f"W_y is used once, at the last step, so its gradient has one term; ∂L/∂{last} "
            "is where backpropagation through time starts.",
            role="gate.o",
            values={"dL_dW_y": g["dL_dW_y"], "dL_db_y": g["dL_db_y"], "dL_dh_T": g["dL_dh"][-1]},
        )
    )

    # ---------------------------------------------------------------- one step back at a time
    norms = g["contribution_norms"]
    for t in range(steps_n - 1, -1, -1):
        n = t + 1
        dW_h, dW_x, delta = g["dW_h_by_step"][t], g["dW_x_by_step"][t], g["delta"][t]
        passed = g["dL_dh"][t - 1] if t > 0 else g["dL_dh_prev"]
        origin = "from the output" if n == steps_n else f"passed back from step {n + 1}"
        lines = [
            (Sym(f"∂L/∂h{n}", "accent"), " = ", Num(g["dL_dh"][t], "accent"), Comment(origin)),
            ("1 - ", Sym(f"h{n}"), "² = ", Num(1.0 - hs[t] ** 2), Comment("tanh' at this step")),
            (
                Sym(f"δ{n}", "accent"),
                f" = ∂L/∂h{n} * (1 - h{n}²) = ",
                Num(delta, "accent"),
                Comment(f"∂L/∂a{n}"),
            ),
            (Sym("∂L/∂W_h", "gate.h"), f" += δ{n}·h{n - 1}ᵀ = ", *_matrix(dW_h, "gate.h")),
            (Sym("∂L/∂W_x", "gate.h"), f" += δ{n}·x{n}ᵀ = ", *_matrix(dW_x, "gate.h")),
            (Sym("∂L/∂b_h", "gate.h"), f" += δ{n} = ", Num(delta, "gate.h")),
            (
                Sym(f"∂L/∂h{n - 1}", "accent"),
                f" = W_hᵀ·δ{n} = ",
                Num(passed, "accent"),
                Comment("to the step before" if n > 1 else "to h0 (not a weight: it stops here)"),
            ),
        ]
        size = format_number(float(norms[t]), 4, tiny=True)
        if n == steps_n:
            note = f"this step's share of ∂L/∂W_h has norm {size}; the earlier ones compare to it."
        else:
            share = _share(float(norms[t]), float(norms[-1]))
            note = f"this step's share of ∂L/∂W_h has norm {size}" + (
                f" ({share})." if share else "."
            )
        steps.append(
            Step(
                title=f"step {n} back (t = {n})",
                lines=tuple(lines),
                note=note,
                role="accent",
                values={
                    "dL_dh": g["dL_dh"][t],
                    "delta": delta,
                    "dW_h": dW_h,
                    "dW_x": dW_x,
                    "db_h": delta,
                    "dL_dh_prev": passed,
                    "contribution_norm": float(norms[t]),
                },
            )
        )

    # ---------------------------------------------------------------- totals
    total_lines: list[tuple] = [
        (Sym("∂L/∂W_h", "gate.h"), " = Σ δ_t·h_{t-1}ᵀ = ", *_matrix(g["dL_dW_h"], "gate.h")),
        (Sym("∂L/∂W_x", "gate.h"), " = Σ δ_t·x_tᵀ = ", *_matrix(g["dL_dW_x"], "gate.h")),
    ]
    db_terms: list = []
    if steps_n <= 4:
        for t in range(steps_n):
            db_terms += [" + " if t else "", g["delta"][t]]
        db_terms.append(" = ")
    total_lines.append(
        (Sym("∂L/∂b_h", "gate.h"), " = Σ δ_t = ", *db_terms, Num(g["dL_db_h"], "gate.h"))
    )
    steps.append(
        Step(
            title=f"totals over the {plural(steps_n, 'step')}",
            lines=tuple(total_lines),
            note="one set of weights is used at every step, so each gradient is the sum of the "
            "steps' shares (t = 1..T).",
            role="gate.h",
            values={"dL_dW_h": g["dL_dW_h"], "dL_dW_x": g["dL_dW_x"], "dL_db_h": g["dL_db_h"]},
        )
    )

    # ---------------------------------------------------------------- the reading
    grad_norms = np.linalg.norm(g["dL_dh"], axis=1)
    table = Table(
        header=("t", "‖∂L/∂h_t‖", "‖share of ∂L/∂W_h‖"),
        rows=tuple(
            (str(t + 1), Num(float(grad_norms[t]), tiny=True), Num(float(norms[t]), tiny=True))
            for t in range(steps_n)
        ),
        roles=("", "accent", "gate.h"),
    )
    reading = _reading(grad_norms, norms)
    steps.append(
        Step(
            title="reading: how much each step still learns",
            lines=(
                (
                    "Each step back multiplies the gradient by W_hᵀ·diag(1 - h_t²): tanh' is at "
                    "most 1, so unless W_h stretches vectors the gradient shrinks step after step.",
                ),
            ),
            table=table,
            chart=Chart(
                series=(
                    Series("‖∂L/∂h_t‖", tuple(float(v) for v in grad_norms), "accent", "●"),
                    Series(
                        "‖step t's share of ∂L/∂W_h‖", tuple(float(v) for v in norms), "gate.h", "◆"
                    ),
                ),
                x_label="t",
                y_label="norm (log scale)",
            ),
            note=reading,
            role="accent",
            values={"gradient_norms": grad_norms, "contribution_norms": norms},
        )
    )

    loss_name = (
        f"softmax cross-entropy, label {label}" if loss == "ce" else "squared error ½‖y - target‖²"
    )
    given: dict[str, object] = {"x": xs, "h": h0}
    if loss == "ce":
        given["label"] = label
    else:
        given["target"] = np.asarray(target, dtype=float)
    return Worked(
        kind="bptt",
        title=(
            f"Backpropagation through time, {plural(steps_n, 'step')} (input {inputs}, "
            f"hidden {hidden}, output {outputs}; {loss_name})"
        ),
        weights_note=seeded_note(seed),
        inputs=given,
        params={**p, "loss": loss},
        result={key: g[key] for key in RESULT_KEYS},
        steps=tuple(steps),
        answer_key="dL_dW_h",
        intro=(
            state_rule("hidden state, t = 1..T"),
            (Sym("y", "gate.o"), " = W_y·h_T + b_y", Comment("output, read at the last step")),
            (
                Sym("L", "accent"),
                " = -log softmax(y)_k" if loss == "ce" else " = ½‖y - target‖²",
                Comment("loss"),
            ),
            ("Backwards: from ∂L/∂y to h_T, then one step back at a time.",),
            ("· is a matrix product, * element-wise, ᵀ a transpose.",),
        ),
        outro=(
            (
                Sym("L", "accent"),
                " = ",
                Num(g["loss"], "accent"),
                "    ",
                Sym("∂L/∂W_h", "gate.h"),
                " = ",
                *_matrix(g["dL_dW_h"], "gate.h"),
            ),
        ),
        groups=(
            ParamGroup("hidden", ("W_x", "W_h", "b_h"), "gate.h"),
            ParamGroup("output", ("W_y", "b_y"), "gate.o"),
        ),
    )


def _reading(grad_norms: np.ndarray, shares: np.ndarray) -> str:
    """What the norms say: the gradient's average factor per step back, and what it means."""
    steps = grad_norms.shape[0]
    if steps == 1:
        return "with one step there is nothing to pass back: unroll more steps to see the trend."
    first, final = float(grad_norms[0]), float(grad_norms[-1])
    if final == 0:
        return "the gradient at the output is zero: nothing flows back (the loss is at a minimum)."
    ratio = first / final
    factor = ratio ** (1.0 / (steps - 1))
    text = (
        f"from step {steps} back to step 1, ‖∂L/∂h_t‖ went from {format_number(final, 3)} to "
        f"{format_number(first, 3, tiny=True)}: ×{format_number(factor, 3)} per step back"
    )
    if shares[-1] > 0:
        text += (
            f"; step 1's share of ∂L/∂W_h is {format_number(100 * shares[0] / shares[-1], 1)}% "
            "of step T's"
        )
    if factor < 1:
        fifty = factor**50
        text += (
            f". At that rate 50 steps back leave ×{format_number(fifty, 2, tiny=True)}: early "
            "inputs hardly change the weights, the vanishing-gradient problem that LSTM and GRU "
            "cells address."
        )
    elif factor > 1:
        text += (
            ". The gradient grows on the way back: over many steps it explodes, which gradient "
            "clipping keeps in check."
        )
    else:
        text += "."
    return text


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.bptt`.


def read_bptt(r: Reader) -> Callable[[], Worked]:
    if r.has("xs") and not r.has("params") and not r.has("input_size"):
        # seeded weights take their input size from the rows of xs
        width = r.peek("xs", lambda v, n: as_sequence(v, n).shape[1])
        if width is not None:
            r = Reader({**r.spec, "input_size": width}, r.label, r.example)
    p, seed, inputs = read_weights(r, RNN_LAYOUT, 1, with_output=True)
    steps = r.get("steps", as_int, None)  # None: not given (one xs row is then not repeated)
    loss = r.get("loss", as_choice)
    r.check()
    hidden, outputs = p["W_h"].shape[0], p["W_y"].shape[0]
    if hidden > MAX_HIDDEN:
        r.add(
            "params" if r.has("params") else "hidden_size",
            f"at most {MAX_HIDDEN} hidden units for bptt, got {hidden}",
        )
    h0 = read_state(r, "h", hidden)
    if r.has("xs"):
        xs, _ = read_rows(r, "xs", inputs, steps, " per row")
        check_length(r, "xs", xs)
    else:
        xs = drawn_inputs(seed, steps or r.default("steps"), inputs)
    label, target = r.default("label"), None
    if loss == "ce":
        if r.has("target"):
            r.add("target", f"only with {r.label('loss')} mse")
        label = r.get("label", as_int, maximum=outputs)
    elif loss == "mse":
        if r.has("target") and r.has("label"):
            r.add("label", f"give {r.label('target')} or a label, not both")
        elif r.has("target"):
            target = r.get("target", check_vector, size=outputs, what=f"output size {outputs}")
        else:  # the label's one-hot vector
            label = r.get("label", as_int, maximum=outputs)
            if label is not None:
                target = np.eye(outputs)[label - 1]
    r.check()
    return lambda: explain_bptt(p, xs, h0, loss=loss, label=label, target=target, seed=seed)
