"""`refresher explain ...` through the real CLI: golden renders at width 100, JSON, exports,
errors (exit 1, one line on stderr), and --step."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from refresher.cli import app
from refresher.cli.explain import explain_app
from refresher.explain.registry import EXAMPLES

ENV = {"COLUMNS": "100", "NO_COLOR": "1"}
COMMANDS = ["pool", "conv", "rnn", "lstm", "gru", "gradients", "params", "bptt", "attention",
            "shapes", "perplexity", "beam"]  # fmt: skip

ONE_UNIT_LSTM = """\
# one LSTM unit, worked on paper
W_fx: [[0.5]]
W_fh: [[0.5]]
b_f: [0]
W_ix: [[1]]
W_ih: [[-1]]
b_i: [0]
W_cx: [[0.25]]
W_ch: [[0.25]]
b_c: [0]
W_ox: [[1]]
W_oh: [[1]]
b_o: [-2]
"""


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, ["explain", *args], env=ENV, input=input)


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip("\n").splitlines()]


@pytest.fixture
def one_unit(tmp_path: Path) -> Path:
    path = tmp_path / "one_unit.yaml"
    path.write_text(ONE_UNIT_LSTM, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ golden renders

GOLDEN_POOL = """\
Average pooling of C (4x4), 2x2 window, stride 2
╭──────────────────────────────────────────────────────────────────────────────────────────╮
│ Output size: out = floor((n + 2p - k) / s) + 1  (n input, k window, s stride, p padding) │
│ Average pooling: each output cell is the mean of the window it covers.                   │
╰──────────────────────────────────────────────────────────────────────────────────────────╯

 Step 1 of 5 — output size  ────────────────────────────────────────────────────────────────────────
  rows = floor((4 + 2·0 - 2) / 2) + 1 = floor(2/2) + 1 = 2
  cols = floor((4 + 2·0 - 2) / 2) + 1 = floor(2/2) + 1 = 2
  → a 2x2 output: 4 windows, one step each.

 Step 2 of 5 — output (1, 1)  ──────────────────────────────────────────────────────────────────────
  window over rows 1–2, cols 1–2
  (1 + 2 + 5 + 6) / 4 = 14 / 4 = 3.5

  C (4x4)           output (2x2)
  ┌────────────┐    ┌────────────┐
  │[1  2] 3  4 │    │[3.50]    · │
  │[5  6] 7  8 │    │    ·     · │
  │ 1  2  3  4 │    └────────────┘
  │ 5  7  6  8 │
  └────────────┘

 Step 3 of 5 — output (1, 2)  ──────────────────────────────────────────────────────────────────────
  window over rows 1–2, cols 3–4
  (3 + 4 + 7 + 8) / 4 = 22 / 4 = 5.5

  C (4x4)           output (2x2)
  ┌────────────┐    ┌────────────┐
  │ 1  2 [3  4]│    │ 3.50 [5.50]│
  │ 5  6 [7  8]│    │    ·     · │
  │ 1  2  3  4 │    └────────────┘
  │ 5  7  6  8 │
  └────────────┘

 Step 4 of 5 — output (2, 1)  ──────────────────────────────────────────────────────────────────────
  window over rows 3–4, cols 1–2
  (1 + 2 + 5 + 7) / 4 = 15 / 4 = 3.75

  C (4x4)           output (2x2)
  ┌────────────┐    ┌────────────┐
  │ 1  2  3  4 │    │ 3.50  5.50 │
  │ 5  6  7  8 │    │[3.75]    · │
  │[1  2] 3  4 │    └────────────┘
  │[5  7] 6  8 │
  └────────────┘

 Step 5 of 5 — output (2, 2)  ──────────────────────────────────────────────────────────────────────
  window over rows 3–4, cols 3–4
  (3 + 4 + 6 + 8) / 4 = 21 / 4 = 5.25

  C (4x4)           output (2x2)
  ┌────────────┐    ┌────────────┐
  │ 1  2  3  4 │    │ 3.50  5.50 │
  │ 5  6  7  8 │    │ 3.75 [5.25]│
  │ 1  2 [3  4]│    └────────────┘
  │ 5  7 [6  8]│
  └────────────┘

 Result  ───────────────────────────────────────────────────────────────────────────────────────────
  output (2x2)
  ┌────────────┐
  │ 3.50  5.50 │
  │ 3.75  5.25 │
  └────────────┘
