"""Scaled dot-product attention for one query, step by step (the Transformer's form)::

    s_j = q·k_j / √d_k            one score per key (``scaling: none`` drops the √d_k)
    a_j = softmax(s)_j            weights in (0, 1) that add up to 1
    c   = Σ_j a_j v_j             the context vector: a weighted average of the values

A `mask` of 1/0 per key hides keys from the query (a padding position, or a later position in
a decoder): a hidden key's score is -∞, so its weight is exactly 0. The softmax is computed the
way a tutor (and every framework) does it, after subtracting the largest score, which changes
no weight and keeps e^s from overflowing.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from refresher.explain.inputs import as_choice, as_matrix, as_vector, shape_text
from refresher.explain.spec import Reader
from refresher.explain.specs.attention import MAX_DIM, MAX_KEYS
from refresher.explain.steps import (
    Comment,
    Num,
    Step,
    Sym,
    Table,
    Worked,
    format_number,
    format_part,
    plural,
)

__all__ = ["attend", "explain_attention", "read_attention"]


def attend(
    q: np.ndarray,
    keys: np.ndarray,
    values: np.ndarray,
    *,
    scaled: bool = True,
    mask: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Every named value: scores (q·k_j), scaled (what the softmax takes, -∞ where masked),
    weights and context."""
    scores = keys @ q
    logits = scores / math.sqrt(q.shape[0]) if scaled else scores.copy()
    if mask is not None:
        logits = np.where(mask > 0, logits, -np.inf)
    top = np.max(logits)
    e = np.exp(logits - top)
    weights = e / e.sum()
    return {"scores": scores, "scaled": logits, "weights": weights, "context": weights @ values}


def _dot_text(q: np.ndarray, k: np.ndarray) -> tuple:
    """``1·1 + 2·0``: the dot product written out (long vectors: the value alone)."""
    if q.shape[0] > 4:
        return ("",)
    parts: list = []
    for n, (a, b) in enumerate(zip(q, k, strict=True)):
        parts += [" + " if n else "", Num(float(a), paren=n > 0), "·", Num(float(b), paren=True)]
    return tuple(parts)


