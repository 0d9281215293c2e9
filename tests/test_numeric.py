"""Numeric questions: generated inputs, reading every answer form, tolerance, spec checks."""

from __future__ import annotations

import numpy as np
import pytest

from refresher.banks.catalog import bank_paths
from refresher.banks.load import check_file, load_bank
from refresher.core.errors import InputError
from refresher.kinds.numeric import NumericQuestion
from refresher.kinds.numeric.engine import (
    grade,
    instantiate,
    read_answer,
    resolve_spec,
    solve,
    spec_problems,
    spec_problems_by_key,
)

C = [[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]]
SESSION = {"kind": "pool", "mode": "avg", "input": C, "size": 2, "stride": 2}


def numeric(compute, **kw) -> NumericQuestion:
    return NumericQuestion(
        bank_id="b", id=kw.pop("id", "n"), topic="cnn", prompt="P", compute=compute, **kw
    )


def test_the_session_pooling_question():
    inst = solve(SESSION)
    assert inst.ask == "output"
    np.testing.assert_allclose(inst.expected, [[3.5, 5.5], [3.75, 5.25]])


@pytest.mark.parametrize(
    "text",
    [
        "3.5 5.5; 3.75 5.25",
        "3.5, 5.5; 3.75, 5.25",
        "[[3.5, 5.5], [3.75, 5.25]]",
        "3.5 5.5\n3.75 5.25",
        "7/2 11/2; 15/4 21/4",
        " 3.50  5.5 ;3.75 5.25 ",
        "3.5 5.5 3.75 5.25",  # every number on one line: the count fits the 2x2 shape
    ],
)
def test_matrix_answer_forms(text):
    assert grade(solve(SESSION), text).correct is True


def test_tolerance_edges():
    inst = solve(SESSION)
    assert grade(inst, "3.5 5.5; 3.759 5.25").correct is True  # 0.009 off, tolerance 0.01
    out = grade(inst, "3.5 5.5; 3.761 5.25")  # 0.011 off
    assert out.correct is False
    assert out.detail["wrong_cells"] == [[1, 0]]
    assert grade(inst, "3.5 5.5; 3.761 5.25", tolerance=0.02).correct is True
    assert grade(inst, "3.5 5.5; 3.8 5.25", tolerance=0, rtol=0.02).correct is True
    assert grade(inst, "3.5 5.5; 3.8 5.25", tolerance=0, rtol=0.01).correct is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3.5 5.5 3.75", "expected a 2x2 matrix (rows split by ';'), got 1x3"),
        ("3.5", "expected a 2x2 matrix (rows split by ';'), got 1x1"),
        ("3.5 5.5; 3.75", "expected a 2x2 matrix"),
        ("three", "expected a 2x2 matrix"),
        ("", "expected a 2x2 matrix"),
    ],
)
def test_wrong_shapes_reprompt(text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        grade(solve(SESSION), text)


def test_scalar_and_vector_answers():
    count = solve({"kind": "params", "cell": "lstm", "input_size": 10, "hidden_size": 20})
    assert count.expected.shape == ()
    assert grade(count, "2480", tolerance=0).correct is True
    assert grade(count, "2481", tolerance=0).correct is False
    assert grade(count, "2,480", tolerance=0).correct is True
    size = solve(
        {"kind": "pool-size", "input_size": [32, 32], "size": 3, "stride": 2, "padding": 1}
    )
    assert grade(size, "16 16", tolerance=0).correct is True
    assert grade(size, "16x16", tolerance=0).correct is True
    assert grade(size, "16×16", tolerance=0).correct is True
    with pytest.raises(InputError, match="expected 2 numbers"):
        read_answer("16", (2,))


def test_lstm_ask_picks_the_value():
    inst = solve({"kind": "lstm", "seed": 3, "x": [1, -1], "ask": "f"})
    assert inst.ask == "f"
    np.testing.assert_allclose(inst.expected, inst.worked.result["f"])
    text = " ".join(f"{v:.4f}" for v in inst.expected)
    assert grade(inst, text).correct is True


def test_random_inputs_follow_the_seed_and_key():
    spec = {"kind": "pool", "mode": "max", "input": {"random": [4, 4], "low": 0, "high": 9}}
    q = numeric(spec)
    first = instantiate(q, 7)
    again = instantiate(q, 7)
    other = instantiate(q, 8)
    renamed = instantiate(numeric(spec, id="other"), 7)
    np.testing.assert_array_equal(first.worked.inputs["input"], again.worked.inputs["input"])
    assert not np.array_equal(first.worked.inputs["input"], other.worked.inputs["input"])
    assert not np.array_equal(first.worked.inputs["input"], renamed.worked.inputs["input"])
    drawn = np.asarray(first.worked.inputs["input"])
    assert drawn.shape == (4, 4) and drawn.min() >= 0 and drawn.max() <= 9
    assert np.array_equal(drawn, drawn.astype(int))


def test_random_decimals_and_choice():
    rng = np.random.default_rng(0)
    out = resolve_spec(
        {
            "x": {"random": [50], "low": -1, "high": 1, "decimals": 1},
            "m": {"choice": ["avg", "max"]},
        },
        rng,
    )
    x = np.asarray(out["x"])
    assert x.min() >= -1 and x.max() <= 1
    np.testing.assert_allclose(x * 10, np.round(x * 10))
    assert out["m"] in ("avg", "max")


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"kind": "poool"}, "unknown kind"),
        ({"kind": "pool", "input": C, "size": 5}, "does not fit"),
        ({"kind": "pool", "input": [[1, 2], [3]]}, "input"),
        ({"kind": "lstm", "seed": 1, "ask": "zz"}, "'zz'"),
        ({"kind": "pool", "input": {"random": [4, 0]}}, "'random' must be a shape"),
        (
            {"kind": "pool", "input": {"random": [4, 4], "low": 9, "high": 1}},
            "low (9) is above high (1)",
        ),
        ({"kind": "pool", "input": {"random": [4, 4], "hihg": 3}}, "unknown key 'hihg'"),
    ],
)
def test_spec_problems(spec, fragment):
    problems = spec_problems(spec)
    assert problems and any(fragment in p for p in problems), problems


