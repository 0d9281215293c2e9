"""Numeric questions through the CLI: quiz, drill and print agree on the numbers."""

from __future__ import annotations

import json
import random
import re

import numpy as np
from typer.testing import CliRunner

from refresher.banks.catalog import bank_paths, resolve
from refresher.cli import app
from refresher.kinds.numeric.engine import format_answer
from refresher.quiz.drill import drill_items
from refresher.quiz.round import attach_instances, make_items
from refresher.storage.store import open_store


def test_piped_round_from_the_printed_key_scores_full_marks():
    runner = CliRunner()
    printed = json.loads(
        runner.invoke(app, ["print", "--type", "numeric", "--seed", "11", "--json"]).output
    )
    assert len(printed) >= 12
    assert {"id", "type", "prompt", "inputs", "answer"} <= set(printed[0])
    answers = "".join(format_answer(np.asarray(e["answer"]), precision=6) + "\n" for e in printed)
    result = runner.invoke(
        app,
        ["quiz", "--type", "numeric", "--seed", "11", "--no-shuffle", "--count", "0"],
        input=answers,
    )
    assert result.exit_code == 0, result.output
    assert f"Score: {len(printed)}/{len(printed)}  (100.0%)" in result.output


def test_shuffled_quiz_asks_the_printed_numbers():
    """Instances depend on the seed and the question, not on the order or size of the round."""
    bank = resolve(None, bank_paths())
    numeric = [q for q in bank.questions if q.type == "numeric"]
    printed = {
        i.question.id: i
        for i in attach_instances(make_items(numeric, random.Random(9), shuffle=False), 9)
    }
    quizzed = attach_instances(make_items(numeric, random.Random(9), count=5), 9)
    assert [i.question.id for i in quizzed] != list(printed)[:5]  # really shuffled
    for item in quizzed:
        twin = printed[item.question.id]
        np.testing.assert_array_equal(item.instance.expected, twin.instance.expected)
        assert item.instance.spec == twin.instance.spec


def test_wrong_numeric_answer_shows_cells_and_worked_solution():
    result = CliRunner().invoke(
        app, ["quiz", "--id", "avg-pool-session", "--seed", "1"], input="3.5 5.5; 3.7 5.25\n"
    )
    out = result.output
    assert "✗ Wrong" in out
    assert "The answer: 3.5 5.5; 3.75 5.25" in out
    assert "row 2, col 1 should be 3.75" in out
    assert "Worked solution" in out and "(1 + 2 + 5 + 7) / 4 = 15 / 4 = 3.75" in out


def test_wrong_shape_reprompts_without_counting():
    result = CliRunner().invoke(
        app,
        ["quiz", "--id", "avg-pool-session", "--seed", "1"],
        input="1 2 3\n3.5 5.5; 3.75 5.25\n",
    )
    assert "expected a 2x2 matrix (rows split by ';'), got 1x3" in result.output
    assert "Score: 1/1" in result.output


def test_drill_gives_fresh_numbers_and_stores_answers():
    bank = resolve(None, bank_paths())
    items = drill_items(bank, "pool", 3, random.Random(3))
    first, second = next(items), next(items)
    answers = f"{format_answer(first.instance.expected)}\n0\n"
    result = CliRunner().invoke(app, ["drill", "pool", "--seed", "3"], input=answers + "q\n")
    assert result.exit_code == 0, result.output
    assert "Question 1 " in result.output and "Question 2 " in result.output
    assert "Question 3" not in result.output
    with open_store() as store:
        rows = store.attempts()
    assert [r.mode for r in rows] == ["drill"] * len(rows)
    assert rows[0].correct is True
    assert "Score: 1/1" in result.output
    assert second.question.compute["kind"] == "pool"


def test_drill_miss_shows_worked_solution():
    result = CliRunner().invoke(app, ["drill", "params", "--seed", "2"], input="1\nq\n")
    assert "✗ Wrong" in result.output and "Worked solution" in result.output