"""

GOLDEN_LSTM = """\
LSTM cell, one time step (input 1, hidden 1)
╭─────────────────────────────────────────────────────────────────╮
│ f_t  = σ(W_fh·h_{t-1} + W_fx·x_t + b_f)      forget gate        │
│ c_ft = c_{t-1} * f_t                         old memory kept    │
│ i_t  = σ(W_ih·h_{t-1} + W_ix·x_t + b_i)      input gate         │
│ g_t  = tanh(W_ch·h_{t-1} + W_cx·x_t + b_c)   candidate          │
│ c_it = i_t * g_t                             new memory written │
│ c_t  = c_it + c_ft                           cell state         │
│ o_t  = σ(W_oh·h_{t-1} + W_ox·x_t + b_o)      output gate        │
│ h_t  = o_t * tanh(c_t)                       hidden state       │
│ σ(z) = 1 / (1 + e^-z) lies in (0, 1): 0 blocks, 1 lets through. │
│ * is element-wise; · is a matrix-vector product.                │
╰─────────────────────────────────────────────────────────────────╯
inputs   x_t = [1]    h_{t-1} = [1]    c_{t-1} = [2]
weights
    forget f       W_fx (1x1)    W_fh (1x1)    b_f (1)
                   ┌─────┐       ┌─────┐       ┌───┐
                   │ 0.5 │       │ 0.5 │       │ 0 │
                   └─────┘       └─────┘       └───┘
    input i        W_ix (1x1)    W_ih (1x1)    b_i (1)
                   ┌───┐         ┌────┐        ┌───┐
                   │ 1 │         │ -1 │        │ 0 │
                   └───┘         └────┘        └───┘
    candidate g    W_cx (1x1)    W_ch (1x1)    b_c (1)
                   ┌──────┐      ┌──────┐      ┌───┐
                   │ 0.25 │      │ 0.25 │      │ 0 │
                   └──────┘      └──────┘      └───┘
    output o       W_ox (1x1)    W_oh (1x1)    b_o (1)
                   ┌───┐         ┌───┐         ┌────┐
                   │ 1 │         │ 1 │         │ -2 │
                   └───┘         └───┘         └────┘

 Step 1 of 8 — forget gate f_t  ────────────────────────────────────────────────────────────────────
  a_f = W_fh·h_{t-1} + W_fx·x_t + b_f
      = [0.5] + [0.5] + [0] = [1]
    unit 1: 0.5·1 + 0.5·1 + 0 = 1
  f_t = σ(a_f) = σ([1]) = [0.7311]
  → unit 1 keeps 73% of its old memory.

 Step 2 of 8 — old memory kept, c_ft  ──────────────────────────────────────────────────────────────
  c_ft = c_{t-1} * f_t = [2] * [0.7311] = [1.4621]
  → unit 1: 2 → 1.46.

 Step 3 of 8 — input gate i_t  ─────────────────────────────────────────────────────────────────────
  a_i = W_ih·h_{t-1} + W_ix·x_t + b_i
      = [-1] + [1] + [0] = [0]
    unit 1: (-1)·1 + 1·1 + 0 = 0
  i_t = σ(a_i) = σ([0]) = [0.5]
  → unit 1 lets in 50% of its candidate.

 Step 4 of 8 — candidate g_t  ──────────────────────────────────────────────────────────────────────
  a_g = W_ch·h_{t-1} + W_cx·x_t + b_c
      = [0.25] + [0.25] + [0] = [0.5]
    unit 1: 0.25·1 + 0.25·1 + 0 = 0.5
  g_t = tanh(a_g) = tanh([0.5]) = [0.4621]
  → new content proposed, in (-1, 1): unit 1 +0.46.

 Step 5 of 8 — new memory written, c_it  ───────────────────────────────────────────────────────────
  c_it = i_t * g_t = [0.5] * [0.4621] = [0.2311]
  → the input gate scales the candidate: unit 1 writes +0.23.

 Step 6 of 8 — cell state c_t  ─────────────────────────────────────────────────────────────────────
  c_t = c_ft + c_it = [1.4621] + [0.2311] = [1.6932]
  → kept old memory plus new memory: unit 1: 2 → 1.69.

 Step 7 of 8 — output gate o_t  ────────────────────────────────────────────────────────────────────
  a_o = W_oh·h_{t-1} + W_ox·x_t + b_o
      = [1] + [1] + [-2] = [0]
    unit 1: 1·1 + 1·1 + (-2) = 0
  o_t = σ(a_o) = σ([0]) = [0.5]
  → unit 1 shows 50% of its memory (as tanh(c_t)).

 Step 8 of 8 — hidden state h_t  ───────────────────────────────────────────────────────────────────
  tanh(c_t) = tanh([1.6932]) = [0.9346]
  h_t = o_t * tanh(c_t) = [0.5] * [0.9346] = [0.4673]
  → h_t is this step's output and the next step's h_{t-1}; after the last step it goes to softmax
    for y.

 Result  ───────────────────────────────────────────────────────────────────────────────────────────
  c_t = [1.6932]    h_t = [0.4673]
