"""The ``params`` kind's declaration; read and computed by `refresher.explain.params`
(`read_params`). Counts are whole numbers, so its command has no ``--precision``
(`choose_precision`)."""

from __future__ import annotations

from refresher.explain.spec import Example, Option

MAX = 10**6

PARAMS = Example(
    "params",
    "parameter counts of RNN / LSTM / GRU layers",
    (
        Option("cell", "lstm", "choice", "The kind of layer.", choices=("rnn", "lstm", "gru")),
        Option("input_size", 3, "int", "Input size X.", minimum=1, maximum=MAX),
        Option("hidden_size", 2, "int", "Hidden size H.", minimum=1, maximum=MAX),
        Option(
            "output_size",
            0,
            "int",
            "Add an output layer of this size (0: none).",
            minimum=0,
            maximum=MAX,
        ),
    ),  # fmt: skip
    ("count", "pytorch", "per_gate"),
    "count",
    "params:read_params",
    command=("cell", "input_size", "hidden_size", "output_size"),
    help="Parameter count of one layer: the session's one bias per block, and PyTorch's two.",
    choose_precision=False,
)
