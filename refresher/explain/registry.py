"""Kind name -> worked example, from plain-Python specs. The one entry point for graders.

A spec is a mapping with a ``kind`` and option-like keys, the same names as the command-line
options (underscores for dashes)::

    {"kind": "pool", "mode": "avg", "input": [[1, 2], [3, 4]], "size": 2, "stride": 2}
    {"kind": "lstm", "seed": 3, "x": [1, -1]}
    {"kind": "gru", "params": {"W_rx": [[0.1]], ...}, "x": [1], "h": [0.5], "variant": "pytorch"}

Every key is optional except ``kind``; defaults are the session's own small examples. Values may
be numbers, nested lists or text (``"1 2; 3 4"``, ``"2x3"``). An optional ``answer`` names the
result value a numeric question grades (``Worked.answer``); each kind has a default.

``compute(spec)`` returns a `Worked` or raises `SpecError` (an `InputError`) listing every problem;
``validate(spec)`` returns those problems as strings and never raises. Kinds:

=============  ==================================================================  ===========
kind           keys                                                                answer
=============  ==================================================================  ===========
pool           input mode size stride padding ceil exclude_pad                     output
pool-size      input_size | input, size stride padding ceil                        output_size
conv           input kernel stride padding                                         output
conv-size      input_size | input, size stride padding                             output_size
rnn            params | seed input_size hidden_size output_size, x h steps         y
lstm           params | seed input_size hidden_size, x h c                         h
gru            params | seed input_size hidden_size, x h variant                   h
gradients      scale steps hidden inputs seed cell forget_bias                     norms
               (also final_norm, and vanish_step: the first T below 1%, when there is one)
params         cell input_size hidden_size output_size                             count
bptt           params | seed input_size hidden_size output_size, xs h steps       dL_dW_h
               loss label | target
=============  ==================================================================  ===========
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from refresher.core import limits
from refresher.core.errors import InputError
from refresher.explain import bptt, conv, gradients, gru, lstm, params, pooling, rnn
from refresher.explain.inputs import (
    as_bool,
    as_choice,
    as_float,
    as_int,
    as_matrix,
    as_pair,
    as_sequence,
    as_vector,
    check_vector,
    check_weights,
    cycle_vector,
)
from refresher.explain.steps import Worked, plural

__all__ = [
    "DEFAULT_SEED",
    "KINDS",
    "SESSION_C",
    "Kind",
    "SpecError",
    "compute",
    "kinds",
    "validate",
    "validate_by_key",
]

# The session's array C (the output of a convolution, to be average-pooled).
SESSION_C = ((1, 2, 3, 4), (5, 6, 7, 8), (1, 2, 3, 4), (5, 7, 6, 8))
DEFAULT_KERNEL = ((1, 0), (0, -1))
DEFAULT_SEED = 14  # Session 14
MAX_SIZE = limits.HIDDEN_SIZE  # largest input/hidden/output size for seeded weights
MAX_RNN_STEPS = limits.STEPS
GRID, SHAPE_DIM = limits.GRID, limits.SHAPE_DIM


class SpecError(InputError):
    """A spec cannot be computed; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


Label = Callable[[str], str]


class _Reader:
    """Reads spec keys through coercers, collecting every problem instead of stopping."""

    def __init__(self, spec: Mapping[str, Any], label: Label):
        self.spec, self.label, self.problems = spec, label, []

    def has(self, key: str) -> bool:
        return key in self.spec and self.spec[key] is not None

    def get(self, key: str, coerce: Callable[..., Any], default: Any = None, **kw: Any) -> Any:
        if not self.has(key):
            return default
        try:
            return coerce(self.spec[key], self.label(key), **kw)
        except InputError as exc:
            self.problems.append(str(exc))
            return None

    def add(self, pairs: list[tuple[str, str]]) -> None:
        self.problems.extend(f"{self.label(key)}: {message}" for key, message in pairs)

    def check(self) -> None:
        if self.problems:
            raise SpecError(self.problems)


@dataclass(frozen=True)
class Kind:
    """One computable kind: its keys (all optional), result names and default answer."""

    name: str
    summary: str
    keys: tuple[str, ...]
    results: tuple[str, ...]
    answer: str
    prepare: Callable[[_Reader], Callable[[], Worked]]