"""


def test_golden_pool() -> None:
    result = run("pool")
    assert result.exit_code == 0, result.stderr
    assert lines(result.stdout) == lines(GOLDEN_POOL)


def test_golden_one_unit_lstm(one_unit: Path) -> None:
    result = run("lstm", "--params", str(one_unit), "--x", "1", "--h", "1", "--c", "2",
                 "--precision", "4")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert lines(result.stdout) == lines(GOLDEN_LSTM)


# ------------------------------------------------------------------------------ every command


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_runs_on_its_default(command: str) -> None:
    result = run(command)
    assert result.exit_code == 0, result.stderr
    assert "Step 1 of" in result.stdout and "Result" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_json_is_one_object_and_nothing_else(command: str) -> None:
    result = run(command, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["kind", "inputs", "params", "result", "steps"]
    assert data["kind"] == command
    assert data["steps"][0]["n"] == 1


def test_json_values() -> None:
    pool = json.loads(run("pool", "--json").stdout)
    assert pool["result"]["output"] == [[3.5, 5.5], [3.75, 5.25]]
    assert pool["inputs"]["input"][3] == [5, 7, 6, 8]
    assert pool["params"] == {"mode": "avg", "size": [2, 2], "stride": [2, 2],
                              "padding": [0, 0], "ceil": False, "exclude_pad": False}  # fmt: skip
    assert pool["steps"][1]["window"] == {"rows": [0, 2], "cols": [0, 2]}
    assert pool["steps"][1]["text"][1] == "(1 + 2 + 5 + 6) / 4 = 14 / 4 = 3.5"
    maxed = json.loads(run("pool", "--mode", "max", "--json").stdout)
    assert maxed["result"]["output"] == [[6, 8], [7, 8]]
    lstm = json.loads(run("lstm", "--json").stdout)
    assert list(lstm["result"]) == ["a_f", "f", "c_ft", "a_i", "i", "a_g", "g", "c_it", "c",
                                    "a_o", "o", "h", "step"]  # fmt: skip
    assert set(json.loads(run("gru", "--json").stdout)["result"]) >= {"r", "z", "n", "h"}
    assert set(json.loads(run("rnn", "--json").stdout)["result"]) == {"a_h", "h", "logits", "y"}
    assert (
        len(json.loads(run("gradients", "--steps", "7", "--json").stdout)["result"]["norms"]) == 7
    )
    counts = json.loads(run("params", "--json").stdout)["result"]
    assert (counts["count"], counts["pytorch"]) == (48, 56)


def test_options_reach_the_core(one_unit: Path) -> None:
    out = json.loads(run("pool", "--input", "1 2 3; 4 5 6; 7 8 9", "--size", "2", "--stride",
                         "2", "--ceil", "--json").stdout)  # fmt: skip
    assert out["result"]["output"] == [[3.0, 4.5], [7.5, 9.0]]
    padded = json.loads(run("pool", "-i", "1 2; 3 4", "-p", "1", "--exclude-pad", "--json").stdout)
    assert padded["result"]["output"] == [[1, 2], [3, 4]]
    conv = json.loads(run("conv", "--kernel", "1 1; 1 1", "--stride", "2", "--json").stdout)
    assert conv["result"]["output"] == [[14, 22], [15, 21]]
    gru = json.loads(run("gru", "--variant", "pytorch", "--json").stdout)
    assert gru["params"]["variant"] == "pytorch" and "r_hn" in gru["result"]
    rnn = json.loads(run("rnn", "--steps", "3", "--json").stdout)
    assert len(rnn["result"]["h"]) == 3
    lstm = json.loads(run("lstm", "--params", str(one_unit), "--x", "1", "--h", "1", "--c", "2",
                          "--json").stdout)  # fmt: skip
    assert lstm["result"]["h"][0] == pytest.approx(0.4672752514545205)
    assert json.loads(run("params", "--cell", "gru", "--input-size", "10", "--hidden-size", "20",
                          "--json").stdout)["result"]["pytorch"] == 1920  # fmt: skip


def test_input_files(tmp_path: Path) -> None:
    c = [[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]]
    np.save(tmp_path / "c.npy", np.array(c, dtype=float))
    (tmp_path / "c.csv").write_text("1,2,3,4\n5,6,7,8\n1,2,3,4\n5,7,6,8\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("1 2 3 4\n5 6 7 8\n1 2 3 4\n5 7 6 8\n", encoding="utf-8")
    for name in ("c.npy", "c.csv", "c.txt"):
        result = run("pool", "--input-file", str(tmp_path / name), "--json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["result"]["output"] == [[3.5, 5.5], [3.75, 5.25]]


def test_params_as_json_file(tmp_path: Path) -> None:
    weights = {"W_x": [[0.5]], "W_h": [[1]], "b_h": [0], "W_y": [[1], [-1]], "b_y": [0, 0]}
    path = tmp_path / "rnn.json"
    path.write_text(json.dumps(weights), encoding="utf-8")
    data = json.loads(run("rnn", "--params", str(path), "--x", "1", "--h", "0.5", "--json").stdout)
    assert data["result"]["h"][0] == pytest.approx(np.tanh(1.0))


def test_big_input_gets_a_summary_quickly(tmp_path: Path) -> None:
    np.save(tmp_path / "big.npy", np.arange(512 * 512, dtype=float).reshape(512, 512) % 13)
    result = run("pool", "--input-file", str(tmp_path / "big.npy"))
    assert result.exit_code == 0, result.stderr
    assert "65,536 output cells, more than 64: showing a summary." in result.stdout
    assert result.stdout.count("Step ") == 4


def test_precision_changes_the_decimals() -> None:
    assert "[0.6, 0.4]" in run("lstm", "--precision", "1").stdout
    assert "[0.6225, 0.4256]" in run("lstm", "--precision", "4").stdout


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["pool", "--size", "5"],
            "error: --size: the 5x5 window does not fit in the padded input "
            "(4x4 input + padding 0 = 4x4)",
        ),
        (
            ["pool", "--input", "1 2; 3"],
            "error: --input: row 2 has 1 number but row 1 has 2; every row needs the same count",
        ),
        (
            ["pool", "--padding", "2"],
            "error: --padding: padding 2 is more than half the 2x2 "
            "window; at most 1 (padding <= window // 2)",
        ),
        (
            ["pool", "--input", "1", "--input-file", "c.npy"],
            "error: --input and --input-file: give one or the other",
        ),
        (["pool", "--input-file", "missing.txt"], "error: --input-file: missing.txt: no such file"),
        (
            ["pool", "--export", "out.docx"],
            "error: --export: out.docx: unknown extension '.docx'; use .html, .pdf, .svg or .txt",
        ),
        (
            ["conv", "--kernel", "1 2 3 4 5"],
            "error: --kernel: the 1x5 kernel does not fit in the "
            "padded input (4x4 input + padding 0 = 4x4)",
        ),
        (["lstm", "--c", "1 2 3"], "error: --c: expected 2 values (hidden size 2), got 3"),
        (
            ["lstm", "--x", "1 2; 3 4"],
            "error: --x: expected one vector (one time step), got 2 rows",
        ),
        (
            ["rnn", "--steps", "2", "--x", "1 2; 3 4; 5 6"],
            "error: --steps: 2 steps but --x has 3 rows (one per time step)",
        ),
        (["gradients", "--scale", "0"], "error: --scale: must be positive, got 0"),
    ],
)
def test_errors_exit_1_with_one_line(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [message]


def test_wrong_weight_shapes_name_the_weight(tmp_path: Path, one_unit: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(ONE_UNIT_LSTM.replace("W_ih: [[-1]]", "W_ih: [[-1, 2]]"), encoding="utf-8")
    result = run("lstm", "--params", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: --params: W_ih should be 1x1 (hidden x hidden), got 1x2"
    ]
    clash = run("lstm", "--params", str(one_unit), "--seed", "3")
    assert clash.stderr.startswith("error: --params: give params or --seed, not both")
    wrong_x = run("lstm", "--params", str(one_unit), "--x", "1 2")
    assert wrong_x.stderr.splitlines() == ["error: --x: expected 1 value (input size 1), got 2"]


def test_malformed_params_file(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("W_fx: [[1, 2]\n", encoding="utf-8")
    result = run("lstm", "--params", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --params: w.yaml: invalid YAML at line")


# ------------------------------------------------------------------------------ export and --step


@pytest.mark.parametrize("suffix", [".html", ".svg", ".txt"])
def test_export_writes_the_same_rendering(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"pool{suffix}"
    result = run("pool", "--export", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"saved {path}"
    content = path.read_text(encoding="utf-8").replace("&#160;", " ")
    if suffix == ".svg":  # each few characters are placed on their own (see render.export)
        content = re.sub(r"</?tspan[^>]*>", "", content)
    assert "Step 5 of 5" in content and "3.75" in content
    if suffix == ".txt":
        assert lines(content) == lines(GOLDEN_POOL)
    if suffix == ".svg":
        assert content.startswith("<svg") and "Average pooling of C" in content
    if suffix == ".html":
        assert content.startswith("<!DOCTYPE html>")


def test_export_with_json_still_prints_only_json(tmp_path: Path) -> None:
    path = tmp_path / "lstm.txt"
    result = run("lstm", "--json", "--export", str(path))
    assert json.loads(result.stdout)["kind"] == "lstm"
    assert "Step 8 of 8 — hidden state h_t" in path.read_text(encoding="utf-8")


def test_step_does_not_wait_when_stdin_is_not_a_terminal() -> None:
    result = run("lstm", "--step", input="")
    assert result.exit_code == 0
    assert "Step 8 of 8" in result.stdout and "Enter" not in result.stdout


def test_step_waits_for_enter_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("refresher.render.console.stdin_is_tty", lambda: True)
    result = run("lstm", "--step", input="\nq\n")
    assert result.exit_code == 0
    assert "Step 2 of 8" in result.stdout
    assert "Step 3 of 8" not in result.stdout  # q after the second step stops


def test_help_and_import_do_not_load_numpy() -> None:
    code = (
        "import sys\n"
        "from refresher.cli import explain\n"
        "import refresher.cli\n"
        "sys.exit('numpy' in sys.modules)\n"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# ------------------------------------------------------------------------------ tryout fixes


def test_narrow_terminal_keeps_every_weight(tmp_path: Path) -> None:
    for command in ("lstm", "gru"):
        result = CliRunner().invoke(app, ["explain", command], env={**ENV, "COLUMNS": "60"})
        assert result.exit_code == 0, result.stderr
        assert "…" not in result.stdout
        assert max(len(line) for line in result.stdout.splitlines()) <= 60
    data = json.loads(run("gru", "--json").stdout)["params"]
    text = CliRunner().invoke(app, ["explain", "gru"], env={**ENV, "COLUMNS": "60"}).stdout
    for name, value in data.items():
        if name != "variant":
            assert f"{name} (" in text
            assert all(f"{v:.1f}" in text for v in np.ravel(value))


def test_precision_is_at_least_one_and_reads_sensibly() -> None:
    refused = run("lstm", "--precision", "0")
    assert (
        refused.exit_code == 1
        and "--precision: must be a whole number from 1 to 10, got 0" in refused.stderr
    )
    one = run("pool", "--precision", "1").stdout
    assert "15 / 4 = 3.8" in one and "21 / 4 = 5.3" in one  # half-up, as by hand
    lstm = run("lstm", "--precision", "1").stdout
    assert "e-" not in lstm  # 0.05 stays 0.05, not 5e-2
    assert "[0.35, -0.05]" in lstm


def test_params_has_no_precision() -> None:
    assert "--precision" not in run("params", "--help").stdout
    assert run("params", "--precision", "2").exit_code == 2


@pytest.mark.parametrize(
    ("command", "option", "choices"),
    [
        ("pool", "--mode", "avg|max"),
        ("gru", "--variant", "cho|pytorch"),
        ("gradients", "--inputs", "zero|random"),
        ("gradients", "--cell", "rnn|lstm"),
        ("params", "--cell", "rnn|lstm|gru"),
    ],
)
def test_choices_are_listed_in_help_and_checked(command: str, option: str, choices: str) -> None:
    help_text = run(command, "--help").stdout
    assert choices in help_text and "<str>" not in help_text
    wrong = run(command, option, "nope")
    assert wrong.exit_code == 1  # a user's error: one line in the tool's words, no usage box
    assert (
        wrong.stderr
        == f"error: {option}: must be one of {choices.replace('|', ', ')}, got 'nope'\n"
    )
    upper = run(command, option, choices.split("|")[-1].upper(), "--json")
    assert upper.exit_code == 0, upper.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["rnn", "--seed", "99999999999999999999"],
            "error: --seed: must be a whole number from 0 to 4294967295, "
            "got 99999999999999999999",
        ),
        (["rnn", "--params", "."], "error: --params: .: is a folder, not a file"),
        (["pool", "--input-file", "."], "error: --input-file: .: is a folder, not a file"),
        (["conv", "--kernel", "[[1, 2], [3]]"], "error: --kernel: row 2 has 1 number but row 1 "
         "has 2; every row needs the same count"),
        (["lstm", "--x", "1", "--input-size", "2"], "error: --x: expected 2 values (input size 2), "
         "got 1"),
    ],
)  # fmt: skip
def test_more_errors_say_what_is_wrong(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message]


def test_a_ragged_weight_is_named_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "rnn.yaml"
    path.write_text("W_x: [[1,2],[3]]\nW_h: [[1]]\nb_h: [0]\nW_y: [[1]]\nb_y: [0]\n")
    result = run("rnn", "--params", str(path))
    assert result.stderr.splitlines() == [
        "error: --params: W_x: row 2 has 1 number but row 1 has 2; every row needs the same count"
    ]
    path.write_text("W_x: [[1, a]]\nW_h: [[1]]\nb_h: [0]\nW_y: [[1]]\nb_y: [0]\n")
    assert run("rnn", "--params", str(path)).stderr.splitlines() == [
        "error: --params: W_x: row 1, entry 2: 'a' is not a number"
    ]


def test_numbers_at_the_input_bound_average_without_warnings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "refresher", "explain", "pool", "-i", "1e12 1e12; 1e12 -1e12",
         "--json"],
        capture_output=True, text=True, check=False, env={**os.environ, **ENV},
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["result"]["output"] == [[5e11]]


BOUND = "numbers must be from -1e12 to 1e12"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["attention", "--query", "1e300 1e300", "--keys", "1e300 1e300; 1 1",
          "--values", "1 0; 0 1"],
         f"error: --query: 1e300 is too large; {BOUND}; --keys: 1e300 is too large; {BOUND}"),
        (["conv", "--input", "1e308 -1e308; 1e308 1e308", "--kernel", "10 10; 1 1"],
         f"error: --input: 1e308 is too large; {BOUND}"),
        (["conv", "--input", "1 2; 3 4", "--kernel", "1 1; 1 -2e12"],
         f"error: --kernel: -2e12 is too large; {BOUND}"),
        (["pool", "--input", "1e308 1e308; 1e308 1e308"],
         f"error: --input: 1e308 is too large; {BOUND}"),
        (["rnn", "--x", "1e13"], f"error: --x: 1e13 is too large; {BOUND}"),
        (["lstm", "--c", "1e200"], f"error: --c: 1e200 is too large; {BOUND}"),
        (["gru", "--h", "-1e100"], f"error: --h: -1e100 is too large; {BOUND}"),
        (["bptt", "--xs", "1; 1e20"], f"error: --xs: 1e20 is too large; {BOUND}"),
        (["gradients", "--cell", "lstm", "--forget-bias", "1e300"],
         f"error: --forget-bias: 1e300 is too large; {BOUND}"),
        (["beam", "--next", "0.5 0.5; 1e300 0; 0 1"],
         f"error: --next: 1e300 is too large; {BOUND}"),
        # past the float range although every input is in bounds: e^NLL with NLL = 744
        (["perplexity", "--probs", "1e-323"],
         "error: perplexity would be ∞: beyond the float range (about ±1.8e308); "
         "use less extreme numbers"),
    ],
)  # fmt: skip
def test_numbers_past_the_bound_or_the_float_range_are_refused(
    args: list[str], message: str
) -> None:
    """Never nan or ∞ shown as a result (with notes beside it that are then false)."""
    result = run(*args)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [message]


def test_a_params_file_past_the_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rnn.yaml"
    path.write_text("W_x: [[1]]\nW_h: [[1.0e+15]]\nb_h: [0]\nW_y: [[1]]\nb_y: [0]\n")
    result = run("rnn", "--params", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: --params: W_h: 1e15 is too large; {BOUND}"]


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["pool", "-i", "1 2; 3 4"], "a 1x1 output: 1 window, one step."),
        (["conv", "-i", "1 2; 3 4", "--kernel", "1 1; 1 1"], "1 kernel position, one step."),
        (["rnn", "--output-size", "1"], "with a single class, softmax always gives it probability 1."),
        (["gradients"], "Q: an 8x8 orthogonal matrix"),
        (["gradients", "--steps", "1"], "after 1 step the gradient"),
        (["params", "--cell", "rnn", "--hidden-size", "1"], "1 more number: a second bias"),
        (["conv", "--kernel", "; ".join(["1 1 1 1 1 1 1 1"] * 8), "-p", "2"],
         "with an 8x8 kernel"),
        (["conv", "--kernel", "1 1 1 1; 1 1 1 1"], "with a 2x4 kernel"),
    ],
)  # fmt: skip
def test_counts_and_articles_read_right(args: list[str], text: str) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    assert text in " ".join(result.stdout.split())


def test_saved_wording_and_html_title(tmp_path: Path) -> None:
    path = tmp_path / "lstm.html"
    result = run("lstm", "--export", str(path))
    assert result.stderr.strip() == f"saved {path}"
    assert "<title>LSTM cell, one time step (input 2, hidden 2)</title>" in path.read_text(
        encoding="utf-8"
    )


def test_explain_commands_take_their_options_from_the_declarations() -> None:
    commands = get_command(explain_app).commands
    for name, example in EXAMPLES.items():
        if not example.command:
            assert name not in commands
            continue
        params = {p.name: p for p in commands[name].params}
        assert list(params)[: len(example.command)][0] == example.command[0]
        for key in example.command:
            option, default = example.by_key[key], params[key].default
            assert getattr(default, "value", default) == (None if option.unset else option.default)
        assert ("precision" in params) == example.choose_precision
