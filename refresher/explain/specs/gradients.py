"""The ``gradients`` kind's declaration; read and computed by `refresher.explain.gradients`
(`read_gradients`)."""

from __future__ import annotations

from refresher.explain.spec import Example, Option

GRADIENTS = Example(
    "gradients",
    "gradient norms through time in a tanh RNN",
    (
        Option(
            "scale",
            0.9,
            "float",
            "S: the recurrent matrix is S times an orthogonal one.",
            ("--scale", "-S"),
        ),
        Option(
            "steps",
            50,
            "int",
            "Time steps T (at most {maximum}).",
            ("--steps", "-T"),
            minimum=1,
            maximum=200,
        ),
        Option("hidden", 8, "int", "Hidden units (at most {maximum}).", minimum=1, maximum=128),
        Option(
            "inputs",
            "zero",
            "choice",
            "zero: the norms are exactly S^T; random: drawn from the seed.",
            choices=("zero", "random"),
        ),
        Option("seed", 0, "int", "Seed for the matrices and inputs.", minimum=0, maximum=2**32 - 1),
        Option(
            "cell",
            "rnn",
            "choice",
            "lstm adds the LSTM's cell-state path.",
            choices=("rnn", "lstm"),
        ),
        Option("forget_bias", 4.0, "float", "LSTM forget-gate bias (with --cell lstm)."),
    ),  # fmt: skip
    ("norms", "bound", "final_norm", "vanish_step", "cell_norms", "verdict"),
    "norms",
    "gradients:read_gradients",
    command=("scale", "steps", "hidden", "inputs", "seed", "cell", "forget_bias"),
    help="Vanishing / exploding gradients: ‖∂h_T/∂h_0‖ for T = 1..steps on a log-scale chart.",
)