# ------------------------------------------------------------------------------ pooling & conv


def _input(r: _Reader, default: Any = SESSION_C) -> np.ndarray | None:
    return r.get("input", as_matrix, None) if r.has("input") else np.array(default, dtype=float)


def _prepare_pool(r: _Reader) -> Callable[[], Worked]:
    x = _input(r)
    mode = r.get("mode", as_choice, "avg", choices=("avg", "max"))
    size = r.get("size", as_pair, (2, 2), minimum=1, maximum=GRID)
    stride = r.get("stride", as_pair, size, minimum=1, maximum=GRID)
    padding = r.get("padding", as_pair, (0, 0), minimum=0, maximum=GRID)
    ceil = r.get("ceil", as_bool, False)
    exclude = r.get("exclude_pad", as_bool, False)
    if x is None or size is None or stride is None or padding is None:
        r.check()  # the window cannot be checked against the input; a bad mode can wait
    r.add(pooling.pool_problems(x.shape, size, stride, padding, bool(ceil)))
    r.check()
    r.add(_grid_problems(r, x.shape, padding))
    r.check()
    label = "input" if r.has("input") else "C"
    return lambda: pooling.explain_pool(
        x,
        label=label,
        mode=mode,
        size=size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil,
        exclude_pad=exclude,
    )


def _grid_problems(
    r: _Reader, shape: tuple[int, int], padding: tuple[int, int]
) -> list[tuple[str, str]]:
    """The padded input must fit `limits.GRID` rows/columns and `limits.ARRAY_CELLS` cells."""
    rows, cols = shape[0] + 2 * padding[0], shape[1] + 2 * padding[1]
    if max(rows, cols) <= GRID and rows * cols <= limits.ARRAY_CELLS:
        return []
    key = "padding" if r.has("padding") and max(padding) > 0 else "input"
    return [
        (
            key,
            f"the padded input is {rows}x{cols}; at most {GRID} rows or columns and "
            f"{limits.ARRAY_CELLS:,} values",
        )
    ]


def _input_size(r: _Reader) -> tuple[int, int] | None:
    if r.has("input_size") and r.has("input"):
        r.problems.append(f"{r.label('input_size')}: give input_size or input, not both")
        return None
    if r.has("input"):
        x = r.get("input", as_matrix)
        return None if x is None else x.shape
    return r.get("input_size", as_pair, (4, 4), minimum=1, maximum=SHAPE_DIM)


def _prepare_pool_size(r: _Reader) -> Callable[[], Worked]:
    shape = _input_size(r)
    size = r.get("size", as_pair, (2, 2), minimum=1, maximum=SHAPE_DIM)
    stride = r.get("stride", as_pair, size, minimum=1, maximum=SHAPE_DIM)
    padding = r.get("padding", as_pair, (0, 0), minimum=0, maximum=SHAPE_DIM)
    ceil = r.get("ceil", as_bool, False)
    r.check()
    r.add(pooling.pool_problems(shape, size, stride, padding, ceil))
    r.check()
    return lambda: pooling.explain_pool_size(
        shape, size=size, stride=stride, padding=padding, ceil_mode=ceil
    )


def _prepare_conv(r: _Reader) -> Callable[[], Worked]:
    x = _input(r)
    kernel = (
        r.get("kernel", as_matrix) if r.has("kernel") else np.array(DEFAULT_KERNEL, dtype=float)
    )
    stride = r.get("stride", as_pair, (1, 1), minimum=1, maximum=GRID)
    padding = r.get("padding", as_pair, (0, 0), minimum=0, maximum=GRID)
    r.check()
    r.add(conv.conv_problems(x.shape, kernel.shape, stride, padding))
    r.check()
    r.add(_grid_problems(r, x.shape, padding))
    r.check()
    label = "input" if r.has("input") else "C"
    return lambda: conv.explain_conv(x, kernel, stride=stride, padding=padding, label=label)


