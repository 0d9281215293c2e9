"""Named mistakes: each one typed exactly gets its diagnosis; right and random answers get none."""

from __future__ import annotations

import numpy as np
import pytest

from refresher.core.errors import InputError
from refresher.kinds.numeric.engine import format_answer, grade, solve
from refresher.kinds.numeric.mistakes import LABELS, label_of, mistakes

C = [[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]]
GRID = [[3, 1, 4, 1, 5], [9, 2, 6, 5, 3], [5, 8, 9, 7, 9], [3, 2, 3, 8, 4], [6, 2, 6, 4, 3]]
SEEDED = {"seed": 7, "input_size": 2, "hidden_size": 2, "x": [0.5, -0.3], "h": [0.2, -0.6]}

# (spec, the mistakes it must offer); together they cover every name in LABELS
CASES = [
    (
        {"kind": "pool", "mode": "avg", "input": GRID, "size": 3, "stride": 2, "padding": 1},
        ["pool:stride-1", "pool:stride-window", "pool:padding-ignored", "pool:pad-not-counted",
         "pool:max-for-avg", "pool:transposed"],
    ),
    ({"kind": "pool", "mode": "avg", "input": GRID, "size": 2, "stride": 2}, ["pool:ceil"]),
    (
        {"kind": "pool", "mode": "avg", "input": GRID, "size": 3, "stride": 2, "padding": 1,
         "exclude_pad": True},
        ["pool:pad-counted"],
    ),
    ({"kind": "pool", "mode": "max", "input": GRID, "size": 2, "stride": 2, "ceil": True},
     ["pool:floor", "pool:avg-for-max"]),
    (
        {"kind": "conv", "input": GRID, "kernel": [[1, 0, 2], [0, -1, 0], [0, 0, 1]],
         "stride": 2, "padding": 1},
        ["conv:kernel-flipped", "conv:padding-ignored", "conv:stride-ignored", "conv:transposed"],
    ),
    (
        {"kind": "pool-size", "input_size": [33, 20], "size": 4, "stride": 3, "padding": 2},
        ["size:pad-once", "size:plus-one", "size:padding-ignored", "size:stride-ignored",
         "size:ceil", "size:transposed"],
    ),
    ({"kind": "pool-size", "input_size": [33, 33], "size": 2, "stride": 2, "ceil": True},
     ["size:floor"]),
    ({"kind": "conv-size", "input_size": [31, 31], "size": 7, "stride": 2, "padding": 3},
     ["size:pad-once", "size:plus-one", "size:stride-ignored", "size:padding-ignored"]),
    ({"kind": "conv-size", "input_size": [33, 33], "size": 4, "stride": 2}, ["size:ceil"]),
    ({"kind": "rnn", **SEEDED, "answer": "h"}, ["rnn:bias-left-out", "rnn:sigmoid-for-tanh"]),
    (
        {"kind": "lstm", **SEEDED, "c": [0.4, -0.9], "answer": "h"},
        ["lstm:tanh-for-sigmoid-f", "lstm:tanh-for-sigmoid-i", "lstm:tanh-for-sigmoid-o",
         "lstm:sigmoid-for-tanh-g", "lstm:bias-left-out", "lstm:h-c-swapped",
         "lstm:forget-on-candidate", "lstm:no-tanh-on-c"],
    ),
    (
        {"kind": "gru", **SEEDED, "answer": "h"},
        ["gru:tanh-for-sigmoid-r", "gru:tanh-for-sigmoid-z", "gru:sigmoid-for-tanh-n",
         "gru:bias-left-out", "gru:update-flipped", "gru:reset-after"],
    ),
    ({"kind": "gru", **SEEDED, "variant": "pytorch", "answer": "h"}, ["gru:reset-before"]),
    (
        {"kind": "params", "cell": "lstm", "input_size": 10, "hidden_size": 20,
         "output_size": 5},
        ["params:two-biases", "params:no-biases", "params:gates-rnn", "params:gates-gru",
         "params:sizes-swapped", "params:output-forgotten"],
    ),
    ({"kind": "params", "cell": "gru", "input_size": 10, "hidden_size": 20},
     ["params:gates-lstm"]),
    ({"kind": "params", "cell": "rnn", "input_size": 3, "hidden_size": 4, "answer": "pytorch"},
     ["params:one-bias"]),
    ({"kind": "attention", "query": [2, 1], "mask": [1, 0, 1]},
     ["attention:unscaled", "attention:mask-ignored", "attention:scores-as-weights",
      "attention:plain-average"]),
    ({"kind": "attention", "query": [2, 1], "answer": "weights"},
     ["attention:unscaled", "attention:scores-normalised"]),
    ({"kind": "shapes", "layers": 3, "bidirectional": True, "batch_first": True, "answer": "h_n"},
     ["shapes:batch-first-on-states", "shapes:directions-forgotten", "shapes:layers-forgotten"]),
    ({"kind": "shapes", "layers": 2, "batch_first": True},
     ["shapes:batch-first-ignored", "shapes:layers-in-output", "shapes:input-size-in-output"]),
    ({"kind": "shapes", "framework": "keras", "return_sequences": True},
     ["shapes:return-sequences"]),
    ({"kind": "perplexity"},
     ["perplexity:nll-given", "perplexity:no-mean", "perplexity:arithmetic-mean"]),
    ({"kind": "perplexity", "answer": "nll"}, ["perplexity:other-base", "perplexity:sign"]),
    ({"kind": "beam"}, ["beam:greedy"]),
    ({"kind": "beam", "start": [0.6, 0.4], "next": [[0.5, 0.5], [1, 0]], "width": 1},
     ["beam:best-of-all"]),
]  # fmt: skip

