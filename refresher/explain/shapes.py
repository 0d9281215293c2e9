"""Tensor shapes of one recurrent layer, as PyTorch and Keras document them.

PyTorch (``nn.RNN``, ``nn.LSTM``, ``nn.GRU``; D = 2 if bidirectional else 1, L = num_layers)::

    input    (T, N, X)            batch_first=True: (N, T, X)
    output   (T, N, D·H)          batch_first=True: (N, T, D·H); the top layer, every step
    h_n      (D·L, N, H)          whatever batch_first says; one row per layer and direction
    c_n      (D·L, N, H)          nn.LSTM only

Keras (``SimpleRNN``, ``LSTM``, ``GRU``, optionally wrapped in ``Bidirectional`` with its
default ``merge_mode="concat"``), always batch first::

    input    (N, T, X)
    output   (N, D·H)             return_sequences=True: (N, T, D·H)
    h, c     (N, H) each          with return_state=True; one h (LSTM: h and c) per direction

``returned`` counts the tensors a Keras layer call returns: 1, plus with return_state one state
(LSTM: two) per direction. Pure: plain integers, no tensors.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from refresher.explain.inputs import as_bool, as_choice, as_int
from refresher.explain.spec import Reader
from refresher.explain.steps import Num, Step, Sym, Table, Worked

__all__ = ["explain_shapes", "layer_code", "layer_shapes", "read_shapes"]

_TORCH = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}
_KERAS = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def layer_shapes(
    framework: str,
    cell: str,
    batch: int,
    steps: int,
    input_size: int,
    hidden_size: int,
    layers: int = 1,
    bidirectional: bool = False,
    batch_first: bool = False,
    return_sequences: bool = False,
    return_state: bool = False,
) -> dict[str, tuple[int, ...] | int]:
    """Each named shape (a tuple) and, for Keras, the count of tensors returned."""
    n, t, x, h = batch, steps, input_size, hidden_size
    d = 2 if bidirectional else 1
    if framework == "pytorch":
        lead = (n, t) if batch_first else (t, n)
        out: dict[str, tuple[int, ...] | int] = {
            "input": (*lead, x),
            "output": (*lead, d * h),
            "h_n": (d * layers, n, h),
        }
        if cell == "lstm":
            out["c_n"] = (d * layers, n, h)
        return out
    out = {"input": (n, t, x), "output": (n, t, d * h) if return_sequences else (n, d * h)}
    states = 2 if cell == "lstm" else 1
    if return_state:
        out["h_n"] = (n, h)
        if cell == "lstm":
            out["c_n"] = (n, h)
    out["returned"] = 1 + (states * d if return_state else 0)
    return out


def layer_code(
    framework: str,
    cell: str,
    input_size: int,
    hidden_size: int,
    layers: int = 1,
    bidirectional: bool = False,
    batch_first: bool = False,
    return_sequences: bool = False,
    return_state: bool = False,
) -> str:
    """The layer as one writes it: ``nn.LSTM(8, 16, num_layers=2, batch_first=True)``."""
    if framework == "pytorch":
        args = [str(input_size), str(hidden_size)]
        if layers > 1:
            args.append(f"num_layers={layers}")
        if batch_first:
            args.append("batch_first=True")
        if bidirectional:
            args.append("bidirectional=True")
        return f"{_TORCH[cell]}({', '.join(args)})"
    args = [str(hidden_size)]
    if return_sequences:
        args.append("return_sequences=True")
    if return_state:
        args.append("return_state=True")
    code = f"{_KERAS[cell]}({', '.join(args)})"
    return f"Bidirectional({code})" if bidirectional else code


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def explain_shapes(
    framework: str,
    cell: str,
    batch: int,
    steps: int,
    input_size: int,
    hidden_size: int,
    layers: int = 1,
    bidirectional: bool = False,
    batch_first: bool = False,
    return_sequences: bool = False,
    return_state: bool = False,
) -> Worked:
    """Input, output, then the final states, one step each, with what each axis counts."""
    n, t, x, h = batch, steps, input_size, hidden_size
    d = 2 if bidirectional else 1
    flags = {
        "layers": layers,
        "bidirectional": bidirectional,
        "batch_first": batch_first,
        "return_sequences": return_sequences,
        "return_state": return_state,
    }
    shapes = layer_shapes(framework, cell, n, t, x, h, **flags)
    code = layer_code(framework, cell, x, h, **flags)
    torch = framework == "pytorch"
    feats = f"D·H = {d}·{h} = {d * h}" if bidirectional else f"H = {h}"

    def row(name: str, what: str) -> tuple:
        value = shapes[name]
        assert isinstance(value, tuple)
        label = name if torch else name[0]  # Keras's states are plain h and c
        return (Sym(label, "accent"), _shape(value), what)

    steps_out: list[Step] = []
    if torch:
        axes = "batch first: (N, T, X)" if batch_first else "time first, the default: (T, N, X)"
        steps_out.append(
            Step(
                title="the input",
                lines=((Sym("input", "accent"), f" = {_shape(shapes['input'])}   ", axes),),
                note="batch_first=True moves the batch to the front of the input and the output "
                "only."
                if batch_first
                else "without batch_first the time axis comes first, "
                "which suits a loop over steps.",
                role="accent",
                values={"input": shapes["input"]},
            )
        )
    else:
        steps_out.append(
            Step(
                title="the input",
                lines=((Sym("input", "accent"), f" = {_shape(shapes['input'])}   (N, T, X)"),),
                note="Keras layers always take the batch first.",
                role="accent",
                values={"input": shapes["input"]},
            )
        )
    if torch:
        lead = "(N, T, " if batch_first else "(T, N, "
        out_note = "the top layer's hidden state at every step" + (
            ", the forward and the backward halves side by side." if bidirectional else "."
        )
    elif return_sequences:
        lead = "(N, T, "
        out_note = "return_sequences=True: the hidden state at every step, as a next recurrent "
        out_note += "layer needs." if not bidirectional else "layer needs, both directions joined."
    else:
        lead = "(N, "
        out_note = "without return_sequences only the last step's hidden state comes out" + (
            ", both directions joined (merge_mode='concat')." if bidirectional else "."
        )
    steps_out.append(
        Step(
            title="the output",
            lines=(
                (
                    Sym("output", "accent"),
                    f" = {lead}{feats.split(' = ')[0]}) = ",
                    Sym(_shape(shapes["output"]), "accent"),
                    f"   {feats}",
                ),
            ),  # fmt: skip
            note=out_note,
            role="accent",
            values={"output": shapes["output"]},
        )
    )
    if torch:
        rows = [row("h_n", "the last step's hidden state, per layer and direction")]
        if "c_n" in shapes:
            rows.append(row("c_n", "the last step's cell state, the same layout"))
        stack = f"D·num_layers = {d}·{layers} = {d * layers}"
        steps_out.append(
            Step(
                title="the final states",
                lines=((f"(D·num_layers, N, H), with {stack}",),),
                table=Table(header=("", "shape", "holds"), rows=tuple(rows)),
                note="batch_first never changes h_n or c_n: the batch stays the second axis; "
                "h_n[-1] is the top layer"
                + (" (backward direction), h_n[-2] its forward one." if bidirectional else "."),
                role="accent",
                values={k: shapes[k] for k in ("h_n", "c_n") if k in shapes},
            )
        )
    else:
        count = int(shapes["returned"])
        if return_state:
            rows = [row("h_n", "the last hidden state, (N, H)")]
            if "c_n" in shapes:
                rows.append(row("c_n", "the last cell state, (N, H)"))
            names = "[output, h, c]" if cell == "lstm" else "[output, h]"
            if bidirectional:
                names = (
                    "[output, h_fwd, c_fwd, h_bwd, c_bwd]"
                    if cell == "lstm"
                    else "[output, h_fwd, h_bwd]"
                )
            note = f"the call returns {count} tensors, {names}; " + (
                "each state is (N, H), one set per direction."
                if bidirectional
                else "each state is (N, H)."
            )
        else:
            rows = []
            note = "without return_state the call returns the output alone, 1 tensor."
        steps_out.append(
            Step(
                title="the states returned",
                lines=(("returned = ", Num(count, "accent"), " tensors"),),
                table=Table(header=("", "shape", "holds"), rows=tuple(rows)) if rows else None,
                note=note,
                role="accent",
                values={k: shapes[k] for k in ("h_n", "c_n", "returned") if k in shapes},
            )
        )
    result = {k: (np.array(v) if isinstance(v, tuple) else v) for k, v in shapes.items()}
    data = f"N = {n} sequences of T = {t} steps, X = {x} features a step"
    return Worked(
        kind="shapes",
        title=f"Shapes of {code}",
        inputs={"layer": code, "data": data},
        params={
            "framework": framework,
            "cell": cell,
            "batch": n,
            "steps": t,
            "input_size": x,
            "hidden_size": h,
            **flags,
        },  # fmt: skip
        result=result,
        steps=tuple(steps_out),
        answer_key="output",
        intro=(
            (f"layer: {code}",),
            (f"data:  {data}",),
            (
                "D = 2 for a bidirectional layer, else 1; H is the hidden size."
                if torch or bidirectional
                else "H is the hidden size (Keras's units)."
            ),
        ),
        outro=(
            tuple(
                part
                for k, v in shapes.items()
                if isinstance(v, tuple)
                for part in ("    " if k != "input" else "", Sym(k, "accent"), " = ", _shape(v))
            ),
        ),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.shapes`.


def read_shapes(r: Reader) -> Callable[[], Worked]:
    framework = r.get("framework", as_choice)
    cell = r.get("cell", as_choice)
    sizes = [r.get(k, as_int) for k in ("batch", "steps", "input_size", "hidden_size", "layers")]
    names = ("bidirectional", "batch_first", "return_sequences", "return_state")
    flags = {k: r.get(k, as_bool) for k in names}
    r.check()
    problems: list[tuple[str, str]] = []
    if framework == "keras":
        if sizes[4] > 1:
            problems.append(
                ("layers", "Keras stacks layers one by one; give layers 1 (each has its shapes)")
            )
        if flags["batch_first"]:
            problems.append(("batch_first", "is PyTorch's; Keras always takes the batch first"))
    else:
        for key in ("return_sequences", "return_state"):
            if flags[key]:
                problems.append(
                    (key, "is Keras's; a PyTorch layer always returns output and h_n (and c_n)")
                )
    r.require(problems)
    n, t, x, h, layers = sizes
    return lambda: explain_shapes(framework, cell, n, t, x, h, layers, **flags)
