"""The bundled Session 14 bank: coverage, notation, accepted blank answers and generated
numbers that teach something."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from refresher.banks.catalog import bank_paths
from refresher.banks.load import load_bank
from refresher.kinds import kind_of
from refresher.kinds.numeric.engine import instantiate
from refresher.quiz.round import Item

SEEDS = range(500)


def grade(question, text):
    return kind_of(question).grade(Item(question, ()), text)


@pytest.fixture(scope="module")
def bank():
    return load_bank(next(p for p in bank_paths() if p.name == "session-14.yaml"))


def test_coverage(bank) -> None:
    types = Counter(q.type for q in bank.questions)
    assert len(bank.questions) >= 170
    assert types["open"] >= 20
    kinds = {q.compute["kind"] for q in bank.questions if q.type == "numeric"}
    assert {"bptt", "gradients"} <= kinds


def test_open_questions_have_three_to_six_points(bank) -> None:
    for q in bank.questions:
        if q.type == "open":
            assert 3 <= len(q.points) <= 6, q.id


def _texts(q) -> list[str]:
    fields = ("prompt", "explanation", "answer", "front", "back", "options", "points")
    out: list[str] = []
    for name in fields:
        value = getattr(q, name, None)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list | tuple):
            out.extend(v for v in value if isinstance(v, str))
    return out


def test_matrix_products_are_written_with_a_dot_and_the_h_term_first(bank) -> None:
    star_product = re.compile(r"\bW_[a-z]{1,2}\s?\*")
    x_first = re.compile(r"W_\wx·x_t \+ W_\wh·")
    for q in bank.questions:
        for text in _texts(q):
            assert not star_product.search(text), (q.id, text)
            assert not x_first.search(text), (q.id, text)


@pytest.mark.parametrize(
    ("qid", "typed"),
    [
        ("gradient-clipping-blank", "gradient clipping"),
        ("gradient-clipping-blank", "clipping by norm"),
        ("gradient-clipping-blank", "gradient norm clipping"),
        ("gradient-clipping-blank", "clipping"),
        ("avg-pool-output-shape-blank", "2 2"),
        ("avg-pool-output-shape-blank", "[2, 2]"),
        ("avg-pool-output-shape-blank", "2x2"),
        ("avg-pool-output-shape-blank", "2×2"),
        ("gru-gate-count-blank", "2 gates"),
        ("gru-gate-count-blank", "two gates"),
        ("rnn-hidden-activation-blank", "tanh function"),
        ("rnn-hidden-activation-blank", "tanh activation"),
        ("rnn-hidden-activation-blank", "hyperbolic tangent function"),
        ("candidate-activation-blank", "tanh activation"),
        ("candidate-activation-blank", "Hyperbolic tangent function"),
        ("candidate-activation-blank", "tanh()"),
        ("bptt-blank", "BPTT"),
        ("bptt-blank", "back-propagation through time"),
        ("forget-gate-blank", "the forget gate"),
        ("gru-update-gate-blank", "update gate z_t"),
        ("lstm-acronym-blank", "short term"),
        ("exposure-bias-blank", "exposure"),
        ("forget-bias-blank", "1"),
        ("forget-bias-blank", "one"),
        ("embedding-layer-blank", "embedding"),
    ],
)
def test_blanks_accept_what_a_right_learner_types(bank, qid: str, typed: str) -> None:
    assert grade(bank.get(qid), typed).correct


@pytest.mark.parametrize(
    ("qid", "typed"),
    [("rnn-hidden-activation-blank", "sigmoid"), ("gru-gate-count-blank", "3"),
     ("gradient-clipping-blank", "gradient descent"), ("forget-bias-blank", "-1"),
     ("forget-bias-blank", "-1.0"), ("forget-bias-blank", "−1"),
     ("gru-gate-count-blank", "-2")],
)  # fmt: skip
def test_blanks_still_reject_wrong_answers(bank, qid: str, typed: str) -> None:
    assert not grade(bank.get(qid), typed).correct


@pytest.mark.parametrize("qid", ["max-pool-drill", "max-pool-overlapping"])
def test_max_pool_draws_are_never_one_repeated_value(bank, qid: str) -> None:
    q = bank.get(qid)
    for seed in SEEDS:
        out = instantiate(q, seed).expected
        assert np.unique(out).size > 1, (qid, seed)


def test_conv_size_draws_keep_padding_below_the_kernel(bank) -> None:
    q = bank.get("conv-output-size-drill")
    seen = set()
    for seed in SEEDS:
        spec = instantiate(q, seed).spec
        assert spec["padding"] < spec["size"], (seed, spec)
        seen.add((spec["size"], spec["padding"]))
    assert len(seen) == 9  # every kernel size meets every padding


def test_gradient_items_match_s_to_the_t(bank) -> None:
    final = bank.get("gradients-final-norm")
    vanish = bank.get("gradients-vanish-step")
    for seed in range(40):
        inst = instantiate(final, seed)
        assert float(inst.expected) == pytest.approx(inst.spec["scale"] ** 10)
        inst = instantiate(vanish, seed)
        s = inst.spec["scale"]
        t = next(t for t in range(1, 100) if s**t < 0.01)
        assert int(inst.expected) == t


def test_one_unit_bptt_item_matches_the_hand_formula(bank) -> None:
    q = bank.get("bptt-one-unit")
    for seed in range(40):
        inst = instantiate(q, seed)
        (x1,), (x2,) = inst.spec["xs"]
        h1 = np.tanh(x1)
        h2 = np.tanh(0.5 * h1 + x2)
        assert float(inst.expected.ravel()[0]) == pytest.approx(h2 * (1 - h2**2) * h1, abs=1e-12)


def test_keras_clipnorm_is_told_apart_from_global_clipnorm(bank) -> None:
    """Keras's clipnorm clips each tensor by its own norm; the global norm is global_clipnorm."""
    for q in bank.questions:
        for text in _texts(q):
            if re.search(r"(?<!global_)clipnorm", text):
                assert "global_clipnorm" in text, (q.id, text)


def test_bptt_items_say_which_class_is_true(bank) -> None:
    """The engine counts labels from 1; the prompt shows the one-hot target so nobody guesses."""
    for q in bank.questions:
        if q.type == "numeric" and q.compute.get("kind") == "bptt" and "label" in q.compute:
            k, n = q.compute["label"], 3
            onehot = "(" + ", ".join("1" if j == k else "0" for j in range(1, n + 1)) + ")"
            assert onehot in q.prompt, (q.id, q.prompt)
            assert "true class " + str(k) not in q.prompt, q.id


def test_bptt_gradient_norm_shrinks_going_back_as_the_explanation_says(bank) -> None:
    q = bank.get("bptt-contribution-norms")
    assert "‖dL/dh_t‖" in q.explanation
    for seed in range(40):
        worked = instantiate(q, seed).worked
        norms = next(
            s.values["gradient_norms"]
            for s in worked.steps
            if s.values and "gradient_norms" in s.values
        )
        assert all(a < b for a, b in zip(norms, norms[1:])), (seed, norms)
