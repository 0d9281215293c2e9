"""`refresher quiz --missed` / `--missed-days N`: redo what went wrong, schedule untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from refresher.cli import app
from refresher.storage.store import open_store

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
# rnn-acronym wrong, lstm-sigmoid-gates right, lstm-has-cell wrong, hidden-state right,
# explain-rnn missed (n), forget-card known (y)
MIXED = "A\nA B D\nf\nhidden state\n\nn\n\ny\n"


@pytest.fixture
def quiz(mini_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.setenv("REFRESHER_NOW", NOW.isoformat())

    def invoke(answers: str, *args: str, days_later: int = 0):
        monkeypatch.setenv("REFRESHER_NOW", (NOW + timedelta(days=days_later)).isoformat())
        return runner.invoke(app, ["quiz", str(mini_path), "--no-shuffle", *args], input=answers)

    return invoke


def asked(output: str) -> int:
    return output.count("Question ")


def test_missed_asks_only_what_the_last_round_got_wrong(quiz):
    assert quiz(MIXED).exit_code == 0
    result = quiz("q\n", "--missed")
    assert result.exit_code == 0, result.output
    assert "3 questions" in result.output
    assert "RNN stands for" in result.output
    assert "Which LSTM gates" not in result.output


def test_a_retry_that_got_it_right_clears_it(quiz):
    quiz("A\nA B D\nt\nhidden state\n\ny\n\ny\ny\nB\n")  # missed one, then retried it right
    result = quiz("", "--missed")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no missed questions in your last round of 'mini'")


def test_missed_follows_the_latest_round(quiz):
    quiz(MIXED)
    second = quiz("B\nt\n\nn\n", "--missed")  # two put right, explain-rnn missed again
    assert "3 questions" in second.output
    result = quiz("q\n", "--missed")
    assert "1 question ·" in result.output and "Explain RNN." in result.output


def test_missed_days_looks_across_rounds_and_reviews(quiz, mini_path):
    quiz(MIXED, days_later=-10)  # long ago: ignored below
    quiz("B\nA C\nq\n", days_later=-1)  # rnn right, sigmoid gates wrong
    result = quiz("q\n", "--missed-days", "3")
    assert "1 question ·" in result.output and "Which LSTM gates" in result.output
    CliRunner().invoke(app, ["review", str(mini_path), "--type", "blank"], input="cell state\n")
    result = quiz("q\n", "--missed-days", "3")
    assert "2 questions ·" in result.output  # gates, and hidden-state missed in review
    result = quiz("q\n", "--missed-days", "30")
    # latest answers within 30 days: rnn right, gates wrong, has-cell wrong, hidden-state wrong
    # (in review), explain-rnn wrong
    assert "4 questions" in result.output


def test_missed_with_no_history(quiz):
    result = quiz("", "--missed")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no quiz round of 'mini' yet: nothing missed to redo"
    result = quiz("", "--missed-days", "7")
    assert result.stderr.strip() == (
        "error: no missed questions in 'mini' in the past 7 days: nothing to redo"
    )


def test_missed_narrowed_by_id_and_quizzes_never_touch_the_schedule(quiz):
    quiz(MIXED)
    result = quiz("q\n", "--missed", "--id", "lstm-has-cell")
    assert "1 question" in result.output and "cell state besides" in result.output
    with open_store() as store:
        assert store.card_infos() == {}
        assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
