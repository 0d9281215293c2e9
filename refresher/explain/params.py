"""Parameter counts of RNN, LSTM and GRU layers, with the formula substituted.

A layer with G weight blocks (RNN 1, GRU 3, LSTM 4), input size X and hidden size H has::

    one bias per block (the session's notation)   G·(H·(X + H) + H)
    PyTorch (bias_ih and bias_hh)                  G·(H·(X + H) + 2H)

PyTorch's two bias vectors only ever appear summed (except GRU's b_hn, which the reset gate
scales), so the extra G·H numbers add little. An output layer ``y = softmax(W_y·h + b_y)`` of size
Y adds ``Y·(H + 1)`` when asked for (``output_size``).
"""

from __future__ import annotations

from collections.abc import Callable

from refresher.explain.inputs import as_choice, as_int
from refresher.explain.spec import Reader
from refresher.explain.specs.params import PARAMS
from refresher.explain.steps import Num, Step, Sym, Table, Worked, plural

__all__ = ["BLOCKS", "count_params", "explain_params"]

# cell -> its weight blocks: (label, letter used in the weight names, theme role)
BLOCKS = {
    "rnn": (("hidden", "h", "gate.h"),),
    "lstm": (
        ("forget gate f", "f", "gate.f"),
        ("input gate i", "i", "gate.i"),
        ("candidate g", "c", "gate.g"),
        ("output gate o", "o", "gate.o"),
    ),
    "gru": (
        ("reset gate r", "r", "gate.r"),
        ("update gate z", "z", "gate.z"),
        ("candidate n", "n", "gate.n"),
    ),
}
TORCH = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU"}


def count_params(cell: str, input_size: int, hidden_size: int, output_size: int = 0) -> dict:
    """``{"count": session count, "pytorch": PyTorch's count}`` (output layer included if Y>0)."""
    g, x, h = len(BLOCKS[cell]), input_size, hidden_size
    head = output_size * (h + 1)
    return {"count": g * (h * (x + h) + h) + head, "pytorch": g * (h * (x + h) + 2 * h) + head}


def _names(cell: str, letter: str) -> tuple[str, str, str]:
    if cell == "rnn":
        return "W_x", "W_h", "b_h"
    return f"W_{letter}x", f"W_{letter}h", f"b_{letter}"


def explain_params(
    cell: str = PARAMS.default("cell"),
    input_size: int = PARAMS.default("input_size"),
    hidden_size: int = PARAMS.default("hidden_size"),
    output_size: int = PARAMS.default("output_size"),
) -> Worked:
    """Count the weights block by block, then the closed-form totals."""
    x, h, y = input_size, hidden_size, output_size
    blocks = BLOCKS[cell]
    g = len(blocks)
    per_block = h * x + h * h + h
    steps: list[Step] = []
    for label, letter, role in blocks:
        wx, wh, b = _names(cell, letter)
        steps.append(
            Step(
                title=label,
                table=Table(
                    header=("weight", "shape", "", "numbers"),
                    rows=(
                        (Sym(wx, role), f"{h}x{x}", "hidden x input", Num(h * x)),
                        (Sym(wh, role), f"{h}x{h}", "hidden x hidden", Num(h * h)),
                        (Sym(b, role), f"{h}", "one per unit", Num(h)),
                        ("total", "", "", Num(per_block, role)),
                    ),
                    roles=(role, "", "muted", ""),
                ),
                role=role,
                values={"params": per_block},
            )
        )
    counts = count_params(cell, x, h, y)
    factor = f"{g}·" if g > 1 else ""
    bracket = ("(", ")") if g > 1 else ("", "")
    steps.append(
        Step(
            title=(
                "total, one bias per block (the session's equations)"
                if g > 1
                else "total, one bias (the session's equation)"
            ),
            lines=(
                (
                    Sym(f"{factor}{bracket[0]}H·(X + H) + H{bracket[1]}", "accent"),
                    f" = {factor}{bracket[0]}{h}·({x} + {h}) + {h}{bracket[1]} = ",
                    Num(g * per_block, "accent"),
                ),
            ),
            note=f"{plural(g, 'block')} of {per_block}.",
            role="accent",
            values={"count": g * per_block},
        )
    )
    torch_block = per_block + h
    steps.append(
        Step(
            title=f"PyTorch's count (torch.{TORCH[cell]} keeps bias_ih and bias_hh)",
            lines=(
                (
                    Sym(f"{factor}{bracket[0]}H·(X + H) + 2H{bracket[1]}", "accent"),
                    f" = {factor}{bracket[0]}{h}·({x} + {h}) + 2·{h}{bracket[1]} = ",
                    Num(g * torch_block, "accent"),
                ),
            ),
            note=f"{plural(g * h, 'more number')}: "
            + (
                "a second bias vector per weight block, which only ever adds to the first"
                if g > 1
                else "a second bias vector (bias_hh beside bias_ih), which only ever adds to the "
                "first"
            )
            + (" (except GRU's b_hn, which the reset gate scales)." if cell == "gru" else "."),
            role="accent",
            values={"pytorch": g * torch_block},
        )
    )
    if y:
        steps.append(
            Step(
                title="output layer y = softmax(W_y·h + b_y)",
                lines=(
                    (
                        Sym("W_y", "gate.o"),
                        f" {y}x{h} + ",
                        Sym("b_y", "gate.o"),
                        f" {y} = Y·(H + 1) = {y}·({h} + 1) = ",
                        Num(y * (h + 1), "gate.o"),
                    ),
                    (
                        "with the output layer: ",
                        Num(counts["count"], "accent"),
                        " (session), ",
                        Num(counts["pytorch"], "accent"),
                        " (PyTorch, plus an nn.Linear)",
                    ),
                ),
                role="gate.o",
                values={"output_layer": y * (h + 1)},
            )
        )
    name = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[cell]
    return Worked(
        kind="params",
        title=f"Parameters of one {name} layer (input size X = {x}, hidden size H = {h}"
        + (f", output size Y = {y}" if y else "")
        + ")",
        inputs={},
        params={"cell": cell, "input_size": x, "hidden_size": h, "output_size": y},
        result={**counts, "per_gate": per_block},
        steps=tuple(steps),
        answer_key="count",
        intro=(
            (
                f"Each of the {g} blocks has W_*x (H x X), W_*h (H x H) and a bias b_* (H): "
                "H·X + H·H + H numbers.",
            )
            if g > 1
            else ("h_t = tanh(W_h·h_{t-1} + W_x·x_t + b_h): W_x (H x X), W_h (H x H), b_h (H).",),
        ),
        outro=(
            (
                "count = ",
                Num(counts["count"], "accent"),
                "    PyTorch = ",
                Num(counts["pytorch"], "accent"),
            ),
        ),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.params`.


def read_params(r: Reader) -> Callable[[], Worked]:
    cell = r.get("cell", as_choice)
    x, h, y = (r.get(key, as_int) for key in ("input_size", "hidden_size", "output_size"))
    r.check()
    return lambda: explain_params(cell, x, h, y)