def test_drill_unknown_kind_lists_kinds():
    result = CliRunner().invoke(app, ["drill", "pooling"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: nothing to drill for 'pooling'; kinds in session-14: ")
    assert "pool" in result.stderr and "lstm" in result.stderr


def test_print_with_answers_and_exports(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["print", "--topic", "cnn", "--seed", "3", "--answers"])
    assert result.exit_code == 0
    assert "Answer key" in result.output and "3.5 5.5; 3.75 5.25" in result.output
    for suffix in ("html", "svg", "txt"):
        path = tmp_path / f"sheet.{suffix}"
        # an SVG is one image: a short worksheet (the whole numeric one is refused, see
        # test_cli_polish)
        some = ["--type", "numeric", "--topic", "cnn", "--tag", "session-exercise"]
        result = runner.invoke(
            app, ["print", *some, "--seed", "3", "--answers", "--export", str(path)]
        )
        assert result.exit_code == 0, result.stderr
        text = re.sub(r"</?tspan[^>]*>", "", path.read_text())  # SVG: placed pieces
        assert "Answer" in text and ("3.75" in text or "3.75" in text.replace("&#160;", " "))
    result = runner.invoke(app, ["print", "--export", str(tmp_path / "sheet.odt")])
    assert result.exit_code == 1 and "use .html, .pdf, .svg or .txt" in result.stderr


def test_print_json_answers_by_type():
    data = json.loads(CliRunner().invoke(app, ["print", "--seed", "1", "--json"]).output)
    by_id = {e["id"]: e for e in data}
    assert by_id["rnn-acronym"]["answer"] == "B"
    assert by_id["avg-pool-session"]["answer"] == [[3.5, 5.5], [3.75, 5.25]]
    kinds = {e["type"]: e["answer"] for e in data}
    assert isinstance(kinds["truefalse"], bool)
    assert isinstance(kinds["multi"], list) and isinstance(kinds["blank"], list)


def test_a_matrix_can_be_typed_one_row_per_line_on_a_terminal(monkeypatch):
    monkeypatch.setattr("refresher.cli.runner.stdin_is_tty", lambda: True)
    runner = CliRunner()
    result = runner.invoke(
        app, ["quiz", "--id", "avg-pool-session", "--seed", "1"], input="3.5 5.5\n3.75 5.25\n"
    )
    assert "row 2 ›" in result.output and "✓ Right" in result.output
    result = runner.invoke(
        app, ["quiz", "--id", "avg-pool-session", "--seed", "1"], input="3.5 5.5\nq\n"
    )
    assert (
        result.exit_code == 0 and "Nothing answered" in result.output
    )  # q at a row prompt ends the round


FIXED_ONLY = """id: fixed
title: Imported
topics: {t: T}
questions:
  - id: n1
    type: numeric
    topic: t
    prompt: "2 + 2?"
    answer: 4
"""


def test_a_bank_alone_after_drill_lists_its_kinds(tmp_path):
    """`refresher drill my-bank.yaml` means the bank, not a kind called `my-bank.yaml`."""
    path = tmp_path / "mine.yaml"
    path.write_text(FIXED_ONLY, "utf-8")
    result = CliRunner().invoke(app, ["drill", str(path)])
    assert "nothing to drill for" not in result.stderr
    assert "session-14" not in result.stderr and "fixed" in result.stderr
    result = CliRunner().invoke(app, ["drill", "session-14"])
    assert result.exit_code == 0 and "can drill:" in result.stdout


def test_drill_on_fixed_numeric_answers_says_why_not(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(FIXED_ONLY, "utf-8")
    result = CliRunner().invoke(app, ["drill", "pool", str(path)])
    assert result.exit_code == 1
    assert "no numeric questions" not in result.stderr
    assert "fixed answer" in result.stderr and "`quiz`" in result.stderr
