"""A vanilla RNN cell in the session's notation, plus the formula helpers the gated cells share.

The session writes one step as::

    h1 = tanh(W_h h0 + W_x x1 + b_h)        (A = tanh for the hidden state)
    y1 = softmax(W_y h1 + b_y)              (A = softmax for the output)

Weights: ``W_x`` hidden x input, ``W_h`` hidden x hidden, ``b_h`` hidden, ``W_y`` output x
hidden, ``b_y`` output. Over a sequence the same weights are used at every step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.explain.inputs import (
    Layout,
    as_int,
    as_sequence,
    as_vector,
    check_vector,
    check_weights,
    cycle_vector,
    hand_weights,
)
from refresher.explain.spec import Reader
from refresher.explain.specs.rnn import DEFAULT_SEED
from refresher.explain.steps import (
    Comment,
    Line,
    Num,
    ParamGroup,
    Step,
    Sym,
    Worked,
    format_number,
    plural,
)

__all__ = [
    "RNN_LAYOUT",
    "affine_lines",
    "explain_rnn",
    "rnn_forward",
    "rnn_step",
    "seeded_note",
    "seeded_weights",
    "sigmoid",
    "softmax",
]

RNN_LAYOUT: Layout = (
    ("W_x", "hx"),
    ("W_h", "hh"),
    ("b_h", "h"),
    ("W_y", "oh"),
    ("b_y", "o"),
)

MAX_PRODUCTS = 6  # per-unit dot products are written out when a row has at most this many terms
MAX_UNITS = 4  # ... and the layer has at most this many units


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, written so large |z| neither overflows nor warns."""
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the max for stability."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def seeded_weights(
    seed: int, layout: Layout, sizes: Mapping[str, int], salt: int = 0
) -> dict[str, np.ndarray]:
    """Hand-checkable weights (multiples of 0.1 in [-0.5, 0.5]) drawn in `layout` order.

    `sizes` maps ``h`` (hidden), ``x`` (input) and ``o`` (output) to their sizes. `salt` keeps
    different cells from drawing the same numbers for the same seed.
    """
    rng = np.random.default_rng([salt, seed])
    shapes = {
        "hx": (sizes["h"], sizes["x"]),
        "hh": (sizes["h"], sizes["h"]),
        "h": (sizes["h"],),
        "oh": (sizes.get("o", 0), sizes["h"]),
        "o": (sizes.get("o", 0),),
    }
    return {name: hand_weights(rng, shapes[kind]) for name, kind in layout}


def seeded_note(seed: int | None) -> str:
    """Where seeded weights come from, for the line above the weights table."""
    return "" if seed is None else f"seed {seed}, multiples of 0.1"


def rnn_step(p: Mapping[str, np.ndarray], x: np.ndarray, h: np.ndarray) -> dict[str, np.ndarray]:
    """One step: every named value (``a_h``, ``h``, ``logits``, ``y``)."""
    a_h = p["W_h"] @ h + p["W_x"] @ x + p["b_h"]
    h1 = np.tanh(a_h)
    logits = p["W_y"] @ h1 + p["b_y"]
    return {"a_h": a_h, "h": h1, "logits": logits, "y": softmax(logits)}


def rnn_forward(
    p: Mapping[str, np.ndarray], xs: np.ndarray, h0: np.ndarray
) -> dict[str, np.ndarray]:
    """Run over a (T, input) sequence; each value is stacked to (T, n), row t = step t+1."""
    xs = np.atleast_2d(np.asarray(xs, dtype=float))
    drive = xs @ p["W_x"].T + p["b_h"]  # the input terms of every step at once
    a_hs = np.empty((xs.shape[0], p["W_h"].shape[0]))
    hs = np.empty_like(a_hs)
    h = np.asarray(h0, dtype=float)
    for t in range(xs.shape[0]):  # time is sequential; each step is vectorised over units
        a_hs[t] = p["W_h"] @ h + drive[t]
        h = hs[t] = np.tanh(a_hs[t])
    logits = hs @ p["W_y"].T + p["b_y"]
    return {"a_h": a_hs, "h": hs, "logits": logits, "y": softmax(logits)}


