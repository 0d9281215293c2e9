"""Bare `refresher`: the home screen (per bank due and new, streak, interview, last study, next
command); `--help` still prints help; neither loads NumPy."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from tests.test_cli_quiz import _numpy_loaded

NOW = "2026-03-10T10:00:00+00:00"


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFRESHER_NOW", NOW)


def _home(columns: int = 100) -> str:
    result = CliRunner().invoke(app, [], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("columns", [60, 100])
def test_a_fresh_home_says_what_to_run_first(columns: int) -> None:
    out = _home(columns)
    assert "session-14" in out
    assert "Streak" in out and "none yet" in out
    assert "Last study  never" in out
    assert "Next: refresher review" in out
    assert "no date set" in out
    assert max(len(line) for line in out.splitlines()) <= columns


@pytest.mark.parametrize("columns", [60, 100])
def test_home_after_a_round_shows_streak_interview_and_last_study(columns: int) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["config", "interview_date", "2026-03-24"]).exit_code == 0
    quiz = runner.invoke(
        app, ["quiz", "--seed", "1", "--count", "1", "--type", "truefalse"], input="t\n\n\n"
    )
    assert quiz.exit_code == 0, quiz.output
    out = _home(columns)
    assert "Streak      1 day" in out
    assert "2026-03-24 — in 14 days" in out
    assert "ready" in out  # readiness column once a date is ahead
    assert "Last study  today" in out and "1 answer" in out
    assert max(len(line) for line in out.splitlines()) <= columns


def test_help_still_prints_help() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Usage" in result.stdout and "quiz" in result.stdout
    assert "Next:" not in result.stdout


def test_home_screen_does_not_import_numpy() -> None:
    assert _numpy_loaded([], "") == "CLEAN"
