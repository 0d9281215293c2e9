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
from refresher.quiz import points
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


def test_the_readme_counts_the_bundled_bank_s_questions(bank) -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    said = re.search(r"`content/session-14\.yaml`, (\d+) questions", readme)
    assert said is not None and int(said.group(1)) == len(bank.questions)


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


ATTENTION_ITEMS = [
    "attn-scaled-weights-drill",
    "attn-context-drill",
    "attn-masked-weights",
    "attn-dot-product-context",
]


@pytest.mark.parametrize("qid", ATTENTION_ITEMS)
def test_attention_draws_always_favour_some_key(bank, qid: str) -> None:
    # equal scores would make every weight the same and the context a plain average
    q = bank.get(qid)
    for seed in SEEDS:
        weights = instantiate(q, seed).worked.result["weights"]
        seen = weights[weights > 0]
        assert seen.max() - seen.min() > 0.05, (qid, seed, weights)


@pytest.mark.parametrize("qid", ["decode-beam-drill", "decode-greedy-vs-beam"])
def test_beam_draws_have_no_ties_and_beat_greedy(bank, qid: str) -> None:
    # a tie at the beam's edge would make the kept prefixes a matter of order, not of maths
    q = bank.get(qid)
    for seed in range(60):
        worked = instantiate(q, seed).worked
        width = worked.params["width"]
        for step in worked.steps[:-1]:
            probs = sorted((float(row[2].value) for row in step.table.rows), reverse=True)
            if len(probs) > width:
                assert probs[width - 1] - probs[width] > 0.005, (qid, seed, probs)
        assert worked.result["prob"] - worked.result["greedy_prob"] > 0.01, (qid, seed)


def test_full_step_items_ask_every_gate_and_the_state(bank) -> None:
    lstm = instantiate(bank.get("lstm-full-step-one-unit"), 3)
    r = lstm.worked.result
    rows = [r[k][0] for k in ("f", "i", "g", "o", "c", "h")]
    assert lstm.expected.ravel().tolist() == rows
    gru = instantiate(bank.get("gru-full-step-one-unit"), 3)
    r = gru.worked.result
    assert gru.expected.ravel().tolist() == [r[k][0] for k in ("r", "z", "n", "h")]


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
        assert all(a < b for a, b in zip(norms, norms[1:], strict=False)), (seed, norms)


def test_every_open_model_answer_ticks_its_own_points(bank) -> None:
    """An interview answer that follows the model answer must be able to score full marks."""
    for q in bank.questions:
        if q.type == "open":
            found = points.match(q.answer, q.points)
            missed = [q.points[k] for k, p in enumerate(found.points) if not p.covered]
            assert not missed, (q.id, missed)


def _tag_clashes(tags: set[str]) -> list[tuple[str, str]]:
    """Pairs of tags that differ only by a plural ending or by words added after a hyphen."""
    return sorted(
        (a, b)
        for a in tags
        for b in tags
        if a != b and (b in (a + "s", a + "es") or b.startswith(a + "-"))
    )


def test_tags_are_spelled_one_way(bank) -> None:
    assert _tag_clashes({"vanishing", "vanishing-gradients", "gate", "gates"}) == [
        ("gate", "gates"),
        ("vanishing", "vanishing-gradients"),
    ]
    assert _tag_clashes({t for q in bank.questions for t in q.tags}) == []


@pytest.mark.parametrize(
    ("qid", "counts"),
    [
        # one block is H(X + H) weights plus one bias vector (Keras) or two (PyTorch)
        ("lstm-param-count", {4 * (20 * (10 + 20) + 20): "Keras", 4 * (20 * (10 + 20) + 2 * 20): "PyTorch"}),
        ("gru-param-count", {3 * (20 * (10 + 20) + 20): "", 3 * (20 * (10 + 20) + 2 * 20): "PyTorch"}),
        ("stacked-lstm-param-count", {4 * (64 * (64 + 64) + 64): "Keras", 4 * (64 * (64 + 64) + 2 * 64): "PyTorch"}),
    ],
)  # fmt: skip
def test_parameter_counts_say_what_the_frameworks_report(bank, qid, counts) -> None:
    q = bank.get(qid)
    text = " ".join(q.explanation.split())
    assert int(instantiate(q, 0).expected) == min(counts)
    for count, framework in counts.items():
        assert str(count) in text, (qid, count)
        assert framework in text, (qid, framework)
    assert (1920 in counts) == ("1920" in text)


def test_one_unit_bptt_draws_never_give_a_zero_answer(bank) -> None:
    q = bank.get("bptt-one-unit")
    for seed in SEEDS:
        inst = instantiate(q, seed)
        (x1,), _ = inst.spec["xs"]
        assert x1 != 0 and abs(float(inst.expected.ravel()[0])) > 0.05, (seed, inst.spec["xs"])


def test_own_choice_keys_are_spread_and_not_the_longest_by_far(bank) -> None:
    own = [q for q in bank.questions if q.type == "choice" and q.source == "own"]
    keys = Counter(q.answer for q in own)
    assert max(keys.values()) <= len(own) // 2, keys
    for q in own:
        lengths = sorted(len(o) for o in q.options)
        key = len(q.options[q.answer])
        assert not (key == lengths[-1] and key > 1.4 * lengths[-2]), (q.id, q.options)


@pytest.mark.parametrize(
    ("qid", "typed"),
    [
        ("cell-update-cloze", "f_t; g_t; i_t"),
        ("cell-update-cloze", "forget gate; input gate; candidate"),
        ("cell-update-cloze", "forget gate; candidate; input gate"),
        ("hidden-output-cloze", "output gate; tanh"),
        ("gradient-factor-cloze", "decays; blows up"),
        ("gradient-factor-cloze", "diminishes; explodes"),
        ("gradient-factor-cloze", "goes to zero; grows"),
        ("pooling-facts-cloze", "(2, 2); mean; max"),
        ("embedding-layer-blank", "embedding lookup"),
        ("embedding-layer-blank", "lookup"),
    ],
)
def test_clozes_and_blanks_take_the_usual_names(bank, qid, typed) -> None:
    assert grade(bank.get(qid), typed).correct, (qid, typed)


def test_gate_names_are_accepted_in_every_cloze(bank) -> None:
    names = {"f_t": "forget gate", "i_t": "input gate", "o_t": "output gate", "g_t": "candidate"}
    for q in bank.questions:
        if q.type == "cloze":
            for accepted in q.blanks:
                if accepted[0] in names:
                    assert names[accepted[0]] in accepted, (q.id, accepted)


def test_every_accepted_blank_answer_types_back(bank) -> None:
    for q in bank.questions:
        if q.type == "blank":
            for answer in q.answers:
                assert grade(q, answer).correct, (q.id, answer)
        elif q.type == "cloze":
            assert grade(q, "; ".join(b[0] for b in q.blanks)).correct, q.id
            for k, accepted in enumerate(q.blanks):
                for answer in accepted:
                    typed = [b[0] for b in q.blanks]
                    typed[k] = answer
                    assert grade(q, "; ".join(typed)).correct, (q.id, answer)
