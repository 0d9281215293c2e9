"""The ``bptt`` kind's declaration; read and computed by `refresher.explain.bptt` (`read_bptt`).
Its weights, seed and initial state are the recurrent cells' options (`specs.rnn`)."""

from __future__ import annotations

from dataclasses import replace

from refresher.core import limits
from refresher.explain.spec import Example, Option
from refresher.explain.specs.rnn import H0, HIDDEN_SIZE, INPUT_SIZE, OUTPUT_SIZE, PARAMS, SEED

LOSSES = ("ce", "mse")
MAX_HIDDEN = limits.BPTT_HIDDEN  # the per-step shares of ∂L/∂W_h are T x H x H numbers
RESULT_KEYS = (
    "h",
    "y",
    "loss",
    "dL_dh",
    "dL_dW_h",
    "dL_dW_x",
    "dL_db_h",
    "dL_dW_y",
    "dL_db_y",
    "dW_h_by_step",
    "contribution_norms",
)

BPTT = Example(
    "bptt",
    "backpropagation through time in a tanh RNN, step by step",
    (
        PARAMS,
        SEED,
        replace(
            INPUT_SIZE, help="Input size for seeded weights (default: from --xs, or {default})."
        ),
        replace(
            HIDDEN_SIZE,
            help=f"Hidden units for seeded weights (default: {{default}}, at most {MAX_HIDDEN}).",
        ),
        replace(OUTPUT_SIZE, help="Outputs (classes) for seeded weights (default: {default})."),
        Option(
            "xs",
            None,
            help='Inputs, one row per step: "1 -1; 0.5 0; -1 1" (default: drawn from the seed).',
            metavar="M",
        ),
        H0,
        Option(
            "steps",
            3,
            "int",
            "Time steps T without --xs (default: {default}, at most "
            "{maximum}); one --xs row is repeated.",
            minimum=1,
            maximum=limits.STEPS,
            unset=True,
        ),
        Option(
            "loss",
            "ce",
            "choice",
            "ce: softmax cross-entropy with --label; mse: ½‖y - target‖² with --target.",
            choices=LOSSES,
        ),
        Option(
            "label",
            1,
            "int",
            "The true class, counted from 1 (default: {default}).",
            metavar="K",
            minimum=1,
            unset=True,
        ),
        Option(
            "target",
            None,
            help="Target vector for --loss mse (default: --label's one-hot vector).",
            metavar="V",
        ),
    ),  # fmt: skip
    RESULT_KEYS,
    "dL_dW_h",
    "bptt:read_bptt",
    command=(
        "params",
        "xs",
        "h",
        "seed",
        "steps",
        "hidden_size",
        "input_size",
        "output_size",
        "loss",
        "label",
        "target",
    ),  # fmt: skip
    help="Backpropagation through time: h_t = tanh(W_h·h_{t-1} + W_x·x_t + b_h), "
    "y = W_y·h_T + b_y,\nthen every step back with its share of the gradients.",
    precision=4,
)
