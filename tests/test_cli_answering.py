"""Answering as a learner meets it: named mistakes, hints and a second try, overruling, one-line
matrices, the same numbers on `--missed`, a new option order on retry, names instead of ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from refresher.banks.catalog import bank_paths, resolve
from refresher.cli import app
from refresher.kinds.numeric.engine import format_answer, instantiate
from refresher.storage.store import open_store

BANK = """\
id: tiny
title: Tiny bank
topics: {cnn: CNN, rnn: RNN}
questions:
  - id: rnn-acronym
    type: choice
    topic: rnn
    hint: The hidden state loops back into the network.
    prompt: "RNN stands for ____."
    options: [Recursive Neural Network, Recurrent Neural Network, Recurring Neural Network]
    answer: B
    explanation: Recurrent, because the hidden state loops back.
  - id: avg-pool
    type: numeric
    topic: cnn
    prompt: Average-pool C with a 2x2 filter and stride 2.
    compute: {kind: pool, mode: avg, input: [[1, 2, 3, 4], [5, 6, 7, 8], [1, 2, 3, 4], [5, 7, 6, 8]], size: 2, stride: 2}
  - id: pool-drill
    type: numeric
    topic: cnn
    prompt: Average-pool this array with a 2x2 filter and stride 2.
    compute: {kind: pool, mode: avg, input: {random: [4, 4], low: 0, high: 9}, size: 2, stride: 2}
  - id: conv-size
    type: numeric
    topic: cnn
    prompt: What is the output size of a 3x3 convolution, stride 2, padding 1, on 32x32?
    compute: {kind: conv-size, input_size: [32, 32], size: 3, stride: 2, padding: 1}
    tolerance: 0
