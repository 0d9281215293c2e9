"""Bare `refresher`: the home screen (per bank due and new, streak, interview, last study, next
command); `--help` still prints help; neither loads NumPy."""

from __future__ import annotations

import json
from pathlib import Path

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


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_home_warns_of_bank_problems_as_banks_does(refresher_home: Path, mini_path: Path) -> None:
    folder = refresher_home / "banks"
    folder.mkdir(parents=True)
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "dup.yaml").write_text(mini_path.read_text().replace("id: mini", "id: session-14"))
    runner = CliRunner()
    home = runner.invoke(app, [])
    listed = runner.invoke(app, ["banks"])
    assert home.exit_code == 0 and listed.exit_code == 0
    assert home.stderr == listed.stderr  # the same lines, worded alike
    lines = home.stderr.splitlines()
    assert len(lines) == 2, home.stderr
    assert lines[0].startswith("warning: skipped ") and "zero.yaml:1: -: not a regular" in lines[0]
    assert "have one id 'session-14'" in lines[1]
    assert "zero.yaml" not in home.stdout and "Next: refresher review" in home.stdout
    review = runner.invoke(app, ["review", "dup"])
    assert review.exit_code == 1
    assert "available: session-14 (not loaded" in review.stderr


def test_home_counts_the_answers_stats_counts_a_skip_is_none() -> None:
    """The last study's answers are `stats`' quiz answers plus reviews: a skipped question
    (stored with no grade) is no answer, and a review with its typed answer counts once."""
    runner = CliRunner()
    quiz = runner.invoke(
        app, ["quiz", "--seed", "1", "--count", "3", "--type", "truefalse"], input="t\ns\nf\n"
    )
    assert quiz.exit_code == 0, quiz.output
    review = runner.invoke(app, ["review", "--limit", "2"], input="\n3\n\n3\nq\n")
    assert review.exit_code == 0, review.output
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    counted = stats["attempts"] + stats["reviews"]
    assert stats["attempts"] == 2 and stats["reviews"] >= 1
    out = _home(100)
    assert f"session-14, {counted} answers" in out, out
