"""The ``rnn`` kind's declaration, and the options every recurrent cell shares (weights from
``params`` or drawn from ``seed``, their sizes, the initial state). Read and computed by
`refresher.explain.rnn` (`read_rnn`); `lstm`, `gru` and `bptt` use the shared options.
"""

from __future__ import annotations

from refresher.core import limits
from refresher.explain.spec import Example, Option

MAX_SIZE = limits.HIDDEN_SIZE  # largest input/hidden/output size for seeded weights
DEFAULT_SEED = 14  # Session 14
X_PATTERN, H_PATTERN, C_PATTERN = (1.0, -1.0), (0.5, -0.5), (1.0, -1.0)  # repeated to the size

PARAMS = Option("params", None, "params", "Weights from a YAML or JSON file.", metavar="FILE")
SEED = Option(
    "seed",
    DEFAULT_SEED,
    "int",
    "Draw weights in multiples of 0.1 from this seed (default: {default}).",
    minimum=0,
    maximum=2**32 - 1,
    unset=True,
)
INPUT_SIZE = Option(
    "input_size",
    2,
    "int",
    "Input size for seeded weights, at most {maximum} (default: from --x, or {default}).",
    minimum=1,
    maximum=MAX_SIZE,
    unset=True,
)
HIDDEN_SIZE = Option(
    "hidden_size",
    2,
    "int",
    "Hidden units for seeded weights (default: {default}, at most {maximum}).",
    minimum=1,
    maximum=MAX_SIZE,
    unset=True,
)
OUTPUT_SIZE = Option(
    "output_size",
    3,
    "int",
    "Output classes (default: {default}, at most {maximum}).",
    minimum=1,
    maximum=MAX_SIZE,
    unset=True,
)
H0 = Option("h", H_PATTERN, help="Initial state h0 (default: {default} repeated).",
            metavar="V", unset=True)  # fmt: skip
STATE_X = Option("x", X_PATTERN, help='Input x_t, e.g. "1 -1" (default: {default} repeated).',
                 metavar="V", unset=True)  # fmt: skip
STATE_H = Option("h", H_PATTERN, help="Previous state h_{t-1} (default: {default} repeated).",
                 metavar="V", unset=True)  # fmt: skip
CELL_OPTIONS = (PARAMS, SEED, INPUT_SIZE, HIDDEN_SIZE)  # then x and h
GATED_COMMAND = ("params", "x", "h")  # then the cell's own, then "seed", "hidden_size", ...
SEEDED_COMMAND = ("seed", "hidden_size", "input_size")

RNN = Example(
    "rnn",
    "one RNN step (or a short sequence) in the session's notation",
    (
        *CELL_OPTIONS,
        Option(
            "x",
            X_PATTERN,
            help='Input x1, e.g. "1 -1"; a matrix ("1 -1; 0 1") gives one row per step.',
            metavar="V",
            unset=True,
        ),
        H0,
        OUTPUT_SIZE,
        Option(
            "steps",
            None,
            "int",
            "Unroll T time steps (at most {maximum}); one --x is repeated, no --x draws inputs.",
            minimum=1,
            maximum=limits.STEPS,
        ),
    ),
    ("a_h", "h", "logits", "y"),
    "y",
    "rnn:read_rnn",
    command=("params", "x", "h", "seed", "steps", "hidden_size", "input_size", "output_size"),
    help="One RNN step: h1 = tanh(W_h h0 + W_x x1 + b_h), y1 = softmax(W_y h1 + b_y).",
)