EACH = [(spec, name) for spec, names in CASES for name in names]


def test_every_named_mistake_has_a_case():
    assert {name for _, name in EACH} == set(LABELS)


@pytest.mark.parametrize(("spec", "name"), EACH, ids=[n for _, n in EACH])
def test_typing_the_mistaken_answer_names_the_mistake(spec, name):
    inst = solve(spec)
    found = {m.name: m for m in mistakes(inst)}
    assert name in found, f"{name} not offered; got {sorted(found)}"
    typed = format_answer(found[name].value, precision=12)
    out = grade(inst, typed, tolerance=1e-6)
    assert out.correct is False
    assert out.detail["mistake"] == name
    assert out.detail["diagnosis"] == found[name].diagnosis
    assert "\n" not in out.detail["diagnosis"] and out.detail["diagnosis"].endswith(".")


@pytest.mark.parametrize(("spec", "_"), CASES)
def test_a_right_answer_and_a_random_wrong_one_get_no_diagnosis(spec, _):
    inst = solve(spec)
    right = grade(inst, format_answer(inst.expected, precision=12), tolerance=1e-6)
    assert right.correct is True and "mistake" not in right.detail
    noise = np.random.default_rng(5).uniform(0.31, 0.97, size=inst.expected.shape)
    wrong = grade(inst, format_answer(inst.expected + noise, precision=12), tolerance=1e-6)
    assert wrong.correct is False and "mistake" not in wrong.detail


def test_the_session_answer_with_stride_1_is_wrong_not_asked_again():
    inst = solve({"kind": "pool", "mode": "avg", "input": C, "size": 2, "stride": 2})
    out = grade(inst, "3.5 4.5 5.5; 3.5 4.5 5.5; 3.75 4.5 5.25")
    assert out.correct is False and out.detail["mistake"] == "pool:stride-1"
    assert out.detail["diagnosis"] == (
        "This is what you get with stride 1: the window moves 2 cells at a time here."
    )
    assert out.given == "3.5 4.5 5.5; 3.5 4.5 5.5; 3.75 4.5 5.25"
    with pytest.raises(InputError, match="expected a 2x2 matrix"):
        grade(inst, "1 2 3; 4 5 6; 7 8 9")  # another shape, no mistake: asked again


def test_no_mistake_repeats_the_right_answer_or_another_mistake():
    inst = solve({"kind": "pool", "mode": "avg", "input": [[1, 1], [1, 1]], "size": 2})
    assert mistakes(inst) == []  # every mistake gives 1 here: nothing to say


def test_kinds_without_named_mistakes_say_nothing():
    inst = solve({"kind": "gradients", "scale": 0.5, "steps": 3, "hidden": 2})
    assert mistakes(inst) == []


def test_labels_of_unknown_names_are_the_names():
    assert label_of("pool:stride-1") == "stride 1 instead of the given stride"
    assert label_of("from:a-newer-version") == "from:a-newer-version"