# ------------------------------------------------------------------------------ formula helpers


def affine_lines(
    target: Sym,
    terms: Sequence[tuple[str, np.ndarray, str, np.ndarray]],
    bias: tuple[str, np.ndarray] | None,
    value: np.ndarray,
    extra: tuple[str, np.ndarray] | None = None,
) -> list[Line]:
    """``a = W_1·v_1 + W_2·v_2 + b``: symbols, vectors, then each unit's dot products by hand.

    `terms` holds ``(matrix name, matrix, vector name, vector)``; the per-unit lines appear when
    the layer is small enough to check on paper. `extra` is one more element-wise term added
    after the bias (PyTorch's GRU adds ``r * (W_nh·h + b_hn)`` there).
    """
    symbolic: list = [target, " = "]
    numeric: list = [" " * len(target.text), " = "]
    for k, (w_name, w, v_name, v) in enumerate(terms):
        symbolic += [" + " if k else "", Sym(w_name), "·", Sym(v_name)]
        numeric += [" + " if k else "", w @ v]
    if bias is not None:
        symbolic += [" + ", Sym(bias[0])]
        numeric += [" + ", bias[1]]
    if extra is not None:
        symbolic += [" + ", Sym(extra[0])]
        numeric += [" + ", extra[1]]
    numeric += [" = ", value]
    lines: list[Line] = [tuple(symbolic), tuple(numeric)]
    width = sum(w.shape[1] for _, w, _, _ in terms)
    if value.shape[0] <= MAX_UNITS and width <= MAX_PRODUCTS:
        for u in range(value.shape[0]):
            parts: list = [f"  unit {u + 1}: "]
            for k, (_, w, _, v) in enumerate(terms):
                group = w.shape[1] > 1 and len(terms) + (bias is not None) > 1
                parts += [" + " if k else "", "(" if group else ""]
                for j in range(w.shape[1]):
                    parts += [
                        " + " if j else "",
                        Num(float(w[u, j]), paren=True),  # every negative factor alike
                        "·",
                        Num(float(v[j]), paren=True),
                    ]
                parts += [")" if group else ""]
            if bias is not None:
                parts += [" + ", Num(float(bias[1][u]), paren=True)]
            if extra is not None:
                parts += [" + ", Num(float(extra[1][u]), paren=True)]
            parts += [" = ", Num(float(value[u]), target.role)]
            lines.append(tuple(parts))
    return lines


def activation_line(out: Sym, fn: str, pre: str, pre_value: np.ndarray, value: np.ndarray) -> Line:
    """``f_t = σ(a_f) = σ([0.05, -0.2]) = [0.51, 0.45]``."""
    return (out, f" = {fn}(", Sym(pre), f") = {fn}(", pre_value, ") = ", Num(value, out.role))


def percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def per_unit(values: np.ndarray, describe, short=None, limit: int = 4) -> str:
    """Describe each unit, or summarise when there are many.

    ``describe(unit, value)`` reads the first unit in full ("unit 1 keeps 21% of its old
    memory"); ``short(unit, value)`` the others ("unit 2 57%"), defaulting to `describe`.
    """
    if values.shape[0] <= limit:
        short = short or describe
        texts = [(describe if u == 0 else short)(u + 1, float(v)) for u, v in enumerate(values)]
        return ", ".join(texts) + "."
    hi, lo = int(np.argmax(values)), int(np.argmin(values))
    return (
        f"{plural(values.shape[0], 'unit')}, mean {format_number(float(values.mean()), 2)}; "
        f"highest {describe(hi + 1, float(values[hi]))}; "
        f"lowest {describe(lo + 1, float(values[lo]))}."
    )


