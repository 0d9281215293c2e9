"""The ``attention`` kind's declaration; read and computed by `refresher.explain.attention`
(`read_attention`)."""

from __future__ import annotations

from refresher.explain.spec import Example, Option

MAX_KEYS = 12  # keys (and values) of one example: one table row each
MAX_DIM = 16  # entries of a query, key or value vector

QUERY = (1.0, 2.0)
KEYS = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
VALUES = ((1.0, 0.0), (0.0, 2.0), (3.0, 1.0))

ATTENTION = Example(
    "attention",
    "scaled dot-product attention for one query",
    (
        Option(
            "query",
            QUERY,
            help='Query q, e.g. "1 0" (default: "{default}").',
            metavar="V",
            unset=True,
        ),
        Option(
            "keys",
            KEYS,
            help='Keys K, one row per key, e.g. "1 0; 0 1" (default: "{default}").',
            metavar="M",
            unset=True,
        ),
        Option(
            "values",
            VALUES,
            help='Values V, one row per key (default: "{default}").',
            metavar="M",
            unset=True,
        ),
        Option(
            "scaling",
            "sqrt",
            "choice",
            "sqrt: scores divided by √d_k (Transformers); none: the plain dot product.",
            choices=("sqrt", "none"),
        ),
        Option(
            "mask",
            None,
            help='Which keys the query may see, 1 or 0 per key, e.g. "1 1 0" (default: all); '
            "a masked score is -∞ before the softmax.",
            metavar="V",
        ),
    ),
    ("scores", "scaled", "weights", "context"),
    "context",
    "attention:read_attention",
    command=("query", "keys", "values", "scaling", "mask"),
    help="Scaled dot-product attention for one query: scores q·k_j / √d_k, softmax weights, "
    "and the context vector Σ a_j v_j.",
    minus_infinity=("scaled",),
)
