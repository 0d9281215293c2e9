"""Framework shapes: the `shapes` kind against the layouts PyTorch and Keras document, written
here as axis letters; grading of typed and pasted shapes; spec checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from refresher.core.errors import InputError
from refresher.explain.registry import compute, validate
from refresher.kinds.numeric.engine import grade, solve

# The documented layouts, axis by axis (D directions, L layers; B: batch, T: time).
TORCH = {
    "input": {False: "T B X", True: "B T X"},
    "output": {False: "T B DH", True: "B T DH"},
    "h_n": {False: "DL B H", True: "DL B H"},  # batch_first never applies
}
KERAS = {"output": {False: "B DH", True: "B T DH"}, "state": "B H"}


def documented(layout: str, n: int, t: int, x: int, h: int, d: int, layers: int) -> list[int]:
    sizes = {"B": n, "T": t, "X": x, "H": h, "DH": d * h, "DL": d * layers}
    return [sizes[axis] for axis in layout.split()]


@pytest.mark.parametrize(
    ("cell", "layers", "bidirectional", "batch_first"),
    list(itertools.product(["rnn", "lstm", "gru"], [1, 3], [False, True], [False, True])),
)
def test_pytorch_shapes_are_the_documented_ones(cell, layers, bidirectional, batch_first) -> None:
    n, t, x, h = 5, 7, 3, 11
    d = 2 if bidirectional else 1
    spec = {"kind": "shapes", "cell": cell, "batch": n, "steps": t, "input_size": x,
            "hidden_size": h, "layers": layers, "bidirectional": bidirectional,
            "batch_first": batch_first}  # fmt: skip
    result = compute(spec).result
    for key in ("input", "output", "h_n"):
        want = documented(TORCH[key][batch_first], n, t, x, h, d, layers)
        assert result[key].tolist() == want, key
    assert ("c_n" in result) == (cell == "lstm")
    if cell == "lstm":
        assert result["c_n"].tolist() == result["h_n"].tolist()


@pytest.mark.parametrize(
    ("cell", "bidirectional", "sequences", "state"),
    list(itertools.product(["rnn", "lstm", "gru"], [False, True], [False, True], [False, True])),
)
def test_keras_shapes_are_the_documented_ones(cell, bidirectional, sequences, state) -> None:
    n, t, x, h = 5, 7, 3, 11
    d = 2 if bidirectional else 1
    spec = {"kind": "shapes", "framework": "keras", "cell": cell, "batch": n, "steps": t,
            "input_size": x, "hidden_size": h, "bidirectional": bidirectional,
            "return_sequences": sequences, "return_state": state}  # fmt: skip
    result = compute(spec).result
    assert result["input"].tolist() == [n, t, x]
    assert result["output"].tolist() == documented(KERAS["output"][sequences], n, t, x, h, d, 1)
    # [output] + one state (LSTM: h and c) per direction: Bidirectional(LSTM) gives 5
    per_direction = 2 if cell == "lstm" else 1
    assert result["returned"] == 1 + (d * per_direction if state else 0)
    assert ("h_n" in result) == state
    if state:
        assert result["h_n"].tolist() == documented(KERAS["state"], n, t, x, h, d, 1)


def test_the_worked_example_names_the_layer_and_the_rule() -> None:
    worked = compute({"kind": "shapes", "layers": 2, "bidirectional": True, "batch_first": True})
    assert (
        worked.title
        == "Shapes of nn.LSTM(8, 16, num_layers=2, batch_first=True, bidirectional=True)"
    )
    assert [s.title for s in worked.steps] == ["the input", "the output", "the final states"]
    assert "batch_first never changes h_n or c_n" in worked.steps[2].note
    keras = compute({"kind": "shapes", "framework": "keras", "cell": "gru", "bidirectional": True,
                     "return_state": True})  # fmt: skip
    assert keras.inputs["layer"] == "Bidirectional(GRU(16, return_state=True))"
    assert "[output, h_fwd, h_bwd]" in keras.steps[2].note


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"framework": "keras", "layers": 2},
         "layers: Keras stacks layers one by one; give layers 1 (each has its shapes)"),
        ({"framework": "keras", "batch_first": True},
         "batch_first: is PyTorch's; Keras always takes the batch first"),
        ({"return_state": True},
         "return_state: is Keras's; a PyTorch layer always returns output and h_n (and c_n)"),
        ({"layers": 0}, "layers: must be a whole number from 1 to 64, got 0"),
    ],
)  # fmt: skip
def test_settings_of_the_other_framework_are_refused(spec, message) -> None:
    assert validate({"kind": "shapes", **spec}) == [message]


SPEC = {"kind": "shapes", "batch": 32, "steps": 10, "input_size": 8, "hidden_size": 16,
        "layers": 2, "bidirectional": True, "batch_first": True}  # fmt: skip


@pytest.mark.parametrize(
    "typed", ["32 10 32", "(32, 10, 32)", "torch.Size([32, 10, 32])", "[32, 10, 32]", "32x10x32"]
)
def test_a_shape_is_right_however_it_is_written(typed: str) -> None:
    assert grade(solve(SPEC), typed).correct


def test_a_shape_of_another_rank_is_wrong_not_asked_again() -> None:
    out = grade(solve(SPEC), "32 32")
    assert out.correct is False and out.given == "32 32"
    with pytest.raises(InputError, match="expected a shape"):
        grade(solve(SPEC), "thirty-two")


def test_the_batch_first_trap_on_h_n_is_named() -> None:
    inst = solve({**SPEC, "answer": "h_n"})
    assert inst.expected.tolist() == [4, 32, 16]
    out = grade(inst, "32 4 16")
    assert out.correct is False and out.detail["mistake"] == "shapes:batch-first-on-states"
    assert grade(inst, "2 32 16").detail["mistake"] == "shapes:directions-forgotten"
    assert grade(inst, "4 32 16").correct


def test_shapes_are_whole_numbers_compared_exactly() -> None:
    inst = solve(SPEC)
    assert np.array_equal(inst.expected, [32, 10, 32])
    assert not grade(inst, "32 10 32.004").correct
