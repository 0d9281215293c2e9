"""The decoding kinds' declarations: ``perplexity`` (from the probabilities a model gave the
true tokens) and ``beam`` (a small beam search over a bigram model, by hand). Read and computed
by `refresher.explain.decoding` (`read_perplexity`, `read_beam`)."""

from __future__ import annotations

from refresher.explain.spec import Example, Option

MAX_TOKENS = 50  # probabilities in one perplexity example: one table row each
MAX_VOCAB = 5  # tokens of a beam-search example's vocabulary (A..E)
MAX_STEPS = 4  # tokens a beam search writes
TOKENS = "ABCDE"

PROBS = (0.5, 0.25, 0.8, 0.1)
START = (0.5, 0.4, 0.1)
NEXT = ((0.4, 0.3, 0.3), (0.1, 0.9, 0.0), (0.2, 0.2, 0.6))

PERPLEXITY = Example(
    "perplexity",
    "perplexity from the probabilities of the true tokens",
    (
        Option(
            "probs",
            PROBS,
            help='The probability the model gave each true next token, e.g. "0.5 0.25" '
            '(default: "{default}").',
            metavar="V",
            unset=True,
        ),
        Option("base", "e", "choice", "e: natural logs (nats); 2: bits.", choices=("e", "2")),
    ),
    ("log_probs", "nll", "perplexity"),
    "perplexity",
    "decoding:read_perplexity",
    command=("probs", "base"),
    help="Perplexity: the mean negative log-probability of the true tokens, exponentiated.",
)

BEAM = Example(
    "beam",
    "a small beam search over a bigram model, and greedy decoding beside it",
    (
        Option(
            "start",
            START,
            help='p(first token) for tokens A, B, C, ... (default: "{default}").',
            metavar="V",
            unset=True,
        ),
        Option(
            "next",
            NEXT,
            help="p(next | previous): row i for previous token i, each row adding up to 1 "
            '(default: "{default}"); without --start, a first row more is p(first).',
            metavar="M",
            unset=True,
        ),
        Option(
            "steps",
            2,
            "int",
            "Tokens to write, T (at most {maximum}).",
            minimum=1,
            maximum=MAX_STEPS,
        ),
        Option(
            "width",
            2,
            "int",
            "Beam width k (1 is greedy; at most {maximum}).",
            minimum=1,
            maximum=MAX_VOCAB**MAX_STEPS,
        ),
    ),
    ("prob", "sequence", "greedy_prob", "greedy_sequence", "best_prob"),
    "prob",
    "decoding:read_beam",
    command=("start", "next", "steps", "width"),
    help="Beam search by hand: keep the k most probable prefixes at each step; greedy keeps one.",
)