def _prepare_conv_size(r: _Reader) -> Callable[[], Worked]:
    shape = _input_size(r)
    size = r.get("size", as_pair, (2, 2), minimum=1, maximum=SHAPE_DIM)
    stride = r.get("stride", as_pair, (1, 1), minimum=1, maximum=SHAPE_DIM)
    padding = r.get("padding", as_pair, (0, 0), minimum=0, maximum=SHAPE_DIM)
    r.check()
    r.add(conv.conv_problems(shape, size, stride, padding, kernel_key="size"))
    r.check()
    return lambda: conv.explain_conv_size(shape, size=size, stride=stride, padding=padding)


# ------------------------------------------------------------------------------ cells

_X_PATTERN, _H_PATTERN, _C_PATTERN = (1.0, -1.0), (0.5, -0.5), (1.0, -1.0)


def _weights(
    r: _Reader, layout: Any, with_output: bool = False
) -> tuple[dict[str, np.ndarray] | None, int | None, int | None]:
    """Weights from ``params`` or drawn from ``seed``; returns (weights, seed, input size)."""
    if r.has("params"):
        clash = [k for k in ("seed", "input_size", "hidden_size", "output_size") if r.has(k)]
        if clash:
            r.problems.append(
                f"{r.label('params')}: give params or {r.label(clash[0])}, not both "
                "(the sizes come from the weights)"
            )
            return None, None, None
        try:
            weights = check_weights(r.spec["params"], layout, r.label("params"))
        except InputError as exc:
            r.problems.append(str(exc))
            return None, None, None
        first_hx = next(n for n, k in layout if k == "hx")
        return weights, None, weights[first_hx].shape[1]
    seed = r.get("seed", as_int, DEFAULT_SEED, minimum=0, maximum=2**32 - 1)
    hidden = r.get("hidden_size", as_int, None, minimum=1, maximum=MAX_SIZE)
    inputs = r.get("input_size", as_int, None, minimum=1, maximum=MAX_SIZE)
    outputs = r.get("output_size", as_int, 3, minimum=1, maximum=MAX_SIZE) if with_output else 0
    # Sizes not given are read off x and h (a bad x or h is reported when it is read).
    if inputs is None and r.has("x"):
        inputs = _peek(r, "x", lambda v, n: as_sequence(v, n).shape[1])
    if hidden is None and r.has("h"):
        hidden = _peek(r, "h", lambda v, n: as_vector(v, n).shape[0])
    if seed is None or outputs is None:
        return None, None, None
    sizes = {"x": inputs or 2, "h": hidden or 2, "o": outputs}
    salt = {rnn.RNN_LAYOUT: 1, lstm.LSTM_LAYOUT: 2, gru.GRU_LAYOUT: 3, gru.TORCH_LAYOUT: 3}[layout]
    return rnn.seeded_weights(seed, layout, sizes, salt), seed, sizes["x"]


def _peek(r: _Reader, key: str, read: Callable[[Any, str], int]) -> int | None:
    try:
        return read(r.spec[key], r.label(key))
    except InputError:
        return None


def _state(r: _Reader, key: str, hidden: int, pattern: tuple[float, float]) -> np.ndarray | None:
    if not r.has(key):
        return cycle_vector(pattern, hidden)
    return r.get(key, check_vector, size=hidden, what=f"hidden size {hidden}")


def _x(r: _Reader, inputs: int) -> np.ndarray | None:
    if not r.has("x"):
        return cycle_vector(_X_PATTERN, inputs)[None, :]
    xs = r.get("x", as_sequence)
    if xs is not None and xs.shape[1] != inputs:
        r.problems.append(
            f"{r.label('x')}: expected {plural(inputs, 'value')} (input size {inputs}), "
            f"got {xs.shape[1]}"
        )
        return None
    return xs


