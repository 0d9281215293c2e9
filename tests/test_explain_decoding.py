"""Perplexity and beam search: the explain kinds against plain-Python versions written here,
cases worked on paper, and their spec checks."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from refresher.core.errors import InputError
from refresher.explain.registry import compute, validate

# ------------------------------------------------------------------------------ perplexity


def loop_perplexity(probs, base="e"):
    log = math.log if base == "e" else math.log2
    nll = -sum(log(p) for p in probs) / len(probs)
    return nll, (math.e if base == "e" else 2.0) ** nll


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("base", ["e", "2"])
def test_perplexity_matches_the_loop(seed: int, base: str) -> None:
    probs = np.random.default_rng(seed).uniform(0.01, 1.0, size=int(seed) + 1)
    worked = compute({"kind": "perplexity", "probs": probs.tolist(), "base": base})
    nll, ppl = loop_perplexity(probs.tolist(), base)
    assert worked.result["nll"] == pytest.approx(nll, abs=1e-12)
    assert worked.answer == pytest.approx(ppl, rel=1e-12)
    # the geometric-mean form gives the same number, whatever the base
    assert worked.answer == pytest.approx(float(np.prod(probs)) ** (-1 / probs.size), rel=1e-9)


@pytest.mark.parametrize(
    ("probs", "base", "nll", "ppl"),
    [
        ([0.25, 0.25, 0.25, 0.25], "e", math.log(4), 4.0),  # uniform over 4 tokens: 4
        ([0.5, 0.25], "2", 1.5, 2**1.5),  # 1 bit and 2 bits: 1.5 bits a token
        ([1.0, 1.0], "e", 0.0, 1.0),  # a perfect model
        ([0.5, 0.25, 0.8, 0.1], "e", -math.log(0.01) / 4, 0.01 ** (-1 / 4)),  # the default
    ],
)
def test_perplexity_on_paper(probs, base, nll, ppl) -> None:
    worked = compute({"kind": "perplexity", "probs": probs, "base": base})
    assert worked.result["nll"] == pytest.approx(nll)
    assert worked.answer == pytest.approx(ppl)


@pytest.mark.parametrize(
    ("probs", "message"),
    [
        ("0.5 0", "probs: each probability must be above 0 and at most 1, got 0"),
        ("0.5 1.5", "probs: each probability must be above 0 and at most 1, got 1.5"),
        ([0.5] * 51, "probs: at most 50 probabilities, got 51"),
    ],
)
def test_bad_probabilities_are_refused(probs, message) -> None:
    assert validate({"kind": "perplexity", "probs": probs}) == [message]


def test_tiny_probabilities_keep_their_product_and_its_root() -> None:
    """Π p_t below the smallest float is written exactly (it read 0, and 0^(-1/T) raised
    ZeroDivisionError); the perplexity is checked against exact decimal arithmetic."""
    from decimal import Decimal, localcontext

    from refresher.explain.steps import format_line

    probs = [1e-200, 1e-200, 0.5]
    worked = compute({"kind": "perplexity", "probs": probs})
    with localcontext() as ctx:
        ctx.prec = 40
        exact = math.prod((Decimal(p) for p in probs), start=Decimal(1))
        root = float(exact ** (Decimal(-1) / 3))
    assert worked.answer == pytest.approx(root, rel=1e-12)
    assert worked.answer == pytest.approx(loop_perplexity(probs)[1], rel=1e-12)
    line = format_line(worked.steps[2].lines[1], 3)
    assert line == "    = (Π p_t)^(-1/T) = 5e-401^(-1/3) = 2.71e133"
    assert "1e-200" in format_line(worked.steps[0].table.rows[0][1:2], 3)


def test_a_perplexity_past_the_float_range_is_refused() -> None:
    """e^NLL with NLL = 744 nats is beyond 1.8e308: refused (it raised OverflowError)."""
    assert validate({"kind": "perplexity", "probs": [1e-300]}) == []  # e^690.8: in range
    with pytest.raises(InputError, match=r"^perplexity would be ∞: beyond the float range"):
        compute({"kind": "perplexity", "probs": [5e-324]})
    with pytest.raises(InputError, match=r"^perplexity would be ∞"):
        compute({"kind": "perplexity", "probs": [1e-309], "base": "2"})


def test_a_tiny_probability_reads_as_itself_in_the_inputs_line() -> None:
    """The line of inputs shows p_t = 1e-200 as written (it read 0.0, beside a table that
    showed 1e-200)."""
    import io

    from refresher.render.console import make_console
    from refresher.render.worked import kind_inputs

    worked = compute({"kind": "perplexity", "probs": [1e-200, 0.5]})
    out = io.StringIO()
    make_console(file=out, width=100).print(kind_inputs(worked, 4))
    assert out.getvalue().startswith("p_t [1e-200, 0.5]")


# ------------------------------------------------------------------------------ beam search


def loop_beam(start, nxt, steps, width):
    """Beam search as one writes it on paper: lists of (tokens, probability)."""
    beam = [([], 1.0)]
    for _ in range(steps):
        grown = []
        for tokens, p in beam:
            for k in range(len(start)):
                q = start[k] if not tokens else nxt[tokens[-1]][k]
                grown.append((tokens + [k], p * q))
        # stable sort: among equal probabilities the earlier candidate stays first
        beam = sorted(grown, key=lambda c: -c[1])[:width]
    return beam[0]


def random_model(rng, v):
    start = rng.dirichlet(np.ones(v))
    nxt = rng.dirichlet(np.ones(v), size=v)
    return start, nxt


@pytest.mark.parametrize("seed", range(12))
def test_beam_matches_the_loop_and_never_beats_the_best(seed: int) -> None:
    rng = np.random.default_rng(seed)
    v, steps, width = int(rng.integers(2, 6)), int(rng.integers(1, 5)), int(rng.integers(1, 5))
    start, nxt = random_model(rng, v)
    spec = {"kind": "beam", "start": start.tolist(), "next": nxt.tolist(), "steps": steps,
            "width": width}  # fmt: skip
    result = compute(spec).result
    tokens, p = loop_beam(start.tolist(), nxt.tolist(), steps, width)
    assert result["prob"] == pytest.approx(p, abs=1e-15)
    assert result["sequence"].tolist() == [k + 1 for k in tokens]
    tokens1, p1 = loop_beam(start.tolist(), nxt.tolist(), steps, 1)
    assert result["greedy_prob"] == pytest.approx(p1, abs=1e-15)
    assert result["greedy_sequence"].tolist() == [k + 1 for k in tokens1]
    every = [
        start[s[0]] * math.prod(nxt[a][b] for a, b in itertools.pairwise(s))
        for s in itertools.product(range(v), repeat=steps)
    ]
    assert result["best_prob"] == pytest.approx(max(every), abs=1e-15)
    assert result["greedy_prob"] <= result["best_prob"] + 1e-15
    assert result["prob"] <= result["best_prob"] + 1e-15
    wide = compute({**spec, "width": v**steps}).result  # a beam that keeps everything
    assert wide["prob"] == pytest.approx(max(every), abs=1e-15)


def test_the_default_beam_on_paper() -> None:
    # greedy takes A (0.5) and then A again (0.5·0.4 = 0.2); the beam also keeps B (0.4),
    # whose B (0.9) gives 0.4·0.9 = 0.36, the best of all nine sequences.
    worked = compute({"kind": "beam"})
    assert worked.result["greedy_prob"] == pytest.approx(0.2)
    assert worked.result["greedy_sequence"].tolist() == [1, 1]
    assert worked.answer == pytest.approx(0.36)
    assert worked.result["sequence"].tolist() == [2, 2]
    assert worked.result["best_prob"] == pytest.approx(0.36)
    step2 = worked.steps[1].table.rows
    assert [row[0] for row in step2 if row[-1] == "kept"] == ["AA", "BB"]
    assert step2[4][1] == "p(B)·p(B | B) = 0.4·0.9"
    assert "greedy decoding (width 1) writes AA" in worked.steps[-1].note


def test_a_narrow_beam_that_misses_the_best_says_so() -> None:
    worked = compute({"kind": "beam", "start": [0.6, 0.4], "next": "0.5 0.5; 1 0", "width": 1})
    assert worked.answer == pytest.approx(0.3) and worked.result["best_prob"] == pytest.approx(0.4)
    assert "beam search missed the most probable sequence, BA (0.4)" in worked.steps[-1].note


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"start": "0.5 0.6 0.1"},
         "start: expected probabilities that add up to 1, got a sum of 1.2"),
        ({"start": "0.5 0.5"}, "next: expected 2x2, one row per token, got 3x3"),
        ({"next": "0.5 0.5 0; 0.2 0.2 0.2; 1 0 0"},
         "next: row 2 must be probabilities that add up to 1, got a sum of 0.6"),
        ({"start": [1.0]}, "start: expected 2 to 5 tokens, got 1"),
        ({"steps": 5}, "steps: must be a whole number from 1 to 4, got 5"),
    ],
)  # fmt: skip
def test_bad_models_are_refused(spec, message) -> None:
    assert validate({"kind": "beam", **spec}) == [message]