def explain_attention(
    q: np.ndarray,
    keys: np.ndarray,
    values: np.ndarray,
    *,
    scaled: bool = True,
    mask: np.ndarray | None = None,
) -> Worked:
    """Scores, (scaling), (mask), softmax weights, context: one numbered step each."""
    q, keys, values = (np.asarray(v, dtype=float) for v in (q, keys, values))
    v = attend(q, keys, values, scaled=scaled, mask=mask)
    n, d = keys.shape
    root = math.sqrt(d)
    visible = np.ones(n, dtype=bool) if mask is None else mask > 0
    steps: list[Step] = []

    rows = []
    for j in range(n):
        written = _dot_text(q, keys[j])
        cell = "".join(format_part(p, 3) for p in written)
        rows.append((f"k_{j + 1}", Num(keys[j]), cell, Num(float(v["scores"][j]), "accent")))
    steps.append(
        Step(
            title="scores q·k_j",
            lines=((Sym("q", "gate.h"), " = ", Num(q, "gate.h"), f"    d_k = {d}"),),
            table=Table(
                header=("key", "k_j", "q·k_j", "score"),
                rows=tuple(rows),
                roles=("gate.f", "", "muted", ""),
            ),
            note="a key that points the same way as the query scores high; one at a right "
            "angle to it scores 0.",
            role="accent",
            values={"scores": v["scores"]},
        )
    )
    if scaled:
        steps.append(
            Step(
                title="scaled by √d_k",
                lines=(
                    (f"√d_k = √{d} = ", Num(root)),
                    (
                        Sym("s", "accent"),
                        " = q·k_j / √d_k = ",
                        v["scores"],
                        f" / {format_number(root, 3)} = ",
                        Num(v["scores"] / root, "accent"),
                    ),
                ),
                note=f"dividing by √d_k keeps the scores' spread near 1 whatever the size of "
                f"the vectors, so the softmax does not saturate onto one key (d_k = {d}).",
                role="accent",
                values={"scaled": v["scores"] / root},
            )
        )
    if mask is not None:
        hidden = [j + 1 for j in range(n) if not visible[j]]
        names = ", ".join(f"k_{j}" for j in hidden)
        steps.append(
            Step(
                title="mask",
                lines=(
                    ("mask = ", Num(mask)),
                    (Sym("s", "accent"), " = ", Num(v["scaled"], "accent")),
                ),
                note=(
                    f"{names} {'is' if len(hidden) == 1 else 'are'} hidden from the query: a "
                    "score of -∞ gives e^-∞ = 0, so no weight at all."
                    if hidden
                    else "nothing is hidden: every key keeps its score."
                ),
                role="accent",
                values={"scaled": v["scaled"]},
            )
        )
    top = float(np.max(v["scaled"]))
    shifted = v["scaled"] - top
    e = np.exp(shifted)
    total = float(e.sum())
    weights = v["weights"]
    best = int(np.argmax(weights))
    steps.append(
        Step(
            title="softmax weights a_j",
            lines=(
                ("m = max_j s_j = ", Num(top), Comment("subtracting it changes no weight")),
                (Sym("a_j", "gate.i"), " = e^(s_j - m) / Σ_i e^(s_i - m)"),
            ),
            table=Table(
                header=("key", "s_j", "s_j - m", "e^(s_j - m)", "a_j"),
                rows=tuple(
                    (
                        f"k_{j + 1}",
                        Num(float(v["scaled"][j])),
                        Num(float(shifted[j])),
                        Num(float(e[j])),
                        Num(float(weights[j]), "gate.i"),
                    )
                    for j in range(n)
                ),  # fmt: skip
                roles=("gate.f", "", "", "", ""),
            ),
            note=f"Σ e = {format_number(total, 3)}; the weights add up to 1 and k_{best + 1} "
            f"gets the most ({100 * float(weights[best]):.0f}%).",
            role="gate.i",
            values={"weights": weights},
        )
    )
    terms: list = [Sym("c", "gate.c"), " = Σ_j a_j·v_j = "]
    products: list = ["  = "]
    for j in range(n):
        if not visible[j]:
            continue
        plus = " + " if len(terms) > 2 else ""
        terms += [plus, Num(float(weights[j])), "·", Num(values[j])]
        products += [" + " if len(products) > 1 else "", Num(weights[j] * values[j])]
    products += [" = ", Num(v["context"], "gate.c")]
    steps.append(
        Step(
            title="context vector c",
            lines=(tuple(terms), tuple(products)),
            note="the context is a weighted average of the values, pulled most toward "
            f"v_{best + 1}, the value of the best-matching key.",
            role="gate.c",
            values={"context": v["context"]},
        )
    )
    div = " / √d_k" if scaled else ""
    return Worked(
        kind="attention",
        title=f"{'Scaled dot-product' if scaled else 'Dot-product'} attention, one query over "
        f"{plural(n, 'key')} (d_k = {d}, d_v = {values.shape[1]})",
        inputs={"query": q, "keys": keys, "values": values}
        | ({} if mask is None else {"mask": mask}),
        params={"scaled": scaled},
        result=v,
        steps=tuple(steps),
        answer_key="context",
        intro=(
            (Sym("s_j", "accent"), f" = q·k_j{div}", Comment("score of key j")),
            (Sym("a_j", "gate.i"), " = e^(s_j) / Σ_i e^(s_i)", Comment("softmax weight")),
            (Sym("c  ", "gate.c"), " = Σ_j a_j·v_j", Comment("context vector")),
            (f"All queries at once, as a matrix: softmax(Q·Kᵀ{div})·V.",),
        ),
        outro=(
            (
                Sym("a", "gate.i"),
                " = ",
                Num(weights, "gate.i"),
                "    ",
                Sym("c", "gate.c"),
                " = ",
                Num(v["context"], "gate.c"),
            ),
        ),
    )


# ------------------------------------------------------------------------------ reading specs
# The options and their defaults are declared in `refresher.explain.specs.attention`.


def read_attention(r: Reader) -> Callable[[], Worked]:
    q = r.get("query", as_vector)
    keys = r.get("keys", as_matrix)
    values = r.get("values", as_matrix)
    scaling = r.get("scaling", as_choice)
    mask = r.get("mask", as_vector)
    r.check()
    n, d = keys.shape
    problems: list[tuple[str, str]] = []
    if q.shape[0] > MAX_DIM:
        problems.append(("query", f"at most {MAX_DIM} numbers, got {q.shape[0]}"))
    if n > MAX_KEYS:
        problems.append(("keys", f"at most {MAX_KEYS} keys (rows), got {n}"))
    if d != q.shape[0]:
        problems.append(
            (
                "keys",
                f"each key needs {plural(q.shape[0], 'number')}, as the query has; "
                f"got {shape_text(keys.shape)}",
            )
        )
    if values.shape[0] != n:
        problems.append(
            ("values", f"expected one row per key ({n}), got {plural(values.shape[0], 'row')}")
        )
    if values.shape[1] > MAX_DIM:
        problems.append(("values", f"at most {MAX_DIM} numbers a row, got {values.shape[1]}"))
    if mask is not None:
        if mask.shape[0] != n:
            problems.append(("mask", f"expected one 1 or 0 per key ({n}), got {mask.shape[0]}"))
        elif not np.all((mask == 0) | (mask == 1)):
            problems.append(("mask", "expected only 1 (seen) and 0 (hidden)"))
        elif not mask.any():
            problems.append(("mask", "hides every key; at least one must be 1"))
    r.require(problems)
    return lambda: explain_attention(q, keys, values, scaled=scaling == "sqrt", mask=mask)