def combine_line(out: Sym, a, op: str, b, value, words: str = "") -> tuple:
    """``out = words = a op b = value``, the value in `out`'s colour (no `words`: no middle)."""
    middle = f" = {words} = " if words else " = "
    return (out, middle, a, f" {op} ", b, " = ", Num(value, out.role))


def state_rule(comment: str) -> tuple:
    """The tanh RNN's state equation, as an intro line (rnn, bptt)."""
    return (Sym("h_t", "gate.h"), " = tanh(W_h·h_{t-1} + W_x·x_t + b_h)", Comment(comment))


def share_note(values: np.ndarray, words: str) -> str:
    """A gate's note: each unit's share in `words` (``"keeps {} of its old memory"``) for the
    first unit, the share alone for the others."""
    return per_unit(
        values,
        lambda u, v: f"unit {u} " + words.format(percent(v)),
        lambda u, v: f"unit {u} {percent(v)}",
    )


# ------------------------------------------------------------------------------ worked example


def _split_or_merged(
    split: bool,
    role: str,
    parts: list[tuple[str, tuple, str, dict[str, np.ndarray]]],
    merged: tuple[str, str],
) -> list[Step]:
    """One step per ``(title, lines, note, values)`` part (a single time step), or all the
    parts' lines and values in one step titled and noted by `merged` (a sequence)."""
    if split:
        return [
            Step(title=title, lines=lines, note=note, role=role, values=values)
            for title, lines, note, values in parts
        ]
    title, note = merged
    return [
        Step(
            title=title,
            lines=tuple(line for _, lines, _, _ in parts for line in lines),
            note=note,
            role=role,
            values={k: v for *_, values in parts for k, v in values.items()},
        )
    ]


