"""The ``gru`` kind's declaration; read and computed by `refresher.explain.gru` (`read_gru`)."""

from __future__ import annotations

from refresher.explain.spec import Example, Option
from refresher.explain.specs.rnn import (
    CELL_OPTIONS,
    GATED_COMMAND,
    SEEDED_COMMAND,
    STATE_H,
    STATE_X,
)

VARIANTS = ("cho", "pytorch")

GRU = Example(
    "gru",
    "one GRU step, cho or pytorch variant",
    (
        *CELL_OPTIONS,
        STATE_X,
        STATE_H,
        Option(
            "variant",
            "cho",
            "choice",
            "cho: the reset gate acts before W_nh (Cho et al., d2l); pytorch: after it "
            "(nn.GRUCell).",
            choices=VARIANTS,
        ),
    ),
    ("a_r", "r", "a_z", "z", "rh", "hn", "r_hn", "a_n", "n", "h", "step"),
    "h",
    "gru:read_gru",
    command=(*GATED_COMMAND, "variant", *SEEDED_COMMAND),
    help="One GRU step: reset gate r, update gate z, candidate n, h_t = z*h + (1-z)*n.",
)
