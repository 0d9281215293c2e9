"""Decoding and its metric, by hand: perplexity, and beam search over a bigram model.

Perplexity of a model on a text of T tokens, from the probabilities p_t it gave the true
tokens::

    NLL = -(1/T) Σ_t log p_t          the mean cross-entropy, in nats (base e) or bits (base 2)
    PPL = base^NLL = (Π_t p_t)^(-1/T)

A model that spreads its probability evenly over V tokens has perplexity V.

Beam search of width k writes T tokens from ``p(first)`` (`start`) and ``p(next | previous)``
(`next`, one row per previous token): at every step each kept prefix is extended by every
token, and the k most probable prefixes are kept. Width 1 is greedy decoding. Scores are the
products of the probabilities (a sum of logs in practice); ties go to the earlier prefix, in
alphabetical order. The most probable sequence of all (`best_prob`) is found by trying every
one, which is what beam search approximates.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Callable
from decimal import Decimal, localcontext

import numpy as np

from refresher.explain.inputs import as_choice, as_int, as_matrix, as_vector
from refresher.explain.spec import Reader
from refresher.explain.specs.decoding import MAX_TOKENS, MAX_VOCAB, TOKENS
from refresher.explain.steps import Comment, Num, Step, Sym, Table, Worked, format_number, plural

__all__ = [
    "beam_search",
    "explain_beam",
    "explain_perplexity",
    "perplexity",
    "read_beam",
    "read_perplexity",
]

# ------------------------------------------------------------------------------ perplexity


def perplexity(probs: np.ndarray, base: str = "e") -> dict[str, np.ndarray | float]:
    """``log_probs`` (in the base), ``nll`` (their negated mean) and ``perplexity``."""
    log = np.log(probs) if base == "e" else np.log2(probs)
    nll = float(-log.mean())
    # past the float range (nll above about 709 nats) this is ∞, which `compute` refuses
    ppl = float(np.power(math.e if base == "e" else 2.0, nll))
    return {"log_probs": log, "nll": nll, "perplexity": ppl}


def _product(probs: np.ndarray) -> tuple[float | Decimal, float]:
    """Π p_t and (Π p_t)^(-1/T); the product exact (a `Decimal`) when a float underflows."""
    t = probs.shape[0]
    prod = float(np.prod(probs))
    if prod >= sys.float_info.min:
        return prod, float(np.power(prod, -1.0 / t))
    exact = math.prod((Decimal(float(p)) for p in probs), start=Decimal(1))
    with localcontext() as ctx:
        ctx.prec = 30
        return exact, float(exact ** (Decimal(-1) / t))


def explain_perplexity(probs: np.ndarray, base: str = "e") -> Worked:
    probs = np.asarray(probs, dtype=float)
    v = perplexity(probs, base)
    t = probs.shape[0]
    ln = "ln" if base == "e" else "log₂"
    b = "e" if base == "e" else "2"
    log = np.asarray(v["log_probs"])
    prod, root = _product(probs)
    steps = (
        Step(
            title=f"{ln} of each probability",
            table=Table(
                header=("token", "p_t", f"{ln} p_t"),
                rows=tuple(
                    (f"t = {k + 1}", Num(float(probs[k]), tiny=True), Num(float(log[k])))
                    for k in range(t)
                ),
            ),
            note="a probability below 1 has a negative log; the surer the model was of the "
            "right token, the nearer its log is to 0.",
            role="accent",
            values={"log_probs": log},
        ),
        Step(
            title="mean negative log-likelihood",
            lines=(
                (
                    Sym("NLL", "accent"),
                    f" = -(1/T) Σ {ln} p_t = -({format_number(float(log.sum()), 4)}) / {t} = ",
                    Num(v["nll"], "accent"),
                    Comment("nats" if base == "e" else "bits"),
                ),
            ),
            note="this is the cross-entropy loss a language model is trained to lower.",
            role="accent",
            values={"nll": v["nll"]},
        ),
        Step(
            title="perplexity",
            lines=(
                (
                    Sym("PPL", "gate.i"),
                    f" = {b}^NLL = {b}^{format_number(v['nll'], 4)} = ",
                    Num(v["perplexity"], "gate.i"),
                ),  # fmt: skip
                (
                    "    = (Π p_t)^(-1/T) = ",
                    Num(prod, tiny=True),
                    f"^(-1/{t}) = ",
                    Num(root, "gate.i"),
                ),
            ),
            note=f"as uncertain as a fair choice among {format_number(v['perplexity'], 2)} "
            "tokens at every step; a uniform model over V tokens scores V, a perfect one 1.",
            role="gate.i",
            values={"perplexity": v["perplexity"]},
        ),
    )
    return Worked(
        kind="perplexity",
        title=f"Perplexity of {plural(t, 'token')}" + (" (in bits)" if base == "2" else ""),
        inputs={"probs": probs},
        params={"base": base},
        result=v,
        steps=steps,
        answer_key="perplexity",
        intro=(
            (Sym("NLL", "accent"), f" = -(1/T) Σ_t {ln} p_t", Comment("mean cross-entropy")),
            (Sym("PPL", "gate.i"), f" = {b}^NLL = (Π_t p_t)^(-1/T)", Comment("perplexity")),
            ("p_t is the probability the model gave the true token at step t.",),
        ),
        outro=(
            (
                Sym("NLL", "accent"),
                " = ",
                Num(v["nll"], "accent"),
                "    ",
                Sym("PPL", "gate.i"),
                " = ",
                Num(v["perplexity"], "gate.i"),
            ),
        ),  # fmt: skip
    )


def read_perplexity(r: Reader) -> Callable[[], Worked]:
    probs = r.get("probs", as_vector)
    base = r.get("base", as_choice)
    r.check()
    problems: list[tuple[str, str]] = []
    if probs.shape[0] > MAX_TOKENS:
        problems.append(("probs", f"at most {MAX_TOKENS} probabilities, got {probs.shape[0]}"))
    elif not np.all((probs > 0) & (probs <= 1)):
        bad = next(float(p) for p in probs if not 0 < p <= 1)
        problems.append(("probs", f"each probability must be above 0 and at most 1, got {bad:g}"))
    r.require(problems)
    return lambda: explain_perplexity(probs, base)


# ------------------------------------------------------------------------------ beam search


def _name(seq: tuple[int, ...]) -> str:
    return "".join(TOKENS[k] for k in seq)


def beam_search(
    start: np.ndarray, nxt: np.ndarray, steps: int, width: int
) -> tuple[list[list[tuple[tuple[int, ...], float, bool]]], tuple[int, ...], float]:
    """The candidates of every step (prefix, probability, kept) and the best kept sequence.

    Candidates are listed prefix by prefix in the order the beam held them, each extended by
    A, B, C, ...; the kept ones are the `width` most probable (ties: the earlier listed).
    """
    beam: list[tuple[tuple[int, ...], float]] = [((), 1.0)]
    history: list[list[tuple[tuple[int, ...], float, bool]]] = []
    for _ in range(steps):
        candidates = [
            ((*seq, k), p * float(start[k] if not seq else nxt[seq[-1], k]))
            for seq, p in beam
            for k in range(start.shape[0])
        ]
        order = sorted(range(len(candidates)), key=lambda i: (-candidates[i][1], i))
        kept = set(order[:width])
        history.append([(s, p, i in kept) for i, (s, p) in enumerate(candidates)])
        beam = [candidates[i] for i in order[:width]]
    best, prob = beam[0]
    return history, best, prob


def _exhaustive(start: np.ndarray, nxt: np.ndarray, steps: int) -> tuple[tuple[int, ...], float]:
    best: tuple[tuple[int, ...], float] = ((), -1.0)
    for seq in itertools.product(range(start.shape[0]), repeat=steps):
        p = float(start[seq[0]]) * math.prod(float(nxt[a, b]) for a, b in itertools.pairwise(seq))
        if p > best[1]:
            best = (seq, p)
    return best


def explain_beam(start: np.ndarray, nxt: np.ndarray, steps: int, width: int) -> Worked:
    start, nxt = np.asarray(start, dtype=float), np.asarray(nxt, dtype=float)
    history, seq, prob = beam_search(start, nxt, steps, width)
    _, greedy_seq, greedy_prob = beam_search(start, nxt, steps, 1)
    best_seq, best_prob = _exhaustive(start, nxt, steps)
    v = start.shape[0]
    shown: list[Step] = []
    p_of: dict[tuple[int, ...], float] = {}
    for t, candidates in enumerate(history, start=1):
        rows = []
        for cand, p, kept in candidates:
            if t == 1:
                how = f"p({TOKENS[cand[0]]})"
            else:
                prev = _name(cand[:-1])
                before = p_of[cand[:-1]]
                step_p = float(nxt[cand[-2], cand[-1]])
                how = (
                    f"p({prev})·p({TOKENS[cand[-1]]} | {TOKENS[cand[-2]]}) = "
                    f"{format_number(before, 4)}·{format_number(step_p, 4)}"
                )
            rows.append((_name(cand), how, Num(p), "kept" if kept else ""))
        p_of.update({c: p for c, p, _ in candidates})
        kept_names = [_name(c) for c, _, k in candidates if k]
        shown.append(
            Step(
                title=f"token {t}: every kept prefix extended by one token",
                table=Table(
                    header=("prefix", "how", "probability", ""),
                    rows=tuple(rows),
                    roles=("gate.f", "muted", "", "right"),
                ),
                note="keep the "
                + plural(
                    min(width, len(candidates)), "most probable prefix", "most probable prefixes"
                )
                + f": {', '.join(kept_names)}.",
                role="accent",
                values={"kept": [list(c) for c, _, k in candidates if k]},
            )
        )
    verdict = (
        "beam search found the most probable sequence of all"
        if math.isclose(prob, best_prob)
        else f"beam search missed the most probable sequence, {_name(best_seq)} "
        f"({format_number(best_prob, 4)}): a wider beam would keep it"
    )
    greedy_note = (
        "greedy decoding finds the same sequence"
        if greedy_seq == seq
        else f"greedy decoding (width 1) writes {_name(greedy_seq)}, with probability "
        f"{format_number(greedy_prob, 4)}: the most probable first token did not lead to the "
        "most probable sequence"
        if greedy_prob < prob
        else f"greedy decoding writes {_name(greedy_seq)}"
    )
    shown.append(
        Step(
            title="the result",
            lines=(
                (Sym("beam", "gate.i"), f" (k = {width}): {_name(seq)}, p = ", Num(prob, "gate.i")),
                (Sym("greedy", "gate.f"), f" (k = 1): {_name(greedy_seq)}, p = ", Num(greedy_prob)),
                (
                    Sym("best", "gate.c"),
                    f" of all {v**steps}: {_name(best_seq)}, p = ",
                    Num(best_prob),
                ),
            ),  # fmt: skip
            note=f"{verdict}; {greedy_note}.",
            role="gate.i",
            values={"prob": prob, "greedy_prob": greedy_prob, "best_prob": best_prob},
        )
    )
    tokens = ", ".join(TOKENS[:v])
    return Worked(
        kind="beam",
        title=f"Beam search, width {width}, {plural(steps, 'token')} from {tokens}",
        inputs={"start": start, "next": nxt},
        params={"steps": steps, "width": width},
        result={
            "prob": prob,
            "sequence": np.array([k + 1 for k in seq]),
            "greedy_prob": greedy_prob,
            "greedy_sequence": np.array([k + 1 for k in greedy_seq]),
            "best_prob": best_prob,
        },
        steps=tuple(shown),
        answer_key="prob",
        intro=(
            (
                "p(y_1…y_T) = p(y_1)·p(y_2 | y_1)·…·p(y_T | y_{T-1})",
                Comment("bigram model"),
            ),
            (f"Each step extends every kept prefix by {tokens};",),
            (
                "only the most probable prefix is kept (greedy)."
                if width == 1
                else f"the {width} most probable prefixes are kept.",
            ),
        ),  # fmt: skip
        outro=(
            (
                Sym("beam", "gate.i"),
                f" {_name(seq)}  p = ",
                Num(prob, "gate.i"),
                "    ",
                Sym("greedy", "gate.f"),
                f" {_name(greedy_seq)}  p = ",
                Num(greedy_prob),
            ),
        ),  # fmt: skip
    )


def read_beam(r: Reader) -> Callable[[], Worked]:
    nxt = r.get("next", as_matrix)
    if not r.has("start") and nxt is not None and nxt.shape[0] == nxt.shape[1] + 1:
        start, nxt = nxt[0], nxt[1:]  # the start row first, as p(· | <s>): one table in all
    else:
        start = r.get("start", as_vector)
    steps = r.get("steps", as_int)
    width = r.get("width", as_int)
    r.check()
    v = start.shape[0]
    problems: list[tuple[str, str]] = []
    if not 2 <= v <= MAX_VOCAB:
        problems.append(("start", f"expected 2 to {MAX_VOCAB} tokens, got {v}"))
    elif not np.all(start >= 0) or not math.isclose(float(start.sum()), 1.0, abs_tol=1e-6):
        problems.append(
            ("start", f"expected probabilities that add up to 1, got a sum of {start.sum():g}")
        )
    if not 2 <= v <= MAX_VOCAB:
        pass  # the table's size follows the vocabulary's: nothing more to say
    elif nxt.shape != (v, v):
        problems.append(("next", f"expected {v}x{v}, one row per token, got "
                         f"{nxt.shape[0]}x{nxt.shape[1]}"))  # fmt: skip
    else:
        sums = nxt.sum(axis=1)
        bad = [i for i in range(v) if not math.isclose(float(sums[i]), 1.0, abs_tol=1e-6)]
        if not np.all(nxt >= 0) or bad:
            row = bad[0] + 1 if bad else 1
            problems.append(
                ("next", f"row {row} must be probabilities that add up to 1, got a sum of "
                 f"{sums[row - 1]:g}")
            )  # fmt: skip
    r.require(problems)
    return lambda: explain_beam(start, nxt, steps, width)