def explain_rnn(
    p: Mapping[str, np.ndarray],
    xs: np.ndarray,
    h0: np.ndarray,
    *,
    seed: int | None = None,
) -> Worked:
    """One step (or a short unrolled sequence) of the session's RNN, every number shown."""
    xs = np.atleast_2d(np.asarray(xs, dtype=float))
    h0 = np.asarray(h0, dtype=float)
    run = rnn_forward(p, xs, h0)
    steps_n = xs.shape[0]
    hidden, inputs, outputs = p["W_h"].shape[0], p["W_x"].shape[1], p["W_y"].shape[0]
    steps: list[Step] = []
    h_prev = h0
    for t in range(steps_n):
        n, prev = t + 1, t
        x, a_h, h = xs[t], run["a_h"][t], run["h"][t]
        logits, y = run["logits"][t], run["y"][t]
        at = f" (t = {n})" if steps_n > 1 else ""
        pre_lines = affine_lines(
            Sym("a_h", "gate.h"),
            [("W_h", p["W_h"], f"h{prev}", h_prev), ("W_x", p["W_x"], f"x{n}", x)],
            ("b_h", p["b_h"]),
            a_h,
        )
        hidden_lines = [
            *pre_lines,
            (Sym(f"h{n}", "gate.h"), " = tanh(", Sym("a_h"), ") = tanh(", a_h, ") = ", h),
        ]
        steps += _split_or_merged(
            steps_n == 1,
            "gate.h",
            [
                (
                    f"hidden pre-activation a_h{at}",
                    tuple(pre_lines),
                    "the old state and the new input, mixed by the weights, plus a bias.",
                    {"a_h": a_h},
                ),
                (
                    f"hidden state h{n} = tanh(a_h)",
                    (hidden_lines[-1],),
                    "tanh squashes each unit into (-1, 1): "
                    + per_unit(h, lambda u, v: f"unit {u} {format_number(v, 2)}"),
                    {"h": h},
                ),
            ],
            (
                f"hidden state h{n}{at}",
                f"h{n} carries what the network remembers after {plural(n, 'input')}.",
            ),
        )
        out_pre = affine_lines(
            Sym("logits", "gate.o"), [("W_y", p["W_y"], f"h{n}", h)], ("b_y", p["b_y"]), logits
        )
        exps = np.exp(logits - logits.max())
        soft = (
            Sym(f"y{n}", "gate.o"),
            " = softmax(",
            Sym("logits"),
            ") = exp(logits - max) / sum = ",
            exps,
            " / ",
            Num(float(exps.sum())),
            " = ",
            y,
        )
        best = int(np.argmax(y))
        if outputs == 1:
            note = "with a single class, softmax always gives it probability 1."
        else:
            note = (
                f"class {best + 1} is the most likely ({percent(float(y[best]))}); the {outputs} "
                "probabilities add up to 1."
            )
        steps += _split_or_merged(
            steps_n == 1,
            "gate.o",
            [
                (
                    f"output scores W_y·h{n} + b_y",
                    tuple(out_pre),
                    "one score (logit) per output class.",
                    {"logits": logits},
                ),
                (f"output y{n} = softmax(logits)", (soft,), note, {"y": y}),
            ],
            (f"output y{n}{at}", note),
        )
        h_prev = h

    result = {k: v[0] for k, v in run.items()} if steps_n == 1 else dict(run)
    last = steps_n
    return Worked(
        kind="rnn",
        title=(
            f"RNN, {'one time step' if steps_n == 1 else f'{steps_n} time steps'} "
            f"(input {inputs}, hidden {hidden}, output {outputs})"
        ),
        weights_note=seeded_note(seed),
        inputs={"x": xs[0] if steps_n == 1 else xs, "h": h0},
        params=dict(p),
        result=result,
        steps=tuple(steps),
        answer_key="y",
        intro=(
            state_rule("hidden state (A = tanh)"),
            (Sym("y_t", "gate.o"), " = softmax(W_y·h_t + b_y)", Comment("output (A = softmax)")),
            ("· is a matrix-vector product; the same weights are used at every time step.",),
        ),
        outro=(
            (
                Sym(f"h{last}", "gate.h"),
                " = ",
                run["h"][-1],
                "    ",
                Sym(f"y{last}", "gate.o"),
                " = ",
                run["y"][-1],
            ),
        ),
        groups=(
            ParamGroup("hidden", ("W_x", "W_h", "b_h"), "gate.h"),
            ParamGroup("output", ("W_y", "b_y"), "gate.o"),
        ),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.rnn`; the helpers
# below read the options every recurrent cell shares (lstm, gru and bptt use them too).


def read_weights(
    r: Reader, layout: Layout, salt: int, with_output: bool = False
) -> tuple[dict[str, np.ndarray] | None, int | None, int | None]:
    """Weights from ``params`` or drawn from ``seed`` (`salt`: the cell's own draws); returns
    (weights, seed, input size)."""
    if r.has("params"):
        clash = [k for k in ("seed", "input_size", "hidden_size", "output_size") if r.has(k)]
        if clash:
            r.add(
                "params",
                f"give params or {r.label(clash[0])}, not both (the sizes come from the weights)",
            )
            return None, None, None
        try:
            weights = check_weights(r.spec["params"], layout, r.label("params"))
        except InputError as exc:
            r.fail("params", exc)
            return None, None, None
        first_hx = next(n for n, k in layout if k == "hx")
        return weights, None, weights[first_hx].shape[1]
    seed = r.get("seed", as_int)
    hidden = r.get("hidden_size", as_int, None)
    inputs = r.get("input_size", as_int, None)
    outputs = r.get("output_size", as_int) if with_output else 0
    # Sizes not given are read off x and h (a bad x or h is reported when it is read).
    if inputs is None and r.has("x"):
        inputs = r.peek("x", lambda v, n: as_sequence(v, n).shape[1])
    if hidden is None and r.has("h"):
        hidden = r.peek("h", lambda v, n: as_vector(v, n).shape[0])
    if seed is None or outputs is None:
        return None, None, None
    sizes = {
        "x": inputs or r.default("input_size"),
        "h": hidden or r.default("hidden_size"),
        "o": outputs,
    }
    return seeded_weights(seed, layout, sizes, salt), seed, sizes["x"]


def read_state(r: Reader, key: str, hidden: int) -> np.ndarray | None:
    """A state vector of the hidden size, or the option's pattern repeated to that size."""
    if not r.has(key):
        return cycle_vector(r.default(key), hidden)
    return r.get(key, check_vector, size=hidden, what=f"hidden size {hidden}")


def read_rows(
    r: Reader, key: str, inputs: int, steps: int | None, per_row: str = ""
) -> tuple[np.ndarray | None, bool]:
    """The given inputs of `key`, one row per time step, and whether their width is the input
    size; one row is repeated to `steps` (a different count of rows is a problem)."""
    xs = r.get(key, as_sequence)
    if xs is None:
        return None, True
    if xs.shape[1] != inputs:
        r.add(
            key,
            f"expected {plural(inputs, 'value')}{per_row} (input size {inputs}), got {xs.shape[1]}",
        )
        return xs, False
    if steps is not None and xs.shape[0] != steps:
        if xs.shape[0] == 1:
            xs = np.repeat(xs, steps, axis=0)
        else:
            r.add(
                "steps",
                f"{plural(steps, 'step')} but {r.label(key)} has "
                f"{plural(xs.shape[0], 'row')} (one per time step)",
            )
    return xs, True


def read_x(r: Reader, inputs: int, steps: int | None = None) -> np.ndarray | None:
    """``x`` as rows (None when its width is wrong), or the option's pattern as one row."""
    if not r.has("x"):
        return cycle_vector(r.default("x"), inputs)[None, :]
    xs, fits = read_rows(r, "x", inputs, steps)
    return xs if fits else None


def one_step(r: Reader, xs: np.ndarray | None) -> np.ndarray | None:
    """The single input vector of a one-step cell (lstm, gru)."""
    if xs is not None and xs.shape[0] != 1:
        r.add("x", f"expected one vector (one time step), got {xs.shape[0]} rows")
        return None
    return None if xs is None else xs[0]


def read_one_step(
    r: Reader, layout: Layout, salt: int, states: tuple[str, ...] = ("h",)
) -> tuple[dict[str, np.ndarray], int | None, np.ndarray, list[np.ndarray]]:
    """A one-step gated cell's options (lstm, gru): weights, seed, the input vector and the
    `states` (h, c), each of the hidden size."""
    p, seed, inputs = read_weights(r, layout, salt)
    r.check()
    hidden = p[next(n for n, k in layout if k == "hh")].shape[0]
    xs = read_x(r, inputs)
    values = [read_state(r, key, hidden) for key in states]
    x = one_step(r, xs)
    r.check()
    return p, seed, x, values


def check_length(r: Reader, key: str, xs: np.ndarray | None) -> None:
    if xs is not None and xs.shape[0] > limits.STEPS:
        r.add(key, f"at most {limits.STEPS} time steps, got {xs.shape[0]}")


def drawn_inputs(seed: int | None, steps: int, inputs: int) -> np.ndarray:
    """Inputs drawn from the seed: multiples of 0.5 in [-1, 1], one row per step."""
    rng = np.random.default_rng([DEFAULT_SEED if seed is None else seed, 1])
    return rng.integers(-2, 3, size=(steps, inputs)) / 2.0


def read_rnn(r: Reader) -> Callable[[], Worked]:
    p, seed, inputs = read_weights(r, RNN_LAYOUT, 1, with_output=True)
    steps = r.get("steps", as_int)
    r.check()
    h0 = read_state(r, "h", p["W_h"].shape[0])
    if not r.has("x") and steps is not None and steps > 1:
        xs = drawn_inputs(seed, steps, inputs)
    else:
        xs = read_x(r, inputs, steps)
    check_length(r, "x", xs)
    r.check()
    return lambda: explain_rnn(p, xs, h0, seed=seed)