def _prepare_rnn(r: _Reader) -> Callable[[], Worked]:
    p, seed, inputs = _weights(r, rnn.RNN_LAYOUT, with_output=True)
    steps = r.get("steps", as_int, None, minimum=1, maximum=MAX_RNN_STEPS)
    r.check()
    hidden = p["W_h"].shape[0]
    h0 = _state(r, "h", hidden, _H_PATTERN)
    if r.has("x"):
        xs = _x(r, inputs)
        if xs is not None and steps is not None and xs.shape[0] != steps:
            if xs.shape[0] == 1:
                xs = np.repeat(xs, steps, axis=0)
            else:
                r.problems.append(
                    f"{r.label('steps')}: {plural(steps, 'step')} but {r.label('x')} has "
                    f"{plural(xs.shape[0], 'row')} "
                    "(one per time step)"
                )
    elif steps is not None and steps > 1:
        rng = np.random.default_rng([DEFAULT_SEED if seed is None else seed, 1])
        xs = rng.integers(-2, 3, size=(steps, inputs)) / 2.0  # multiples of 0.5 in [-1, 1]
    else:
        xs = _x(r, inputs)
    if xs is not None and xs.shape[0] > MAX_RNN_STEPS:
        r.problems.append(f"{r.label('x')}: at most {MAX_RNN_STEPS} time steps, got {xs.shape[0]}")
    r.check()
    return lambda: rnn.explain_rnn(p, xs, h0, seed=seed)


def _prepare_lstm(r: _Reader) -> Callable[[], Worked]:
    p, seed, inputs = _weights(r, lstm.LSTM_LAYOUT)
    r.check()
    hidden = p["W_fh"].shape[0]
    xs = _x(r, inputs)
    h = _state(r, "h", hidden, _H_PATTERN)
    c = _state(r, "c", hidden, _C_PATTERN)
    if xs is not None and xs.shape[0] != 1:
        r.problems.append(
            f"{r.label('x')}: expected one vector (one time step), got {xs.shape[0]} rows"
        )
    r.check()
    return lambda: lstm.explain_lstm(p, xs[0], h, c, seed=seed)


def _prepare_gru(r: _Reader) -> Callable[[], Worked]:
    variant = r.get("variant", as_choice, "cho", choices=gru.VARIANTS)
    p, seed, inputs = _weights(r, gru.LAYOUTS.get(variant, gru.GRU_LAYOUT))
    r.check()
    hidden = p["W_rh"].shape[0]
    xs = _x(r, inputs)
    h = _state(r, "h", hidden, _H_PATTERN)
    if xs is not None and xs.shape[0] != 1:
        r.problems.append(
            f"{r.label('x')}: expected one vector (one time step), got {xs.shape[0]} rows"
        )
    r.check()
    return lambda: gru.explain_gru(p, xs[0], h, variant=variant, seed=seed)


# ------------------------------------------------------------------------------ the rest


def _prepare_gradients(r: _Reader) -> Callable[[], Worked]:
    args = {
        "scale": r.get("scale", as_float, 0.9, positive=True),
        "steps": r.get("steps", as_int, 50, minimum=1, maximum=200),
        "hidden": r.get("hidden", as_int, 8, minimum=1, maximum=128),
        "inputs": r.get("inputs", as_choice, "zero", choices=("zero", "random")),
        "seed": r.get("seed", as_int, 0, minimum=0, maximum=2**32 - 1),
        "cell": r.get("cell", as_choice, "rnn", choices=("rnn", "lstm")),
        "forget_bias": r.get("forget_bias", as_float, 4.0),
    }
    if args["scale"] is not None and args["scale"] > 10:
        r.problems.append(f"{r.label('scale')}: at most 10, got {args['scale']:g}")
    r.check()
    return lambda: gradients.explain_gradients(**args)


def _prepare_params(r: _Reader) -> Callable[[], Worked]:
    cell = r.get("cell", as_choice, "lstm", choices=("rnn", "lstm", "gru"))
    x = r.get("input_size", as_int, 3, minimum=1, maximum=10**6)
    h = r.get("hidden_size", as_int, 2, minimum=1, maximum=10**6)
    y = r.get("output_size", as_int, 0, minimum=0, maximum=10**6)
    r.check()
    return lambda: params.explain_params(cell, x, h, y)