def test_spec_problems_carry_their_key():
    # each problem names the bank key it is about: `ask` for the registry's `answer`, the
    # random input's own key, a key read under another's name (steps, not x)
    assert spec_problems_by_key({"kind": "lstm", "seed": 1, "ask": "zz"}) == [
        ("ask", "ask: 'zz' is not a result of lstm; one of: a_f, f, c_ft, a_i, i, a_g, g, "
         "c_it, c, a_o, o, h, step"),
    ]  # fmt: skip
    assert spec_problems_by_key({"kind": "pool", "size": {"random": [], "low": 3, "high": 1}}) == [
        ("size", "size: low (3) is above high (1)")
    ]
    found = spec_problems_by_key({"kind": "rnn", "x": "1 2; 3 4", "steps": 3})
    assert found == [("steps", "steps: 3 steps but x has 2 rows (one per time step)")]
    assert spec_problems_by_key({"kind": "poool"})[0][0] is None


def test_check_reports_compute_problems_with_line(tmp_path, monkeypatch):
    text = """\
id: demo
title: Demo
topics: {cnn: CNN}
questions:
  - id: good
    type: numeric
    topic: cnn
    prompt: P
    compute: {kind: pool, input: [[1, 2], [3, 4]], size: 2}
  - id: too-big
    type: numeric
    topic: cnn
    prompt: P
    compute: {kind: pool, input: [[1, 2], [3, 4]], size: 3}
"""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "demo.yaml").write_text(text)
    _, problems = check_file("demo.yaml")
    assert len(problems) == 1
    # the line of the `size` key (here the compute line), not the line of `- id`
    assert problems[0].startswith("demo.yaml:14: too-big: compute: size: ")


def test_every_bundled_numeric_item_computes_for_many_seeds():
    questions = [
        q for p in bank_paths() for q in load_bank(p).questions if isinstance(q, NumericQuestion)
    ]
    assert len(questions) >= 12
    for q in questions:
        for seed in range(5):
            inst = instantiate(q, seed)
            assert np.all(np.isfinite(inst.expected)), q.id
            # the printed answer, typed back, is graded right
            from refresher.kinds.numeric.engine import format_answer

            assert grade(
                inst, format_answer(inst.expected, precision=6), q.tolerance, q.rtol
            ).correct, q.id


def test_session_question_is_in_the_bank_exactly():
    bank = load_bank(bank_paths()[0])
    q = bank.get("avg-pool-session")
    assert q.compute["input"] == C and q.compute["size"] == 2 and q.compute["stride"] == 2
    assert "average pooling" in q.prompt
