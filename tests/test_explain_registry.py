"""registry.compute / validate on plain-Python specs, the JSON contract, number formatting."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest

from refresher.core.errors import InputError
from refresher.explain.inputs import as_int, check_rows
from refresher.explain.registry import (
    EXAMPLES,
    SpecError,
    compute,
    kinds,
    validate,
    validate_by_key,
)
from refresher.explain.spec import Problem
from refresher.explain.specs.pooling import SESSION_C
from refresher.explain.steps import (
    Num,
    format_array,
    format_entries,
    format_line,
    format_number,
    plural,
    to_jsonable,
    with_article,
)

RESULT_NAMES = {
    "pool": {"output"},
    "pool-size": {"output_size"},
    "conv": {"output"},
    "conv-size": {"output_size"},
    "rnn": {"a_h", "h", "logits", "y"},
    "lstm": {"a_f", "f", "c_ft", "a_i", "i", "a_g", "g", "c_it", "c", "a_o", "o", "h"},
    "gru": {"r", "z", "n", "h"},
    "gradients": {"norms"},
    "params": {"count", "pytorch"},
    "bptt": {
        "h",
        "y",
        "loss",
        "dL_dh",
        "dL_dW_h",
        "dL_dW_x",
        "dL_db_h",
        "dL_dW_y",
        "dL_db_y",
        "dW_h_by_step",
        "contribution_norms",
    },
    "attention": {"scores", "scaled", "weights", "context"},
    "shapes": {"input", "output", "h_n"},
    "perplexity": {"log_probs", "nll", "perplexity"},
    "beam": {"prob", "sequence", "greedy_prob", "greedy_sequence", "best_prob"},
}


def test_every_kind_is_registered() -> None:
    assert kinds() == list(RESULT_NAMES)


@pytest.mark.parametrize("kind", list(RESULT_NAMES))
def test_every_kind_runs_on_its_defaults_and_honours_the_json_contract(kind: str) -> None:
    assert validate({"kind": kind}) == []
    worked = compute({"kind": kind})
    data = worked.to_dict()
    assert list(data) == ["kind", "inputs", "params", "result", "steps"]
    assert data["kind"] == kind
    assert RESULT_NAMES[kind] <= set(data["result"])
    assert data["steps"] and all({"n", "title", "text", "note", "values"} <= set(s)
                                 for s in data["steps"])  # fmt: skip
    text = json.dumps(data, allow_nan=False)  # plain JSON: no NumPy types, no NaN literals
    assert json.loads(text) == data


def test_session_pooling_through_a_spec() -> None:
    spec = {
        "kind": "pool",
        "mode": "avg",
        "input": [[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]],
        "size": 2,
        "stride": 2,
    }
    assert compute(spec).answer.tolist() == [[3.5, 5.5], [3.75, 5.25]]
    assert compute({**spec, "mode": "max"}).to_dict()["result"]["output"] == [[6, 8], [7, 8]]
    assert compute({**spec, "input": "1 2 3 4; 5 6 7 8; 1 2 3 4; 5 7 6 8"}).answer.tolist() == [
        [3.5, 5.5],
        [3.75, 5.25],
    ]


def test_spec_values_may_be_text() -> None:
    worked = compute({"kind": "pool", "size": "2x1", "stride": "2 1", "padding": "0"})
    assert worked.answer.shape == (2, 4)
    assert compute({"kind": "pool-size", "input_size": "28x28", "size": 2})
    assert compute({"kind": "conv-size", "input": [[1, 2, 3]], "size": [1, 2]}).answer == [1, 2]


def test_answer_key_picks_the_graded_value() -> None:
    worked = compute({"kind": "lstm", "answer": "c"})
    assert worked.answer_key == "c"
    assert worked.answer is worked.result["c"]
    assert validate({"kind": "lstm", "answer": "q"}) == [
        "answer: 'q' is not a result of lstm; one of: a_f, f, c_ft, a_i, i, a_g, g, c_it, c, "
        "a_o, o, h, step"
    ]


def test_cells_from_params() -> None:
    params = {"W_x": [[0.5]], "W_h": [[1.0]], "b_h": [0.0], "W_y": [[1.0], [-1.0]],
              "b_y": [0, 0]}  # fmt: skip
    worked = compute({"kind": "rnn", "params": params, "x": [1], "h": [0.5]})
    assert worked.result["h"][0] == pytest.approx(np.tanh(1.0))
    scalars = compute({"kind": "rnn", "params": {**params, "W_x": 0.5, "W_h": "1"}, "x": 1,
                       "h": 0.5})  # fmt: skip
    assert scalars.result["h"].tolist() == worked.result["h"].tolist()


def test_seeded_sizes_come_from_x_and_h() -> None:
    worked = compute({"kind": "lstm", "seed": 2, "x": [1, 2, 3], "h": [0, 0, 0, 0]})
    assert worked.params["W_fx"].shape == (4, 3)
    assert worked.result["c"].shape == (4,)
    assert compute({"kind": "gru", "hidden_size": 3}).result["h"].shape == (3,)
    assert (
        compute({"kind": "lstm", "seed": 2}).to_dict()
        == compute({"kind": "lstm", "seed": 2}).to_dict()
    )


def test_rnn_steps() -> None:
    worked = compute({"kind": "rnn", "steps": 3})
    assert worked.result["h"].shape == (3, 2)
    repeated = compute({"kind": "rnn", "steps": 3, "x": [1, -1]})
    assert repeated.inputs["x"].tolist() == [[1, -1]] * 3
    assert validate({"kind": "rnn", "steps": 3, "x": "1 2; 3 4"}) == [
        "steps: 3 steps but x has 2 rows (one per time step)"
    ]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"kind": "pol"}, "unknown kind 'pol' (did you mean 'pool'?); one of: pool, pool-size"),
        ({}, "missing 'kind'"),
        ({"kind": "pool", "sise": 2}, "unknown key 'sise' for kind pool (did you mean 'size'?)"),
        ({"kind": "pool", "input": "1 2; 3"}, "input: row 2 has 1 number but row 1 has 2"),
        ({"kind": "pool", "size": 5}, "size: the 5x5 window does not fit in the padded input"),
        ({"kind": "pool", "padding": 2}, "padding: padding 2 is more than half the 2x2"),
        ({"kind": "pool", "mode": "min"}, "mode: expected one of avg, max, got 'min'"),
        ({"kind": "pool", "size": "two"}, "size: expected a whole number N or RxC"),
        ({"kind": "pool", "ceil": "maybe"}, "ceil: expected true or false"),
        ({"kind": "conv", "kernel": [[1, 2], [3]]}, "kernel: row 2 has 1 number but row 1"),
        (
            {"kind": "lstm", "x": [1, 2], "h": [1, 2], "c": [1, 2, 3]},
            "c: expected 2 values (hidden size 2), got 3",
        ),
        ({"kind": "lstm", "params": {"W_fx": [[1]]}}, "params: unknown weight|params: missing"),
        ({"kind": "rnn", "params": {}, "seed": 3}, "params: give params or seed, not both"),
        ({"kind": "gru", "variant": "keras"}, "variant: expected one of cho, pytorch"),
        ({"kind": "gradients", "scale": 0}, "scale: must be positive"),
        (
            {"kind": "gradients", "steps": 1000},
            "steps: must be a whole number from 1 to 200, got 1000",
        ),
        ({"kind": "params", "cell": "transformer"}, "cell: expected one of rnn, lstm, gru"),
        ({"kind": "pool-size", "input_size": [4, 4], "input": [[1]]}, "not both"),
    ],
)
def test_validate_reports_problems(spec, problem) -> None:
    problems = validate(spec)
    assert any(alt in p for alt in problem.split("|") for p in problems), problems
    with pytest.raises(SpecError):
        compute(spec)


def test_validate_collects_every_bad_key_at_once() -> None:
    problems = validate({"kind": "pool", "mode": "min", "size": 0, "ceil": "?"})
    assert len(problems) == 3


def test_wrong_weight_shape_names_the_weight_and_the_expected_shape() -> None:
    spec = compute({"kind": "lstm"}).params
    bad = {k: np.asarray(v).tolist() for k, v in spec.items()}
    bad["W_ih"] = [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]]
    assert validate({"kind": "lstm", "params": bad}) == [
        "params: W_ih should be 2x2 (hidden x hidden), got 2x3"
    ]
    assert validate({"kind": "lstm", "params": bad, "x": [1, 2]}) != []
    x_wrong = {k: np.asarray(v).tolist() for k, v in spec.items()}
    assert validate({"kind": "lstm", "params": x_wrong, "x": [1, 2, 3]}) == [
        "x: expected 2 values (input size 2), got 3"
    ]


@pytest.mark.parametrize(
    "garbage", [None, [], "pool", 3, {"kind": None}, {"kind": "pool", "input": object()}]
)
def test_validate_never_raises(garbage) -> None:
    assert isinstance(validate(garbage), list)
    assert validate(garbage)


def test_option_prefix_names_command_line_options() -> None:
    with pytest.raises(InputError, match=r"--exclude-pad: expected true or false"):
        compute({"kind": "pool", "exclude_pad": "x"}, option_prefix="--")
    with pytest.raises(InputError, match=r"^--size: the 5x5 window"):
        compute({"kind": "pool", "size": 5}, option_prefix="--")


def test_spec_error_is_an_input_error_with_every_problem() -> None:
    err = SpecError(["a: one", "b: two"])
    assert isinstance(err, InputError) and str(err) == "a: one; b: two"


@pytest.mark.parametrize(
    ("spec", "key", "start"),
    [
        ({"kind": "pool", "size": 5}, "size", "size: the 5x5 window"),
        ({"kind": "pool", "padding": 2}, "padding", "padding: padding 2 is more than half"),
        ({"kind": "pool", "nope": 1}, "nope", "unknown key 'nope'"),
        ({"kind": "pool", "answer": "x"}, "answer", "answer: 'x' is not a result"),
        # about one key, named after another: the key is the one the problem is about
        ({"kind": "rnn", "x": "1 2; 3 4", "steps": 3}, "steps", "steps: 3 steps but x has"),
        ({"kind": "rnn", "params": {"W_x": 1}, "seed": 2}, "params", "params: give params or seed"),
        ({"kind": "rnn", "params": {"W_x": [[1, 2], [3]], "W_h": [[1]], "b_h": [0],
                                    "W_y": [[1]], "b_y": [0]}}, "params", "params: W_x: row 2"),
        ({"kind": "bptt", "loss": "mse", "target": "1 2 3", "label": 1}, "label",
         "label: give target or a label"),
        ({"kind": "bptt", "target": "1 2 3"}, "target", "target: only with loss mse"),
        ({"kind": "pool-size", "input_size": 4, "input": [[1]]}, "input_size",
         "input_size: give input_size or input"),
        ({"kind": "pool", "input": [[1] * 10] * 10, "padding": 256, "size": 512}, "padding",
         "padding: the padded input is"),
    ],
)  # fmt: skip
def test_each_problem_carries_the_key_it_is_about(spec, key, start) -> None:
    (problem,) = validate_by_key(spec)
    assert problem.key == key and problem.message.startswith(start)


def test_keyed_problems_keep_their_key_under_command_line_names() -> None:
    with pytest.raises(SpecError) as caught:
        compute({"kind": "pool", "exclude_pad": "x", "ceil": "y"}, option_prefix="--")
    assert [p.key for p in caught.value.keyed] == ["ceil", "exclude_pad"]
    assert caught.value.problems == [p.message for p in caught.value.keyed]
    assert caught.value.problems[1].startswith("--exclude-pad: ")


def test_a_problem_about_a_key_the_spec_does_not_hold_is_about_the_spec() -> None:
    # bptt reads its input size off xs; a bad size is not the line of an input_size key
    assert validate_by_key({"kind": "bptt", "xs": [[1] * 300]})[0].key is None
    assert validate_by_key({"kind": "lstm", "bogus": 1, "x": "a"}) == [
        Problem("bogus", "unknown key 'bogus' for kind lstm; known keys: params, seed, "
                "input_size, hidden_size, x, h, c, answer"),
        Problem("x", "x: entry 1: 'a' is not a number"),
    ]  # fmt: skip
    assert validate_by_key(["not", "a", "spec"])[0].key is None


def test_every_example_declares_what_its_reader_reads() -> None:
    for name, example in EXAMPLES.items():
        assert example.name == name and example.answer in example.results
        assert set(example.command) <= set(example.keys)
        assert callable(example.read())


def test_default_inputs_are_the_sessions() -> None:
    assert np.asarray(SESSION_C).tolist() == [
        [1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]
    ]  # fmt: skip


# ------------------------------------------------------------------------------ formatting


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (3.5, 3, "3.5"),
        (3.0, 3, "3"),
        (-0.0001, 3, "-1e-4"),
        (0.12345, 3, "0.123"),
        (-1e-17, 3, "0"),  # floating-point residue
        (2.5e-9, 4, "2.5e-9"),
        (123456789.0, 2, "1.2e8"),
        (float("inf"), 3, "∞"),
        (float("-inf"), 3, "-∞"),
        (float("nan"), 3, "nan"),
        (-0.0004, 3, "-4e-4"),
        (-0.00004, 3, "-4e-5"),
    ],
)
def test_format_number(value, precision, text) -> None:
    assert format_number(value, precision) == text


def test_tiny_values_are_kept_when_asked() -> None:
    assert format_number(3.9e-26, 3, tiny=True) == "3.9e-26"
    assert format_line(("g = ", Num(3.9e-26, tiny=True))) == "g = 3.9e-26"


def test_arrays_share_their_decimals() -> None:
    assert format_entries([3.5, 3.75], 3) == ["3.50", "3.75"]
    assert format_array([[1, 2], [3, 4]]) == "[[1, 2], [3, 4]]"
    assert format_array(np.arange(20.0)) == "[0, 1, 2, 3, 4, 5, …, 19]"
    assert format_line(("x = ", Num(-0.5, paren=True), "·", np.array([1.0, -2.0]))) == (
        "x = (-0.5)·[1, -2]"
    )


def test_non_finite_values_become_strings_in_json() -> None:
    data = to_jsonable({"a": np.array([1.0, np.inf, -np.inf, np.nan]), "b": np.float32(2.5),
                        "c": np.int64(3), "d": (True, "x")})  # fmt: skip
    assert data == {"a": [1.0, "inf", "-inf", "nan"], "b": 2.5, "c": 3, "d": [True, "x"]}
    assert type(data["c"]) is int


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (5.25, 1, "5.3"),  # half-up, as by hand (not half-to-even's 5.2)
        (3.75, 1, "3.8"),
        (2.675, 2, "2.68"),  # the decimal 2.675, not its binary 2.67499...
        (-0.05, 1, "-0.1"),
        (-0.04, 1, "-0.04"),  # too small for one decimal: two, not 4e-2
        (0.049999999999999996, 1, "0.05"),
        (0.004, 1, "4e-3"),
        (-0.0004, 3, "-4e-4"),
    ],
)
def test_format_number_rounds_like_a_tutor(value, precision, text) -> None:
    assert format_number(value, precision) == text


def test_a_sum_too_big_for_a_float_is_still_written() -> None:
    assert format_number(Decimal("4e308"), 3) == "4e308"
    assert format_line(("= ", Num(Decimal("4E+308")), " / 4")) == "= 4e308 / 4"


@pytest.mark.parametrize(
    ("text", "article"),
    [("8x8", "an"), ("2x2", "a"), ("11x11", "an"), ("18", "an"), ("80", "an"), ("800", "an"),
     ("1x8", "a"), ("110", "a"), ("11,000", "an"), ("8,000", "an"), ("output", "an"),
     ("window", "a")],
)  # fmt: skip
def test_articles(text: str, article: str) -> None:
    assert with_article(text) == f"{article} {text}"


def test_plurals() -> None:
    assert plural(1, "window") == "1 window"
    assert plural(0, "window") == "0 windows"
    assert plural(65536, "cell") == "65,536 cells"
    assert plural(2, "matrix", "matrices") == "2 matrices"


def test_whole_numbers_stay_exact_and_name_their_range() -> None:
    assert as_int(2**70, "n") == 2**70
    assert as_int("12345678901234567890", "n") == 12345678901234567890
    with pytest.raises(InputError, match=r"^seed: must be a whole number from 0 to 9, got 10$"):
        as_int(10, "seed", minimum=0, maximum=9)
    with pytest.raises(InputError, match=r"got 123456789012… \(40 digits\)$"):
        as_int(int("1234567890" * 4), "seed", minimum=0, maximum=9)
    assert "must be at least 1, got 0" in str(
        pytest.raises(InputError, as_int, 0, "n", minimum=1).value
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([[1, 2], [3]], "w: row 2 has 1 number but row 1 has 2; every row needs the same count"),
        ([[1, 2], [3, "x"]], "w: row 2, entry 2: 'x' is not a number"),
        ([1, [2]], "w: entry 2 is a row but entry 1 is a single number"),
        ([1, None], "w: entry 2: None is not a number"),
    ],
)
def test_weight_rows_are_checked_one_by_one(value, message) -> None:
    with pytest.raises(InputError) as caught:
        check_rows(value, "w")
    assert str(caught.value).startswith(message)
    assert validate({"kind": "rnn", "params": {"W_x": value, "W_h": [[1]], "b_h": [0],
                                               "W_y": [[1]], "b_y": [0]}})[0].startswith(
        "params: W_x: " + message[3:]
    )  # fmt: skip