def _prepare_bptt(r: _Reader) -> Callable[[], Worked]:
    if r.has("xs") and not r.has("params") and not r.has("input_size"):
        # seeded weights take their input size from the rows of xs
        width = _peek(r, "xs", lambda v, n: as_sequence(v, n).shape[1])
        if width is not None:
            r = _Reader({**r.spec, "input_size": width}, r.label)
    p, seed, inputs = _weights(r, rnn.RNN_LAYOUT, with_output=True)
    steps = r.get("steps", as_int, None, minimum=1, maximum=MAX_RNN_STEPS)
    loss = r.get("loss", as_choice, "ce", choices=bptt.LOSSES)
    r.check()
    hidden, outputs = p["W_h"].shape[0], p["W_y"].shape[0]
    if hidden > bptt.MAX_HIDDEN:
        r.problems.append(
            f"{r.label('hidden_size') if not r.has('params') else r.label('params')}: "
            f"at most {bptt.MAX_HIDDEN} hidden units for bptt, got {hidden}"
        )
    h0 = _state(r, "h", hidden, _H_PATTERN)
    if r.has("xs"):
        xs = r.get("xs", as_sequence)
        if xs is not None and xs.shape[1] != inputs:
            r.problems.append(
                f"{r.label('xs')}: expected {plural(inputs, 'value')} per row (input size "
                f"{inputs}), got {xs.shape[1]}"
            )
        elif xs is not None and steps is not None and xs.shape[0] != steps:
            if xs.shape[0] == 1:
                xs = np.repeat(xs, steps, axis=0)
            else:
                r.problems.append(
                    f"{r.label('steps')}: {plural(steps, 'step')} but {r.label('xs')} has "
                    f"{plural(xs.shape[0], 'row')} (one per time step)"
                )
        if xs is not None and xs.shape[0] > MAX_RNN_STEPS:
            r.problems.append(
                f"{r.label('xs')}: at most {MAX_RNN_STEPS} time steps, got {xs.shape[0]}"
            )
    else:
        rng = np.random.default_rng([DEFAULT_SEED if seed is None else seed, 1])
        xs = rng.integers(-2, 3, size=(steps or 3, inputs)) / 2.0  # multiples of 0.5 in [-1, 1]
    label, target = 1, None
    if loss == "ce":
        if r.has("target"):
            r.problems.append(f"{r.label('target')}: only with {r.label('loss')} mse")
        label = r.get("label", as_int, 1, minimum=1, maximum=outputs)
    elif loss == "mse":
        if r.has("target") and r.has("label"):
            r.problems.append(f"{r.label('label')}: give {r.label('target')} or a label, not both")
        elif r.has("target"):
            target = r.get("target", check_vector, size=outputs, what=f"output size {outputs}")
        else:  # the label's one-hot vector
            label = r.get("label", as_int, 1, minimum=1, maximum=outputs)
            if label is not None:
                target = np.eye(outputs)[label - 1]
    r.check()
    return lambda: bptt.explain_bptt(p, xs, h0, loss=loss, label=label, target=target, seed=seed)


_CELL_KEYS = ("params", "seed", "input_size", "hidden_size", "x", "h")
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("pool", "average or max pooling, window by window",
             ("input", "mode", "size", "stride", "padding", "ceil", "exclude_pad"),
             ("output",), "output", _prepare_pool),
        Kind("pool-size", "output shape of a pooling",
             ("input_size", "input", "size", "stride", "padding", "ceil"),
             ("output_size",), "output_size", _prepare_pool_size),
        Kind("conv", "2-D cross-correlation, position by position",
             ("input", "kernel", "stride", "padding"), ("output",), "output", _prepare_conv),
        Kind("conv-size", "output shape of a convolution",
             ("input_size", "input", "size", "stride", "padding"),
             ("output_size",), "output_size", _prepare_conv_size),
        Kind("rnn", "one RNN step (or a short sequence) in the session's notation",
             (*_CELL_KEYS, "output_size", "steps"), ("a_h", "h", "logits", "y"), "y",
             _prepare_rnn),
        Kind("lstm", "one LSTM step, gate by gate", (*_CELL_KEYS, "c"),
             ("a_f", "f", "c_ft", "a_i", "i", "a_g", "g", "c_it", "c", "a_o", "o", "h"), "h",
             _prepare_lstm),
        Kind("gru", "one GRU step, cho or pytorch variant", (*_CELL_KEYS, "variant"),
             ("a_r", "r", "a_z", "z", "rh", "hn", "r_hn", "a_n", "n", "h"), "h", _prepare_gru),
        Kind("gradients", "gradient norms through time in a tanh RNN",
             ("scale", "steps", "hidden", "inputs", "seed", "cell", "forget_bias"),
             ("norms", "bound", "final_norm", "vanish_step", "cell_norms", "verdict"), "norms",
             _prepare_gradients),
        Kind("params", "parameter counts of RNN / LSTM / GRU layers",
             ("cell", "input_size", "hidden_size", "output_size"),
             ("count", "pytorch", "per_gate"), "count", _prepare_params),
        Kind("bptt", "backpropagation through time in a tanh RNN, step by step",
             ("params", "seed", "input_size", "hidden_size", "output_size", "xs", "h", "steps",
              "loss", "label", "target"), bptt.RESULT_KEYS, "dL_dW_h", _prepare_bptt),
    )
}  # fmt: skip


