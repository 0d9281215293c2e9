"""The ``lstm`` kind's declaration; read and computed by `refresher.explain.lstm` (`read_lstm`)."""

from __future__ import annotations

from refresher.explain.spec import Example, Option
from refresher.explain.specs.rnn import (
    C_PATTERN,
    CELL_OPTIONS,
    GATED_COMMAND,
    SEEDED_COMMAND,
    STATE_H,
    STATE_X,
)

LSTM = Example(
    "lstm",
    "one LSTM step, gate by gate",
    (
        *CELL_OPTIONS,
        STATE_X,
        STATE_H,
        Option(
            "c",
            C_PATTERN,
            help="Previous cell c_{t-1} (default: {default} repeated).",
            metavar="V",
            unset=True,
        ),
    ),  # fmt: skip
    ("a_f", "f", "c_ft", "a_i", "i", "a_g", "g", "c_it", "c", "a_o", "o", "h", "step"),
    "h",
    "lstm:read_lstm",
    command=(*GATED_COMMAND, "c", *SEEDED_COMMAND),
    help="One LSTM step, gate by gate, in the session's notation (f, c_ft, i, g, c_it, c, o, h).",
)