"""
STRIDE_1 = "3.5 4.5 5.5; 3.5 4.5 5.5; 3.75 4.5 5.25"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


@pytest.fixture
def quiz(bank):
    def invoke(answers: str, *args: str):
        return CliRunner().invoke(app, ["quiz", str(bank), "--no-shuffle", *args], input=answers)

    return invoke


def rows(*columns: str) -> list[tuple]:
    with open_store() as store:
        return store.conn.execute(
            f"SELECT {', '.join(columns)} FROM attempts ORDER BY id"
        ).fetchall()


def tty(monkeypatch) -> None:
    monkeypatch.setattr("refresher.cli.runner.stdin_is_tty", lambda: True)


# --- named mistakes ----------------------------------------------------------------------------


def test_a_named_mistake_is_said_before_the_worked_solution_and_stored(quiz, bank):
    result = quiz(STRIDE_1 + "\n", "--id", "avg-pool")
    out = result.output
    assert result.exit_code == 0, out
    said = "⚑ This is what you get with stride 1: the window moves 2 cells at a time here."
    assert said in out
    assert out.index(said) < out.index("Worked solution")
    assert "Score: 0/1" in out  # graded wrong, not asked again
    assert rows("mistake", "correct") == [("pool:stride-1", 0)]
    data = json.loads(CliRunner().invoke(app, ["stats", str(bank), "--json"]).output)
    assert data["mistakes"] == [
        {"mistake": "pool:stride-1", "label": "stride 1 instead of the given stride", "count": 1}
    ]
    shown = CliRunner().invoke(app, ["stats", str(bank)]).output
    assert "stride 1 instead of the given stride" in shown


def test_a_random_wrong_answer_gets_no_diagnosis(quiz):
    result = quiz("1 2; 3 4\n", "--id", "avg-pool")
    assert "✗ Wrong" in result.output and "⚑" not in result.output
    assert rows("mistake") == [(None,)]


# --- hints and a second try --------------------------------------------------------------------


def test_a_second_try_after_the_hint_counts_right_but_not_at_the_first_try(quiz, bank):
    result = quiz("A\nB\n", "--id", "rnn-acronym", "--tries", "2")
    out = result.output
    assert "✗ Not yet — you answered A. One more try." in out
    assert "Hint: The hidden state loops back into the network." in out
    assert "Second try" in out and "✓ Right on the second try" in out
    assert "The answer" not in out.split("Second try")[0]  # the answer waits for the last try
    assert "Score: 1/1  (100.0%)  0/1 at the first try" in out
    assert rows("correct", "tries", "first_given", "given") == [(1, 2, "A", "B")]
    data = json.loads(CliRunner().invoke(app, ["stats", str(bank), "--json"]).output)
    assert data["first_try"] == {"right": 0, "answered": 1, "accuracy": 0.0}
    assert data["right"] == 1


def test_a_numeric_item_without_a_hint_shows_its_first_step(quiz):
    result = quiz(STRIDE_1 + "\n3.5 5.5; 3.75 5.25\n", "--id", "avg-pool", "--tries", "2")
    out = result.output
    before = out.split("Second try")[0]
    assert "⚑ This is what you get with stride 1" in before  # the named mistake is a hint too
    assert "Hint: the first step" in before and "Step 1 of" in before
    assert "✓ Right on the second try" in out
    assert rows("correct", "tries", "mistake") == [(1, 2, "pool:stride-1")]


def test_quitting_at_the_second_try_keeps_the_first_answer(quiz):
    result = quiz("A\nq\n", "--id", "rnn-acronym", "--tries", "2")
    assert result.exit_code == 0
    assert rows("correct", "tries", "given") == [(0, 1, "A")]


def test_tries_come_from_the_setting(quiz):
    assert CliRunner().invoke(app, ["config", "tries", "2"]).exit_code == 0
    assert "One more try" in quiz("A\nB\n", "--id", "rnn-acronym").output
    bad = CliRunner().invoke(app, ["config", "tries", "5"])
    assert bad.exit_code == 1 and "tries must be between 1 and 2" in bad.stderr


def test_review_rates_a_second_try_hard(bank):
    CliRunner().invoke(app, ["config", "tries", "2"])
    CliRunner().invoke(app, ["config", "fuzz", "false"])
    result = CliRunner().invoke(
        app, ["review", str(bank), "--type", "choice", "--seed", "1"], input="x\nq\n"
    )
    letter = re.search(r"([A-C])\) Recurrent Neural Network", result.output).group(1)
    wrong = next(c for c in "ABC" if c != letter)
    result = CliRunner().invoke(
        app,
        ["review", str(bank), "--type", "choice", "--seed", "1"],
        input=f"{wrong}\n{letter}\nq\n",
    )
    assert "✓ Right on the second try" in result.output
    assert "→ Hard (from your answer)" in result.output


def test_a_hint_must_be_text(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BANK.replace("hint: The hidden state loops back into the network.", "hint: []"))
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "bad.yaml:8: rnn-acronym: 'hint' must be non-empty text" in result.output + result.stderr


def test_the_session_bank_gives_hints_to_at_least_20_questions():
    bank = resolve(None, bank_paths())
    assert sum(1 for q in bank.questions if q.hint) >= 20


# --- overruling --------------------------------------------------------------------------------


def test_o_overrules_a_wrong_answer_on_a_terminal(quiz, monkeypatch):
    tty(monkeypatch)
    result = quiz("1 1\no\n", "--id", "conv-size")  # a typed answer: a typo may be why
    out = result.output
    assert "n: next · o: I was right" in out  # offered with the folded worked solution
    assert "✓ Counted as right: you overruled it." in out
    assert "Score: 1/1" in out
    assert rows("correct", "overruled") == [(1, 1)]


def test_a_slip_on_a_terminal_shows_the_cell_off_and_folds_the_solution(quiz, monkeypatch):
    tty(monkeypatch)
    slip = "3.5 5.5; 3.75 5.5"  # one cell off: row 2, col 2
    result = quiz(slip + "\nn\n", "--id", "avg-pool")
    out = result.output
    assert result.exit_code == 0, out
    assert "Off: row 2, col 2 should be 5.25" in out
    assert out.index("Off: row 2") < out.index("Where it went off")
    focus = out.split("Where it went off")[1]
    assert "Step 5 of 5 — output (2, 2)" in focus and "= 5.25" in focus
    assert "[6  8]" in focus  # the window, bracketed
    assert "Enter or w: the worked solution · n: next · o: I was right" in out
    assert "Worked solution" not in out and "Step 2 of 5" not in out
    assert rows("correct") == [(0,)]
    for unfold in ("\n\n", "w\n\n"):  # Enter (or w): the whole solution, then Enter goes on
        shown = quiz(slip + "\n" + unfold, "--id", "avg-pool").output
        after = shown.split("Enter or w: the worked solution")[1]
        assert "Worked solution" in after and "Step 2 of 5" in after and "Result" in after
        assert "Enter goes on · o: I was right" in after


def test_drill_pool_size_unfolds_no_empty_result_nor_the_step_just_shown(monkeypatch):
    tty(monkeypatch)
    result = CliRunner().invoke(
        app, ["drill", "pool-size", "--seed", "3"], input="5 5\n\n\nq\n", env={"COLUMNS": "80"}
    )
    out = result.output
    assert result.exit_code == 0, out
    assert "Where it went off" in out and "Step 1 of 1 — output size" in out
    after = out.split("Enter or w: the worked solution")[1]
    assert "Worked solution" in after and "Output size: out = floor" in after
    assert "Step 1 of 1 — output size: shown above" in after
    assert "rows = floor" not in after  # the step is not drawn twice
    assert "Result" not in out  # no heading without a result under it
    assert "Enter goes on · o: I was right" in after


def test_a_slip_in_a_gate_shows_the_gate_step_with_each_unit(tmp_path, monkeypatch):
    tty(monkeypatch)
    bank = tmp_path / "gru.yaml"
    bank.write_text(
        "id: g\ntitle: G\ntopics: {gru: GRU}\nquestions:\n  - id: z\n    type: numeric\n"
        "    topic: gru\n    prompt: Compute z_t.\n"
        "    compute: {kind: gru, input_size: 2, hidden_size: 2, ask: z}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["quiz", str(bank)], input="0.1 0.2\nn\n")
    focus = result.output.split("Where it went off")[1]
    assert "update gate z_t" in focus and "unit 1:" in focus and "unit 2:" in focus
    assert "Step 1 of" not in focus and "Worked solution" not in result.output


def test_a_piped_slip_keeps_the_whole_worked_solution(quiz):
    out = quiz("3.5 5.5; 3.75 5.5\n", "--id", "avg-pool").output
    assert "Off: row 2, col 2 should be 5.25" in out
    assert "Worked solution" in out and "Step 2 of 5" in out and "Step 5 of 5" in out
    assert "Where it went off" not in out and "Enter or w" not in out


def test_s_or_q_after_a_wrong_answer_on_a_terminal_goes_on_or_ends(quiz, monkeypatch):
    tty(monkeypatch)
    went_on = quiz("1 1\n\ns\n", "--id", "conv-size")  # solution, then s at the overrule
    assert went_on.exit_code == 0, went_on.output
    assert "Enter goes on · o: I was right" in went_on.output and "Round over" in went_on.output
    slip = "3.5 5.5; 3.75 5.5\n"
    for then in ("\ns\n", "\nq\n", "q\n"):  # after the solution, or at the solution's prompt
        ended = quiz(slip + then, "--id", "avg-pool")
        assert ended.exit_code == 0, ended.output
        assert "Score: 0/1" in ended.output
    assert rows("correct") == [(0,), (0,), (0,), (0,)]


def test_enter_keeps_the_wrong_answer(quiz, monkeypatch):
    tty(monkeypatch)
    result = quiz("1 1\n\n", "--id", "conv-size")
    assert "Score: 0/1" in result.output and rows("correct", "overruled") == [(0, 0)]


def test_o_is_not_offered_after_a_wrong_letter(quiz, monkeypatch):
    tty(monkeypatch)
    result = quiz("A\n", "--id", "rnn-acronym")  # a picked letter is no typo
    assert "o: I was right" not in result.output
    assert "Score: 0/1" in result.output


# --- matrices and sizes ------------------------------------------------------------------------


def test_a_matrix_on_one_line_is_read_by_its_shape(quiz):
    result = quiz("3.5 5.5 3.75 5.25\n", "--id", "avg-pool")
    assert "✓ Right" in result.output


def test_a_first_row_of_the_wrong_count_is_flagged_at_once(quiz, monkeypatch):
    tty(monkeypatch)
    result = quiz("1 2 3 4 5\n3.5 5.5\n3.75 5.25\n", "--id", "avg-pool")
    out = result.output
    assert "expected 2 numbers in a row (or all 4 on one line), got 5" in out
    assert out.index("got 5") < out.index("row 2")  # before the next row is asked
    assert "✓ Right" in out


def test_a_size_answer_explains_its_form(quiz):
    result = quiz("16 16\n", "--id", "conv-size")
    assert "Answer (rows columns, e.g. 8 8)" in result.output and "✓ Right" in result.output


# --- redoing what was missed -------------------------------------------------------------------


def test_missed_asks_the_very_numbers_that_were_missed(quiz, bank):
    quiz("0 0; 0 0\n", "--id", "pool-drill", "--seed", "3")
    from refresher.banks.load import load_bank

    q = load_bank(bank).get("pool-drill")
    missed = format_answer(instantiate(q, 3).expected, precision=6)
    result = quiz(missed + "\n", "--missed", "--seed", "99")
    assert "✓ Right" in result.output
    assert rows("seed") == [(3,), (3,)]


def test_retry_reshuffles_options(bank):
    runner = CliRunner()
    args = ["quiz", str(bank), "--id", "rnn-acronym", "--seed", "4"]
    first = runner.invoke(app, args, input="q\n").output
    order = re.findall(r"([A-C])\) (\w+) Neural", first)
    wrong = next(letter for letter, word in order if word != "Recurrent")
    result = runner.invoke(app, args, input=f"{wrong}\ny\nq\n").output
    rounds = result.split("Retry the 1 missed question?")
    again = re.findall(r"([A-C])\) (\w+) Neural", rounds[1])
    assert [w for _, w in again] != [w for _, w in order]


# --- names, not ids ----------------------------------------------------------------------------


def test_skipped_questions_are_named_by_their_text(quiz):
    result = quiz("s\nq\n", "--id", "rnn-acronym")
    assert "Skipped (1): RNN stands for ____." in result.output


def test_weakest_shows_the_question_text_at_width_60(quiz, bank, monkeypatch):
    quiz("A\n", "--id", "rnn-acronym")
    monkeypatch.setenv("COLUMNS", "60")
    out = CliRunner().invoke(app, ["stats", str(bank)]).output
    weakest = out.split("Weakest questions")[1]
    assert "RNN stands for ____." in weakest


# --- an interview question answered in writing in a quiz -----------------------------------------


def test_a_typed_interview_answer_in_a_quiz_is_kept_and_scored_by_its_points(monkeypatch):
    tty(monkeypatch)
    typed = (
        "An RNN keeps a hidden state step by step.\nIt shares the same weights at every time step."
    )
    result = CliRunner().invoke(app, ["quiz", "--id", "explain-rnn"], input=typed + "\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Key points" in result.output and "Score: 1/1" in result.output
    ((given, correct, points),) = rows("given", "correct", "points")
    assert given == typed and correct == 1
    assert json.loads(points)["of"] == 5 and len(json.loads(points)["covered"]) == 2


def test_a_typed_interview_answer_with_no_point_ticked_counts_wrong(monkeypatch):
    tty(monkeypatch)
    result = CliRunner().invoke(
        app, ["quiz", "--id", "explain-rnn"], input="No idea, sorry.\n\n0\n"
    )
    assert result.exit_code == 0, result.output
    assert rows("given", "correct") == [("No idea, sorry.", 0)]


def test_enter_at_an_interview_question_in_a_quiz_still_reveals_and_asks(monkeypatch):
    tty(monkeypatch)
    result = CliRunner().invoke(app, ["quiz", "--id", "explain-rnn"], input="\ny\n")
    assert result.exit_code == 0, result.output
    assert rows("given", "correct") == [("knew it", 1)]