def kinds() -> list[str]:
    """The kind names, in the order above."""
    return list(KINDS)


def _labeller(prefix: str) -> Label:
    if not prefix:
        return lambda key: key
    return lambda key: prefix + key.replace("_", "-")


def _suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _prepare(spec: Any, prefix: str) -> tuple[Callable[[], Worked], str]:
    if not isinstance(spec, Mapping):
        raise SpecError([f"a compute spec must be a mapping, got {type(spec).__name__}"])
    if "kind" not in spec:
        raise SpecError([f"missing 'kind'; one of: {', '.join(KINDS)}"])
    name = str(spec["kind"])
    kind = KINDS.get(name)
    if kind is None:
        raise SpecError(
            [f"unknown kind {name!r}{_suggest(name, kinds())}; one of: {', '.join(KINDS)}"]
        )
    label = _labeller(prefix)
    problems = [
        f"unknown key {key!r} for kind {name}{_suggest(str(key), kind.keys)}; "
        f"known keys: {', '.join((*kind.keys, 'answer'))}"
        for key in spec
        if key not in (*kind.keys, "kind", "answer")
    ]
    known = {k: v for k, v in spec.items() if k in (*kind.keys, "kind", "answer")}
    answer = kind.answer
    if "answer" in spec:
        answer = str(spec["answer"])
        if answer not in kind.results:
            problems.append(
                f"answer: {answer!r} is not a result of {name}; one of: {', '.join(kind.results)}"
            )
    try:  # the known keys are read even beside an unknown one: every problem in one report
        run = kind.prepare(_Reader(known, label))
    except SpecError as exc:
        problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return run, answer


def compute(spec: Mapping[str, Any], *, option_prefix: str = "") -> Worked:
    """Compute the worked example a spec describes.

    Raises `SpecError` (an `InputError`) naming every bad key. `option_prefix="--"` names keys
    as command-line options (``--exclude-pad``) in those messages; the default names them as
    spec keys (``exclude_pad``).
    """
    run, answer = _prepare(spec, option_prefix)
    # Inputs near the float limit may give ±∞ or nan in a result that is truly out of range;
    # that shows in the worked example, never as a NumPy warning on stderr.
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        worked = run()
    if answer not in worked.result:
        raise SpecError([f"answer: {answer!r} is not computed for this spec"])
    return worked if answer == worked.answer_key else replace(worked, answer_key=answer)


def validate_by_key(spec: Any) -> list[tuple[str | None, str]]:
    """`validate`'s problems, each with the spec key it is about (None: the spec as a whole),
    so that a bank can point at the line of that key."""
    keys = [str(k) for k in spec] if isinstance(spec, Mapping) else []
    out: list[tuple[str | None, str]] = []
    for problem in validate(spec):
        out.append((_key_of(problem, keys), problem))
    return out


def _key_of(problem: str, keys: list[str]) -> str | None:
    if problem.startswith("unknown key "):
        quoted = problem[len("unknown key ") :].split(" for kind", 1)[0]
        word = quoted.strip("'\"")
        return word if word in keys else None
    head = problem.split(":", 1)[0].strip()
    return head if head in keys else None


def validate(spec: Any) -> list[str]:
    """Every problem with a spec as one line each; an empty list when `compute` would work.

    Checks the kind, unknown keys, each value's type and shape, and the settings together
    (a window larger than the padded input, padding above half the window, weight shapes), all
    without running the computation.
    """
    try:
        _prepare(spec, "")
    except SpecError as exc:
        return exc.problems
    except InputError as exc:
        return [str(exc)]
    return []
