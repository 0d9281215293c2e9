"""Scaled dot-product attention: the NumPy core against a plain-loop version of the formula,
cases worked on paper, the steps it shows, its spec checks and the command."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.explain.attention import attend, explain_attention
from refresher.explain.registry import compute, validate
from refresher.explain.steps import format_line

LN3 = math.log(3.0)


def loop_attention(q, keys, values, scaled=True, mask=None):
    """The formula in plain Python: no NumPy, no shift by the maximum."""
    d = len(q)
    scores = [sum(q[i] * k[i] for i in range(d)) for k in keys]
    logits = [s / math.sqrt(d) if scaled else s for s in scores]
    seen = [True] * len(keys) if mask is None else [m == 1 for m in mask]
    exps = [math.exp(s) if ok else 0.0 for s, ok in zip(logits, seen, strict=True)]
    total = sum(exps)
    weights = [e / total for e in exps]
    context = [
        sum(weights[j] * values[j][c] for j in range(len(keys))) for c in range(len(values[0]))
    ]
    return scores, weights, context


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("scaled", [True, False])
def test_attention_matches_the_loop(seed: int, scaled: bool) -> None:
    rng = np.random.default_rng(seed)
    n, d, dv = int(rng.integers(1, 6)), int(rng.integers(1, 5)), int(rng.integers(1, 4))
    q, keys, values = rng.normal(size=d), rng.normal(size=(n, d)), rng.normal(size=(n, dv))
    mask = None
    if seed % 3 == 0 and n > 1:
        mask = (rng.random(n) < 0.6).astype(float)
        mask[int(rng.integers(n))] = 1.0
    got = attend(q, keys, values, scaled=scaled, mask=mask)
    scores, weights, context = loop_attention(
        q.tolist(), keys.tolist(), values.tolist(), scaled, None if mask is None else mask.tolist()
    )
    assert got["scores"] == pytest.approx(scores, abs=1e-12)
    assert got["weights"] == pytest.approx(weights, abs=1e-12)
    assert got["context"] == pytest.approx(context, abs=1e-12)
    assert float(got["weights"].sum()) == pytest.approx(1.0)


def test_two_keys_on_paper_with_the_scaling() -> None:
    # d_k = 4, so √d_k = 2: scores ln 9 and 0 scale to ln 3 and 0; e^(ln 3) = 3 and e^0 = 1
    # give weights 3/4 and 1/4, and the context is 3/4·v_1 + 1/4·v_2.
    q = [math.log(9.0), 0.0, 0.0, 0.0]
    keys = [[1, 0, 0, 0], [0, 1, 0, 0]]
    worked = compute({"kind": "attention", "query": q, "keys": keys, "values": [[4, 0], [0, 8]]})
    assert worked.result["scaled"] == pytest.approx([LN3, 0.0])
    assert worked.result["weights"] == pytest.approx([0.75, 0.25])
    assert worked.answer == pytest.approx([3.0, 2.0])


def test_a_masked_key_gets_no_weight_on_paper() -> None:
    # Unmasked, the third key (score 10) would take nearly all the weight; masked, the other
    # two share it as e^(ln 3) : e^0 = 3 : 1.
    worked = compute(
        {
            "kind": "attention",
            "query": [LN3, 10],
            "keys": "1 0; 0 0; 0 1",
            "values": "1; 5; 100",
            "scaling": "none",
            "mask": "1 1 0",
        }
    )
    assert worked.result["weights"].tolist() == pytest.approx([0.75, 0.25, 0.0])
    assert worked.answer == pytest.approx([0.75 * 1 + 0.25 * 5])
    assert worked.result["scaled"][2] == -math.inf


def test_the_default_example_is_the_one_in_the_readme() -> None:
    worked = compute({"kind": "attention"})
    s = [1 / math.sqrt(2), 2 / math.sqrt(2), 3 / math.sqrt(2)]
    e = [math.exp(v) for v in s]
    w = [v / sum(e) for v in e]
    assert worked.result["scores"].tolist() == [1.0, 2.0, 3.0]
    assert worked.result["weights"] == pytest.approx(w)
    assert worked.answer == pytest.approx([w[0] + 3 * w[2], 2 * w[1] + w[2]])


def test_steps_follow_the_options() -> None:
    titles = [s.title for s in compute({"kind": "attention"}).steps]
    assert titles == ["scores q·k_j", "scaled by √d_k", "softmax weights a_j", "context vector c"]
    plain = compute({"kind": "attention", "scaling": "none", "mask": [1, 0, 1]})
    assert [s.title for s in plain.steps] == [
        "scores q·k_j",
        "mask",
        "softmax weights a_j",
        "context vector c",
    ]
    assert "k_2 is hidden from the query" in plain.steps[1].note
    context = [format_line(line, 3) for line in plain.steps[3].lines]
    assert "v_2" not in " ".join(context) and "[0, 2]" not in context[0]  # masked: left out
    assert plain.title.startswith("Dot-product attention, one query over 3 keys")


def test_the_scores_table_writes_each_dot_product_out() -> None:
    worked = explain_attention(np.array([1.0, -1.0]), np.array([[2.0, 3.0]]), np.array([[1.0]]))
    (row,) = worked.steps[0].table.rows
    assert row[2] == "1·2 + (-1)·3"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"keys": "1 0 0; 0 1 0; 0 0 1"},
            "keys: each key needs 2 numbers, as the query has; got 3x3",
        ),
        ({"values": "1 0; 0 1"}, "values: expected one row per key (3), got 2 rows"),
        ({"mask": "1 1"}, "mask: expected one 1 or 0 per key (3), got 2"),
        ({"mask": "1 0.5 1"}, "mask: expected only 1 (seen) and 0 (hidden)"),
        ({"mask": "0 0 0"}, "mask: hides every key; at least one must be 1"),
        ({"scaling": "half"}, "scaling: expected one of sqrt, none, got 'half'"),
        ({"keys": [[1, 0]] * 13, "values": [[1]] * 13}, "keys: at most 12 keys (rows), got 13"),
    ],
)
def test_bad_specs_name_the_key(spec, message) -> None:
    assert validate({"kind": "attention", **spec}) == [message]


def test_command_prints_the_steps_and_json() -> None:
    env = {"COLUMNS": "100", "NO_COLOR": "1"}
    runner = CliRunner()
    result = runner.invoke(app, ["explain", "attention", "--mask", "1 1 0"], env=env)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Step 3 of 5 — mask" in out and "K (3x2, one row per key)" in out
    assert "mask [1, 1, 0]" in out
    data = json.loads(
        runner.invoke(app, ["explain", "attention", "--json", "--scaling", "none"], env=env).stdout
    )
    assert data["kind"] == "attention" and data["params"] == {"scaled": False}
    assert data["result"]["scores"] == [1.0, 2.0, 3.0] == data["result"]["scaled"]
    bad = runner.invoke(app, ["explain", "attention", "--keys", "1 0 0; 0 1 0; 1 1 0"], env=env)
    assert bad.exit_code == 1
    assert bad.stderr.strip().endswith(
        "--keys: each key needs 2 numbers, as the query has; got 3x3"
    )
    assert len(bad.stderr.strip().splitlines()) == 1


def test_the_bank_drills_attention_with_its_inputs_shown(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("REFRESHER_HOME", str(tmp_path))
    env = {"COLUMNS": "100", "NO_COLOR": "1"}
    result = CliRunner().invoke(app, ["drill", "attention", "--seed", "3"], input="q\n", env=env)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Drill: attention" in out
    assert "K (3x2, one row per key)" in out and "V (3x2, one row per key)" in out
    assert "Asked: the " in out
    assert "(2 values, one per value entry)" in out or "(3 values, one per key)" in out
