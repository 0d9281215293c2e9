"""The ``shapes`` kind's declaration; read and computed by `refresher.explain.shapes`
(`read_shapes`). Shapes are whole numbers, so its command has no ``--precision``."""

from __future__ import annotations

from refresher.explain.spec import Example, Option

MAX_SIZE = 10**6
MAX_LAYERS = 64

SHAPES = Example(
    "shapes",
    "tensor shapes of PyTorch and Keras recurrent layers",
    (
        Option(
            "framework",
            "pytorch",
            "choice",
            "pytorch: nn.RNN/nn.LSTM/nn.GRU; keras: SimpleRNN/LSTM/GRU layers.",
            choices=("pytorch", "keras"),
        ),
        Option("cell", "lstm", "choice", "The kind of layer.", choices=("rnn", "lstm", "gru")),
        Option("batch", 32, "int", "Sequences in the batch, N.", minimum=1, maximum=MAX_SIZE),
        Option("steps", 10, "int", "Time steps per sequence, T.", minimum=1, maximum=MAX_SIZE),
        Option("input_size", 8, "int", "Features per step, X.", minimum=1, maximum=MAX_SIZE),
        Option("hidden_size", 16, "int", "Hidden units, H.", minimum=1, maximum=MAX_SIZE),
        Option(
            "layers",
            1,
            "int",
            "PyTorch's num_layers (at most {maximum}).",
            minimum=1,
            maximum=MAX_LAYERS,
        ),
        Option("bidirectional", False, "flag", "Both directions (Keras: Bidirectional(...))."),
        Option("batch_first", False, "flag", "PyTorch's batch_first=True."),
        Option("return_sequences", False, "flag", "Keras's return_sequences=True."),
        Option("return_state", False, "flag", "Keras's return_state=True."),
    ),
    ("input", "output", "h_n", "c_n", "returned"),
    "output",
    "shapes:read_shapes",
    command=(
        "framework",
        "cell",
        "batch",
        "steps",
        "input_size",
        "hidden_size",
        "layers",
        "bidirectional",
        "batch_first",
        "return_sequences",
        "return_state",
    ),
    help="Input, output and final-state shapes of a recurrent layer in PyTorch or Keras.",
    choose_precision=False,
)
