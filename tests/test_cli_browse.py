"""`refresher find TEXT` and `refresher show ID`: matches with the learner's record, one question
whole with its history; unknown ids point to `find`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from refresher.cli import app


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFRESHER_NOW", "2026-03-10T10:00:00+00:00")


def _run(*args: str, columns: int = 100, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": str(columns)})


def _answer_the_tanh_question_wrong() -> None:
    result = _run("quiz", "--id", "forget-gate-tanh-tf", input="t\n\n\n")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("columns", [60, 100])
def test_find_matches_every_word_in_prompt_answer_explanation_and_tags(columns: int) -> None:
    _answer_the_tanh_question_wrong()
    result = _run("find", "tanh", "forget", columns=columns)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "forget-gate-tanh-tf  truefalse  LSTM" in out
    assert "0 of 1 answer right · last wrong 2026-03-10" in out
    assert "never answered" in out  # the other matches
    assert max(len(line) for line in out.splitlines()) <= columns
    # a tag alone finds it; the answer text too (a blank's answer is not in its prompt)
    assert "forget-gate-tanh-tf" in _run("find", "activation").stdout
    assert "forget-bias-blank" in _run("find", "forget-gate", "bias", "blank").stdout


def test_find_without_a_match_and_without_words() -> None:
    result = _run("find", "zebra-crossing")
    assert result.exit_code == 0 and "No question holds 'zebra-crossing'." in result.stdout
    empty = _run("find", " ")
    assert empty.exit_code == 1 and "give some text to look for" in empty.stderr


@pytest.mark.parametrize("columns", [60, 100])
def test_show_gives_answer_explanation_and_history(columns: int) -> None:
    _answer_the_tanh_question_wrong()
    result = _run("show", "forget-gate-tanh-tf", columns=columns)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("forget-gate-tanh-tf  truefalse  LSTM  session-14")
    assert "Answer f" in out and "Why" in out
    assert "History" in out and "practice  wrong" in out
    assert max(len(line) for line in out.splitlines()) <= columns


def test_show_lays_out_a_match_and_points_of_an_open_question() -> None:
    match = _run("show", "session-14/gate-role-match").stdout
    assert "1. forget gate" in match and "Answer 1C 2B 3A 4E" in match
    assert "History: never answered yet." in match
    assert "Key points" in _run("show", "lstm-variants-open").stdout


def test_unknown_ids_point_to_find() -> None:
    result = _run("show", "forget-bias-blnk")
    assert result.exit_code == 1
    assert "did you mean 'forget-bias-blank'?" in result.stderr
    assert "refresher find TEXT" in result.stderr
    quiz = _run("quiz", "--id", "forget-bias-blnk")
    assert quiz.exit_code == 1 and "refresher find TEXT" in quiz.stderr
    assert "print --json" not in quiz.stderr
