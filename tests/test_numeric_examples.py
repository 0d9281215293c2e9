"""The example in a numeric hint and in a refusal is drawn from the question's own shape: as many
numbers as it wants, and for an output size the same `8 8` the hint gave (`12 12` when the
answer is 8 8 itself)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.core.errors import InputError
from refresher.kinds.numeric.engine import answer_example, read_answer


def test_examples_have_the_shape_asked_for() -> None:
    assert answer_example((3,)) == "0.2 0.7 0.1"
    assert answer_example((2,)) == "0.2 0.7"
    assert answer_example((2,), [8.0, 8.0], sizes=True) == "12 12"
    assert answer_example((2,), [5.0, 3.0], sizes=True) == "8 8"
    with pytest.raises(InputError, match=r"expected 3 numbers \(like 0.2 0.7 0.1\), got 1 number"):
        read_answer("1", (3,))
    with pytest.raises(InputError, match=r"expected 4 numbers \(like 0.2 0.7 0.1 0.5\)"):
        read_answer("", (4,))


def test_an_output_size_is_refused_with_the_hints_example() -> None:
    result = CliRunner().invoke(
        app, ["quiz", "--id", "conv-output-size", "--seed", "1"], input="8\nq\n"
    )
    out = result.output
    assert "Answer (rows columns, e.g. 8 8) ›" in out
    assert "expected 2 numbers (like 8 8), got 1 number" in out
    assert "0.2 0.7" not in out


def test_a_vector_hint_gives_an_example_of_its_length() -> None:
    result = CliRunner().invoke(
        app, ["quiz", "--id", "rnn-hidden-state", "--seed", "1"], input="1\nq\n"
    )
    out = result.output
    assert "Answer (2 numbers separated by spaces, e.g. 0.2 0.7) ›" in out
    assert "expected 2 numbers (like 0.2 0.7), got 1 number" in out
